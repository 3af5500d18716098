"""Wiring and lifecycle: registry, broker (embedded or configured), devices, executor, automations, timers."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.homeassistant import Credentials, HomeAssistantBridge
from devices.homefile import DEMO_HOME, load_home
from hub.machine.files import FileRoots
from hub.machine.processes import ProcessRunner
from devices.manager import DeviceManager
from hub.core.home import Entity, Home
from devices.mqtt.broker import BrokerCredentials, EmbeddedBroker
from devices.mqtt.client import MqttClient, MqttOptions
from devices.registry import Registry
from devices.simulator import SimulatedHome
from hub.core.config import HearthConfig, data_dir, parse_broker_uri
from hub.conversation import (
    MAX_TEXT,
    Conversation,
    ConversationServices,
    IntentResolver,
    Policy,
    load_default_resolver,
)
from hub.core.errors import HearthError
from hub.core.events import Outcome, ToolCall
from hub.executor import Executor
from hub.ha_intents import HaIntentOptions, register_ha_intents
from hub.machine.intents import register_machine_intents
from hub.core.logs import RateLimitedLogger
from hub.netjson import load_json
from hub.services import AssistantState, HubNotRunning, HubServices
from hub.traces import TraceStore
from hub.undo import register_restore
from scenes.engine import AutomationEngine
from hub.household.intents import announcement, register_list_intents, register_timer_intents
from hub.household.lists import ListStore
from scenes.loader import load_automation_file
from scenes.models import Automation, IntentAction, Scene, SceneAction
from hub.household.timers import Timer, TimerService

_LOGGER = logging.getLogger(__name__)
_BAD_INPUT = RateLimitedLogger(_LOGGER)
_SETTLE_QUIET = 0.15
_SETTLE_MAX = 2.0
SPEAK_TOPIC = "hearth/speak"
EVENT_TOPIC = "hearth/event"
SCENE_TRIGGER = "hearth/scene/+/set"
AUTOMATION_SWITCH = "hearth/automation/+/set"
COMMAND_TOPIC = "hearth/command"
"""{"intent": "HassTurnOn", "slots": {...}, "id": ..., "reply_to": ...} in, the outcome out; or {"text": "turn
it off", "conversation_id": ..., "area": "Kitchen", "id": ..., "reply_to": ...} in (no conversation_id: a new
conversation; the area is where the speaker is), the trace with its conversation_id out. Answers go to
`reply_to` (under REPLY_PREFIX), else to hearth/command/result."""
REPLY_PREFIX = f"{COMMAND_TOPIC}/reply/"
MAX_COMMAND_BYTES = 16 * 1024


@dataclass(frozen=True, slots=True)
class CommandRequest:
    """One hearth/command message: the call (or a sentence, in a conversation), the requester's id for it, and
    where the answer goes."""

    call: ToolCall | None
    id: str | None = None
    reply_to: str | None = None
    text: str | None = None
    conversation_id: str | None = None
    area: str | None = None
    """Where the speaker is (a text request), deciding "the lights"."""

    @property
    def topic(self) -> str:
        return self.reply_to or f"{COMMAND_TOPIC}/result"

    def answer(self, result: dict[str, Any]) -> dict[str, Any]:
        return {**result, "id": self.id} if self.id is not None else result


@dataclass(frozen=True, slots=True)
class HubOptions:
    home: Path | None = None
    """A home file to import at start (replaces the registry's home)."""
    simulate: bool | None = None
    """Run the simulated home; None means: only with the embedded broker."""
    demo_if_empty: bool = True
    resolver_factory: Callable[[], IntentResolver] = load_default_resolver
    """How the conversation gets its resolver (loaded on first use)."""


class Hub:
    """The running hub. `async with Hub(config) as hub:` starts and stops everything in order; once started,
    `hub.services` holds what its parts are handed (the properties below read from it)."""

    def __init__(self, config: HearthConfig, options: HubOptions | None = None) -> None:
        self.config = config
        self.options = options or HubOptions()
        self.broker: EmbeddedBroker | None = None
        """The embedded broker, while it runs; None with a configured one (`mqtt.broker`)."""
        self.simulator: SimulatedHome | None = None
        """The simulated devices, while they run (`HubOptions.simulate`)."""
        self.automation_errors: list[str] = []
        self.speakers: list[Callable[[str], Awaitable[None]]] = []
        """Extra outputs for spoken messages (the voice pipeline adds its TTS here)."""
        self._services: HubServices | None = None
        self._running = contextlib.AsyncExitStack()

    async def __aenter__(self) -> Hub:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def services(self) -> HubServices:
        """The started hub's services; HubNotRunning before `start` and after `stop`."""
        if self._services is None:
            raise HubNotRunning()
        return self._services

    async def start(self) -> None:
        """Start every part in order; what started is stopped by `stop`, in the reverse order."""
        self._running = running = contextlib.AsyncExitStack()
        registry = await asyncio.to_thread(self._open_registry)
        running.callback(registry.close)
        client = await self._start_client(registry)
        devices = DeviceManager(registry, client, self.config.mqtt.base_topic, self.config.mqtt.max_payload_bytes)
        await devices.start()
        running.push_async_callback(devices.stop)
        assistant = AssistantState(client)
        if self.config.mqtt.discovery:
            await devices.publish_discovery(self.config.mqtt.discovery_prefix)
            await assistant.publish()
        executor = Executor(devices, self.config.executor)
        homeassistant = self._connect_homeassistant(devices, executor)
        self._services = services = await self._services_for(registry, client, devices, executor, assistant,
                                                              homeassistant)
        await services.timers.start()
        running.push_async_callback(services.timers.stop)
        await self._start_automations(services)
        running.push_async_callback(services.processes.aclose)
        for topic, handler in ((SCENE_TRIGGER, self._scene_message), (COMMAND_TOPIC, self._command_message)):
            running.callback(client.subscribe(topic, handler))
        await self.settle()

    async def stop(self) -> None:
        try:
            await self._running.aclose()
        finally:
            self._services = None
            self.broker = self.simulator = None

    async def _start_client(self, registry: Registry) -> MqttClient:
        """The broker (embedded unless configured), the simulated home if asked for, and the hub's client."""
        host, port = await self._broker_address()
        mqtt = self.config.mqtt
        embedded = self.broker.credentials if self.broker is not None else None
        username, password = (embedded.username, embedded.password) if embedded else (mqtt.username, mqtt.password)
        if self.options.simulate or (self.options.simulate is None and self.broker is not None):
            simulator = SimulatedHome(registry.load_home(), host, port, mqtt.base_topic,
                                      (username, password) if username else None)
            await asyncio.to_thread(simulator.start)
            self.simulator = simulator
            self._running.push_async_callback(asyncio.to_thread, simulator.stop)
        client = MqttClient(MqttOptions(host, port, mqtt.client_id, username, password,
                                        mqtt.keepalive, reconnect_grace=mqtt.reconnect_grace))
        await client.start()
        self._running.push_async_callback(client.stop)
        return client

    async def _services_for(self, registry: Registry, client: MqttClient, devices: DeviceManager,
                            executor: Executor, assistant: AssistantState,
                            homeassistant: HomeAssistantBridge | None) -> HubServices:
        """The intents' services (timers, files, processes, lists) registered with the executor, the
        automations loaded (not started) and the conversation: everything the parts are handed."""
        timers = TimerService(registry, self._timer_fired)
        register_timer_intents(executor, timers)
        files, processes = FileRoots(self.config.files), ProcessRunner(self.config.processes)
        lists = ListStore(registry, next(iter(self.config.files.roots.values()), None))
        register_machine_intents(executor, files, processes)
        register_list_intents(executor, lists, lambda: executor.backend.home)
        register_ha_intents(executor, HaIntentOptions(speak=self.speak))
        register_restore(executor)
        automations = await self._automation_engine(executor, client, registry, devices)
        traces = TraceStore(registry)
        conversation = Conversation(
            ConversationServices(registry, devices, executor, timers, automations, traces, self.speak, assistant,
                                 self.config.conversation.idle), self._resolver_factory())
        return HubServices(self.config, registry, client, devices, executor, timers, automations, files,
                           processes, lists, traces, conversation, assistant, self.broker, homeassistant)

    def _resolver_factory(self) -> Callable[[], IntentResolver]:
        factory = self.options.resolver_factory
        if factory is load_default_resolver and (self.config.custom_sentences or self.config.intent_weights):
            return functools.partial(load_default_resolver, self.config.custom_sentences,
                                     tuple(self.config.intent_weights))
        return factory

    async def settle(self) -> None:
        """Wait (bounded) until the retained device states stop arriving."""
        stats = self.services.devices.stats
        waited, last = 0.0, -1
        while waited < _SETTLE_MAX and stats.received != last:
            last = stats.received
            await asyncio.sleep(_SETTLE_QUIET)
            waited += _SETTLE_QUIET

    # --- the services, for scripts and tests (the parts are handed `services`) -------------------

    @property
    def registry(self) -> Registry:
        return self.services.registry

    @property
    def client(self) -> MqttClient:
        return self.services.client

    @property
    def devices(self) -> DeviceManager:
        return self.services.devices

    @property
    def executor(self) -> Executor:
        return self.services.executor

    @property
    def timers(self) -> TimerService:
        return self.services.timers

    @property
    def automations(self) -> AutomationEngine:
        return self.services.automations

    @property
    def lists(self) -> ListStore:
        return self.services.lists

    @property
    def traces(self) -> TraceStore:
        return self.services.traces

    @property
    def conversation(self) -> Conversation:
        return self.services.conversation

    @property
    def homeassistant(self) -> HomeAssistantBridge | None:
        return self.services.homeassistant

    @property
    def home(self) -> Home:
        return self.services.home

    async def publish_assistant_state(self, **state: Any) -> None:
        """Update the Hearth assistant's sensors in Home Assistant (transcript, intent, listening)."""
        await self.services.assistant.publish(**state)

    async def speak(self, text: str) -> None:
        """Say something unprompted (a timer, an automation): on MQTT for satellites, and aloud if voiced."""
        _LOGGER.info("Speaking: %s", text)
        await self.services.client.publish(SPEAK_TOPIC, {"text": text})
        for speaker in self.speakers:
            await speaker(text)

    # --- parts -------------------------------------------------------------------------------

    def _open_registry(self) -> Registry:
        registry = Registry.open(self.config.storage.database)
        source = self.options.home or self.config.home
        if source is not None:
            registry.import_home(load_home(source))
        elif self.options.demo_if_empty and not registry.load_home().entities:
            _LOGGER.info("The registry is empty; loading the demo home")
            registry.import_home(load_home(DEMO_HOME))
        scenes = config_scenes(self.config)
        if scenes:
            registry.upsert_entities(scenes)
        return registry

    async def _broker_address(self) -> tuple[str, int]:
        if self.config.mqtt.broker:
            return parse_broker_uri(self.config.mqtt.broker)
        credentials = await asyncio.to_thread(BrokerCredentials.load_or_create, broker_credentials_path())
        broker = self.broker = EmbeddedBroker(credentials=credentials, password_file=data_dir() / "mqtt_passwd")
        address = await asyncio.to_thread(broker.start)
        self._running.push_async_callback(asyncio.to_thread, broker.stop)
        return address.host, address.port

    def _connect_homeassistant(self, devices: DeviceManager, executor: Executor) -> HomeAssistantBridge | None:
        """With saved credentials (`hearth ha connect`), route HA entities and unknown intents there."""
        credentials = Credentials.load(ha_credentials_path())
        if credentials is None:
            return None
        bridge = HomeAssistantBridge(credentials)
        devices.remote = bridge
        executor.fallback = bridge.handle_intent
        bridge.start_sync(devices.apply_remote_state)
        self._running.push_async_callback(bridge.stop)
        return bridge

    def load_automations(self) -> list[Automation]:
        automations: list[Automation] = []
        self.automation_errors = []
        sources = [(self.config.source, "automations"), (self.config.automations_file, None)]
        for path, key in sources:
            if path is not None:
                loaded, errors = load_automation_file(path, key)
                automations += loaded
                self.automation_errors += errors
        return automations

    async def _automation_engine(self, executor: Executor, client: MqttClient, registry: Registry,
                                 devices: DeviceManager) -> AutomationEngine:
        """The automations of hearth.yaml, those with an unacknowledged risky action left out (not started)."""
        automations = await self._acknowledged(executor, await asyncio.to_thread(self.load_automations))
        return AutomationEngine(automations, executor, client, registry, self.speak,
                                lambda entity_id: (e.state if (e := devices.entity(entity_id)) else None))

    async def _start_automations(self, services: HubServices) -> None:
        engine = services.automations
        services.devices.add_listener(engine.on_state_changed)
        await engine.start()
        self._running.push_async_callback(engine.stop)
        self._running.callback(services.client.subscribe(AUTOMATION_SWITCH, self._automation_switch))

    async def _acknowledged(self, executor: Executor, automations: list[Automation]) -> list[Automation]:
        """Refuse (with file:line) an automation with a risky action that does not say `confirm: false`."""
        kept = []
        for automation in automations:
            refused = await _unacknowledged(executor, automation)
            if refused is None:
                kept.append(automation)
                continue
            what = (f"{refused.intent} {refused.slots}" if isinstance(refused, IntentAction)
                    else f"the scene {refused.scene}")
            error = (f"{refused.source}: automation '{automation.id}': {what} unlocks, opens, deletes or stops "
                     "without anyone saying yes; add `confirm: false` to that action to allow it")
            _LOGGER.error("Skipped automation: %s", error)
            self.automation_errors.append(error)
        return kept

    async def _timer_fired(self, timer: Timer, late: float) -> None:
        services = self.services
        if timer.kind == "command":  # a delayed command: the conversation that scheduled it runs it
            await services.conversation.run_delayed(timer.id)
            return
        event = {"type": "alarm" if timer.kind == "alarm" else "timer_finished", "id": timer.id,
                 "name": timer.name, "label": timer.label, "late_ms": round(late * 1000, 1)}
        await services.client.publish(EVENT_TOPIC, event)
        if timer.command:  # HA's delayed command: carry it out now, as if just said
            trace = await services.conversation.handle(timer.command, source="timer", session=f"timer-{timer.id}")
            if trace.ok:
                return
        await self.speak(announcement(timer))

    def _scene_message(self, topic: str, payload: bytes, retained: bool) -> None:
        if retained:
            return
        scene_id = topic.split("/")[2]
        entity = self.services.devices.entity(f"scene.{scene_id}")
        if entity is None:
            _LOGGER.warning("No scene '%s' (from %s)", scene_id, topic)
            return
        call = ToolCall("HassTurnOn", {"name": entity.name, "domain": "scene"})
        asyncio.get_running_loop().create_task(self._execute_logged(call, "mqtt"))

    def _automation_switch(self, topic: str, payload: bytes, retained: bool) -> None:
        automation_id, value = topic.split("/")[2], payload.decode("utf-8", "replace").strip().upper()
        if value not in ("ON", "OFF"):
            return
        try:
            self.services.automations.set_enabled(automation_id, value == "ON")
        except KeyError:
            _LOGGER.warning("No automation '%s' (from %s)", automation_id, topic)

    def _command_message(self, topic: str, payload: bytes, retained: bool) -> None:
        if retained:
            return
        try:
            request = parse_command(payload)
        except ValueError as err:
            _BAD_INPUT.warning("Refused a hearth/command message: %s", err)
            result = {"ok": False, "error": str(err)}
            asyncio.get_running_loop().create_task(self.services.client.publish(f"{COMMAND_TOPIC}/result", result))
            return
        asyncio.get_running_loop().create_task(self._command(request))

    def mqtt_policy(self, reply_to: str | None) -> Policy:
        """What an MQTT requester may have carried out: `mqtt.command_intents`; a question (and so a risky
        action) only with `mqtt.allow_risky` and a private `reply_to` for it."""
        mqtt = self.config.mqtt
        why = ("risky actions are off over MQTT (mqtt.allow_risky)" if not mqtt.allow_risky
               else "a risky action over MQTT needs a reply_to topic for its question")
        return Policy(frozenset(mqtt.command_intents), "over MQTT (mqtt.command_intents)",
                      None if (mqtt.allow_risky and reply_to) else why)

    async def _command(self, request: CommandRequest) -> None:
        """Run an allowed intent; each request is its own session, so only its own id confirms it."""
        services = self.services
        if request.text is not None:
            await self._text_command(request)
            return
        assert request.call is not None
        call, policy = request.call, self.mqtt_policy(request.reply_to)
        refusal = policy.refusal(call)
        if refusal:
            outcome = _refused(call, refusal)
        else:
            outcome = await services.executor.execute(call, session=f"mqtt-{uuid.uuid4().hex}")
        if outcome.needs_confirmation and policy.no_questions:
            services.executor.cancel(outcome.request_id)
            outcome = _refused(call, f"Refused: {outcome.response.removesuffix(' Say yes or no.')} "
                                     f"{policy.no_questions}")
        await services.client.publish(request.topic, request.answer(outcome.to_dict()))

    async def _text_command(self, request: CommandRequest) -> None:
        """A sentence on hearth/command, within the requester's conversation and policy; the trace comes back
        (to `reply_to` when given: a conversation id seen by others could be continued by them)."""
        assert request.text is not None
        services = self.services
        try:
            cid = services.conversation.begin(request.conversation_id, "mqtt")
        except HearthError as err:
            result = {"ok": False, "error": str(err), "response": str(err),
                      "conversation_id": request.conversation_id}
            await services.client.publish(request.topic, request.answer(result))
            return
        trace = await services.conversation.handle(request.text, source="mqtt", conversation_id=cid,
                                               area=request.area, policy=self.mqtt_policy(request.reply_to))
        await services.client.publish(request.topic, request.answer({**trace.to_dict(), "ok": trace.ok}))

    async def _execute_logged(self, call: ToolCall, session: str) -> None:
        executor = self.services.executor
        outcome = await executor.execute(call, session=f"{session}-{uuid.uuid4().hex}")
        if outcome.needs_confirmation:
            executor.cancel(outcome.request_id)
            _LOGGER.warning("%s from %s refused: it would need a confirmation (%s)", call.intent, session,
                            outcome.response)
        elif not outcome.ok:
            _LOGGER.warning("%s from %s failed: %s", call.intent, session, outcome.response)


async def _unacknowledged(executor: Executor, automation: Automation) -> IntentAction | SceneAction | None:
    """The first risky action of `automation` not marked `confirm: false`; None when there is none."""
    for action in automation.actions:
        if isinstance(action, (IntentAction, SceneAction)) and action.confirm:
            call = (ToolCall(action.intent, dict(action.slots)) if isinstance(action, IntentAction)
                    else ToolCall("HassTurnOn", {"name": action.scene, "domain": "scene"}))
            if await executor.would_ask(call):
                return action
    return None


def _refused(call: ToolCall, reason: str) -> Outcome:
    return Outcome(call.intent, False, reason, error=reason)


def broker_credentials_path() -> Path:
    """The embedded broker's username and password (`hearth mqtt-credentials` prints them)."""
    return data_dir() / "mqtt_credentials.json"


def ha_credentials_path() -> Path:
    return data_dir() / "homeassistant.json"


def config_scenes(config: HearthConfig) -> list[Entity]:
    """The `scenes:` of hearth.yaml as scene entities for the registry."""
    return [Scene(scene_id, s.name, dict(s.entities), s.area, tuple(s.aliases)).to_entity()
            for scene_id, s in config.scenes.items()]


def parse_command(payload: bytes) -> CommandRequest:
    """A hearth/command payload as a CommandRequest; ValueError says what is wrong with it."""
    if len(payload) > MAX_COMMAND_BYTES:
        raise ValueError(f"command is {len(payload)} bytes; the limit is {MAX_COMMAND_BYTES}")
    data = load_json(payload, "command")
    if not isinstance(data, dict) or not (isinstance(data.get("intent"), str) or "text" in data):
        raise ValueError('command must be a JSON object like {"intent": "HassTurnOn", "slots": {...}} '
                         'or {"text": "turn on the kitchen lights"}')
    request_id, reply_to = data.get("id"), data.get("reply_to")
    if request_id is not None and (not isinstance(request_id, str) or not 0 < len(request_id) <= 128):
        raise ValueError("id must be a string of 1 to 128 characters")
    if reply_to is not None and not _reply_topic(reply_to):
        raise ValueError(f"reply_to must be a topic under {REPLY_PREFIX} without wildcards")
    if "text" in data:
        text, cid, area = data["text"], data.get("conversation_id"), data.get("area")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise ValueError(f"text must be a sentence of 1 to {MAX_TEXT} characters")
        if cid is not None and not isinstance(cid, str):
            raise ValueError("conversation_id must be a string")
        if area is not None and (not isinstance(area, str) or not 0 < len(area) <= 64):
            raise ValueError("area must be an area's name of 1 to 64 characters")
        return CommandRequest(None, request_id, reply_to, text, cid, area)
    slots = data.get("slots") or {}
    if not isinstance(slots, dict):
        raise ValueError("slots must be a JSON object")
    if isinstance(data.get("request_id"), str):  # the answer to a question may carry it at the top level
        slots = {**slots, "request_id": data["request_id"]}
    if not isinstance(every := data.get("every", False), bool):
        raise ValueError("every must be true or false")
    return CommandRequest(ToolCall(data["intent"], slots, every=every), request_id, reply_to)


def _reply_topic(topic: Any) -> bool:
    return (isinstance(topic, str) and topic.startswith(REPLY_PREFIX) and len(topic) <= 256
            and len(topic) > len(REPLY_PREFIX) and not any(c in topic for c in "#+\0"))
