"""Home Assistant intents beyond switching things: the clock, the weather, lawn mowers, broadcasts, canned
replies, media search, vacuum areas, state questions. Replies in HA's style.

Each intent is declared once at the end of this module (`HA_DEVICE_INTENTS`, `CLOCK_INTENTS`, ...) and
installed on the executor by `register_ha_intents`; the device intents act through the executor's own
target resolution, so exposure and "which one?" questions work the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from hub.core.home import DeviceCommand
from hub.core.errors import ExecutionError
from hub.core.events import Outcome, ToolCall
from hub.core.intents import TARGET_SLOTS, IntentSpec, Risk
from hub.executor import DeviceIntent, Executor, Handler, sends
from hub.core.responses import join_names, number
from hub.core.states import in_state
from hub.core.targets import find_area, kind_of_state

Speak = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class HaIntentOptions:
    speak: Speak | None = None
    """Where HassBroadcast's message goes (the hub's speakers and `hearth/speak`); None: no HassBroadcast."""
    now: Callable[[], dt.datetime] = dt.datetime.now


def register_ha_intents(executor: Executor, options: HaIntentOptions) -> None:
    """Install this module's intents on the executor."""
    executor.install(HA_DEVICE_INTENTS, executor)
    executor.install(CLOCK_INTENTS, _Clock(options.now))
    executor.install(REPLY_INTENTS, None)
    if options.speak is not None:
        executor.install(BROADCAST_INTENTS, _Broadcast(options.speak))


def ha_handlers(executor: Executor, options: HaIntentOptions) -> dict[str, Handler]:
    """The handlers `register_ha_intents` would install, by intent."""
    handlers = {spec.name: spec.bind(executor) for spec in HA_DEVICE_INTENTS}
    handlers.update((spec.name, spec.bind(_Clock(options.now))) for spec in CLOCK_INTENTS)
    handlers.update((spec.name, spec.bind(None)) for spec in REPLY_INTENTS)
    if options.speak is not None:
        handlers.update((spec.name, spec.bind(_Broadcast(options.speak))) for spec in BROADCAST_INTENTS)
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
        entities = self.executor.targets(kind_of_state(call), domains).entities
        matching = [e for e in entities if in_state(e, wanted)]
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


def _says(text: str) -> Handler:
    async def handler(call: ToolCall, confirmed: bool) -> Outcome:
        return Outcome(call.intent, True, text)
    return handler


@dataclass(frozen=True, slots=True)
class _Broadcast:
    speak: Speak

    async def handle(self, call: ToolCall, confirmed: bool) -> Outcome:
        message = " ".join(str(call.slots.get("message") or "").split())
        if not message:
            raise ExecutionError("What should I announce?")
        await self.speak(message)
        return Outcome(call.intent, True, "Done", targets=("hearth/speak",))


# --- the declarations ------------------------------------------------------------------------------

HA_DEVICE_INTENTS: tuple[DeviceIntent, ...] = (
    IntentSpec("HassGetState", lambda ex, _: _State(ex).handle, (*TARGET_SLOTS, "state"), risk=Risk.BY_RESULT,
                 question=True),
    IntentSpec("HassGetWeather", lambda ex, _: _Weather(ex).handle, ("name",), question=True),
    IntentSpec("HassLawnMowerStartMowing", sends("start_mowing"), TARGET_SLOTS, ("lawn_mower",),
                 response="Started mowing with {}"),
    IntentSpec("HassLawnMowerDock", sends("dock"), TARGET_SLOTS, ("lawn_mower",),
                 response="Sent {} back to the dock"),
    IntentSpec("HearthVacuumStop", sends("stop"), TARGET_SLOTS, ("vacuum",), response="Stopped {}"),
    # the area is where to clean, not where the vacuum is: no domains to ground the area against
    IntentSpec("HassVacuumCleanArea", lambda ex, _: _Vacuum(ex).clean_area, ("name", "area")),
    IntentSpec("HassMediaSearchAndPlay", lambda ex, _: _Media(ex).search_and_play,
                 (*TARGET_SLOTS, "search_query", "media_class"), ("media_player",)),
    IntentSpec("HassClimateSetFanMode", lambda ex, _: _Climate(ex).fan_mode, (*TARGET_SLOTS, "fan_mode"),
                 ("climate",)),
)
CLOCK_INTENTS: tuple[IntentSpec[_Clock], ...] = (
    IntentSpec("HassGetCurrentTime", lambda clock, _: clock.time),
    IntentSpec("HassGetCurrentDate", lambda clock, _: clock.date),
)
REPLY_INTENTS: tuple[IntentSpec[object], ...] = (
    IntentSpec("HassRespond", lambda _, __: _respond, ("response",)),
    IntentSpec("HassNevermind", lambda _, spec: _says(spec.response), response="OK"),
)
BROADCAST_INTENTS: tuple[IntentSpec[_Broadcast], ...] = (
    IntentSpec("HassBroadcast", lambda broadcast, _: broadcast.handle, ("message",)),
)
