"""The automation engine: MQTT, time, state and phrase triggers; conditions; actions via the executor."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from hub.core.home import StateChanged, normalize_name
from devices.mqtt.client import MqttClient
from devices.registry import Registry
from hub.core.events import ToolCall
from hub.core.seams import ToolExecutor
from scenes.models import (
    Automation, DelayAction, IntentAction, IntervalTrigger, MqttTrigger, PhraseTrigger, PublishAction,
    SceneAction, SpeakAction, StateCondition, StateTrigger, TimeCondition, TimeTrigger,
)

_LOGGER = logging.getLogger(__name__)
MAX_TRIGGER_PAYLOAD = 64 * 1024
LOOP_LIMIT = 10
"""More runs than this within LOOP_WINDOW seconds is a loop: the automation is switched off."""
LOOP_WINDOW = 2.0
_TICK = 0.5

Speaker = Callable[[str], Awaitable[None]]


@dataclass(slots=True)
class RunState:
    enabled: bool
    runs: int = 0
    last_triggered: float | None = None
    last_error: str | None = None
    running: bool = False
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=LOOP_LIMIT))
    """When the last LOOP_LIMIT runs started."""


class AutomationEngine:
    """Runs automations. One failing action is logged and the rest still run."""

    def __init__(self, automations: list[Automation], executor: ToolExecutor, client: MqttClient,
                 registry: Registry, speak: Speaker, entity_state: Callable[[str], str | None],
                 clock: Callable[[], float] = time.time) -> None:
        self.automations = {a.id: a for a in automations}
        self.executor = executor
        self.client = client
        self.registry = registry
        self.speak = speak
        self.entity_state = entity_state
        self.clock = clock
        self.state = self._load_state()
        self._unsubscribe: list[Callable[[], None]] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending_for: dict[tuple[str, int], asyncio.TimerHandle] = {}
        self._ticker: asyncio.Task[None] | None = None
        self.loop_window = LOOP_WINDOW
        """0 turns loop protection off (benchmarks that trigger on purpose at a high rate)."""

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        by_filter: dict[str, list[tuple[Automation, MqttTrigger]]] = {}
        for automation in self.automations.values():
            for trigger in automation.triggers:
                if isinstance(trigger, MqttTrigger):
                    by_filter.setdefault(trigger.topic, []).append((automation, trigger))
        for topic_filter, pairs in by_filter.items():
            self._unsubscribe.append(self.client.subscribe(topic_filter, self._mqtt_handler(pairs)))
        self._ticker = asyncio.create_task(self._tick(), name="hearth-automation-clock")

    async def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        for handle in self._pending_for.values():
            handle.cancel()
        tasks = [*self._tasks, *([self._ticker] if self._ticker else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def set_enabled(self, automation_id: str, enabled: bool) -> None:
        if automation_id not in self.automations:
            raise KeyError(automation_id)
        self.state[automation_id].enabled = enabled
        self._persist(automation_id)

    # --- triggers ----------------------------------------------------------------------------

    def _mqtt_handler(self, pairs: list[tuple[Automation, MqttTrigger]]) -> Callable[[str, bytes, bool], None]:
        def handle(topic: str, payload: bytes, retained: bool) -> None:
            if retained:
                return  # a retained message is old news, not an event
            if len(payload) > MAX_TRIGGER_PAYLOAD:
                _LOGGER.warning("Ignored a %d-byte trigger message on %s", len(payload), topic)
                return
            for automation, trigger in pairs:
                if _payload_matches(trigger, payload):
                    self.fire(automation, {"platform": "mqtt", "topic": topic,
                                           "payload": payload[:1024].decode("utf-8", "replace")})
        return handle

    def on_state_changed(self, event: StateChanged) -> None:
        for automation in self.automations.values():
            for index, trigger in enumerate(automation.triggers):
                if isinstance(trigger, StateTrigger) and trigger.entity_id == event.entity_id:
                    self._state_trigger(automation, index, trigger, event)

    def _state_trigger(self, automation: Automation, index: int, trigger: StateTrigger,
                       event: StateChanged) -> None:
        old = event.old.state if event.old else None
        if old == event.new.state:
            return
        key = (automation.id, index)
        pending = self._pending_for.pop(key, None)
        if pending is not None:
            pending.cancel()  # the state moved on before `for` elapsed
        if trigger.to_state is not None and event.new.state != trigger.to_state:
            return
        if trigger.from_state is not None and old != trigger.from_state:
            return
        info = {"platform": "state", "entity_id": event.entity_id, "from": old, "to": event.new.state}
        if trigger.for_seconds <= 0:
            self.fire(automation, info)
            return
        loop = asyncio.get_running_loop()
        self._pending_for[key] = loop.call_later(trigger.for_seconds, self._held, automation, key, trigger, info)

    def _held(self, automation: Automation, key: tuple[str, int], trigger: StateTrigger,
              info: dict[str, Any]) -> None:
        self._pending_for.pop(key, None)
        if self.entity_state(trigger.entity_id) == info["to"]:
            self.fire(automation, {**info, "for": trigger.for_seconds})

    def phrase_automations(self, text: str) -> list[Automation]:
        """Automations whose phrase trigger is what was said (nothing fires)."""
        said = normalize_name(text)
        return [a for a in list(self.automations.values())
                if any(isinstance(t, PhraseTrigger) and said in {normalize_name(p) for p in t.phrases}
                       for t in a.triggers)]

    def match_phrase(self, text: str) -> list[Automation]:
        """Automations whose phrase trigger is what was said; they fire and the list is returned."""
        matched = self.phrase_automations(text)
        for automation in matched:
            self.fire(automation, {"platform": "phrase", "text": text})
        return [a for a in matched if self.state[a.id].enabled]

    async def _tick(self) -> None:
        """Time and interval triggers. Works on wall-clock minutes, so a clock jump fires nothing twice."""
        last_minute = _minute(self.clock())
        started = self.clock()
        last_interval = {a.id: started for a in self.automations.values()}
        while True:
            await asyncio.sleep(_TICK)
            now = self.clock()
            minute = _minute(now)
            if minute != last_minute:
                self._time_triggers(last_minute, minute, now)
                last_minute = minute
            for automation in self.automations.values():
                for trigger in automation.triggers:
                    if isinstance(trigger, IntervalTrigger):
                        if now < last_interval[automation.id]:
                            last_interval[automation.id] = now  # the clock went back
                        elif now - last_interval[automation.id] >= trigger.seconds:
                            last_interval[automation.id] = now
                            self.fire(automation, {"platform": "interval"})

    def _time_triggers(self, previous: int, current: int, now: float) -> None:
        if not 0 < current - previous <= 5:
            _LOGGER.warning("The clock jumped by %d minutes; skipping time triggers in between",
                            current - previous)
            return
        for minute in range(previous + 1, current + 1):
            local = dt.datetime.fromtimestamp(minute * 60)
            minute_of_day = local.hour * 60 + local.minute
            for automation in self.automations.values():
                for trigger in automation.triggers:
                    if isinstance(trigger, TimeTrigger) and trigger.at.hour * 60 + trigger.at.minute == minute_of_day:
                        self.fire(automation, {"platform": "time", "at": trigger.at.isoformat()})

    # --- running -----------------------------------------------------------------------------

    def fire(self, automation: Automation, trigger: dict[str, Any]) -> bool:
        """Start the automation's actions if enabled, its conditions hold and it is not looping."""
        run = self.state[automation.id]
        if not run.enabled or run.running or not self._conditions_hold(automation):
            return False
        now = self.clock()
        run.recent.append(now)
        if self.loop_window and len(run.recent) == run.recent.maxlen and now - run.recent[0] < self.loop_window:
            run.enabled = False
            run.last_error = f"switched off: triggered {LOOP_LIMIT} times in {self.loop_window:g} s (a loop?)"
            _LOGGER.error("Automation %s %s", automation.id, run.last_error)
            self._persist(automation.id)
            return False
        run.running, run.runs, run.last_triggered = True, run.runs + 1, now
        task = asyncio.create_task(self._run(automation, trigger), name=f"automation-{automation.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    def _conditions_hold(self, automation: Automation) -> bool:
        now = dt.datetime.fromtimestamp(self.clock()).time()
        for condition in automation.conditions:
            if isinstance(condition, StateCondition) and self.entity_state(condition.entity_id) != condition.state:
                return False
            if isinstance(condition, TimeCondition) and not condition.holds(now):
                return False
        return True

    async def _run(self, automation: Automation, trigger: dict[str, Any]) -> None:
        run = self.state[automation.id]
        errors: list[str] = []
        try:
            for action in automation.actions:
                try:
                    await self._act(action)
                except asyncio.CancelledError:
                    raise
                except Exception as err:  # logged; the next action still runs
                    _LOGGER.warning("Automation %s: action %s failed: %s", automation.id, action, err)
                    errors.append(str(err))
        finally:
            run.running = False
            run.last_error = "; ".join(errors) or None
            self._persist(automation.id)

    async def _act(self, action: Any) -> None:
        if isinstance(action, (IntentAction, SceneAction)):
            call = (ToolCall(action.intent, dict(action.slots)) if isinstance(action, IntentAction)
                    else ToolCall("HassTurnOn", {"name": action.scene, "domain": "scene"}))
            outcome = await self.executor.execute(call, session=f"automation-{id(action)}",
                                                  confirmed=not action.confirm)
            if outcome.needs_confirmation:
                self.executor.cancel(outcome.request_id)
                raise RuntimeError(f"{outcome.response.removesuffix(' Say yes or no.')} needs a yes; an "
                                   f"automation may do it only with `confirm: false` on the action ({action.source})")
            if not outcome.ok:
                raise RuntimeError(outcome.response)
        elif isinstance(action, DelayAction):
            await asyncio.sleep(action.seconds)
        elif isinstance(action, SpeakAction):
            await self.speak(action.text)
        elif isinstance(action, PublishAction):
            await self.client.publish(action.topic, action.payload, retain=action.retain)

    # --- persistence -------------------------------------------------------------------------

    def _load_state(self) -> dict[str, RunState]:
        with self.registry._lock:
            rows = {r["id"]: r for r in self.registry.db["automations"].rows}
        state = {}
        for automation_id, automation in self.automations.items():
            row = rows.get(automation_id)
            state[automation_id] = RunState(
                enabled=bool(row["enabled"]) if row else automation.enabled,
                runs=(row or {}).get("runs") or 0, last_triggered=(row or {}).get("last_triggered"),
                last_error=(row or {}).get("last_error"))
        return state

    def _persist(self, automation_id: str) -> None:
        run = self.state[automation_id]
        row = {"id": automation_id, "enabled": int(run.enabled), "last_triggered": run.last_triggered,
               "last_error": run.last_error, "runs": run.runs}
        with self.registry._lock, self.registry._transaction():
            self.registry.db.table("automations").upsert(row, pk="id")


def _minute(epoch: float) -> int:
    return int(epoch // 60)


def _payload_matches(trigger: MqttTrigger, payload: bytes) -> bool:
    if trigger.payload is not None and payload.decode("utf-8", "replace") != trigger.payload:
        return False
    if trigger.json is None:
        return True
    try:
        data = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False
    for key, want in trigger.json.items():
        value: Any = data
        for part in key.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value != want:
            return False
    return True
