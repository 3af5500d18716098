"""Target resolution the way Home Assistant does it: name, area, floor, domain, device class."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from hub.core.home import Area, Entity, Floor, Home, normalize_name
from hub.core.errors import AmbiguousTarget, ExecutionError, NoSuchDevice
from hub.core.events import ToolCall
from hub.core.grounding import KIND_WORDS, Fit, content_words, fit, kind_words, singular
from hub.core.intent_domains import INTENT_DOMAINS as INTENT_DOMAINS  # derived from the declarations
from hub.core.responses import join_names



class _Place(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> tuple[str, ...]: ...


P = TypeVar("P", bound=_Place)

DOMAIN_NOUNS = {
    "light": "lights", "switch": "switches", "fan": "fans", "cover": "covers", "lock": "locks",
    "media_player": "media players", "vacuum": "vacuums", "climate": "thermostats",
    "sensor": "sensors", "binary_sensor": "sensors", "scene": "scenes", "valve": "valves",
    "lawn_mower": "lawn mowers", "todo": "lists", "weather": "weather entities",
}
CLASS_NOUNS = {
    "blind": "blinds", "curtain": "curtains", "garage": "garage doors", "shade": "shades",
    "outlet": "outlets", "door": "doors", "window": "windows", "temperature": "temperature sensors",
    "awning": "awnings", "shutter": "shutters", "gate": "gates",
}


ON_OFF_DOMAINS = ("light", "switch", "fan", "cover", "lock", "scene", "climate", "media_player", "vacuum", "valve")
ONE_AT_A_TIME = ("lock", "valve", "vacuum", "lawn_mower")
"""Domains where a request that names no device, area or floor means one device: with several, ask which."""
_ONE_AT_A_TIME_CLASSES = ("garage", "gate", "door")


@dataclass(frozen=True, slots=True)
class TargetQuery:
    name: str | None = None
    area: str | None = None
    floor: str | None = None
    domains: tuple[str, ...] = ()
    device_classes: tuple[str, ...] = ()
    kind_said: bool = False
    """A kind of device was asked for ("all the lights"): the home's, not only the speaker's room's, when no
    place is said. Otherwise the kinds are the intent's own ("pause", "volume to 30"): the speaker's room's."""


@dataclass(frozen=True, slots=True)
class Targets:
    entities: tuple[Entity, ...]
    area: Area | None
    floor: Floor | None
    by_name: bool

    def phrase(self, everything: bool = False) -> str:
        """How a response names the targets: 'Kitchen Ceiling', 'the lights in the Kitchen', or for
        `everything_off` of more than one kind, 'everything in the Kitchen'."""
        if len(self.entities) == 1:
            return self.entities[0].name
        if self.by_name:
            return join_names([e.name for e in self.entities])
        noun = _noun(self.entities)
        return f"{'everything' if everything and noun == 'devices' else 'the ' + noun}{_where(self.area, self.floor)}"


def temperature_range(entity: Entity) -> tuple[float, float]:
    """The target temperatures a thermostat takes (Home Assistant's defaults, 5-35, when it does not say)."""
    return entity.attributes.get("min_temp", 5), entity.attributes.get("max_temp", 35)


SWITCHING = ("HassTurnOn", "HassTurnOff", "HassToggle")
"""Intents that switch whatever they are pointed at: never on a place alone ("turn off the kitchen")."""


def says_which_devices(slots: dict[str, object]) -> bool:
    """Whether a switching call says which devices (a name, a kind or a class); an area or a floor alone
    does not: only "off" is then meant for everything there (`everything_off`), and the executor asks otherwise."""
    return any(slots.get(k) for k in ("name", "domain", "device_class"))


EVERYTHING_OFF = ("light", "fan", "media_player", "switch")
"""What "everything off" switches off: lights, fans, players and switches (Google Home's reading of "turn off
everything in the living room"). Off would unlock a lock, close a cover or a valve, stop a thermostat or send a
vacuum home: nobody asks for those by saying "everything", so they stay as they are."""


