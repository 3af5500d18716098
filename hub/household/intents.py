"""Timer and alarm intents (Home Assistant's timer intents plus HearthAlarm*), and scene capture."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from hub.core.home import Home, normalize_name
from hub.core.errors import ExecutionError
from hub.core.events import Outcome, ToolCall
from hub.core.seams import IntentRegistry
from scenes.models import Scene
from hub.household.timers import Timer, TimerService, describe_duration


def slot_seconds(slots: dict[str, Any], prefix: str = "") -> float:
    """hours/minutes/seconds slots (numbers, maybe fractional) as seconds."""
    total = 0.0
    for unit, size in (("hours", 3600), ("minutes", 60), ("seconds", 1)):
        value = slots.get(prefix + unit)
        if value is None:
            continue
        try:
            total += float(value) * size
        except (TypeError, ValueError):
            raise ExecutionError(f"'{value}' is not a number of {unit}") from None
    return total


def register_timer_intents(executor: IntentRegistry, timers: TimerService,
                           now: Callable[[], dt.datetime] = dt.datetime.now) -> None:
    def find(call: ToolCall, states: tuple[str, ...] = ("running", "paused")) -> Timer:
        candidates = [t for t in timers.active("timer") if t.state in states]
        name = call.slots.get("name")
        if name:
            candidates = [t for t in candidates if t.name and normalize_name(t.name) == normalize_name(str(name))]
        started = slot_seconds(call.slots, "start_")
        if started:
            candidates = [t for t in candidates if abs(t.duration - started) < 1]
        if not candidates:
            raise ExecutionError("There is no timer like that" if (name or started) else "There are no timers")
        if len(candidates) > 1 and not (name or started):
            raise ExecutionError(f"You have {len(candidates)} timers. Which one?")
        return candidates[0]

    async def start(call: ToolCall, confirmed: bool) -> Outcome:
        seconds = slot_seconds(call.slots)
        if seconds <= 0:
            raise ExecutionError("For how long? Say for example five minutes")
        command = " ".join(str(call.slots.get("conversation_command") or "").split()) or None
        timer = timers.start_timer(seconds, call.slots.get("name"), call.slots.get("area"), command)
        if command:
            return Outcome(call.intent, True, f"In {describe_duration(seconds)}: {command}", targets=(timer.id,))
        named = f" {timer.name}" if timer.name else ""
        return Outcome(call.intent, True, f"Timer{named} set for {describe_duration(seconds)}", targets=(timer.id,))

    async def cancel(call: ToolCall, confirmed: bool) -> Outcome:
        timer = timers.cancel(find(call))
        return Outcome(call.intent, True, "Timer cancelled", targets=(timer.id,))

    async def cancel_all(call: ToolCall, confirmed: bool) -> Outcome:
        active = timers.active("timer")
        for timer in active:
            timers.cancel(timer)
        return Outcome(call.intent, True, f"Cancelled {len(active)} timer{'s' if len(active) != 1 else ''}")

    async def pause(call: ToolCall, confirmed: bool) -> Outcome:
        timer = timers.pause(find(call, ("running",)))
        return Outcome(call.intent, True, "Timer paused", targets=(timer.id,))

    async def unpause(call: ToolCall, confirmed: bool) -> Outcome:
        timer = timers.unpause(find(call, ("paused",)))
        return Outcome(call.intent, True, "Timer resumed", targets=(timer.id,))

    def change(sign: int) -> Any:
        async def handler(call: ToolCall, confirmed: bool) -> Outcome:
            seconds = slot_seconds(call.slots)
            if seconds <= 0:
                raise ExecutionError("By how much? Say for example two minutes")
            timer = timers.add(find(call), sign * seconds)
            verb = "Added" if sign > 0 else "Removed"
            left = describe_duration(timer.left(timers.clock()))
            return Outcome(call.intent, True, f"{verb} {describe_duration(seconds)}. {left} left",
                           targets=(timer.id,))
        return handler

    async def status(call: ToolCall, confirmed: bool) -> Outcome:
        active = timers.active("timer")
        if not active:
            return Outcome(call.intent, True, "There are no timers")
        parts = [f"{describe_duration(t.left(timers.clock()))} left on your "
                 f"{t.name + ' ' if t.name else ''}timer{' (paused)' if t.state == 'paused' else ''}"
                 for t in active]
        return Outcome(call.intent, True, _join(parts), targets=tuple(t.id for t in active))

    async def alarm_set(call: ToolCall, confirmed: bool) -> Outcome:
        at = _alarm_time(call.slots, now())
        alarm = timers.set_alarm(at, call.slots.get("label"))
        day = "" if at.date() == now().date() else (" tomorrow" if at.date() == now().date() + dt.timedelta(1)
                                                  else f" on {at:%A %d %B}")
        return Outcome(call.intent, True, f"Alarm set for {_clock(at)}{day}", targets=(alarm.id,))

    async def alarm_list(call: ToolCall, confirmed: bool) -> Outcome:
        alarms = timers.active("alarm")
        if not alarms:
            return Outcome(call.intent, True, "You have no alarms")
        said = [_clock(dt.datetime.fromtimestamp(a.due)) + (f" ({a.label})" if a.label else "") for a in alarms]
        return Outcome(call.intent, True, f"You have {len(alarms)} alarm{'s' if len(alarms) > 1 else ''}: "
                       + _join(said), targets=tuple(a.id for a in alarms))

    async def alarm_cancel(call: ToolCall, confirmed: bool) -> Outcome:
        alarms = timers.active("alarm")
        if call.slots.get("time"):
            wanted = _parse_time(str(call.slots["time"]))
            alarms = [a for a in alarms if dt.datetime.fromtimestamp(a.due).time().replace(second=0) == wanted]
        if call.slots.get("label"):
            label = normalize_name(str(call.slots["label"]))
            alarms = [a for a in alarms if a.label and normalize_name(a.label) == label]
        if not alarms:
            raise ExecutionError("There is no alarm like that")
        for alarm in alarms:
            timers.cancel(alarm)
        return Outcome(call.intent, True, f"Cancelled the alarm for {_clock(dt.datetime.fromtimestamp(alarms[0].due))}"
                       if len(alarms) == 1 else f"Cancelled {len(alarms)} alarms")

    for intent, handler in {
        "HassStartTimer": start, "HassCancelTimer": cancel, "HassCancelAllTimers": cancel_all,
        "HassPauseTimer": pause, "HassUnpauseTimer": unpause, "HassIncreaseTimer": change(1),
        "HassDecreaseTimer": change(-1), "HassTimerStatus": status, "HearthAlarmSet": alarm_set,
        "HearthAlarmList": alarm_list, "HearthAlarmCancel": alarm_cancel,
    }.items():
        executor.register(intent, handler)


def announcement(timer: Timer) -> str:
    if timer.kind == "alarm":
        at = _clock(dt.datetime.fromtimestamp(timer.due))
        return f"It's {at}." + (f" {timer.label}" if timer.label else " Your alarm is going off")
    named = f"{timer.name} " if timer.name else f"{describe_duration(timer.duration)} "
    return f"Your {named}timer is done"


def capture_scene(home: Home, name: str, area: str | None = None) -> Scene:
    """A scene of the current states of the controllable entities (of one area, if given)."""
    area_id = None
    if area:
        match = [a for a in home.areas if normalize_name(area) in {normalize_name(n) for n in (a.name, a.id, *a.aliases)}]
        if not match:
            raise ExecutionError(f"There is no area called {area}")
        area_id = match[0].id
    members: dict[str, Any] = {}
    for e in home.entities:
        if e.domain not in ("light", "switch", "fan", "cover", "media_player", "climate") or (
                area_id and e.area_id != area_id):
            continue
        wanted: dict[str, Any] = {"state": e.state}
        if e.domain == "light" and e.state == "on" and "brightness" in e.attributes:
            wanted["brightness"] = e.attributes["brightness"]
        if e.domain == "cover" and "current_position" in e.attributes:
            wanted["position"] = e.attributes["current_position"]
        if e.domain == "climate" and "temperature" in e.attributes:
            wanted["temperature"] = e.attributes["temperature"]
        members[e.id] = wanted
    if not members:
        raise ExecutionError("There is nothing to capture there")
    return Scene.named(name, members, area_id)


def _alarm_time(slots: dict[str, Any], now: dt.datetime) -> dt.datetime:
    if not slots.get("time"):
        raise ExecutionError("For what time? Say for example seven thirty")
    at = _parse_time(str(slots["time"]))
    if slots.get("date"):
        try:
            day = dt.date.fromisoformat(str(slots["date"]))
        except ValueError:
            raise ExecutionError(f"'{slots['date']}' is not a date like 2026-12-24") from None
        return dt.datetime.combine(day, at)
    when = dt.datetime.combine(now.date(), at)
    return when if when > now else when + dt.timedelta(days=1)


def _parse_time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text.strip().zfill(5) if len(text.strip()) == 4 else text.strip())
    except ValueError:
        raise ExecutionError(f"'{text}' is not a time like 07:30") from None


def _clock(at: dt.datetime) -> str:
    return at.strftime("%I:%M %p").lstrip("0")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
