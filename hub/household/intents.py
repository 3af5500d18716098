"""Timer, alarm and list intents: Home Assistant's timer intents plus HearthAlarm*, HA's list intents
(HassListAddItem/RemoveItem/CompleteItem `item`, `name`; HassShoppingListAddItem `item`) and HearthListQuery
`name`. List work (SQLite, the mirror file) runs in worker threads."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

from hub.core.days import RECURRING, names_a_weekday, parse_day
from hub.core.errors import AmbiguousTarget, ExecutionError
from hub.core.events import Outcome, ToolCall
from hub.core.home import Entity, Home, normalize_name
from hub.core.intents import IntentHost, IntentSpec
from hub.core.responses import capitalized, join_names, join_some
from hub.core.seams import Handler
from hub.household.lists import DEFAULT_LIST, ListStore, spoken_list
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


def register_timer_intents(executor: IntentHost, timers: TimerService,
                           now: Callable[[], dt.datetime] = dt.datetime.now) -> None:
    """Install the timer and alarm intents on the executor."""
    executor.install(TIMER_INTENTS, TimerIntents(timers, now))


class TimerIntents:
    """Home Assistant's timer intents and Hearth's alarms on a TimerService; `now` tells alarms the day."""

    def __init__(self, timers: TimerService, now: Callable[[], dt.datetime] = dt.datetime.now) -> None:
        self.timers = timers
        self.now = now

    def find(self, call: ToolCall, states: tuple[str, ...] = ("running", "paused")) -> Timer:
        """The timer the call means, by name or by the duration it was started with."""
        candidates = [t for t in self.timers.active("timer") if t.state in states]
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

    async def start(self, call: ToolCall, confirmed: bool) -> Outcome:
        seconds = slot_seconds(call.slots)
        if seconds <= 0:
            raise ExecutionError("For how long? Say for example five minutes")
        command = " ".join(str(call.slots.get("conversation_command") or "").split()) or None
        timer = self.timers.start_timer(seconds, call.slots.get("name"), call.slots.get("area"), command)
        if command:
            return Outcome(call.intent, True, f"In {describe_duration(seconds)}: {command}", targets=(timer.id,))
        named = f" {timer.name}" if timer.name else ""
        return Outcome(call.intent, True, f"Timer{named} set for {describe_duration(seconds)}", targets=(timer.id,))

    async def cancel(self, call: ToolCall, confirmed: bool) -> Outcome:
        timer = self.timers.cancel(self.find(call))
        return Outcome(call.intent, True, "Timer cancelled", targets=(timer.id,))

    async def cancel_all(self, call: ToolCall, confirmed: bool) -> Outcome:
        active = self.timers.active("timer")
        for timer in active:
            self.timers.cancel(timer)
        return Outcome(call.intent, True, f"Cancelled {len(active)} timer{'s' if len(active) != 1 else ''}")

    async def pause(self, call: ToolCall, confirmed: bool) -> Outcome:
        timer = self.timers.pause(self.find(call, ("running",)))
        return Outcome(call.intent, True, "Timer paused", targets=(timer.id,))

    async def unpause(self, call: ToolCall, confirmed: bool) -> Outcome:
        timer = self.timers.unpause(self.find(call, ("paused",)))
        return Outcome(call.intent, True, "Timer resumed", targets=(timer.id,))

    def change(self, sign: int) -> Handler:
        """Adds time to a timer (sign 1) or takes it off (-1)."""
        async def handler(call: ToolCall, confirmed: bool) -> Outcome:
            seconds = slot_seconds(call.slots)
            if seconds <= 0:
                raise ExecutionError("By how much? Say for example two minutes")
            timer = self.timers.add(self.find(call), sign * seconds)
            verb = "Added" if sign > 0 else "Removed"
            left = describe_duration(timer.left(self.timers.clock()))
            return Outcome(call.intent, True, f"{verb} {describe_duration(seconds)}. {left} left",
                           targets=(timer.id,))
        return handler

    async def status(self, call: ToolCall, confirmed: bool) -> Outcome:
        active = self.timers.active("timer")
        if not active:
            return Outcome(call.intent, True, "There are no timers")
        parts = [f"{describe_duration(t.left(self.timers.clock()))} left on your "
                 f"{t.name + ' ' if t.name else ''}timer{' (paused)' if t.state == 'paused' else ''}"
                 for t in active]
        return Outcome(call.intent, True, join_names(parts), targets=tuple(t.id for t in active))

    async def alarm_set(self, call: ToolCall, confirmed: bool) -> Outcome:
        now = self.now()
        at = _alarm_time(call.slots, now)
        alarm = self.timers.set_alarm(at, call.slots.get("label"))
        day = "" if at.date() == now.date() else (" tomorrow" if at.date() == now.date() + dt.timedelta(1)
                                                  else f" on {at:%A %d %B}")
        return Outcome(call.intent, True, f"Alarm set for {_clock(at)}{day}", targets=(alarm.id,))

    async def alarm_list(self, call: ToolCall, confirmed: bool) -> Outcome:
        alarms = self.timers.active("alarm")
        if not alarms:
            return Outcome(call.intent, True, "You have no alarms")
        said = [_clock(dt.datetime.fromtimestamp(a.due)) + (f" ({a.label})" if a.label else "") for a in alarms]
        return Outcome(call.intent, True, f"You have {len(alarms)} alarm{'s' if len(alarms) > 1 else ''}: "
                       + join_names(said), targets=tuple(a.id for a in alarms))

    async def alarm_cancel(self, call: ToolCall, confirmed: bool) -> Outcome:
        alarms = self.timers.active("alarm")
        if call.slots.get("time"):
            wanted = _parse_time(str(call.slots["time"]))
            alarms = [a for a in alarms if dt.datetime.fromtimestamp(a.due).time().replace(second=0) == wanted]
        if call.slots.get("label"):
            label = normalize_name(str(call.slots["label"]))
            alarms = [a for a in alarms if a.label and normalize_name(a.label) == label]
        if not alarms:
            raise ExecutionError("There is no alarm like that")
        for alarm in alarms:
            self.timers.cancel(alarm)
        return Outcome(call.intent, True, f"Cancelled the alarm for {_clock(dt.datetime.fromtimestamp(alarms[0].due))}"
                       if len(alarms) == 1 else f"Cancelled {len(alarms)} alarms")


_DURATION = ("hours", "minutes", "seconds")
_STARTED = ("start_hours", "start_minutes", "start_seconds")
"""Which timer: the one started for this long."""
TIMER_INTENTS: tuple[IntentSpec[TimerIntents], ...] = (
    IntentSpec("HassStartTimer", lambda t, _: t.start, (*_DURATION, "name", "area", "conversation_command")),
    IntentSpec("HassCancelTimer", lambda t, _: t.cancel, ("name", *_STARTED)),
    IntentSpec("HassCancelAllTimers", lambda t, _: t.cancel_all),
    IntentSpec("HassPauseTimer", lambda t, _: t.pause, ("name", *_STARTED)),
    IntentSpec("HassUnpauseTimer", lambda t, _: t.unpause, ("name", *_STARTED)),
    IntentSpec("HassIncreaseTimer", lambda t, _: t.change(1), (*_DURATION, "name", *_STARTED)),
    IntentSpec("HassDecreaseTimer", lambda t, _: t.change(-1), (*_DURATION, "name", *_STARTED)),
    IntentSpec("HassTimerStatus", lambda t, _: t.status, ("name",)),
    IntentSpec("HearthAlarmSet", lambda t, _: t.alarm_set, ("time", "date", "label")),
    IntentSpec("HearthAlarmList", lambda t, _: t.alarm_list),
    IntentSpec("HearthAlarmCancel", lambda t, _: t.alarm_cancel, ("time", "label")),
)


def announcement(timer: Timer) -> str:
    if timer.kind == "alarm":
        at = _clock(dt.datetime.fromtimestamp(timer.due))
        return f"It's {at}." + (f" {timer.label}" if timer.label else " Your alarm is going off")
    named = f"{timer.name} " if timer.name else f"{describe_duration(timer.duration)} "
    return f"Your {named}timer is done"


def _alarm_time(slots: dict[str, Any], now: dt.datetime) -> dt.datetime:
    if not slots.get("time"):
        raise ExecutionError("For what time? Say for example seven thirty")
    at = _parse_time(str(slots["time"]))
    if slots.get("date"):
        return _on_day(str(slots["date"]), at, now)
    when = dt.datetime.combine(now.date(), at)
    return when if when > now else when + dt.timedelta(days=1)


def _on_day(said: str, at: dt.time, now: dt.datetime) -> dt.datetime:
    """`at` on the day `said` names (`hub.core.days`); a weekday whose time has passed today is next week's."""
    if RECURRING.search(said.casefold()):
        raise ExecutionError(f"Alarms ring once: say which day rather than '{said}'")
    day = parse_day(said, now.date())
    if day is None:
        raise ExecutionError(f"Which day is '{said}'? Say today, tomorrow, a weekday or a date like 2026-12-24")
    when = dt.datetime.combine(day, at)
    if when <= now and names_a_weekday(said):
        when += dt.timedelta(days=7)
    if when <= now:
        raise ExecutionError(f"{_clock(when)} on {day.isoformat()} has passed")
    return when