def everything_off(call: ToolCall) -> ToolCall | None:
    """A call to turn off a place with no device said ("turn off everything downstairs": the resolver passes a
    place alone only when "everything" or "all" was said) as the same call for the kinds of `EVERYTHING_OFF`
    there; None for any other switching call that does not say which devices, the executor asking which. So
    "turn everything off" with no place said asks too: a place the tagger missed ("kitchen can all go off now")
    must not turn off the whole home, and the satellite's room is no place said."""
    if call.intent != "HassTurnOff" or says_which_devices(call.slots):
        return None
    if not any(call.slots.get(k) and k not in call.assumed for k in ("area", "floor")):
        return None
    return replace(call, slots=call.slots | {"domain": list(EVERYTHING_OFF)})


STATE_KINDS = {"locked": ("lock",), "unlocked": ("lock",), "jammed": ("lock",), "on": EVERYTHING_OFF,
               "off": EVERYTHING_OFF}
"""The kinds of device a state asked about is said of, when the question names no device or kind ("are the
doors locked" with only "locked" read, "is anything still on upstairs")."""


def kind_of_state(call: ToolCall) -> ToolCall:
    """A question of a state (`STATE_KINDS`) that names no device, kind or class, as the same question of the
    kinds that state is said of: across the home unless a place is said, not only the satellite's room (as a
    kind said with no place is the home's)."""
    wanted = str(call.slots.get("state") or "").strip().lower()
    if says_which_devices(call.slots) or wanted not in STATE_KINDS:
        return call
    said = {k: v for k, v in call.slots.items() if k not in call.assumed}
    return replace(call, slots=said | {"domain": list(STATE_KINDS[wanted])}, assumed=())


