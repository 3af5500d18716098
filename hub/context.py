"""Context: a turn that leaves something out takes it from the conversation (dialogue-state slot inheritance).

One mechanism, two halves, over the slots of Home Assistant's intents:
1. **No target said** (no name/area/floor/domain span from the tagger): the call inherits the conversation's
   last targets — "turn it off", "make it brighter", "set it to 30%", "a bit more".
2. **Only a target said** (a dialogue template such as "what about {target}", or the tagger's spans when the
   resolver found no action): the last call is repeated with its values on the new target — "and the bedroom
   light too", "what about the kitchen", "the same upstairs".
When the inherited target cannot take the intent as said (a percentage heard as a temperature, for a lamp),
the call moves to the intent of the same family for that kind of device (`LEVELS`, `STEPS`). A turn that
points back ("set it to 30%") but that the resolver's confidence gate left unread, because the words alone
fit several kinds of device, is read with the tagger's best guess when that guess, so moved, is a level or a
step the last targets take (`guess_for_last_targets`): the context settles what the words leave open.

What a person says about the conversation itself (answers, undo, corrections, teaching) is recognised by the
hassil templates in `hub/data/dialogue.yaml`; their wildcards are grounded against the home here.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents, recognize_all

from hub.core.home import Entity, Home
from hub.dialogue import TARGET_SLOTS, DialogueState, Question
from hub.core.events import ToolCall
from hub.core.targets import INTENT_DOMAINS
from llm.entities import HomeNames, domain_of
from llm.numbers import parse_number

_LOGGER = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "data" / "dialogue.yaml"
TARGET_SPAN_KINDS = ("name", "area", "floor", "domain")
"""Tagger span kinds that name a target."""
DEVICE_INTENTS = frozenset({*INTENT_DOMAINS, "HassGetState", "HassClimateGetTemperature"})
"""Intents that act on (or ask about) targets, and so can inherit them."""
LEVELS: dict[str, tuple[str, str]] = {
    "light": ("HassLightSet", "brightness"), "cover": ("HassSetPosition", "position"),
    "fan": ("HassFanSetSpeed", "percentage"), "media_player": ("HassSetVolume", "volume_level"),
    "climate": ("HassClimateSetTemperature", "temperature"),
}
"""The intent that sets a level for each kind of device, and the slot of the level."""
STEPS: dict[str, tuple[str, str]] = {
    "light": ("HearthBrightnessStep", "direction"), "media_player": ("HassSetVolumeRelative", "volume_step"),
}
"""The intent that steps a level up or down for each kind of device, and the slot of the direction."""
_OPPOSITE = {"up": "down", "down": "up"}


@dataclass(frozen=True, slots=True)
class Act:
    """A dialogue template matched: its intent (HearthUndo, HearthCorrect, ...) and its slot values."""

    intent: str
    slots: dict[str, Any]


@functools.cache
def _templates() -> Intents:
    with TEMPLATES.open(encoding="utf-8") as f:
        return Intents.from_dict(yaml.safe_load(f))


def recognize_act(text: str) -> Act | None:
    """The dialogue template `text` matches, one with the fewest wildcards first ("the second one" is an ordinal,
    not a target called "second")."""
    results = list(recognize_all(text, _templates()))
    if not results:
        return None
    result = min(results, key=lambda r: sum(e.is_wildcard for e in r.entities_list))
    return Act(result.intent.name, {k: v.value for k, v in result.entities.items()})


# --- grounding ----------------------------------------------------------------------------------

def ground(spoken: str, names: HomeNames) -> dict[str, Any] | None:
    """A target said in a fragment ('the bedroom light', 'the kitchen', 'upstairs') as target slots."""
    spoken = spoken.strip(" ,.!?")
    if not spoken:
        return None
    exact = names.entities.match(spoken, cutoff=101)
    if exact is not None:
        return {"name": exact.item.name}
    if (area := names.area(spoken)) is not None:
        return {"area": area.name}
    if (floor := names.floor(spoken)) is not None:
        return {"floor": floor.name}
    if (split := names.area_and_domain(spoken)) is not None:
        area, (domain, device_class) = split
        return {"area": area.name, "domain": domain, **({"device_class": device_class} if device_class else {})}
    if (entity := names.entity(spoken)) is not None:
        return {"name": entity.name}
    if (kind := domain_of(spoken.removeprefix("the "))) is not None:
        return {"domain": kind[0], **({"device_class": kind[1]} if kind[1] else {})}
    return None


def target_slots_of(entities: list[Entity], home: Home, fallback: dict[str, Any]) -> dict[str, Any]:
    """How a later turn refers back to what was acted on: one device by its name (and area, when the name
    is not unique), several by the slots that found them."""
    if len(entities) != 1:
        return {k: v for k, v in fallback.items() if k in TARGET_SLOTS}
    entity = entities[0]
    slots: dict[str, Any] = {"name": entity.name}
    same = [e for e in home.entities if e.name.casefold() == entity.name.casefold()]
    area = home.area(entity.area_id)
    if len(same) > 1 and area is not None:
        slots["area"] = area.name
    return slots


def _values(call: ToolCall) -> dict[str, Any]:
    return {k: v for k, v in call.slots.items() if k not in TARGET_SLOTS}


def _domain_of_targets(state: DialogueState, home: Home) -> str | None:
    domains = {e.domain for e in (home.entity(i) for i in state.targets) if e is not None}
    return domains.pop() if len(domains) == 1 else None


# --- inheritance --------------------------------------------------------------------------------

def fit_family(call: ToolCall, domain: str | None) -> ToolCall:
    """The call as the intent of its family that `domain` takes (a level or a step), else as it is."""
    if domain is None or domain in INTENT_DOMAINS.get(call.intent, (domain,)):
        return call
    for family in (LEVELS, STEPS):
        said = next(((i, s) for i, s in family.values() if i == call.intent and s in call.slots), None)
        if said is not None and domain in family:
            intent, slot = family[domain]
            slots = {k: v for k, v in call.slots.items() if k != said[1]}
            return ToolCall(intent, {**slots, slot: call.slots[said[1]]}, call.confidence)
    return call


def with_targets(call: ToolCall, targets: dict[str, Any], domain: str | None) -> ToolCall:
    """`call` acting on `targets` instead of whatever it named."""
    return fit_family(ToolCall(call.intent, {**targets, **_values(call)}, call.confidence), domain)


def inherit_targets(calls: list[ToolCall], said_target: bool, refers_back: bool, state: DialogueState,
                    home: Home) -> tuple[list[ToolCall], bool]:
    """Half 1: calls whose turn named no target act on the last targets — when the turn refers back ('it',
    'them'), or when the intent acts on that kind of device as it is ("turn off" after a lamp, but not "set
    the temperature to 21", which means the thermostat). (calls, whether any inherited)."""
    if said_target or not state.target_slots:
        return calls, False
    domain = _domain_of_targets(state, home)

    def inherits(call: ToolCall) -> bool:  # "both thermostats", "all the doors": its own targets, not the last
        fits = domain is not None and domain in INTENT_DOMAINS.get(call.intent, ()) and not call.every
        return call.intent in DEVICE_INTENTS and (refers_back or fits)

    out = [with_targets(c, state.target_slots, domain) if inherits(c) else c for c in calls]
    return out, out != calls


def guess_for_last_targets(guesses: list[ToolCall], state: DialogueState, home: Home) -> ToolCall | None:
    """The one below-the-gate call that, on the last targets, sets or steps the level they take; else None."""
    domain = _domain_of_targets(state, home)
    if domain is None or not state.target_slots or len(guesses) != 1:
        return None
    call = with_targets(guesses[0], state.target_slots, domain)
    takes = [family for family in (LEVELS.get(domain), STEPS.get(domain)) if family is not None]
    return call if any(call.intent == intent and slot in call.slots for intent, slot in takes) else None


def refers_back(text: str) -> bool:
    """'it', 'them', 'that': the turn points at something said before (the tagger's own pronoun list)."""
    from llm.slots import _PRONOUN

    return bool(_PRONOUN.search(text.casefold()))


def same_for(state: DialogueState, targets: dict[str, Any], home: Home) -> ToolCall | None:
    """Half 2: the last call, with its values, on `targets`; an area or floor alone keeps the last kind."""
    if state.call is None or state.call.intent not in DEVICE_INTENTS:
        return None
    if not any(k in targets for k in ("name", "domain", "device_class")):
        domain = _domain_of_targets(state, home) or state.target_slots.get("domain")
        if domain:
            targets = {**targets, "domain": domain}
    domain = None
    if "name" in targets:
        named = [e for e in home.entities if e.name == targets["name"]]
        domain = named[0].domain if named else None
    return with_targets(state.call, targets, domain or targets.get("domain"))


def step(state: DialogueState, home: Home, less: bool) -> ToolCall | None:
    """'a bit more' / 'a little less': the last targets one step further the same way (or back)."""
    domain = _domain_of_targets(state, home)
    if domain not in STEPS or not state.target_slots:
        return None
    intent, slot = STEPS[domain]
    last = state.call.slots.get(slot) if state.call is not None and state.call.intent == intent else None
    direction = str(last) if last in _OPPOSITE else "up"
    if less:
        direction = _OPPOSITE[direction]
    return ToolCall(intent, {**state.target_slots, slot: direction})


# --- answers --------------------------------------------------------------------------------------

def chosen(question: Question, act: Act | None, text: str, home: Home) -> list[Entity] | None:
    """Which of the question's choices an answer picks: by ordinal, all of them, or by name or area."""
    entities = [e for e in (home.entity(i) for i in question.choices) if e is not None]
    if not entities:
        return None
    if act is not None and act.intent == "HearthChoose" and "target" not in act.slots:
        if act.slots.get("which") == "all":
            return entities
        index = int(act.slots.get("ordinal", 0))
        index = index - 1 if index > 0 else index
        return [entities[index]] if -len(entities) <= index < len(entities) else None
    names = HomeNames(Home(home.floors, home.areas, tuple(entities)))
    spoken = text.strip(" ,.!?")
    entity = names.entity(spoken)
    if entity is not None:
        return [entity]
    area = HomeNames(home).area(spoken)
    local = [e for e in entities if area is not None and e.area_id == area.id]
    return local or None


def missing_value(question: Question, calls: list[ToolCall], text: str) -> Any:
    """The value an answer gives for the slot the question asked for, if it gives one. A turn read as a request
    of its own on a device ("which list?" answered with "is the front door locked") gives none: it is no answer,
    and is heard as the request it is."""
    assert question.missing is not None
    if any(c.intent != question.call.intent and c.intent in DEVICE_INTENTS for c in calls):
        return None
    for call in calls:
        if question.missing in call.slots:
            return call.slots[question.missing]
    value = parse_number(text)
    if value is None:
        found = re.search(r"-?\d+(?:\.\d+)?", text)
        value = float(found.group()) if found else None
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def answer_calls(question: Question, entities: list[Entity], home: Home) -> list[ToolCall]:
    """The pending call once per chosen device."""
    values = _values(question.call)
    return [ToolCall(question.call.intent, {**target_slots_of([e], home, {}), **values}) for e in entities]


def other_choice(state: DialogueState) -> str | None:
    """'the other one': the one candidate of the last choice that was not acted on."""
    others = [c for c in state.choices if c not in state.targets]
    return others[0] if len(others) == 1 else None


ASK_FLOOR = 0.5
"""The confidence from which an action read below the resolver's gate is asked about when nothing else was
understood ("Did you mean: …?"), chosen on the dev groups and heldout12 and 13: of their 199 sentences not
understood, 40 had one such reading at 0.5, 33 of them of the intent meant (26 exactly); 30 at 0.6 (28 and 23).
A wrong guess costs a "no"; nothing is done without the yes (`docs/benchmarks.md`). A clause read as an action
from here is no fragment of the last call (`fragment_target`)."""


def fragment_target(clauses: list[Any], intent: str, names: HomeNames) -> dict[str, Any] | None:
    """Half 2 from the tagger: the target spans of the first clause that has some, read as if the clause
    carried `intent` (the resolver found no action in it). Not a clause the tagger reads, from `ASK_FLOOR`, as
    another action ("lamp by the bed would be nice" after "turn off the floor lamp" is no second "turn off"):
    context fills in what a turn leaves out, never what it says otherwise."""
    from llm.slots import build_slots

    for clause in clauses:
        if clause.intent != intent and clause.intent in DEVICE_INTENTS and clause.confidence >= ASK_FLOOR:
            return None
        if any(s.kind in TARGET_SPAN_KINDS for s in clause.spans):
            slots = build_slots(replace(clause, intent=intent), names)
            targets = {k: v for k, v in slots[0].items() if k in TARGET_SLOTS} if slots else {}
            return targets or None
    return None


def said_a_target(clauses: list[Any]) -> bool:
    return any(s.kind in TARGET_SPAN_KINDS for c in clauses for s in c.spans)