def _parse_time(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text.strip().zfill(5) if len(text.strip()) == 4 else text.strip())
    except ValueError:
        raise ExecutionError(f"'{text}' is not a time like 07:30") from None


def _clock(at: dt.datetime) -> str:
    return at.strftime("%I:%M %p").lstrip("0")


def register_list_intents(executor: IntentHost, lists: ListStore, home: Callable[[], Home]) -> None:
    """Install the list intents (HA's list intents and HearthListQuery) on the executor."""
    executor.install(LIST_INTENTS, ListIntents(lists, home))


class ListIntents:
    """The home's `todo.*` entities are its lists: a list is named as its entity; an unknown name or no
    name with several lists asks which (with `choices`), never making a new list. A home without `todo.*`
    entities keeps Hearth's own lists (`lists`)."""

    def __init__(self, lists: ListStore, home: Callable[[], Home]) -> None:
        self.lists = lists
        self.home = home

    def on_todo(self, handler: Handler, shopping: bool) -> Handler:
        """`handler` on the todo entity meant (the shopping list for `shopping`), or on Hearth's own list."""
        async def on_list(call: ToolCall, confirmed: bool) -> Outcome:
            todo = self.todo_list(call, shopping)
            name = todo.name if todo is not None else (DEFAULT_LIST if shopping else call.slots.get("name"))
            slots = {**call.slots, **({"name": name} if name else {})}
            outcome = await handler(ToolCall(call.intent, slots, call.confidence, call.stage), confirmed)
            return outcome if todo is None else _on_entity(outcome, todo)
        return on_list

    def todo_list(self, call: ToolCall, shopping: bool) -> Entity | None:
        """The todo entity meant, None when the home has none; ExecutionError/AmbiguousTarget otherwise."""
        lists = [e for e in self.home().entities if e.domain == "todo" and e.exposed]
        if not lists:
            return None
        said = call.slots.get("name")
        if said:
            key = normalize_name(str(said)).removesuffix(" list")
            named = [e for e in lists if key in {normalize_name(n).removesuffix(" list") for n in e.names()}]
            if not named:
                raise ExecutionError(f"There is no list called {said}. Your lists are "
                                     f"{join_names([e.name for e in lists])}")
            return named[0]
        if shopping:
            wanted = normalize_name(DEFAULT_LIST)
            found = [e for e in lists if e.object_id == "shopping_list" or normalize_name(e.name) == wanted]
            if found:
                return found[0]
        if len(lists) == 1:
            return lists[0]
        raise AmbiguousTarget(f"Which list: {join_names([e.name for e in lists], 'or')}?",
                              tuple(e.id for e in lists), missing="name")

    async def add(self, call: ToolCall, confirmed: bool) -> Outcome:
        item = call.required_text("item", "Which item? Say what to put on the list")
        change = await asyncio.to_thread(self.lists.add, call.text("name"), item)
        where = spoken_list(change.list_name)
        response = f"Added {change.item} to {where}" if change.changed else \
            f"{change.item} is already on {where}"
        return Outcome(call.intent, True, capitalized(response), targets=(change.list_name,))

    async def remove(self, call: ToolCall, confirmed: bool) -> Outcome:
        return await self._change(call, self.lists.remove, "Removed {item} from {where}", "")

    async def complete(self, call: ToolCall, confirmed: bool) -> Outcome:
        return await self._change(call, self.lists.complete, "Checked off {item} on {where}",
                                  "{item} is already checked off on {where}")

    async def _change(self, call: ToolCall, action: Callable[[str | None, str], Any], done: str,
                      unchanged: str) -> Outcome:
        item = call.required_text("item", "Which item? Say what to take off the list")
        change = await asyncio.to_thread(action, call.text("name"), item)
        template = done if change.changed else unchanged
        response = template.format(item=change.item, where=spoken_list(change.list_name))
        return Outcome(call.intent, True, capitalized(response), targets=(change.list_name,))

    async def query(self, call: ToolCall, confirmed: bool) -> Outcome:
        list_name, items = await asyncio.to_thread(self.lists.items, call.text("name"))
        where = capitalized(spoken_list(list_name))
        if not items:
            return Outcome(call.intent, True, f"{where} is empty", targets=(list_name,))
        names = [i.item for i in items]
        return Outcome(call.intent, True, f"{where} has {join_some(names, len(names))}",
                       targets=(list_name,))


LIST_INTENTS: tuple[IntentSpec[ListIntents], ...] = (
    IntentSpec("HassListAddItem", lambda li, _: li.on_todo(li.add, shopping=False), ("item", "name")),
    IntentSpec("HassListRemoveItem", lambda li, _: li.on_todo(li.remove, shopping=False), ("item", "name")),
    IntentSpec("HassListCompleteItem", lambda li, _: li.on_todo(li.complete, shopping=False), ("item", "name")),
    IntentSpec("HearthListQuery", lambda li, _: li.on_todo(li.query, shopping=False), ("name",)),
    IntentSpec("HassShoppingListAddItem", lambda li, _: li.on_todo(li.add, shopping=True), ("item",)),
    IntentSpec("HassShoppingListCompleteItem", lambda li, _: li.on_todo(li.complete, shopping=True), ("item",)),
)


def _on_entity(outcome: Outcome, todo: Entity) -> Outcome:
    return Outcome(outcome.intent, outcome.ok, outcome.response, targets=(todo.id,), error=outcome.error)