def query_for(slots: dict[str, object], domains: tuple[str, ...]) -> TargetQuery:
    """What a call's slots ask for among `domains` (the intent's): a 'domain' slot outside them matches nothing."""
    wanted = domains
    if slots.get("domain"):
        wanted = tuple(d for d in _as_list(slots["domain"]) if d in domains) or ("-",)
    classes = tuple(_as_list(slots["device_class"])) if slots.get("device_class") else ()
    return TargetQuery(_text(slots.get("name")), _text(slots.get("area")), _text(slots.get("floor")), wanted, classes,
                       kind_said=bool(slots.get("domain") or slots.get("device_class")))


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _as_list(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def _noun(entities: tuple[Entity, ...]) -> str:
    classes = {e.device_class for e in entities}
    if len(classes) == 1 and next(iter(classes)) in CLASS_NOUNS:
        return CLASS_NOUNS[next(iter(classes))]  # type: ignore[index]
    domains = {e.domain for e in entities}
    return DOMAIN_NOUNS.get(next(iter(domains)), "devices") if len(domains) == 1 else "devices"


def find_area(home: Home, name: str) -> Area:
    return _find(home.areas, name, "area")


def find_floor(home: Home, name: str) -> Floor:
    return _find(home.floors, name, "floor")


def _find(places: Sequence[P], name: str, what: str) -> P:
    """The area or floor called `name` (by name, id or alias), else a speakable ExecutionError."""
    key = normalize_name(name)
    for place in places:
        if key in {normalize_name(n) for n in (place.name, place.id, *place.aliases)}:
            return place
    raise ExecutionError(f"There is no {what} called {name}")


def match_targets(home: Home, query: TargetQuery, ask_which: bool = False) -> Targets:
    """The entities a query means; ExecutionError with a speakable reason when none or ambiguous. With
    `ask_which`, several locks, valves, vacuums, mowers or doors for a query naming no place are ambiguous
    too (AmbiguousTarget): the executor asks, while the resolver still counts the request as understood."""
    area = find_area(home, query.area) if query.area else None
    floor = find_floor(home, query.floor) if query.floor else None
    candidates = [e for e in home.entities if e.exposed and _fits(home, e, query, area, floor)]
    if query.name:
        return _by_name(home, query, candidates, area, floor)
    if not query.domains and not query.device_classes:
        raise ExecutionError("Which devices? Say a name, or for example 'the lights in the kitchen'")
    if area is None and floor is None and query.area is None and not query.kind_said:
        area = _context_area(home, candidates)
        if area is not None:
            candidates = [e for e in candidates if e.area_id == area.id]
    if not candidates:
        if query.domains == EVERYTHING_OFF:
            raise ExecutionError(f"There is nothing to turn off{_where(area, floor)}")
        raise ExecutionError(f"There are no {_wanted_noun(query)}{_where(area, floor)}")
    if ask_which and area is None and floor is None and len(candidates) > 1 and all(map(one_at_a_time, candidates)):
        raise AmbiguousTarget(which_one(home, candidates), tuple(e.id for e in candidates))
    return Targets(tuple(candidates), area, floor, by_name=False)


def zones_unsaid(targets: Targets, every: bool = False) -> bool:
    """Several thermostats found with no place and no name said, none where the speaker is, and not "all of
    them": each heats its own zone, so the executor asks which rather than setting them all."""
    return len(targets.entities) > 1 and not (targets.area or targets.floor or targets.by_name or every)


def one_at_a_time(entity: Entity) -> bool:
    return entity.domain in ONE_AT_A_TIME or (
        entity.domain == "cover" and entity.device_class in _ONE_AT_A_TIME_CLASSES)


def which_one(home: Home, entities: list[Entity]) -> str:
    """'Which one: Front Door or Back Door?' (with their areas when names repeat)."""
    names = [e.name for e in entities]
    if len(set(names)) < len(names):
        names = [f"{e.name} in the {(home.area(e.area_id) or Area('', 'no area')).name}" for e in entities]
    return f"Which one: {join_names(names, 'or')}?"


def _fits(home: Home, e: Entity, q: TargetQuery, area: Area | None, floor: Floor | None) -> bool:
    if q.domains and e.domain not in q.domains:
        return False
    if q.device_classes and e.device_class not in q.device_classes:
        return False
    if area is not None and e.area_id != area.id:
        return False
    if floor is not None:
        entity_area = home.area(e.area_id)
        if entity_area is None or entity_area.floor_id != floor.id:
            return False
    return True


def _context_area(home: Home, candidates: list[Entity]) -> Area | None:
    """'pause' means the player where the speaker is, when that area has one. A kind said with no place ("all the
    lights", "are any lights on") is the home's: the resolvers add the speaker's area themselves where the words
    mean it ("turn on the lights"), as Home Assistant's sentences do."""
    context = home.context_area()
    if context is not None and any(e.area_id == context.id for e in candidates):
        return context
    return None


def _by_name(home: Home, q: TargetQuery, candidates: list[Entity], area: Area | None,
             floor: Floor | None) -> Targets:
    assert q.name is not None
    key = normalize_name(q.name)
    named = [e for e in candidates if key in {normalize_name(n) for n in e.names()}]
    if not named:
        return _name_is_area(home, q) or _by_words(home, q, candidates, area, floor) or \
            _no_such_name(home, q, area, floor)
    if len({e.area_id for e in named}) > 1:
        context = home.context_area()
        local = [e for e in named if context is not None and e.area_id == context.id]
        if len(local) == 1:
            named = local
        else:
            area_of = {e.id: (home.area(e.area_id) or Area("", "no area")).name for e in named}
            areas = join_names(sorted(set(area_of.values())))
            spoken_order = sorted(named, key=lambda e: area_of[e.id])  # "the first one" is the first said
            raise AmbiguousTarget(f"There is more than one {q.name}: in {areas}. Which one?",
                                  tuple(e.id for e in spoken_order))
    return Targets(tuple(named), area, floor, by_name=True)


def _name_is_area(home: Home, q: TargetQuery) -> Targets | None:
    """'turn off the kitchen' names an area, not a device."""
    if q.area or not (q.domains or q.device_classes):
        return None
    try:
        area = find_area(home, q.name or "")
    except ExecutionError:
        return None
    found = [e for e in home.entities if e.exposed and e.area_id == area.id and _fits(home, e, q, area, None)]
    return Targets(tuple(found), area, None, by_name=False) if found else None


def _by_words(home: Home, q: TargetQuery, candidates: list[Entity], area: Area | None,
              floor: Floor | None) -> Targets | None:
    """A name said in part, or as an area and a kind ('the entry lock'), that fits devices by its words
    (`hub.core.grounding.fit`): the one it singles out; an area and a kind, every such device there; a partial
    name that fits several, a question which. A name that only sounds like one is left to the resolver."""
    found = _kind_only(q.name or "", candidates) or fit(home, q.name or "", q.domains or None)
    fitting = {e.id for e in candidates}
    entities = [e for e in found.entities if e.id in fitting]
    if not entities or found.by_sound:
        return None
    if len(entities) > 1 and (found.by_name or len({e.area_id for e in entities}) > 1):
        raise AmbiguousTarget(which_one(home, entities), tuple(e.id for e in entities))
    return Targets(tuple(entities), area, floor, by_name=found.by_name)


_KIND_ONLY = frozenset(singular(w) for w in KIND_WORDS if " " not in w)


def _kind_only(name: str, candidates: list[Entity]) -> Fit | None:
    """'the lights', 'the fan' said where a name goes: every device of that kind (asked which of, when they are in
    several rooms), not only those whose names happen to say the word; None for a name with any other word."""
    said = content_words(name)
    if not said or not all(w in _KIND_ONLY for w in said):
        return None
    kinds = tuple(e for e in candidates if all(w in kind_words(e) for w in said))
    return Fit(kinds, by_name=False) if kinds else None


def _no_such_name(home: Home, q: TargetQuery, area: Area | None, floor: Floor | None) -> Targets:
    key = normalize_name(q.name or "")
    exists = any(key in {normalize_name(n) for n in e.names()} for e in home.entities if e.exposed)
    if exists and (area or floor):
        raise ExecutionError(f"There is no {q.name}{_where(area, floor)}")
    if exists:
        raise ExecutionError(f"{q.name} cannot do that")
    if (place_and_kind := _place_and_kind(home, q.name or "")) is not None:
        raise ExecutionError(f"There are no {place_and_kind[1]} in the {place_and_kind[0].name}")
    raise NoSuchDevice(f"There is no device called {q.name}", q.name or "", tuple(q.domains))


def _place_and_kind(home: Home, spoken: str) -> tuple[Area, str] | None:
    """'kitchen lock' -> (Kitchen, 'locks'): an area of the home and a kind of device, said as one name."""
    words = normalize_name(spoken).split()
    for cut in range(len(words) - 1, 0, -1):
        kind = KIND_WORDS.get(" ".join(words[cut:])) or KIND_WORDS.get(singular(" ".join(words[cut:])))
        area = next((a for a in home.areas if normalize_name(" ".join(words[:cut])) in
                     {normalize_name(n) for n in (a.name, *a.aliases)}), None)
        if kind is not None and area is not None:
            return area, CLASS_NOUNS.get(kind[1] or "") or DOMAIN_NOUNS.get(kind[0], "devices")
    return None


def _wanted_noun(q: TargetQuery) -> str:
    if q.device_classes:
        return CLASS_NOUNS.get(q.device_classes[0], q.device_classes[0] + "s")
    return DOMAIN_NOUNS.get(q.domains[0], "devices") if len(q.domains) == 1 else "devices"


def _where(area: Area | None, floor: Floor | None) -> str:
    if area:
        return f" in the {area.name}"
    if floor:
        return f" on the {floor.name}"
    return ""
