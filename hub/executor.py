"""The executor: a tool call in, targets resolved, device commands out, a confirmed outcome back."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypeVar

from devices.colors import color_rgb
from devices.errors import DeviceError
from devices.manager import CommandResult
from hub.core.home import DeviceCommand, Entity, Home
from hub.core.config import ExecutorConfig
from hub.core.errors import AmbiguousTarget, ExecutionError, HearthError, MissingValue, NoSuchDevice
from hub.core.events import MqttMessage, Outcome, ToolCall
from hub.core.intents import ANSWERS, TARGET_SLOTS, IntentSpec, Risk, by_name
from hub.core.seams import Handler
from hub.core.states import canonical_state, in_state
from hub.core.grounding import sounds_like
from hub.core.responses import capitalized, confirm_question, join_names, meant, number, state_phrase, turned
from hub.core.targets import (
    says_which_devices,
    SWITCHING,
    everything_off,
    kind_of_state,
    ON_OFF_DOMAINS,
    Targets,
    match_targets,
    query_for,
    temperature_range,
    which_one,
    zones_unsaid,
)

_LOGGER = logging.getLogger(__name__)

_ON = {"cover": "open_cover", "lock": "lock", "vacuum": "start", "scene": "activate", "valve": "open_valve",
       "lawn_mower": "start_mowing"}
_OFF = {"cover": "close_cover", "lock": "unlock", "vacuum": "return_to_base", "valve": "close_valve",
        "lawn_mower": "dock"}
_RISKY_CLASSES = ("garage", "gate", "door")
_PLANNING: contextvars.ContextVar[bool] = contextvars.ContextVar("hearth_planning", default=False)
"""Set by `would_ask`: device commands are worked out and judged, never sent."""
T = TypeVar("T")


class DeviceBackend(Protocol):
    """What the executor needs from the devices side (the MQTT device manager, later HA)."""

    @property
    def home(self) -> Home: ...

    def entity(self, entity_id: str) -> Entity | None: ...

    async def send(self, command: DeviceCommand, timeout: float) -> CommandResult: ...


@dataclass(frozen=True, slots=True)
class _Pending:
    call: ToolCall
    expires: float
    session: str
    guessed: bool = False
    """A reading asked about ("Did you mean …?"), not a risky action: a yes carries it out as if just said."""




class Executor:
    """Carries out Home Assistant intents on a DeviceBackend. Never raises for a person's mistake."""

    def __init__(self, backend: DeviceBackend, options: ExecutorConfig | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.backend = backend
        self.options = options or ExecutorConfig()
        self._clock = clock
        self._pending: dict[str, _Pending] = {}
        """Open questions by request id (a random token returned with the question)."""
        self.fallback: Callable[[str, dict[str, Any]], Awaitable[str]] | None = None
        """Where intents Hearth does not own go (Home Assistant's /api/intent/handle), if anywhere."""
        self._specs: dict[str, IntentSpec[Any]] = {}
        self._handlers: dict[str, Handler] = {}
        self.install(DEVICE_INTENTS, self)

    def awaiting_answer(self) -> bool:
        """Whether a question (a confirmation) is open in some session."""
        now = self._clock()
        return any(p.expires >= now for p in list(self._pending.values()))

    def install(self, specs: Iterable[IntentSpec[T]], services: T) -> None:
        """Carry out these intents, each with the handler its declaration makes from `services`. A handler
        returning needs_confirmation=True is re-run with confirmed=True when the same session answers
        HearthConfirm within the confirmation window. ValueError for an intent already installed."""
        added = list(specs)
        self._specs = by_name([*self._specs.values(), *added])
        self._handlers.update((spec.name, spec.bind(services)) for spec in added)

    @property
    def intents(self) -> tuple[str, ...]:
        return (*self._handlers, *ANSWERS)

    @property
    def specs(self) -> dict[str, IntentSpec[Any]]:
        """The declarations of the intents installed (not the answers, which the executor carries out)."""
        return dict(self._specs)

    async def execute(self, call: ToolCall, *, session: str = "default",
                      confirmed: bool = False) -> Outcome:
        """Carry out one tool call; errors become an Outcome with a speakable response.

        A question (needs_confirmation) comes with a `request_id`. HearthConfirm/HearthDeny answer it when
        they carry that id in the slot `request_id`, or, without one, the latest question of the same
        session. Callers that share one session among many requesters (MQTT) give each request its own."""
        if call.intent in ANSWERS:
            return await self._answer(call, session)
        self._drop_session(session)  # anything else cancels a pending question of this session
        handler = self._handlers.get(call.intent)
        if handler is None and self.fallback is not None:
            handler = self._handed_over
        if handler is None:
            return _failed(call, f"Sorry, I can't handle {call.intent} yet")
        try:
            outcome = await handler(call, confirmed)
        except (HearthError, ValueError) as err:  # DeviceError (Home Assistant too) is a HearthError
            _LOGGER.info("%s failed: %s", call.intent, err)
            if isinstance(err, NoSuchDevice) and (near := sounds_like(self.backend.home, err.name,
                                                                     err.domains or None)) is not None:
                slots = {k: v for k, v in call.slots.items() if k not in ("area", "floor")}
                return self._ask(replace(call, slots={**slots, "name": near.name}),
                                 f"{err}. Did you mean {near.name}? Say yes or no.", session)
            return _asked(call, err) if isinstance(err, (AmbiguousTarget, MissingValue)) else _failed(call, str(err))
        if outcome.needs_confirmation:
            request_id = secrets.token_urlsafe(16)
            self._pending[request_id] = _Pending(call, self._clock() + self.options.confirmation_window, session)
            outcome = replace(outcome, request_id=request_id)
        return outcome

    def ask_meant(self, call: ToolCall, *, session: str = "default") -> Outcome | None:
        """"Did you mean: turn on the Study Blind? Say yes or no." for a call read with too little confidence to
        carry out. A yes from `session` within the confirmation window carries it out as if just said, so a risky
        one still asks first. None (nothing asked) when the call names no device the home has, would ask which of
        several, switches a place alone, or is not phrased (`hub.core.responses.meant`). A call whose intent implies
        its device ("turn the heat down": the home's one thermostat) is asked about on that device."""
        if call.intent not in self._handlers or (call.intent in SWITCHING and not says_which_devices(call.slots)):
            return None
        try:
            targets = self._targets(call)
        except (HearthError, ValueError, LookupError):
            return None
        domain = targets.entities[0].domain
        service = {"HassTurnOn": _ON, "HassTurnOff": _OFF}.get(call.intent, {}).get(domain)
        words = meant(call, targets.phrase(), service)
        if words is None:
            return None
        self._drop_session(session)
        return self._ask(call, f"Did you mean: {words}? Say yes or no.", session)

    def _ask(self, call: ToolCall, question: str, session: str) -> Outcome:
        """`question` asked about `call`, which a yes from `session` carries out as if just said."""
        request_id = secrets.token_urlsafe(16)
        self._pending[request_id] = _Pending(call, self._clock() + self.options.confirmation_window, session, True)
        return Outcome(call.intent, False, question, needs_confirmation=True, request_id=request_id)

    async def would_ask(self, call: ToolCall) -> bool:
        """Whether `call` would ask first if run now, found without carrying anything out."""
        spec = self._specs.get(call.intent)
        if spec is None:
            return self.fallback is not None and self._handover_risk(call) is not None
        if spec.risk is not Risk.BY_RESULT:
            return spec.risk is Risk.ALWAYS
        token = _PLANNING.set(True)
        try:
            return (await self._handlers[call.intent](call, False)).needs_confirmation
        except (HearthError, ValueError):
            return False  # it would fail, and say why, when run
        finally:
            _PLANNING.reset(token)

    def cancel(self, request_id: str | None) -> None:
        """Forget a question (its asker may not be allowed to answer it)."""
        if request_id is not None:
            self._pending.pop(request_id, None)

    def _drop_session(self, session: str) -> None:
        now = self._clock()
        for request_id, pending in list(self._pending.items()):
            if pending.session == session or pending.expires < now:
                self._pending.pop(request_id, None)

    async def _handed_over(self, call: ToolCall, confirmed: bool) -> Outcome:
        assert self.fallback is not None
        risky = self._handover_risk(call)
        if risky is not None and not confirmed:
            return Outcome(call.intent, False, f"Hand {call.intent} for {risky.name} to Home Assistant? "
                                               "Say yes or no.", targets=(risky.id,), needs_confirmation=True)
        return Outcome(call.intent, True, await self.fallback(call.intent, dict(call.slots)))

    def _handover_risk(self, call: ToolCall) -> Entity | None:
        """An intent Hearth does not own cannot be checked by its result, so one that names a lock or a
        sensitive cover asks first."""
        if not any(call.slots.get(k) for k in ("name", "area", "floor", "domain", "device_class")):
            return None
        try:
            targets = self._targets(call, ("lock", "cover"))
        except (HearthError, ValueError):
            return None
        return next((e for e in targets.entities if _guarded(e)), None)

    async def _answer(self, call: ToolCall, session: str) -> Outcome:
        request_id = _text(call.slots.get("request_id"))
        if request_id is not None:
            pending = self._pending.pop(request_id, None)
        else:
            mine = [(k, p) for k, p in self._pending.items() if p.session == session]
            pending = self._pending.pop(mine[-1][0]) if mine else None
        if pending is None or pending.expires < self._clock():
            reason = "That question has expired" if pending else "There is nothing to confirm"
            return _failed(call, reason)
        if call.intent == "HearthDeny":
            return Outcome(call.intent, True, "OK, I won't")
        return await self.execute(pending.call, session=session, confirmed=not pending.guessed)

    # --- building blocks (public ones for handlers registered from other modules) ---------------

    def targets(self, call: ToolCall, domains: tuple[str, ...] | None = None) -> Targets:
        return self._targets(call, domains)

    async def run(self, call: ToolCall, targets: Targets, commands: list[DeviceCommand], confirmed: bool,
                  done: str) -> Outcome:
        return await self._run(call, targets, commands, confirmed, done)

    async def get_state(self, call: ToolCall, confirmed: bool) -> Outcome:
        return await self._get_state(call, confirmed)

    def _targets(self, call: ToolCall, domains: tuple[str, ...] | None = None, kind_said: bool = True) -> Targets:
        """What the call acts on, among `domains` (default: those its intent's declaration names); `kind_said`
        False when a kind in its slots is the handler's own, not the speaker's (`TargetQuery.kind_said`)."""
        domains = domains or self._domains(call.intent)
        query = query_for(call.slots, domains)
        if not kind_said:
            query = replace(query, kind_said=False)
        spec = self._specs.get(call.intent)
        ask_which = (spec is None or not spec.question) and not call.every
        try:
            return match_targets(self.backend.home, query, ask_which=ask_which)
        except AmbiguousTarget:
            raise
        except ExecutionError:
            if "area" not in call.assumed:
                raise
        # the speaker's own area was assumed, not said, and holds nothing that fits: the home does
        widened = query_for({k: v for k, v in call.slots.items() if k != "area"}, domains)
        return match_targets(self.backend.home, widened, ask_which=ask_which)

    def _domains(self, intent: str) -> tuple[str, ...]:
        spec = self._specs.get(intent)
        if spec is None or not spec.domains:
            raise LookupError(f"{intent} declares no domains to target")  # a bug in a handler, not a request
        return spec.domains

    async def _run(self, call: ToolCall, targets: Targets, commands: list[DeviceCommand],
                   confirmed: bool, done: str) -> Outcome:
        risky = [c for c in commands if _is_risky(self.backend.entity(c.entity_id), c)]
        if risky and not confirmed:
            return Outcome(call.intent, False, confirm_question(risky[0].service, targets.phrase()),
                           targets=tuple(c.entity_id for c in commands), needs_confirmation=True)
        if _PLANNING.get():
            return Outcome(call.intent, True, "", targets=tuple(c.entity_id for c in commands))
        timeout = self.options.confirm_timeout
        results = await asyncio.gather(*(self.backend.send(c, timeout) for c in commands),
                                       return_exceptions=True)
        ok = [r for r in results if isinstance(r, CommandResult)]
        errors = [r for r in results if not isinstance(r, CommandResult)]
        for err in errors:
            if not isinstance(err, (DeviceError, HearthError)):
                raise err  # a bug, not a device problem
        response = done if not errors else "; ".join(
            ([_named(done, targets, [r.entity.name for r in ok])] if ok else []) + [_sentence(str(e)) for e in errors])
        return Outcome(
            call.intent, not errors, response, targets=tuple(c.entity_id for c in commands),
            mqtt=tuple(MqttMessage(r.topic, r.payload) for r in ok),
            states={r.entity.id: {"state": r.entity.state, "attributes": r.entity.attributes} for r in ok},
            error="; ".join(str(e) for e in errors) or None,
        )

    # --- on / off ---------------------------------------------------------------------------

    async def _turn_on(self, call: ToolCall, confirmed: bool) -> Outcome:
        return await self._switch(call, confirmed, lambda e: _ON.get(e.domain, "turn_on"))

    async def _turn_off(self, call: ToolCall, confirmed: bool) -> Outcome:
        return await self._switch(call, confirmed, lambda e: _OFF.get(e.domain, "turn_off"))

    async def _toggle(self, call: ToolCall, confirmed: bool) -> Outcome:
        return await self._switch(call, confirmed, lambda e: "toggle")

    async def _switch(self, call: ToolCall, confirmed: bool, service_of: Callable[[Entity], str]) -> Outcome:
        everything = not says_which_devices(call.slots)
        if everything:
            found = everything_off(call)
            if found is None:
                raise ExecutionError("Which devices? Say a name, or for example 'the lights in the kitchen'")
            call = found
        targets = self._targets(call)
        commands: list[DeviceCommand] = []
        for entity in targets.entities:
            service = service_of(entity)
            if service == "activate":
                commands.extend(scene_commands(entity, self.backend.home))
            elif service == "toggle" and entity.domain == "lock":
                commands.append(DeviceCommand(entity.id, "unlock" if entity.state == "locked" else "lock"))
            else:
                commands.append(DeviceCommand(entity.id, service))
        services = {service_of(e) for e in targets.entities}
        verb = services.pop() if len(services) == 1 else "turn_on"
        return await self._run(call, targets, commands, confirmed,
                               turned(verb, targets.entities, targets.phrase(everything)))

    # --- lights -----------------------------------------------------------------------------

    async def _light_set(self, call: ToolCall, confirmed: bool) -> Outcome:
        slots, data, said = call.slots, dict[str, Any](), list[str]()
        if "brightness" in slots:
            data["brightness_pct"] = _number(slots["brightness"], 0, 100, "Brightness")
            said.append(f"brightness to {number(data['brightness_pct'])}%")
        if "color" in slots:
            data["rgb_color"] = color_rgb(str(slots["color"]))
            said.append(str(slots["color"]).lower())
        if "temperature" in slots:
            data["color_temp_kelvin"] = _number(slots["temperature"], 1500, 9000, "Colour temperature")
            said.append(f"{number(data['color_temp_kelvin'])} kelvin")
        if not data:
            raise MissingValue("Set the light to what? Say a brightness, a colour or a temperature", "brightness")
        targets = self._targets(call)
        commands = [DeviceCommand(e.id, "turn_on", data) for e in targets.entities]
        return await self._run(call, targets, commands, confirmed, f"Set {targets.phrase()} {join_names(said)}")

    async def _brightness_step(self, call: ToolCall, confirmed: bool) -> Outcome:
        direction = str(call.slots.get("direction", "up")).lower()
        if direction not in ("up", "down"):
            raise ExecutionError("Direction must be up or down")
        step = _number(call.slots.get("step", self.options.brightness_step), 1, 100, "Step")
        sign = 1 if direction == "up" else -1
        targets = self._targets(call)
        lit = [e for e in targets.entities if e.state == "on" or sign > 0]
        if not lit:  # dimming what is off leaves it off: it is as dim as it goes
            one = len(targets.entities) == 1
            return Outcome(call.intent, True, f"{capitalized(targets.phrase())} {'is' if one else 'are'} off",
                           targets=tuple(e.id for e in targets.entities))
        commands = []
        for e in lit:
            current = round(e.attributes.get("brightness", 0) * 100 / 254) if e.state == "on" else 0
            new = max(1, min(100, current + sign * step))
            commands.append(DeviceCommand(e.id, "turn_on", {"brightness_pct": new}))
        verb = "Brightened" if sign > 0 else "Dimmed"
        level = f" to {number(commands[0].data['brightness_pct'])}%" if len(commands) == 1 else ""
        said = targets.phrase() if len(lit) == len(targets.entities) else join_names([e.name for e in lit])
        return await self._run(call, targets, commands, confirmed, f"{verb} {said}{level}")

    # --- climate, covers, fans ----------------------------------------------------------------

    async def _set_temperature(self, call: ToolCall, confirmed: bool) -> Outcome:
        direction = str(call.slots.get("direction") or "").lower()
        if "temperature" not in call.slots and direction not in ("up", "down"):
            raise MissingValue("To what temperature? Say for example 21 degrees", "temperature")
        targets = self._targets(call)
        if zones_unsaid(targets, call.every):
            raise AmbiguousTarget(which_one(self.backend.home, list(targets.entities)),
                                  tuple(e.id for e in targets.entities))
        if "temperature" not in call.slots:
            return await self._step_temperature(call, targets, 1 if direction == "up" else -1, confirmed)
        value = _number(call.slots["temperature"], -50, 100, "Temperature")
        for e in targets.entities:
            _number(value, *temperature_range(e), f"The temperature for {e.name}")
        commands = [DeviceCommand(e.id, "set_temperature", {"temperature": value}) for e in targets.entities]
        return await self._run(call, targets, commands, confirmed,
                               f"Set {targets.phrase()} to {number(value)} degrees")

    async def _step_temperature(self, call: ToolCall, targets: Targets, sign: int, confirmed: bool) -> Outcome:
        """"Turn the heating up": each thermostat's set temperature a degree (`TEMPERATURE_STEP`) that way, within
        what it takes; one already at its limit stays there."""
        commands = []
        for e in targets.entities:
            current = e.attributes.get("temperature")
            if not isinstance(current, (int, float)) or isinstance(current, bool):
                raise ExecutionError(f"{e.name} has no set temperature to turn {'up' if sign > 0 else 'down'}")
            low, high = temperature_range(e)
            commands.append(DeviceCommand(e.id, "set_temperature",
                                          {"temperature": min(high, max(low, current + sign * TEMPERATURE_STEP))}))
        level = f" to {number(commands[0].data['temperature'])} degrees" if len(commands) == 1 else " a degree"
        done = f"Turned {targets.phrase()} {'up' if sign > 0 else 'down'}{level}"
        return await self._run(call, targets, commands, confirmed, done)

    async def _get_temperature(self, call: ToolCall, confirmed: bool) -> Outcome:
        targets = self._temperature_source(call)
        entity = targets.entities[0]
        value: Any = entity.attributes.get("current_temperature") if entity.domain == "climate" else entity.state
        try:
            reading = float(value)
        except (TypeError, ValueError):
            reading = math.nan
        if not math.isfinite(reading):
            raise ExecutionError(f"{entity.name} is not reporting a temperature")
        degrees = number(reading)
        where = f" in the {targets.area.name}" if targets.area and not targets.by_name else ""
        return Outcome(call.intent, True, f"The temperature{where} is {degrees} degrees",
                       targets=(entity.id,), states=_states(entity))

    def _temperature_source(self, call: ToolCall) -> Targets:
        """A named thermostat or sensor; else a temperature sensor in the area; else a thermostat."""
        if call.slots.get("name"):
            return self._targets(call, ("climate", "sensor"))
        sensors = ToolCall(call.intent, {**call.slots, "device_class": "temperature"})
        said = bool(call.slots.get("domain") or call.slots.get("device_class"))
        for query, domains in ((sensors, ("sensor",)), (call, ("climate",))):
            try:
                return self._targets(query, domains, kind_said=said)
            except ExecutionError:
                continue
        raise ExecutionError("No thermostat or temperature sensor is reporting here")

    async def _set_position(self, call: ToolCall, confirmed: bool) -> Outcome:
        if "position" not in call.slots:
            raise MissingValue("Which position? Say a percentage", "position")
        position = _number(call.slots["position"], 0, 100, "Position")
        targets = self._targets(call)
        commands = [DeviceCommand(e.id, f"set_{'valve' if e.domain == 'valve' else 'cover'}_position",
                                  {"position": position}) for e in targets.entities]
        return await self._run(call, targets, commands, confirmed,
                               f"Set {targets.phrase()} to {number(position)}%")

    async def _fan_speed(self, call: ToolCall, confirmed: bool) -> Outcome:
        if "percentage" not in call.slots:
            raise MissingValue("Which speed? Say a percentage", "percentage")
        pct = _number(call.slots["percentage"], 0, 100, "Fan speed")
        targets = self._targets(call)
        commands = [DeviceCommand(e.id, "set_percentage", {"percentage": pct}) for e in targets.entities]
        return await self._run(call, targets, commands, confirmed, f"Set {targets.phrase()} to {number(pct)}%")

    def _simple(self, service: str, done: str) -> Handler:
        async def handler(call: ToolCall, confirmed: bool) -> Outcome:
            targets = self._targets(call)
            commands = [DeviceCommand(e.id, service) for e in targets.entities]
            return await self._run(call, targets, commands, confirmed, done.format(targets.phrase()))
        return handler

    # --- state ------------------------------------------------------------------------------

    async def _get_state(self, call: ToolCall, confirmed: bool) -> Outcome:
        domains = tuple(sorted({e.domain for e in self.backend.home.entities}))
        call = kind_of_state(call)
        targets = self._targets(call, domains)
        entities = targets.entities
        wanted = _text(call.slots.get("state"))
        holds = {e.id: in_state(e, wanted) for e in entities} if wanted else {}
        if wanted is None or None in holds.values():  # no yes or no of a state the device cannot be in
            parts = [f"{e.name} is {state_phrase(e)}" for e in entities]
            response = join_names(parts) if len(parts) <= 4 else f"{len(parts)} devices: " + ", ".join(parts)
        else:
            key = canonical_state(wanted, entities[0].domain if entities else None)
            matching = [e for e in entities if holds[e.id]]
            if len(entities) == 1:
                response = f"{'Yes' if matching else 'No'}, {entities[0].name} is {state_phrase(entities[0])}"
            elif matching:
                said = f"{join_names([e.name for e in matching])} {'is' if len(matching) == 1 else 'are'} {key}"
                rest = [e.name for e in entities if e not in matching]
                response = (f"{said}, but {join_names(rest)} {'is' if len(rest) == 1 else 'are'} not"
                            if 0 < len(rest) <= _NAMED_BESIDE else f"Yes, {said}")  # "are the doors locked"
            else:
                response = f"No, none of {targets.phrase()} are {key}"
        return Outcome(call.intent, True, response, targets=tuple(e.id for e in entities),
                       states={k: v for e in entities for k, v in _states(e).items()})

    # --- media ------------------------------------------------------------------------------

    def _media(self, service: str, done: str, only: str | None = None,
               data: dict[str, Any] | None = None) -> Handler:
        async def handler(call: ToolCall, confirmed: bool) -> Outcome:
            targets = self._players(call, only)
            commands = [DeviceCommand(e.id, service, dict(data or {})) for e in targets.entities]
            return await self._run(call, targets, commands, confirmed, done.format(targets.phrase()))
        return handler

    def _players(self, call: ToolCall, only: str | None) -> Targets:
        targets = self._targets(call)
        if only is None or call.slots.get("name"):
            return targets
        chosen = tuple(e for e in targets.entities if e.state == only)
        if not chosen:
            raise ExecutionError("Nothing is playing" if only == "playing" else "Nothing is paused")
        return Targets(chosen, targets.area, targets.floor, targets.by_name)

    async def _set_volume(self, call: ToolCall, confirmed: bool) -> Outcome:
        if "volume_level" not in call.slots:
            raise MissingValue("Which volume? Say a percentage", "volume_level")
        level = _number(call.slots["volume_level"], 0, 100, "Volume")
        targets = self._players(call, None)
        commands = [DeviceCommand(e.id, "volume_set", {"volume_level": level / 100}) for e in targets.entities]
        return await self._run(call, targets, commands, confirmed,
                               f"Set the volume of {targets.phrase()} to {number(level)}%")

    async def _volume_step(self, call: ToolCall, confirmed: bool) -> Outcome:
        step = call.slots.get("volume_step", "up")
        delta: float
        if step in ("up", "down"):
            delta = self.options.volume_step * (1 if step == "up" else -1)
        else:
            delta = _number(step, -100, 100, "Volume step")
        targets = self._players(call, None)
        commands = []
        for e in targets.entities:
            level = max(0, min(100, round(e.attributes.get("volume_level", 0) * 100) + delta))
            commands.append(DeviceCommand(e.id, "volume_set", {"volume_level": level / 100}))
        verb = "Turned up" if delta > 0 else "Turned down"
        return await self._run(call, targets, commands, confirmed, f"{verb} {targets.phrase()}")


DeviceIntent = IntentSpec[Executor]
_MEDIA = ("media_player",)


def sends(service: str) -> Callable[[Executor, DeviceIntent], Handler]:
    """A handler sending `service` to the call's targets, replying the declaration's `response`."""
    return lambda ex, spec: ex._simple(service, spec.response)


def plays(service: str, only: str | None = None,
          data: dict[str, Any] | None = None) -> Callable[[Executor, DeviceIntent], Handler]:
    """A handler sending `service` to the media players meant (only those `only`, when none is named)."""
    return lambda ex, spec: ex._media(service, spec.response, only, data)


DEVICE_INTENTS: tuple[DeviceIntent, ...] = (
    IntentSpec("HassTurnOn", lambda ex, _: ex._turn_on, TARGET_SLOTS, ON_OFF_DOMAINS, Risk.BY_RESULT),
    IntentSpec("HassTurnOff", lambda ex, _: ex._turn_off, TARGET_SLOTS,
                 tuple(d for d in ON_OFF_DOMAINS if d != "scene"), Risk.BY_RESULT),
    IntentSpec("HassToggle", lambda ex, _: ex._toggle, TARGET_SLOTS, ON_OFF_DOMAINS, Risk.BY_RESULT),
    IntentSpec("HassLightSet", lambda ex, _: ex._light_set, (*TARGET_SLOTS, "brightness", "color", "temperature"),
                 ("light",), Risk.BY_RESULT),
    IntentSpec("HearthBrightnessStep", lambda ex, _: ex._brightness_step, (*TARGET_SLOTS, "direction", "step"),
                 ("light",), Risk.BY_RESULT),
    IntentSpec("HassClimateSetTemperature", lambda ex, _: ex._set_temperature,
               (*TARGET_SLOTS, "temperature", "direction"),
                 ("climate",), Risk.BY_RESULT),
    IntentSpec("HassClimateGetTemperature", lambda ex, _: ex._get_temperature, TARGET_SLOTS,
                 risk=Risk.BY_RESULT, question=True),  # a named thermostat or sensor, else a sensor, else a thermostat
    IntentSpec("HassSetPosition", lambda ex, _: ex._set_position, (*TARGET_SLOTS, "position"),
                 ("cover", "valve"), Risk.BY_RESULT),
    IntentSpec("HassFanSetSpeed", lambda ex, _: ex._fan_speed, (*TARGET_SLOTS, "percentage"), ("fan",),
                 Risk.BY_RESULT),
    IntentSpec("HassVacuumStart", sends("start"), TARGET_SLOTS, ("vacuum",), Risk.BY_RESULT,
                 response="Started {}"),
    IntentSpec("HassVacuumReturnToBase", sends("return_to_base"), TARGET_SLOTS, ("vacuum",), Risk.BY_RESULT,
                 response="Sent {} back to the dock"),
    IntentSpec("HassMediaPause", plays("media_pause", only="playing"), TARGET_SLOTS, _MEDIA, Risk.BY_RESULT,
                 response="Paused {}"),
    IntentSpec("HassMediaUnpause", plays("media_play", only="paused"), TARGET_SLOTS, _MEDIA, Risk.BY_RESULT,
                 response="Resumed {}"),
    IntentSpec("HassMediaNext", plays("media_next_track"), TARGET_SLOTS, _MEDIA, Risk.BY_RESULT,
                 response="Skipped to the next track on {}"),
    IntentSpec("HassMediaPrevious", plays("media_previous_track"), TARGET_SLOTS, _MEDIA, Risk.BY_RESULT,
                 response="Went back a track on {}"),
    IntentSpec("HassMediaPlayerMute", plays("volume_mute", data={"is_volume_muted": True}), TARGET_SLOTS,
                 _MEDIA, Risk.BY_RESULT, response="Muted {}"),
    IntentSpec("HassMediaPlayerUnmute", plays("volume_mute", data={"is_volume_muted": False}), TARGET_SLOTS,
                 _MEDIA, Risk.BY_RESULT, response="Unmuted {}"),
    IntentSpec("HassSetVolume", lambda ex, _: ex._set_volume, (*TARGET_SLOTS, "volume_level"), _MEDIA,
                 Risk.BY_RESULT),
    IntentSpec("HassSetVolumeRelative", lambda ex, _: ex._volume_step, (*TARGET_SLOTS, "volume_step"), _MEDIA,
                 Risk.BY_RESULT),
)
"""The device intents the executor carries out itself (installed by every executor)."""


def scene_commands(scene: Entity, home: Home) -> list[DeviceCommand]:
    """A scene's member states as device commands (scene attributes: {entities: {id: state}})."""
    members = scene.attributes.get("entities")
    if not isinstance(members, dict) or not members:
        raise ExecutionError(f"The scene {scene.name} has no devices")
    commands = []
    for entity_id, wanted in members.items():
        entity = home.entity(entity_id)
        if entity is None:
            raise ExecutionError(f"The scene {scene.name} refers to {entity_id}, which does not exist")
        commands.append(_scene_command(entity, wanted if isinstance(wanted, dict) else {"state": wanted}))
    return commands


def _scene_command(entity: Entity, wanted: dict[str, Any]) -> DeviceCommand:
    state = str(wanted.get("state", "on"))
    if entity.domain == "cover":
        if "position" in wanted:
            return DeviceCommand(entity.id, "set_cover_position", {"position": int(wanted["position"])})
        return DeviceCommand(entity.id, "open_cover" if state == "open" else "close_cover")
    if entity.domain == "lock":
        return DeviceCommand(entity.id, "lock" if state == "locked" else "unlock")
    if entity.domain == "climate" and "temperature" in wanted:
        return DeviceCommand(entity.id, "set_temperature", {"temperature": float(wanted["temperature"])})
    if state == "off":
        return DeviceCommand(entity.id, "turn_off")
    data: dict[str, Any] = {}
    if "brightness" in wanted:
        data["brightness_pct"] = round(int(wanted["brightness"]) * 100 / 255)
    if "color" in wanted:
        data["rgb_color"] = color_rgb(str(wanted["color"]))
    if "color_temp_kelvin" in wanted:
        data["color_temp_kelvin"] = int(wanted["color_temp_kelvin"])
    return DeviceCommand(entity.id, "turn_on", data)


def resulting_state(entity: Entity, command: DeviceCommand) -> str | None:
    """The state `command` leaves a lock or a cover in ('unlocked', 'open', ...); None when it is not
    a lock or a cover, or the command does not change that state."""
    service = command.service
    if entity.domain == "lock":
        if service == "toggle":
            return "unlocked" if entity.state == "locked" else "locked"
        return {"unlock": "unlocked", "open": "unlocked", "lock": "locked"}.get(service)
    if entity.domain == "cover":
        if service == "toggle":
            return "closed" if entity.state in ("open", "opening") else "open"
        if service in ("set_cover_position", "set_position"):
            return "open" if _position(command.data.get("position")) != 0 else "closed"
        if service == "stop_cover":
            return "open" if entity.state != "closed" else None
        return {"open_cover": "open", "close_cover": "closed"}.get(service)
    return None


def _position(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None  # not a number: treated as opening, so it asks


def _guarded(entity: Entity) -> bool:
    """Whether opening or unlocking this entity lets someone in (asks first)."""
    return entity.domain == "lock" or (
        entity.domain == "cover" and (entity.sensitive or entity.device_class in _RISKY_CLASSES))


def _is_risky(entity: Entity | None, command: DeviceCommand) -> bool:
    """Whatever the verb: a command that leaves a lock unlocked or a garage, gate or door cover (or one
    marked sensitive) open. An entity Hearth does not know is refused later, by the backend."""
    if entity is None or not _guarded(entity):
        return False
    return resulting_state(entity, command) in ("unlocked", "open")


def _asked(call: ToolCall, question: AmbiguousTarget | MissingValue) -> Outcome:
    """A question back: which of several devices, or the value that was not said."""
    if isinstance(question, AmbiguousTarget):
        return Outcome(call.intent, False, str(question), error=str(question), choices=question.choices,
                       missing=question.missing)
    return Outcome(call.intent, False, str(question), error=str(question), missing=question.slot)


def _failed(call: ToolCall, reason: str) -> Outcome:
    return Outcome(call.intent, False, _sentence(reason), error=reason)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _states(entity: Entity) -> dict[str, dict[str, Any]]:
    return {entity.id: {"state": entity.state, "attributes": entity.attributes}}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


TEMPERATURE_STEP = 1
"""Degrees a thermostat is turned up or down when no temperature is said (the home's unit, °C or °F)."""
_NAMED_BESIDE = 3
"""A state question over several devices names those not in the asked state too, up to this many."""


def _named(done: str, targets: Targets, names: list[str]) -> str:
    """`done` ("Turned off the lights in the Kitchen", "... everything on the Ground Floor") of only `names`."""
    for phrase in (targets.phrase(everything=True), targets.phrase()):
        done = done.replace(phrase, join_names(names))
    return done


def _number(value: Any, low: float, high: float, what: str) -> float | int:
    """A slot value as a number within [low, high]; ExecutionError says the allowed range."""
    try:
        num = float(value)
    except (TypeError, ValueError):
        raise ExecutionError(f"{what} must be a number, not '{value}'") from None
    if num != num or not low <= num <= high:
        raise ExecutionError(f"{what} must be between {number(low)} and {number(high)}")
    return int(num) if num.is_integer() else num
