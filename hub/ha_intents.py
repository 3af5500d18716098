"""Home Assistant intents beyond switching things: the clock, the weather, lawn mowers, broadcasts, canned
replies, media search, vacuum areas, and `todo.*` entities as the home's lists. Replies in HA's style.

Registered on the executor with `register_ha_intents`; the device intents act through the executor's own
target resolution, so exposure and "which one?" questions work the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from hub.core.home import DeviceCommand, Entity, normalize_name
from hub.core.errors import AmbiguousTarget, ExecutionError
from hub.core.events import Outcome, ToolCall
from hub.executor import Executor, Handler
from hub.household.intents import ListIntents
from hub.core.responses import join_names, number, state_phrase
from hub.core.targets import find_area
from hub.household.lists import DEFAULT_LIST, ListStore

Speak = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class HaIntentOptions:
    speak: Speak | None = None
    """Where HassBroadcast's message goes (the hub's speakers and `hearth/speak`)."""
    lists: ListStore | None = None
    """Where list items live (the lists are the home's `todo.*` entities, when it has any)."""
    now: Callable[[], dt.datetime] = dt.datetime.now


def register_ha_intents(executor: Executor, options: HaIntentOptions) -> None:
    """Add every handler of `ha_handlers` to the executor."""
    for intent, handler in ha_handlers(executor, options).items():
        executor.register(intent, handler)


def ha_handlers(executor: Executor, options: HaIntentOptions) -> dict[str, Handler]:
    clock = _Clock(options.now)
    handlers: dict[str, Handler] = {
        "HassGetCurrentTime": clock.time, "HassGetCurrentDate": clock.date,
        "HassGetWeather": _Weather(executor).handle,
        "HassLawnMowerStartMowing": executor.simple_handler("start_mowing", "Started mowing with {}"),
        "HassLawnMowerDock": executor.simple_handler("dock", "Sent {} back to the dock"),
        "HassVacuumCleanArea": _Vacuum(executor).clean_area,
        "HearthVacuumStop": executor.simple_handler("stop", "Stopped {}"),
        "HassMediaSearchAndPlay": _Media(executor).search_and_play,
        "HassClimateSetFanMode": _Climate(executor).fan_mode,
        "HassGetState": _State(executor).handle,
        "HassRespond": _respond, "HassNevermind": _nevermind,
    }
    if options.speak is not None:
        handlers["HassBroadcast"] = _Broadcast(options.speak).handle
    if options.lists is not None:
        handlers.update(TodoLists(executor, options.lists).handlers())
    return handlers


# --- the clock ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Clock:
    now: Callable[[], dt.datetime]

    async def time(self, call: ToolCall, confirmed: bool) -> Outcome:
        now = self.now()
        return Outcome(call.intent, True, f"It is {now:%I:%M %p}".replace(" 0", " ", 1),
                       states={"clock": {"state": now.isoformat(timespec="minutes"), "attributes": {}}})

    async def date(self, call: ToolCall, confirmed: bool) -> Outcome:
        today = self.now().date()
        return Outcome(call.intent, True, f"Today is {today:%A}, {today:%B} {_ordinal(today.day)}, {today.year}",
                       states={"clock": {"state": today.isoformat(), "attributes": {}}})


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


# --- weather ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Weather:
    executor: Executor

    async def handle(self, call: ToolCall, confirmed: bool) -> Outcome:
        """HA: "18 °C and sunny" from the named `weather.*` entity, or the home's only/first one."""
        if call.slots.get("name"):
            entity = self.executor.targets(call, ("weather",)).entities[0]
        else:
            found = [e for e in self.executor.backend.home.entities if e.domain == "weather" and e.exposed]
            if not found:
                raise ExecutionError("There is no weather entity in this home")
            entity = found[0]
        temperature = entity.attributes.get("temperature")
        unit = entity.attributes.get("temperature_unit", "°C")
        condition = entity.state.replace("_", " ").replace("partlycloudy", "partly cloudy")
        said = f"{number(float(temperature))} {unit} and {condition}" if temperature is not None else condition
        return Outcome(call.intent, True, said, targets=(entity.id,),
                       states={entity.id: {"state": entity.state, "attributes": entity.attributes}})


# --- vacuums and media ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Vacuum:
    executor: Executor

    async def clean_area(self, call: ToolCall, confirmed: bool) -> Outcome:
        if not call.slots.get("area"):
            raise ExecutionError("Which room? Say for example 'clean the kitchen'")
        area = find_area(self.executor.backend.home, str(call.slots["area"]))
        vacuums = self.executor.targets(ToolCall(call.intent, _only(call.slots, "name")), ("vacuum",))
        commands = [DeviceCommand(e.id, "clean_area", {"area": area.name}) for e in vacuums.entities]
        return await self.executor.run(call, vacuums, commands, confirmed, f"Cleaning the {area.name}")


@dataclass(frozen=True, slots=True)
class _Media:
    executor: Executor

    async def search_and_play(self, call: ToolCall, confirmed: bool) -> Outcome:
        query = " ".join(str(call.slots.get("search_query") or "").split())
        if not query:
            raise ExecutionError("What should I play?")
        players = self.executor.targets(call, ("media_player",))
        commands = [DeviceCommand(e.id, "play_media", {"media_content_id": query}) for e in players.entities]
        return await self.executor.run(call, players, commands, confirmed, f"Playing {query}")


@dataclass(frozen=True, slots=True)
class _Climate:
    executor: Executor

    async def fan_mode(self, call: ToolCall, confirmed: bool) -> Outcome:
        mode = " ".join(str(call.slots.get("fan_mode") or "").split()).lower()
        if not mode:
            raise ExecutionError("Which fan mode? Say for example low, high or auto")
        targets = self.executor.targets(call, ("climate",))
        commands = [DeviceCommand(e.id, "set_fan_mode", {"fan_mode": mode}) for e in targets.entities]
        return await self.executor.run(call, targets, commands, confirmed,
                                       f"Set the fan mode of {targets.phrase()} to {mode}")


def _only(slots: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: slots[k] for k in keys if slots.get(k)}


@dataclass(frozen=True, slots=True)
class _State:
    """HassGetState answered the way the matched sentence asked: how many, which, any or all."""

    executor: Executor

    async def handle(self, call: ToolCall, confirmed: bool) -> Outcome:
        wanted = str(call.slots.get("state") or "").lower()
        if call.response_key not in ("how_many", "which", "any", "all") or not wanted:
            return await self.executor.get_state(call, confirmed)
        domains = tuple(sorted({e.domain for e in self.executor.backend.home.entities}))
        entities = self.executor.targets(call, domains).entities
        matching = [e for e in entities if e.state == wanted or state_phrase(e).lower() == wanted]
        names = join_names([e.name for e in matching]) if matching else ""
        said = {
            "how_many": str(len(matching)),
            "which": names or "None",
            "any": f"Yes, {names}" if matching else "No",
            "all": "Yes" if len(matching) == len(entities) else
                   f"No, {join_names([e.name for e in entities if e not in matching])} "
                   f"{'is' if len(entities) - len(matching) == 1 else 'are'} not",
        }[call.response_key]
        return Outcome(call.intent, True, said, targets=tuple(e.id for e in entities),
                       states={e.id: {"state": e.state, "attributes": e.attributes} for e in entities})


# --- replies and broadcasts -----------------------------------------------------------------------


async def _respond(call: ToolCall, confirmed: bool) -> Outcome:
    """HA's canned replies ("hello", "who made you"...), by the response key of the sentence matched."""
    from llm.templates import response_text

    said = call.slots.get("response") or response_text(call.intent, call.response_key or "hello")
    return Outcome(call.intent, True, str(said or "Hello"))


async def _nevermind(call: ToolCall, confirmed: bool) -> Outcome:
    return Outcome(call.intent, True, "OK")


@dataclass(frozen=True, slots=True)
class _Broadcast:
    speak: Speak

    async def handle(self, call: ToolCall, confirmed: bool) -> Outcome:
        message = " ".join(str(call.slots.get("message") or "").split())
        if not message:
            raise ExecutionError("What should I announce?")
        await self.speak(message)
        return Outcome(call.intent, True, "Done", targets=("hearth/speak",))


# --- to-do lists -----------------------------------------------------------------------------------


class TodoLists:
    """The home's `todo.*` entities are its lists: a list is named as its entity; an unknown name or no
    name with several lists asks which (with `choices`), never making a new list. A home without `todo.*`
    entities keeps Hearth's own lists (`ListIntents`)."""

    def __init__(self, executor: Executor, lists: ListStore) -> None:
        self.executor = executor
        self.plain = ListIntents(lists)

    def handlers(self) -> dict[str, Handler]:
        plain = self.plain.handlers()
        return {
            "HassListAddItem": self._wrap(plain["HassListAddItem"], shopping=False),
            "HassListRemoveItem": self._wrap(plain["HassListRemoveItem"], shopping=False),
            "HassListCompleteItem": self._wrap(plain["HassListCompleteItem"], shopping=False),
            "HearthListQuery": self._wrap(plain["HearthListQuery"], shopping=False),
            "HassShoppingListAddItem": self._wrap(plain["HassListAddItem"], shopping=True),
            "HassShoppingListCompleteItem": self._wrap(plain["HassListCompleteItem"], shopping=True),
        }

    def _wrap(self, handler: Handler, shopping: bool) -> Handler:
        async def wrapped(call: ToolCall, confirmed: bool) -> Outcome:
            todo = self.todo_list(call, shopping)
            name = todo.name if todo is not None else (DEFAULT_LIST if shopping else call.slots.get("name"))
            slots = {**call.slots, **({"name": name} if name else {})}
            outcome = await handler(ToolCall(call.intent, slots, call.confidence, call.stage), confirmed)
            return outcome if todo is None else _on_entity(outcome, todo)
        return wrapped

    def todo_list(self, call: ToolCall, shopping: bool) -> Entity | None:
        """The todo entity meant, None when the home has none; ExecutionError/AmbiguousTarget otherwise."""
        lists = [e for e in self.executor.backend.home.entities if e.domain == "todo" and e.exposed]
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


def _on_entity(outcome: Outcome, todo: Entity) -> Outcome:
    return Outcome(outcome.intent, outcome.ok, outcome.response, targets=(todo.id,), error=outcome.error)
