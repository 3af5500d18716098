"""Wiring and lifecycle: registry, broker (embedded or configured), devices, executor, automations, timers."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from pathlib import Path

from devices.homeassistant import Credentials, HomeAssistantBridge
from devices.homefile import DEMO_HOME, load_home
from devices.local import FileRoots, ProcessRunner
from devices.manager import DeviceManager
from devices.models import Entity, Home
from devices.mqtt.broker import EmbeddedBroker
from devices.mqtt.client import MqttClient, MqttOptions
from devices.mqtt.discovery import ASSISTANT_STATE_TOPIC
from devices.registry import Registry
from devices.simulator import SimulatedHome
from hub.config import HearthConfig, data_dir, parse_broker_uri
from hub.conversation import MAX_TEXT, Conversation, IntentResolver, load_default_resolver
from hub.errors import HearthError
from hub.events import ToolCall
from hub.executor import Executor
from hub.local_intents import register_local_intents
from hub.traces import TraceStore
from hub.undo import register_restore
from scenes.engine import AutomationEngine
from scenes.intents import announcement, register_timer_intents
from scenes.lists import ListStore
from scenes.loader import load_automation_file
from scenes.models import Automation, Scene
from scenes.timers import Timer, TimerService

_LOGGER = logging.getLogger(__name__)
_SETTLE_QUIET = 0.15
_SETTLE_MAX = 2.0
SPEAK_TOPIC = "hearth/speak"
EVENT_TOPIC = "hearth/event"
SCENE_TRIGGER = "hearth/scene/+/set"
AUTOMATION_SWITCH = "hearth/automation/+/set"
COMMAND_TOPIC = "hearth/command"
"""{"intent": "HassTurnOn", "slots": {...}} in, the outcome on hearth/command/result; or {"text": "turn it off",
"conversation_id": "...", "area": "Kitchen"} in (id and area optional: a new conversation without an id;
the area is where the speaker is), the trace with its conversation_id out."""
MAX_COMMAND_BYTES = 16 * 1024


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
    """The running hub. `async with Hub(config) as hub:` starts and stops everything in order."""

    def __init__(self, config: HearthConfig, options: HubOptions | None = None) -> None:
        self.config = config
        self.options = options or HubOptions()
        self.registry: Registry | None = None
        self.broker: EmbeddedBroker | None = None
        self.simulator: SimulatedHome | None = None
        self.client: MqttClient | None = None
        self.devices: DeviceManager | None = None
        self.executor: Executor | None = None
        self.timers: TimerService | None = None
        self.automations: AutomationEngine | None = None
        self.automation_errors: list[str] = []
        self.files: FileRoots | None = None
        self.processes: ProcessRunner | None = None
        self.lists: ListStore | None = None
        self.traces: TraceStore | None = None
        self.homeassistant: HomeAssistantBridge | None = None
        self.conversation = Conversation(self, self.options.resolver_factory)
        self.speakers: list[Callable[[str], Awaitable[None]]] = []
        """Extra outputs for spoken messages (the voice pipeline adds its TTS here)."""
        self._unsubscribe: list[Callable[[], None]] = []
        self._assistant: dict[str, Any] = {"transcript": "", "intent": "", "response": "", "listening": False}

    async def __aenter__(self) -> Hub:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        self.registry = await asyncio.to_thread(self._open_registry)
        self.traces = TraceStore(self.registry)
        host, port = await self._broker_address()
        if self.options.simulate or (self.options.simulate is None and self.broker is not None):
            self.simulator = SimulatedHome(self.registry.load_home(), host, port, self.config.mqtt.base_topic)
            await asyncio.to_thread(self.simulator.start)
        mqtt = self.config.mqtt
        self.client = MqttClient(MqttOptions(host, port, mqtt.client_id, mqtt.username, mqtt.password,
                                             mqtt.keepalive, reconnect_grace=mqtt.reconnect_grace))
        await self.client.start()
        self.devices = DeviceManager(self.registry, self.client, mqtt.base_topic, mqtt.max_payload_bytes)
        await self.devices.start()
        if mqtt.discovery:
            await self.devices.publish_discovery(mqtt.discovery_prefix)
            await self.publish_assistant_state()
        self.executor = Executor(self.devices, self.config.executor)
        await self._connect_homeassistant()
        self.timers = TimerService(self.registry, self._timer_fired)
        register_timer_intents(self.executor, self.timers)
        self.files = FileRoots(self.config.files)
        self.processes = ProcessRunner(self.config.processes)
        self.lists = ListStore(self.registry, next(iter(self.config.files.roots.values()), None))
        register_local_intents(self.executor, self.files, self.processes, self.lists)
        register_restore(self.executor)
        await self.timers.start()
        await self._start_automations()
        self._unsubscribe.append(self.client.subscribe(SCENE_TRIGGER, self._scene_message))
        self._unsubscribe.append(self.client.subscribe(COMMAND_TOPIC, self._command_message))
        await self.settle()

    async def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        if self.processes is not None:
            await self.processes.aclose()
        for part in (self.automations, self.timers, self.homeassistant, self.devices, self.client):
            if part is not None:
                await part.stop()
        if self.simulator is not None:
            await asyncio.to_thread(self.simulator.stop)
        if self.broker is not None:
            await asyncio.to_thread(self.broker.stop)
        if self.registry is not None:
            self.registry.close()
        self.automations = self.timers = self.devices = self.client = self.homeassistant = None
        self.simulator = self.broker = self.registry = self.traces = None

    async def settle(self) -> None:
        """Wait (bounded) until the retained device states stop arriving."""
        assert self.devices is not None
        waited, last = 0.0, -1
        while waited < _SETTLE_MAX and self.devices.stats.received != last:
            last = self.devices.stats.received
            await asyncio.sleep(_SETTLE_QUIET)
            waited += _SETTLE_QUIET

    @property
    def home(self) -> Home:
        assert self.devices is not None
        return self.devices.home

    async def publish_assistant_state(self, **state: Any) -> None:
        """Update the Hearth assistant's sensors in Home Assistant (transcript, intent, listening)."""
        self._assistant = {**self._assistant, **state}
        if self.client is not None and self.client.connected:
            await self.client.publish(ASSISTANT_STATE_TOPIC, self._assistant, retain=True)

    async def speak(self, text: str) -> None:
        """Say something unprompted (a timer, an automation): on MQTT for satellites, and aloud if voiced."""
        _LOGGER.info("Speaking: %s", text)
        assert self.client is not None
        await self.client.publish(SPEAK_TOPIC, {"text": text})
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
        self.broker = EmbeddedBroker()
        address = await asyncio.to_thread(self.broker.start)
        return address.host, address.port

    async def _connect_homeassistant(self) -> None:
        """With saved credentials (`hearth ha connect`), route HA entities and unknown intents there."""
        credentials = Credentials.load(ha_credentials_path())
        if credentials is None or self.devices is None or self.executor is None:
            return
        self.homeassistant = HomeAssistantBridge(credentials)
        self.devices.remote = self.homeassistant
        self.executor.fallback = self.homeassistant.handle_intent
        self.homeassistant.start_sync(self.devices.apply_remote_state)

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

    async def _start_automations(self) -> None:
        assert self.executor and self.client and self.registry and self.devices
        automations = await asyncio.to_thread(self.load_automations)
        self.automations = AutomationEngine(
            automations, self.executor, self.client, self.registry, self.speak,
            lambda entity_id: (e.state if (e := self.devices.entity(entity_id)) else None))
        self.devices.add_listener(self.automations.on_state_changed)
        self._unsubscribe.append(self.client.subscribe(AUTOMATION_SWITCH, self._automation_switch))
        await self.automations.start()

    async def _timer_fired(self, timer: Timer, late: float) -> None:
        assert self.client is not None
        if timer.kind == "command":  # a delayed command: the conversation that scheduled it runs it
            await self.conversation.run_delayed(timer.id)
            return
        event = {"type": "alarm" if timer.kind == "alarm" else "timer_finished", "id": timer.id,
                 "name": timer.name, "label": timer.label, "late_ms": round(late * 1000, 1)}
        await self.client.publish(EVENT_TOPIC, event)
        await self.speak(announcement(timer))

    def _scene_message(self, topic: str, payload: bytes, retained: bool) -> None:
        if retained:
            return
        scene_id = topic.split("/")[2]
        entity = self.devices.entity(f"scene.{scene_id}") if self.devices else None
        if entity is None:
            _LOGGER.warning("No scene '%s' (from %s)", scene_id, topic)
            return
        call = ToolCall("HassTurnOn", {"name": entity.name, "domain": "scene"})
        asyncio.get_running_loop().create_task(self._execute_logged(call, "mqtt"))

    def _automation_switch(self, topic: str, payload: bytes, retained: bool) -> None:
        automation_id, value = topic.split("/")[2], payload.decode("utf-8", "replace").strip().upper()
        if self.automations is None or value not in ("ON", "OFF"):
            return
        try:
            self.automations.set_enabled(automation_id, value == "ON")
        except KeyError:
            _LOGGER.warning("No automation '%s' (from %s)", automation_id, topic)

    def _command_message(self, topic: str, payload: bytes, retained: bool) -> None:
        if retained:
            return
        try:
            request = parse_text_request(payload)
            if request is not None:
                asyncio.get_running_loop().create_task(self._text_command(*request))
                return
            call = parse_command(payload)
        except ValueError as err:
            result = {"ok": False, "error": str(err)}
            asyncio.get_running_loop().create_task(self.client.publish(f"{COMMAND_TOPIC}/result", result))
            return
        asyncio.get_running_loop().create_task(self._command(call))

    async def _command(self, call: ToolCall) -> None:
        assert self.executor is not None and self.client is not None
        outcome = await self.executor.execute(call, session="mqtt")
        await self.client.publish(f"{COMMAND_TOPIC}/result", outcome.to_dict())

    async def _text_command(self, text: str, conversation_id: str | None, area: str | None) -> None:
        """A sentence on hearth/command, within the requester's conversation; the trace comes back."""
        assert self.client is not None
        try:
            cid = self.conversation.begin(conversation_id, "mqtt")
        except HearthError as err:
            result = {"ok": False, "error": str(err), "response": str(err), "conversation_id": conversation_id}
            await self.client.publish(f"{COMMAND_TOPIC}/result", result)
            return
        trace = await self.conversation.handle(text, source="mqtt", conversation_id=cid, area=area)
        await self.client.publish(f"{COMMAND_TOPIC}/result", {**trace.to_dict(), "ok": trace.ok})

    async def _execute_logged(self, call: ToolCall, session: str) -> None:
        assert self.executor is not None
        outcome = await self.executor.execute(call, session=session)
        if not outcome.ok:
            _LOGGER.warning("%s from %s failed: %s", call.intent, session, outcome.response)


