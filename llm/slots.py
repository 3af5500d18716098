"""Clauses -> tool calls: HA slot names, the home's own names, numbers as numbers.

- Targets: a clause's spans grounded on the live home (`llm.targets`); the intent is the one the named device
  takes among those of the act heard (`llm.grounding.fit_intent`, `fit_call`).
- Values: numbers, times, durations, colours, states, directions (`llm.values`).
- Calls checked as a whole: a lock or cover turned the way the words say, a whole area only when "all" is said,
  a remark tagged as a second command on something the home lacks dropped.
- Whether the home can carry the result out (`grounded`), which the voice pipeline asks of whisper's readings.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import replace
from typing import Any

from hub.core.home import Entity
from hub.core.errors import AmbiguousTarget, ExecutionError
from hub.core.events import ToolCall
from hub.core.targets import INTENT_DOMAINS, match_targets, query_for, temperature_range
from llm.decode import Clause, Span
from llm.freetext import bare
from llm.entities import HomeNames, NameIndex, domain_of
from llm.grounding import NEEDED_SLOTS, fit_call, fit_intent, merge_name_spans
from llm.schema import INTENTS
from llm.targets import (ALL_WORDS, ARTICLE, IMPLIED_TARGET, LOCK_VERBS, need_kinds, says_every, spot_names,
                          targets_of, untagged_need)
from llm.values import durations_as_said, items_as_said, list_name, value_slots

_LOGGER = logging.getLogger(__name__)

_VERBLESS = re.compile(r"(?i)(the|my|our|all the)\s")
_PRONOUN = re.compile(r"\b(it|its|them|their|that|those|they)\b")
_TARGET_KEYS = ("name", "area", "floor", "domain", "device_class")
_ON_OFF = frozenset({"HassTurnOn", "HassTurnOff", "HassToggle"})
"""Intents that need a target said (or referred to): the executor asks "Which devices?" otherwise."""
TARGET_INTENTS = set(INTENTS[: INTENTS.index("HassStartTimer")])
"""The device intents: everything the schema lists before the timers."""
_LIST_INTENTS = {"HassListAddItem", "HassListRemoveItem", "HassListCompleteItem", "HearthListQuery"}
_ADDING = frozenset({"HassListAddItem", "HassShoppingListAddItem"})


QUESTIONS = frozenset({"HassGetState", "HassClimateGetTemperature", "HassTimerStatus", "HearthListQuery",
                       "HassGetCurrentTime", "HassGetCurrentDate", "HassGetWeather", "HearthAlarmList",
                       "HearthFileList", "HearthFileRead", "HearthProcessList"})
"""Intents that only answer: a question misread is a wrong answer, never a wrong action."""
ANSWER_GATE = 0.7
"""The confidence from which a question is answered when the gate for acting is set higher: a wrong action is
worse than a question back, a wrong answer is not (the gates chosen on the dev groups: `llm/weights/README.md`)."""


def gate_for(intent: str, threshold: float) -> float:
    """The confidence a clause of `intent` needs: `threshold`, or at most `ANSWER_GATE` for a question."""
    return min(threshold, ANSWER_GATE) if intent in QUESTIONS else threshold


def tool_calls(clauses: list[Clause], names: HomeNames, threshold: float) -> list[ToolCall]:
    """Calls in spoken order; clauses below their gate (`gate_for`) are dropped rather than guessed."""
    calls: list[ToolCall] = []
    previous: dict[str, Any] | None = None
    last: tuple[Clause, int, dict[str, Any] | None] | None = None  # the clause that made the last calls
    commanded = any(c.intent in TARGET_INTENTS and c.confidence >= threshold and not only_a_need(c) for c in clauses)
    if commanded:  # "it's freezing, put the heating on 22": the heating, not the heater as well
        clauses = _needs_as_reasons(clauses)
    for i, clause in enumerate(clauses):
        said = clause.text  # the words that carry its verb
        if last is not None and _only_a_place(clause, names) and not _has_place(last[0]):
            # "turn on the lights and the kitchen": whisper's "and" for "in"; the place belongs to the clause before
            clause, said = replace(last[0], spans=[*last[0].spans, *clause.spans]), f"{last[0].text} {said}"
            del calls[last[1]:]
            previous = last[2]
        elif i and _VERBLESS.match(clause.text) and clauses[i - 1].intent in TARGET_INTENTS:
            clause.intent = clauses[i - 1].intent  # "turn off the lamp and the fan"
            if clause.intent in _ON_OFF and (own := _OWN_STATE.search(clause.text.casefold())):
                clause.intent = "HassTurnOn" if own.group(1) == "on" else "HassTurnOff"  # "... and the lamp on"
            said = f"{clauses[i - 1].text} {clause.text}"
            if not any(s.kind in ("name", "domain") for s in clause.spans):  # "the kitchen lights and the bedroom"
                clause = replace(clause, spans=[*clause.spans, *(s for s in clauses[i - 1].spans if s.kind == "domain")])
        elif i and calls and clause.intent in _ON_OFF and not clause.spans and not _PRONOUN.search(clause.text) \
                and not spot_names(clause.text, names, INTENT_DOMAINS[clause.intent]):
            _LOGGER.debug("dropped %r: a follow-on clause that names nothing", clause.text)
            continue  # "lock the front door right away": "right away" adds no call of its own
        referred = _named(previous, names) if previous and _refers_back(clause) else None
        clause = fit_intent(_switched_as_said(clause), names, referred)  # its intent fitted to the device it names
        if clause.confidence < (gate := gate_for(clause.intent, threshold)):
            _LOGGER.debug("dropped %s (%.2f < %.2f)", clause.intent, clause.confidence, gate)
            continue
        last = (clause, len(calls), previous)
        slot_sets = build_slots(clause, names, previous)
        for slots in slot_sets:
            intent, slots = fit_call(*_play_without_query(clause.intent, slots), names, clause.intents)
            call = ToolCall(intent, slots, round(clause.confidence, 4), every=says_every(slots, said))
            if calls and (calls[-1].intent, calls[-1].slots) == (call.intent, call.slots):
                continue  # "Let's get to the next song": one clause heard twice, not two skips
            if calls and (whole := _completed(calls[-1], call)) is not None:
                calls[-1] = whole  # "three minutes for the poached eggs": the timer's name heard as a clause
                continue
            call = _turned_as_said(call, said, names)
            if _unsaid_lock_verb(call, said, names):
                _LOGGER.debug("dropped %s on a lock: no lock or unlock said in %r", call.intent, said)
                continue
            if _every_kind_unsaid(call, said, names):
                _LOGGER.debug("dropped %s: a place and no kind of device, nor 'everything', in %r", call.intent, said)
                continue
            calls.append(call)
        target = {key: value for key, value in slot_sets[-1].items() if key in _TARGET_KEYS}
        previous = target or previous
    return _carried_out(_without_states_said(calls), names)


def _needs_as_reasons(clauses: list[Clause]) -> list[Clause]:
    """The clauses without the needs said beside a command (`only_a_need`): each is the command's reason. A place
    the need says is the place of the command beside it that says none, the one after it first ("the kitchen's a
    bit gloomy, make it brighter": the kitchen's lights; "turn the lamp on, it's dark in the study")."""
    needs = [only_a_need(c) for c in clauses]
    out = list(clauses)
    for i, clause in enumerate(clauses):
        if not needs[i]:
            continue
        _LOGGER.debug("dropped %r: a need said beside a command is its reason", clause.text)
        places = [s for s in clause.spans if s.kind in _PLACE_KINDS]
        beside = [j for j in (*range(i + 1, len(clauses)), *range(i - 1, -1, -1)) if not needs[j]
                  and clauses[j].intent in TARGET_INTENTS]
        placeless = [j for j in beside if not any(s.kind in (*_PLACE_KINDS, "name") for s in out[j].spans)]
        if places and placeless:
            out[placeless[0]] = replace(out[placeless[0]], spans=[*out[placeless[0]].spans, *places])
    return [c for c, need in zip(out, needs) if not need]


def _without_states_said(calls: list[ToolCall]) -> list[ToolCall]:
    """Without a switch that a later call reverses on the same target: it was a state said as the reason ("the hot
    water's been on for ages, turn it off" is no "turn on"). No one asks for a thing switched both ways at once."""
    reverses = {"HassTurnOn": "HassTurnOff", "HassTurnOff": "HassTurnOn"}
    return [c for i, c in enumerate(calls)
            if not any(later.intent == reverses.get(c.intent) and later.slots == c.slots for later in calls[i + 1:])]


def only_a_need(clause: Clause) -> bool:
    """A clause that says only a need where a kind of device goes ("it's freezing", "I can't see"), no name; the
    need tagged, or said and left untagged where nothing else is (`llm.targets.untagged_need`)."""
    kinds = [s.text for s in clause.spans if s.kind == "domain"]
    if clause.intent not in _ON_OFF or any(s.kind == "name" for s in clause.spans):
        return False
    if not kinds:
        return bool(untagged_need(clause.text, clause.intent)[0])
    return all(need_kinds(k, clause.intent)[0] and not any(domain_of(w) for w in [k, *k.split()]) for k in kinds)


def _completed(before: ToolCall, call: ToolCall) -> ToolCall | None:
    """A clause of the same deviceless intent as the call before, lacking every slot the intent needs and adding
    only slots that call lacks, completes that call (a timer's, alarm's or list's words tagged apart); else None."""
    needs = NEEDED_SLOTS.get(call.intent)
    if call.intent != before.intent or call.intent in TARGET_INTENTS or not needs or not call.slots:
        return None
    if any(k in call.slots for k in needs) or not any(k in before.slots for k in needs):
        return None
    if set(call.slots) & set(before.slots):
        return None
    return replace(before, slots={**before.slots, **call.slots}, confidence=min(before.confidence, call.confidence))


def _carried_out(calls: list[ToolCall], names: HomeNames) -> list[ToolCall]:
    """Of several calls, those whose targets the home has, when some have: a remark beside a command ("open
    the gate for the farrier", "unlock the front door, the childminder's here") is tagged now and then as a
    second command on something the home does not have, and the reading the home can carry out wins. One call,
    or none the home has targets for, stays as it is, so Hearth says what it lacks. A call lacking every slot
    its intent needs, beside calls that have theirs, is such a remark too, and so is a switch or a question of
    state that names nothing ("going out now, lock the front door": "going out now" is no "turn off")."""
    for unfit in (lambda c: _unknown_target(c, names), _lacks_needs, _names_no_target):
        fit = [c for c in calls if not unfit(c)] if len(calls) > 1 else calls
        if fit and len(fit) < len(calls):
            _LOGGER.debug("dropped %s: no such target in the home, or none of what it needs, beside calls that "
                          "have theirs", [(c.intent, c.slots) for c in calls if c not in fit])
            calls = fit
    return calls


def _names_no_target(call: ToolCall) -> bool:
    """A switch or a question of state with no target: Hearth would ask "which devices?" or answer nothing."""
    return call.intent in _ON_OFF | {"HassGetState"} and not any(k in call.slots for k in _TARGET_KEYS)


def _lacks_needs(call: ToolCall) -> bool:
    """A call on no device with none of the slots its intent cannot do without: a timer with no length, a
    broadcast with no message, a program started with none named ("start a fourteen minute timer, pizza's in").
    A device named with no value ("... and the under cabinet lights") is still a request: Hearth asks for it."""
    return call.intent not in TARGET_INTENTS and _missing_needs(call)


def _missing_needs(call: ToolCall) -> bool:
    """None of the slots the call's intent cannot do without (`NEEDED_SLOTS`) is filled."""
    needs = NEEDED_SLOTS.get(call.intent, ())
    return bool(needs) and not any(k in call.slots for k in needs)


def _unknown_target(call: ToolCall, names: HomeNames) -> bool:
    """A device, area, floor or kind of device said that the executor finds none of in the home (a name said in
    part counts as found when it fits one: `hub.core.targets`), or a yes or no nobody was asked for."""
    if call.intent in _ANSWERS:
        return True
    domains = _domains_of(call, names)
    if call.intent not in TARGET_INTENTS or domains is None or not any(k in call.slots for k in _TARGET_SPANS):
        return False
    try:
        match_targets(names.home, query_for(call.slots, domains))
    except AmbiguousTarget:
        return False  # several fit: the executor asks which
    except ExecutionError:
        return True
    return False


def _every_kind_unsaid(call: ToolCall, clause_text: str, names: HomeNames) -> bool:
    """Turning on or off a whole area or floor of the home only when "everything" or "all" is said (the executor
    then turns off its lights, fans, players and switches: `hub.core.targets.everything_off`, and asks which
    devices for "on"); a place with no kind of device or name is not understood rather than guessed. A place
    the home lacks is passed on: the executor says there is none."""
    if call.intent not in _ON_OFF:
        return False
    if any(call.slots.get(k) for k in ("name", "domain", "device_class")):
        return False
    area, floor = call.slots.get("area"), call.slots.get("floor")
    known = (area and _is_exact(names.areas, area)) or (floor and _is_exact(names.floors, floor))
    return bool(known) and not ALL_WORDS.search(clause_text.casefold())


_OWN_STATE = re.compile(r"\b(on|off)\W*$")
_SWITCHING = ("HassTurnOn", "HassTurnOff")


def _switched_as_said(clause: Clause) -> Clause:
    """A clause heard as switching something that ends on "on" or "off" ("... and fairy lights on") switches it
    that way, as surely as switching was heard at all: the word says which way, whatever the clause before
    made the tagger lean to."""
    own = _OWN_STATE.search(clause.text.casefold()) if clause.intent in _SWITCHING else None
    if own is None:
        return clause
    intent = "HassTurnOn" if own.group(1) == "on" else "HassTurnOff"
    heard = sum(clause.intents.get(i, 0.0) for i in _SWITCHING)
    return replace(clause, intent=intent, confidence=max(heard, clause.confidence if intent == clause.intent else 0.0))
_OPENING = re.compile(r"\b(open|opening|raise|lift|up)\b")
_CLOSING = re.compile(r"\b(close|closing|shut|lower|down)\b")
_LOCKING = re.compile(r"\block(?:ed|ing)?\b")
_UNLOCKING = re.compile(r"\bunlock")


def _turned_as_said(call: ToolCall, clause_text: str, names: HomeNames) -> ToolCall:
    """A lock or cover turned on or off the way the clause's words say, when they say one way only: "front door
    lock" locks (HassTurnOn) whatever way the tagger turned it, "blinds down" closes, "roll the blind back up"
    opens. Words both ways, or neither ("draw the curtains"), leave the call as tagged."""
    if call.intent not in ("HassTurnOn", "HassTurnOff"):
        return call
    entity = _named(call.slots, names)
    domain = entity.domain if entity is not None else call.slots.get("domain")
    text = clause_text.casefold()
    if domain == "lock":
        on, off = bool(_LOCKING.search(text)), bool(_UNLOCKING.search(text))
    elif domain == "cover":
        on, off = bool(_OPENING.search(text)), bool(_CLOSING.search(text))
    else:
        return call
    if on == off:
        return call
    intent = "HassTurnOn" if on else "HassTurnOff"
    if intent != call.intent:
        _LOGGER.debug("%s of a %s turned %s as said in %r", call.intent, domain, intent, clause_text)
    return replace(call, intent=intent)


def _unsaid_lock_verb(call: ToolCall, clause_text: str, names: HomeNames) -> bool:
    """A lock is locked or unlocked only when "lock" or "unlock" is said: whisper's "Walk the front door right
    away" was tagged as turning it off, which unlocks it."""
    if call.intent not in ("HassTurnOn", "HassTurnOff") or LOCK_VERBS.search(clause_text.casefold()):
        return False
    if call.slots.get("domain") == "lock":
        return True
    entity = _named(call.slots, names)
    return entity is not None and entity.domain == "lock"


def _play_without_query(intent: str, slots: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """'play' with nothing to search for: carry on playing (as Home Assistant's "play" on a paused player)."""
    if intent == "HassMediaSearchAndPlay" and "search_query" not in slots:
        return "HassMediaUnpause", {k: v for k, v in slots.items() if k != "media_class"}
    return intent, slots


def _named(slots: dict[str, Any], names: HomeNames) -> Entity | None:
    return names.entity(str(slots["name"]), cutoff=101) if "name" in slots else None


_ANSWERS = frozenset({"HearthConfirm", "HearthDeny"})
_READ_ONLY_DOMAINS = frozenset({"sensor", "binary_sensor", "weather", "sun", "person", "device_tracker", "zone"})
_ASKING = frozenset({"HassGetState", "HassClimateGetTemperature"})


def grounded(calls: list[ToolCall], names: HomeNames, awaiting_answer: bool = False) -> bool:
    """Calls the home can carry out as they stand: a yes or no only while a question is open; each call has
    the slots its intent needs; every device, area and floor it names is the home's own, and a sensor is only
    asked about; a device intent names a target (media, vacuum and climate intents may leave it implied).

    The voice pipeline asks this of whisper's readings to pick one the home understands."""
    if not calls:
        return False
    for call in calls:
        slots = call.slots
        if call.intent in _ANSWERS and not awaiting_answer:
            return False
        if _missing_needs(call):
            return False
        if call.intent in _ALARM_INTENTS and "time" in slots and not _is_clock(slots["time"]):
            return False  # whisper's "30m alarm for 90m": an alarm is set for a time like 07:30
        if call.intent not in TARGET_INTENTS:
            continue
        if "area" in slots and not _is_exact(names.areas, slots["area"]):
            return False
        if "floor" in slots and not _is_exact(names.floors, slots["floor"]):
            return False
        if "name" in slots:
            match = names.entities.match(str(slots["name"]), cutoff=101)
            if match is None or match.score < 99:
                return False
            if call.intent not in _ASKING and match.item.domain in _READ_ONLY_DOMAINS:
                return False
        if call.intent not in IMPLIED_TARGET and not any(k in slots for k in _TARGET_SPANS):
            return False
        if not _can_be_done(call, names):
            return False
    return True


def _domains_of(call: ToolCall, names: HomeNames) -> tuple[str, ...] | None:
    """The domains a call's target is looked for in (any, for a question about state); None when it has none."""
    if call.intent == "HassGetState" and call.intent not in INTENT_DOMAINS:
        return tuple(sorted({e.domain for e in names.home.entities}))  # any device can be asked about
    return INTENT_DOMAINS.get(call.intent)


_ZERO_TO_100 = ("brightness", "percentage", "position", "volume_level")
"""Slots the executor takes as percentages."""


def _can_be_done(call: ToolCall, names: HomeNames) -> bool:
    """The executor would find what the call acts on (`hub.core.targets`: a named media intent needs a media player,
    'lock ... in the living room' a lock there) and take its numbers (percentages 0-100, a thermostat's range)."""
    slots = call.slots
    if any(slot in slots and not _within(slots[slot], 0, 100) for slot in _ZERO_TO_100):
        return False
    domains = _domains_of(call, names)
    if domains is None:
        return True
    try:
        targets = match_targets(names.home, query_for(slots, domains))
    except ExecutionError:
        return False
    if call.intent == "HassClimateSetTemperature" and "temperature" in slots:
        return all(_within(slots["temperature"], *temperature_range(e)) for e in targets.entities)
    return True


_ALARM_INTENTS = frozenset({"HearthAlarmSet", "HearthAlarmCancel"})


def _is_clock(value: Any) -> bool:
    text = str(value).strip()
    try:
        dt.time.fromisoformat(text.zfill(5) if len(text) == 4 else text)
    except ValueError:
        return False
    return True


def _within(value: Any, low: float, high: float) -> bool:
    try:
        return low <= float(value) <= high
    except (TypeError, ValueError):
        return False


def _is_exact(index: NameIndex[Any], value: Any) -> bool:
    match = index.match(str(value), cutoff=101)
    return match is not None and match.score >= 99


_PLACE_KINDS = frozenset({"area", "floor"})
_PLACE_INTENTS = TARGET_INTENTS | {"HassGetState"}


def _only_a_place(clause: Clause, names: HomeNames) -> bool:
    """'the kitchen' or 'upstairs' and nothing else: an area or floor of the home, no verb, no device."""
    if not clause.spans or any(span.kind not in _PLACE_KINDS for span in clause.spans):
        return False
    rest = ARTICLE.sub("", clause.text.strip(" .,!?")).casefold()
    if rest != " ".join(span.text.casefold() for span in clause.spans):
        return False
    return all(names.area(span.text) is not None or names.floor(span.text) is not None for span in clause.spans)


def _has_place(clause: Clause) -> bool:
    return clause.intent not in _PLACE_INTENTS or any(span.kind in _PLACE_KINDS for span in clause.spans)


def build_slots(clause: Clause, names: HomeNames, previous: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One slot dict per tool call (a clause naming two devices gives two calls).

    `previous` is the target of the clause before, which "it"/"them" refers back to."""
    intent = clause.intent
    clause_spans = clause.spans
    if intent in TARGET_INTENTS:
        clause_spans = _placed_by_device(merge_name_spans(clause_spans, clause.utterance, names), names)
    said = clause.utterance or clause.text
    spans = _by_kind(items_as_said(durations_as_said(clause_spans, said), said))
    values = value_slots(intent, spans, clause.text.casefold(), clause.utterance.casefold())
    if intent not in TARGET_INTENTS:
        if intent in _LIST_INTENTS and "list" in spans:
            values["name"] = list_name(spans["list"][0])
        if intent in _ADDING and len(spans.get("item", ())) > 1:  # "eggs and bread": an item a call, as HA adds
            return [dict(values, item=bare(item)) for item in spans["item"]]
        return [values]
    has_target = any(k in spans for k in ("name", "area", "floor", "domain"))
    if previous and not has_target and _PRONOUN.search(clause.text.casefold()):
        return [{**_it(intent, previous, names), **values}]
    if previous and not has_target and _goes_on_about(intent, previous, clause.text, names):
        return [{**previous, **values}]
    parts = _kind_and_device(clause_spans, clause, names) or [(clause_spans, clause.text)]
    targets = [t for part, text in parts for t in targets_of(intent, _by_kind(part), names, text.casefold())]
    return [{**t, **values} for t in targets]


def _refers_back(clause: Clause) -> bool:
    """A clause that names no target and says "it" or "them": it acts on the target before."""
    return _PRONOUN.search(clause.text.casefold()) is not None and not any(
        s.kind in ("name", "area", "floor", "domain") for s in clause.spans)


def _it(intent: str, target: dict[str, Any], names: HomeNames) -> dict[str, Any]:
    """What "it" refers back to: the target before, or for a temperature only its place. The "it" of "how warm is
    it" after "kitchen light on" is the kitchen's air, not the light: a temperature is asked of a place, a
    thermostat or a sensor."""
    entity, domain = _target_domain(target, names)
    if intent != "HassClimateGetTemperature" or domain is None or domain in ("climate", "sensor"):
        return target
    area = names.home.area(entity.area_id) if entity is not None else None
    return {"area": area.name} if area is not None else {k: v for k, v in target.items() if k in ("area", "floor")}


def _goes_on_about(intent: str, target: dict[str, Any], text: str, names: HomeNames) -> bool:
    """Whether a clause with no target span goes on about the target of the clause before: its words name no
    device ("... and telly off", "telly" untagged, is the TV) and that target can take `intent` ("the left bedside
    on but dim, like ten percent"; "the telly on and volume to 20"), as a pronoun would. Otherwise it is about
    the room Hearth is in."""
    if spot_names(text, names, INTENT_DOMAINS.get(intent, ())):
        return False
    domain = _target_domain(target, names)[1]
    return domain is not None and domain in INTENT_DOMAINS.get(intent, ())


def _target_domain(target: dict[str, Any], names: HomeNames) -> tuple[Entity | None, str | None]:
    """The device a target names, if it names one, and the kind of device it is about (None for a place alone)."""
    entity = _named(target, names)
    return entity, entity.domain if entity is not None else target.get("domain")


def _placed_by_device(spans: list[Span], names: HomeNames) -> list[Span]:
    """Without a place the home has nothing called beside a device it has ("kettle on pls", "towel rail on before my
    bath": the device says where it is), and without the home itself said as a place (`_the_home_itself`). A word
    said alone stays: the executor says there is none."""
    targets = [s for s in spans if s.kind in ("name", "area", "floor", "domain")]
    if len(targets) < 2:
        return spans
    device = any(s.kind == "name" and names.entity(s.text) is not None for s in spans)
    return [s for s in spans if not _the_home_itself(s, names) and not (
        device and s.kind == "area" and _names_nothing(s.text, names))]


def _the_home_itself(span: Span, names: HomeNames) -> bool:
    """A place said that is the home itself ("in the flat", "the whole apartment"), where no area or floor of the
    home is called so: the whole home, as "the house" is (`DWELLINGS`)."""
    return (span.kind in _PLACE_KINDS and _WHOLE.sub("", span.text.casefold()).strip() in DWELLINGS
            and _names_nothing(span.text, names))


DWELLINGS = frozenset({"house", "home", "flat", "apartment", "place", "bungalow", "cottage", "condo", "unit",
                       "maisonette", "studio", "building", "property"})
"""What people call the home itself. Data, like `llm.address.ADDRESSED`: said as a place beside a kind ("every light in the
flat off") and naming no area of the home, it is the whole home; the span goes."""
_WHOLE = re.compile(r"\b(the|our|my|this|whole|entire)\b")


def _names_nothing(text: str, names: HomeNames) -> bool:
    return (names.entity(text) is None and names.area(text) is None and names.floor(text) is None
            and domain_of(text) is None)


def _by_kind(spans: list[Span]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for span in spans:
        out.setdefault(span.kind, []).append(span.text)
    return out


_AND = re.compile(r"\band\b")


def _kind_and_device(spans: list[Span], clause: Clause, names: HomeNames) -> list[tuple[list[Span], str]] | None:
    """A kind of device and a device of another kind joined by "and" in one clause ("the kitchen lights and the
    kettle on") are two targets: the kind with the place said beside it, and the device. None otherwise."""
    kinds = [s for s in spans if s.kind == "domain" and domain_of(s.text) is not None]
    named = [s for s in spans if s.kind == "name"]
    if len(kinds) != 1 or len(named) != 1:
        return None
    kind, name = kinds[0], named[0]
    entity, said = names.entity(name.text), domain_of(kind.text)
    first, second = sorted((kind, name), key=lambda s: s.start)
    utterance = clause.utterance or clause.text
    begin = utterance.find(clause.text)
    joint = _AND.search(utterance, first.end, second.start)
    if entity is None or said is None or entity.domain == said[0] or joint is None or begin < 0:
        return None
    cut, resume = joint.span()
    before = [s for s in spans if s.end <= cut]
    after = [s for s in spans if s.start >= resume]
    if len(before) + len(after) != len(spans):
        return None
    return [(before, utterance[begin:cut]), (after, utterance[resume: begin + len(clause.text)])]


_TARGET_SPANS = ("name", "area", "floor", "domain")