def ha_credentials_path() -> Path:
    return data_dir() / "homeassistant.json"


def config_scenes(config: HearthConfig) -> list[Entity]:
    """The `scenes:` of hearth.yaml as scene entities for the registry."""
    return [Scene(scene_id, s.name, dict(s.entities), s.area, tuple(s.aliases)).to_entity()
            for scene_id, s in config.scenes.items()]


def parse_text_request(payload: bytes) -> tuple[str, str | None, str | None] | None:
    """A hearth/command payload that carries a sentence: (text, conversation_id, area); None when it carries
    an intent instead; ValueError says what is wrong with it."""
    if len(payload) > MAX_COMMAND_BYTES:
        raise ValueError(f"command is {len(payload)} bytes; the limit is {MAX_COMMAND_BYTES}")
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"command is not JSON: {err}") from None
    if not isinstance(data, dict) or "text" not in data:
        return None
    text, cid, area = data["text"], data.get("conversation_id"), data.get("area")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise ValueError(f"text must be a sentence of 1 to {MAX_TEXT} characters")
    if cid is not None and not isinstance(cid, str):
        raise ValueError("conversation_id must be a string")
    if area is not None and (not isinstance(area, str) or not 0 < len(area) <= 64):
        raise ValueError("area must be an area's name of 1 to 64 characters")
    return text, cid, area


def parse_command(payload: bytes) -> ToolCall:
    """A hearth/command payload as a ToolCall; ValueError says what is wrong with it."""
    if len(payload) > MAX_COMMAND_BYTES:
        raise ValueError(f"command is {len(payload)} bytes; the limit is {MAX_COMMAND_BYTES}")
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"command is not JSON: {err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("intent"), str):
        raise ValueError('command must be a JSON object like {"intent": "HassTurnOn", "slots": {...}}')
    slots = data.get("slots") or {}
    if not isinstance(slots, dict):
        raise ValueError("slots must be a JSON object")
    return ToolCall(data["intent"], slots)
