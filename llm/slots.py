"""Clauses -> tool calls: HA slot names, the home's own names, numbers as numbers.

- Targets: a clause's spans are grounded on the live home (`llm.grounding`, `hub.core.grounding`): a name as
  said, an area with a kind ("kitchen lights"), part of a name or an area with the rest of it, a slip that
  sounds like one; a span the home has nothing for stays as said, so the executor says there is none (or,
  for a partial name that fits several devices, asks which). The intent is the one the named device takes
  among those of the act heard (`llm.grounding.fit_intent`, `fit_call`).
- Values: numbers, times, durations, colours, states, directions (`_value_slots`, `llm.numbers`).
- Whether the home can carry the result out (`grounded`), which the voice pipeline asks of whisper's readings.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import replace
from typing import Any

from hub.core.days import RECURRING, parse_day
from hub.core.home import Area, Entity, normalize_name
from hub.core.errors import AmbiguousTarget, ExecutionError
from hub.core.events import ToolCall
from hub.core.targets import INTENT_DOMAINS, match_targets, query_for, temperature_range
from devices.colors import COLORS
from llm.decode import Clause, Span
from hub.core.grounding import area_said_for, content_words, distinctive_words, fit, narrowed
from llm.freetext import bare, search
from llm.entities import HomeNames, NameIndex, domain_of, is_here
from llm.grounding import fit_call, fit_intent, merge_name_spans, singular_of_name
from llm.numbers import clean_number, parse_duration, parse_number, parse_time
from llm.schema import INTENTS

_LOGGER = logging.getLogger(__name__)

_BRIGHTNESS_WORDS = {
    "full": 100,
    "maximum": 100,
    "max": 100,
    "highest": 100,
    "brightest": 100,
    "minimum": 1,
    "min": 1,
    "lowest": 1,
    "half": 50,
    "dimmest": 1,
}
_FULL_WORDS = frozenset(("full", "full blast", "full whack", "max", "maximum", "highest", "top"))
"""A share said as the most there is (a fan "on full", a cover "open to max", a lamp "on full whack"): 100%."""
_COLOR_TEMPS = {
    "candle light": 1900,
    "candlelight": 1900,
    "warm white": 2700,
    "warm": 2700,
    "warmer": 2700,
    "soft white": 2700,
    "cool white": 4000,
    "cold white": 4000,
    "cool": 4000,
    "cold": 4000,
    "cooler": 4000,
    "colder": 4000,
    "neutral white": 4000,
    "daylight": 6500,
    "day light": 6500,
}
_MEDIA_CLASSES = {
    "song": "track",
    "songs": "track",
    "track": "track",
    "album": "album",
    "artist": "artist",
    "playlist": "playlist",
    "podcast": "podcast",
    "movie": "movie",
    "film": "movie",
    "show": "tv_show",
    "tv show": "tv_show",
    "station": "channel",
    "radio": "channel",
}
_STATE_WORDS = frozenset({"on", "off", "open", "opened", "closed", "close", "shut", "locked", "unlocked", "lock",
                          "unlock"})
_STATES = {"shut": "closed", "opened": "open", "close": "closed", "lock": "locked", "unlock": "unlocked"}
"""State words as asked ("is the door shut", or whisper's "is the front door unlock") -> the state they ask about."""
_YES_NO_STATE = re.compile(r"^(?:is|are)\b.*?\b(on|off|open|opened|closed|shut|locked|unlocked)"
                           r"(?:\s+(?:right now|now|at the moment|at all|or not))?\W*$")


def _asked_state(clause_text: str) -> str | None:
    """'is the floor lamp switched on?': the state a yes-or-no question ends on, when the tagger left it
    untagged (it does, before whisper's question mark)."""
    found = _YES_NO_STATE.search(clause_text.strip())
    return found.group(1) if found else None


_ALL_WORDS = re.compile(r"\b(all|every|everywhere|everything|whole|entire|house|home)\b")
_COVER_VERBS = re.compile(r"\b(open|clos|shut|rais|lower|lift|roll|draw)")
_LOCK_VERBS = re.compile(r"\b(lock|unlock)")
_VERBLESS = re.compile(r"(?i)(the|my|our|all the)\s")
_PRONOUN = re.compile(r"\b(it|its|them|their|that|those|they)\b")
_TARGET_KEYS = ("name", "area", "floor", "domain", "device_class")
_ON_OFF = frozenset({"HassTurnOn", "HassTurnOff", "HassToggle"})
"""Intents that need a target said (or referred to): the executor asks "Which devices?" otherwise."""
_HALF = re.compile(r"\bhalf\s?way\b|\bhalf\b")

TARGET_INTENTS = set(INTENTS[: INTENTS.index("HassStartTimer")])
"""The device intents: everything the schema lists before the timers."""
CONTEXT_INTENTS = {
    "HassTurnOn",
    "HassTurnOff",
    "HassToggle",
    "HassLightSet",
    "HearthBrightnessStep",
    "HassSetPosition",
    "HassFanSetSpeed",
}
"""Intents whose domain-only commands ("turn on the lights") mean the satellite's area."""
_GENERIC_NAMES = {
    "vacuum",
    "robot",
    "hoover",
    "thermostat",
    "heating",
    "heater",
    "tv",
    "television",
    "music",
    "speaker",
    "speakers",
    "radio",
    "the vacuum",
    "it",
    "that",
    "this",
}
_TIMER_START = {"HassCancelTimer", "HassPauseTimer", "HassUnpauseTimer", "HassTimerStatus"}
_LIST_INTENTS = {"HassListAddItem", "HassListRemoveItem", "HassListCompleteItem", "HearthListQuery"}
_ADDING = frozenset({"HassListAddItem", "HassShoppingListAddItem"})


def tool_calls(clauses: list[Clause], names: HomeNames, threshold: float) -> list[ToolCall]:
    """Calls in spoken order; clauses below `threshold` are dropped rather than guessed."""
    calls: list[ToolCall] = []
    previous: dict[str, Any] | None = None
    last: tuple[Clause, int, dict[str, Any] | None] | None = None  # the clause that made the last calls
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
        elif i and calls and clause.intent in _ON_OFF and not clause.spans and not _PRONOUN.search(clause.text):
            _LOGGER.debug("dropped %r: a follow-on clause that names nothing", clause.text)
            continue  # "lock the front door right away": "right away" adds no call of its own
        clause = fit_intent(clause, names)  # its intent fitted to the device it names
        if clause.confidence < threshold:
            _LOGGER.debug("dropped %s (%.2f < %.2f)", clause.intent, clause.confidence, threshold)
            continue
        last = (clause, len(calls), previous)
        slot_sets = build_slots(clause, names, previous)
        for slots in slot_sets:
            intent, slots = fit_call(*_play_without_query(clause.intent, slots), names, clause.intents)
            call = ToolCall(intent, slots, round(clause.confidence, 4))
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
    return _carried_out(calls, names)


def _completed(before: ToolCall, call: ToolCall) -> ToolCall | None:
    """A clause of the same deviceless intent as the call before, lacking every slot the intent needs and adding
    only slots that call lacks, completes that call (a timer's, alarm's or list's words tagged apart); else None."""
    needs = _NEEDS.get(call.intent)
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
    or none the home has targets for, stays as it is, so Hearth says what it lacks."""
    known = [call for call in calls if not _unknown_target(call, names)] if len(calls) > 1 else calls
    if not known:
        return calls
    if len(known) < len(calls):
        _LOGGER.debug("dropped %s: no such target in the home, beside calls that have theirs",
                      [(c.intent, c.slots) for c in calls if c not in known])
    return known


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
    """Turning on or off a whole area or floor of the home - every light, lock and cover in it - only when
    "everything" or "all" is said; a place with no kind of device or name is not understood (Hearth asks) rather
    than guessed. A place the home lacks is passed on: the executor says there is none."""
    if call.intent not in _ON_OFF:
        return False
    if any(call.slots.get(k) for k in ("name", "domain", "device_class")):
        return False
    area, floor = call.slots.get("area"), call.slots.get("floor")
    known = (area and _is_exact(names.areas, area)) or (floor and _is_exact(names.floors, floor))
    return bool(known) and not _ALL_WORDS.search(clause_text.casefold())


_OWN_STATE = re.compile(r"\b(on|off)\W*$")
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
    if call.intent not in ("HassTurnOn", "HassTurnOff") or _LOCK_VERBS.search(clause_text.casefold()):
        return False
    if call.slots.get("domain") == "lock":
        return True
    entity = _named(call.slots, names)
    return entity is not None and entity.domain == "lock"


_HUMIDITY = re.compile(r"\bhumid(?:ity)?\b", re.IGNORECASE)


def _play_without_query(intent: str, slots: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """'play' with nothing to search for: carry on playing (as Home Assistant's "play" on a paused player)."""
    if intent == "HassMediaSearchAndPlay" and "search_query" not in slots:
        return "HassMediaUnpause", {k: v for k, v in slots.items() if k != "media_class"}
    return intent, slots


def _named(slots: dict[str, Any], names: HomeNames) -> Entity | None:
    return names.entity(str(slots["name"]), cutoff=101) if "name" in slots else None


_NEEDS: dict[str, tuple[str, ...]] = {
    "HassLightSet": ("brightness", "color", "temperature"),
    "HassClimateSetTemperature": ("temperature",),
    "HassSetPosition": ("position",),
    "HassFanSetSpeed": ("percentage",),
    "HassSetVolume": ("volume_level",),
    "HassMediaSearchAndPlay": ("search_query",),
    "HassVacuumCleanArea": ("area",),
    "HassStartTimer": ("hours", "minutes", "seconds"),
    "HassIncreaseTimer": ("hours", "minutes", "seconds"),
    "HassDecreaseTimer": ("hours", "minutes", "seconds"),
    "HassListAddItem": ("item",),
    "HassListRemoveItem": ("item",),
    "HassListCompleteItem": ("item",),
    "HassShoppingListAddItem": ("item",),
    "HassBroadcast": ("message",),
    "HearthAlarmSet": ("time",),
    "HearthFileRead": ("file",),
    "HearthFileDelete": ("file",),
    "HearthFileAppend": ("text",),
    "HearthProcessStart": ("process",),
    "HearthProcessStop": ("process",),
}
"""Slots an intent cannot do without (any one of them), as Home Assistant's intents require them."""


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
        if (needs := _NEEDS.get(call.intent)) and not any(k in slots for k in needs):
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
        if call.intent not in _IMPLIED_TARGET and not any(k in slots for k in _TARGET_SPANS):
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
_ARTICLE = re.compile(r"(?i)^(the|in the|in|on the|on)\s+")


def _only_a_place(clause: Clause, names: HomeNames) -> bool:
    """'the kitchen' or 'upstairs' and nothing else: an area or floor of the home, no verb, no device."""
    if not clause.spans or any(span.kind not in _PLACE_KINDS for span in clause.spans):
        return False
    rest = _ARTICLE.sub("", clause.text.strip(" .,!?")).casefold()
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
        clause_spans = merge_name_spans(clause.spans, clause.utterance, names)
    spans: dict[str, list[str]] = {}
    for span in durations_as_said(clause_spans, clause.utterance or clause.text):
        spans.setdefault(span.kind, []).append(span.text)
    values = _value_slots(intent, spans, clause.text.casefold(), clause.utterance.casefold())
    if intent not in TARGET_INTENTS:
        if intent in _LIST_INTENTS and "list" in spans:
            values["name"] = list_name(spans["list"][0])
        if intent in _ADDING and len(spans.get("item", ())) > 1:  # "eggs and bread": an item a call, as HA adds
            return [dict(values, item=bare(item)) for item in spans["item"]]
        return [values]
    has_target = any(k in spans for k in ("name", "area", "floor", "domain"))
    if previous and not has_target and _PRONOUN.search(clause.text.casefold()):
        return [{**previous, **values}]
    targets = _targets(intent, spans, names, clause.text.casefold())
    return [{**t, **values} for t in targets]


_TARGET_SPANS = ("name", "area", "floor", "domain")


def list_name(spoken: str) -> str:
    """'the Groceries list' -> 'groceries': lists are named without the word 'list'."""
    name = re.sub(r"(?i)^(the|my|our)\s+|\s+list$", "", spoken.strip()).casefold()
    return name or spoken.casefold()


def _first(spans: dict[str, list[str]], kind: str) -> str | None:
    found = spans.get(kind)
    return found[0] if found else None


def _number(spans: dict[str, list[str]], kind: str) -> int | float | None:
    text = _first(spans, kind)
    value = parse_number(text) if text else None
    return None if value is None else clean_number(value)


def _percent(spans: dict[str, list[str]], kind: str) -> int | float | None:
    """A share said as a percentage: a fraction in words ("half", "a quarter", "three quarters") is that share of
    100, not 0.5 of a percent; the most there is ("full", "max", `_FULL_WORDS`) is 100."""
    value = _number(spans, kind)
    text = _first(spans, kind) or ""
    if normalize_name(text) in _FULL_WORDS:
        return 100
    if value is not None and 0 < value < 1 and not any(c.isdigit() for c in text):
        return clean_number(value * 100)
    return value


_COLOUR_WORDS = (*sorted(COLORS, key=len, reverse=True), *sorted(_COLOR_TEMPS, key=len, reverse=True))
"""Colour names longest first, a hue before a white: "warm red" is red."""


def _colour_named(said: str) -> str:
    """The colour a light takes in what was said as one: "calm blue" is blue, "yellowy warm white" warm white;
    said as a whole when it is a colour or has none in it (the executor says what it understands)."""
    if said in COLORS or said in _COLOR_TEMPS:
        return said
    for name in _COLOUR_WORDS:
        if re.search(rf"\b{re.escape(name)}\b", said):
            return name
    return said


def _value_slots(intent: str, spans: dict[str, list[str]], clause_text: str, utterance: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    value: int | float | None
    if intent == "HassLightSet":
        if (b := _first(spans, "brightness")) is not None:
            named = _BRIGHTNESS_WORDS.get(normalize_name(b))
            value = named if named is not None else _percent(spans, "brightness")
            if value is not None:
                out["brightness"] = int(min(100, max(0, value)))
        if (c := _first(spans, "color")) is not None:
            out["color"] = _colour_named(normalize_name(c))
            if out["color"] in _COLOR_TEMPS:  # "a warmer colour": a white, said as a colour, is its temperature
                out["temperature"] = _COLOR_TEMPS[out.pop("color")]
        if (t := _first(spans, "temperature")) is not None:
            kelvin = _COLOR_TEMPS.get(normalize_name(t))
            number = parse_number(re.sub(r"(?i)\s*(kelvin|k)\b", "", t))
            if kelvin or number:
                out["temperature"] = kelvin or int(number or 0)
    elif intent == "HassClimateSetTemperature":
        if (value := _number(spans, "temperature")) is not None:
            out["temperature"] = value
    elif intent == "HassSetPosition":
        value = _percent(spans, "position")
        if value is None and _HALF.search(clause_text):
            value = 50
        if value is not None:
            out["position"] = int(value)
    elif intent == "HassFanSetSpeed":
        if (value := _percent(spans, "percentage")) is not None:
            out["percentage"] = int(value)
    elif intent == "HassSetVolume":
        if (value := _percent(spans, "volume")) is not None:
            out["volume_level"] = int(value)
    elif intent == "HassSetVolumeRelative":
        up = _direction(spans, clause_text, utterance) == "up"
        step = _number(spans, "step")
        out["volume_step"] = (step if up else -step) if step is not None else ("up" if up else "down")
    elif intent == "HearthBrightnessStep":
        out["direction"] = _direction(spans, clause_text, utterance)
        if (step := _number(spans, "step")) is not None:
            out["step"] = step
    elif intent == "HassGetState" and (s := _first(spans, "state") or _asked_state(clause_text)) is not None:
        state = normalize_name(s)
        if state not in _STATE_WORDS and state.split() and state.split()[-1] in _STATE_WORDS:
            state = state.split()[-1]  # "switched on", "all the way open": the state word
        out["state"] = _STATES.get(state, state)
    elif intent in ("HassMediaSearchAndPlay",):
        if (q := _first(spans, "search_query")) is not None:
            out["search_query"] = search(q)
        if (m := _first(spans, "media_class")) is not None:
            out["media_class"] = _MEDIA_CLASSES.get(normalize_name(m), normalize_name(m))
    out |= _timer_slots(intent, spans)
    out |= _text_slots(intent, spans)
    return out


_DIRECTION = re.compile(
    r"\b(?:(?P<up>too dim|too dark|too quiet|up|brighter|brighten|lighter|raise|increase|more|louder|higher|boost"
    r"|crank|pump)"
    r"|(?P<down>too loud|too bright|down|dim|dimmer|darker|darken|lower|decrease|reduce|less|quieter|quieten|hush"
    r"|softer|quiet|shush|shh|silence|blinding|glaring|dazzling))\b")
"""Words for a direction; in the words the tagger marked as the direction, else in the clause, else in the whole
sentence, the last one said wins: "it's a bit dim in here, brighten it up" is up when no word of it is marked,
and "the kitchen's too bright" is down when the tagger made a clause of "too" alone. Up when none is said."""


def _direction(spans: dict[str, list[str]], clause_text: str, utterance: str = "") -> str:
    word = _first(spans, "direction")
    for text in (word, clause_text, utterance):
        said = list(_DIRECTION.finditer(normalize_name(text))) if text else []
        if said:
            return "down" if said[-1].group("down") else "up"
    return "up"


_UNIT_AFTER = re.compile(r"\s*(?:and an? (?:half|quarter)\s+)?(hours?|hrs?|minutes?|mins?|seconds?|secs?)\b",
                         re.IGNORECASE)
_UNIT_AND = re.compile(r"\b(hours?|hrs?|minutes?|mins?|seconds?|secs?)\s+and(?:\s+an?)?\s+$", re.IGNORECASE)
_DURATION_SPANS = {"h": "hours", "m": "minutes", "s": "seconds"}


def durations_as_said(spans: list[Span], utterance: str) -> list[Span]:
    """A duration is in the unit said after its number, whatever unit the tagger marked ("three minutes" tagged
    as hours is 3 minutes); a number after "<unit> and" with no unit of its own is more of that unit ("an hour
    and a half" is 1.5 hours). Other spans pass unchanged."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        if span.kind not in _DURATION_SPANS.values():
            out.append(span)
            continue
        after = _UNIT_AFTER.match(utterance, span.end)
        before = _UNIT_AND.search(utterance[: span.start])
        unit = after.group(1) if after else before.group(1) if before else None
        kind = _DURATION_SPANS[unit[0].lower()] if unit else span.kind
        if after is None and before is not None and out and out[-1].kind == kind:
            out[-1] = replace(out[-1], text=f"{out[-1].text} and {span.text}", end=span.end, last_word=span.last_word)
            continue
        out.append(replace(span, kind=kind))
    return out


def _timer_slots(intent: str, spans: dict[str, list[str]]) -> dict[str, Any]:
    if not intent.startswith("Hass") or "Timer" not in intent:
        return {}
    out: dict[str, Any] = {}
    duration = parse_duration(_first(spans, "hours"), _first(spans, "minutes"), _first(spans, "seconds"))
    prefix = "start_" if intent in _TIMER_START else ""
    out |= {f"{prefix}{k}": v for k, v in duration.items()}
    name = _first(spans, "timer_name") or _first(spans, "name")  # a timer targets no device: a name is its own
    if name is not None:
        out["name"] = bare(name.casefold())
    if intent == "HassCancelAllTimers":
        out = {}
    return out


_TEXT_SLOTS = {
    "HassListAddItem": ("item",),
    "HassListRemoveItem": ("item",),
    "HassListCompleteItem": ("item",),
    "HassShoppingListAddItem": ("item",),
    "HassBroadcast": ("message",),
    "HearthAlarmSet": ("time", "date", "label"),
    "HearthAlarmCancel": ("time", "label"),
    "HearthAlarmList": ("date",),
    "HearthFileRead": ("file",),
    "HearthFileDelete": ("file",),
    "HearthFileAppend": ("file", "text"),
    "HearthFileList": ("folder",),
    "HearthProcessStart": ("process",),
    "HearthProcessStop": ("process",),
    "HassGetWeather": ("location",),
}


def _text_slots(intent: str, spans: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in _TEXT_SLOTS.get(intent, ()):
        value = _clock_time(spans) if kind == "time" else _first(spans, kind)
        if value is None:
            continue
        if kind == "time":
            out["time"] = parse_time(value) or value
        elif kind == "location":
            out["name"] = value
        elif kind == "date":
            said = re.sub(r"^(on|for|at)\s+", "", value.casefold())
            if parse_day(said, dt.date.today()) is not None or RECURRING.search(said):
                out[kind] = said  # a day, or days; a bare number ("7 alarm for 6 am") names no day
        elif kind in ("label", "process", "folder"):
            out[kind] = bare(value.casefold())
        else:
            out[kind] = bare(value) if kind == "item" else value
    return out


_CLOCK = re.compile(r"\d:\d|\b(am|pm|a\.m|p\.m|o'?clock|morning|evening|afternoon|night|noon|midnight)\b|\d(am|pm)\b")


def _clock_time(spans: dict[str, list[str]]) -> str | None:
    """The time said most like a time of day: of whisper's '7 alarm for 6 am', '6 am', not '7'."""
    times = spans.get("time") or []
    return next((t for t in times if _CLOCK.search(t.casefold())), times[0] if times else None)


def _targets(intent: str, spans: dict[str, list[str]], names: HomeNames, clause_text: str) -> list[dict[str, Any]]:
    """name/area/floor/domain/device_class slots, one dict per named device or area."""
    base: dict[str, Any] = {}
    entity_names: list[str] = []
    areas: list[str] = []
    domain: tuple[str, str | None] | None = None
    unknown_kind = None
    needs: tuple[tuple[str, ...], bool] = ((), False)
    for text in spans.get("domain", []) + spans.get("direction", []):
        said_kind = _kind_of(text)
        if said_kind is None and (wanted := need_kinds(text, intent))[0]:
            needs = needs if needs[0] else wanted  # "I'm cold": a need, met below by the devices the home has for it
        elif text in spans.get("domain", []):
            domain = domain or said_kind
            if said_kind is None and _content_words(text):
                if (named := _named_by_words(intent, text, names)) is not None:
                    entity_names.append(named)  # "turn off the tree": no kind, a word of one device's name
                else:
                    unknown_kind = text  # "open the bedroom kitchen": no kind of device
    for text in spans.get("name", []):
        kind, value, split_domain = _resolve_name(intent, text, names)
        if kind == "name":
            entity_names.append(value)
        elif kind == "area":
            areas.append(value)
            domain = domain or split_domain
        elif kind == "domain":
            domain = domain or split_domain
    here = False
    for text in spans.get("area", []):
        here = here or is_here(text)
        area = names.area(text)
        entity = names.entity(text) if area is None and not is_here(text) else None
        floor = names.floor(text) if area is None and entity is None and not is_here(text) else None
        if area is not None:
            areas.append(area.name)
        elif entity is not None:
            entity_names.append(entity.name)
        elif floor is not None:
            base["floor"] = floor.name  # "downstairs lights": a floor said where an area goes
        elif not is_here(text) and (fitted := _fitted(intent, text, names))[1] != text:
            (entity_names if fitted[0] == "name" else areas).append(fitted[1])  # "espresso": no area, a device
            domain = domain or fitted[2]
        elif (named := _named_with_kind(intent, text, spans, names)) is not None:
            entity_names.append(named)  # "the floor lamp": no area "floor", a device named so with its kind
        elif not is_here(text) and _content_words(text):
            areas.append(text)  # unknown area: the executor says so
    if (floor_text := _first(spans, "floor")) is not None:
        floor = names.floor(floor_text)
        area = names.area(floor_text) if floor is None else None
        if floor is not None:
            base["floor"] = floor.name
        elif area is not None:
            areas.append(area.name)
        elif _content_words(floor_text):
            base["floor"] = floor_text
    if unknown_kind is not None and domain is None and not entity_names:
        domain = (unknown_kind, None)  # the executor says there are none; a reading of it is not understood
    if domain is not None and not entity_names:  # a named device needs no domain ("ceiling light")
        base["domain"] = domain[0]
        if domain[1]:
            base["device_class"] = domain[1]
    if intent in ("HassClimateSetTemperature", "HassClimateGetTemperature"):
        entity_names, areas = _climate_targets(entity_names, areas, names)
        if not entity_names:
            entity_names += _spot_names(clause_text, names, ("climate",))
    if not entity_names and intent in _MEDIA_INTENTS:
        entity_names += _spot_names(clause_text, names, ("media_player",))
    if not (entity_names or areas or domain or "floor" in base or needs[0]) and intent in ("HassTurnOn", "HassTurnOff"):
        entity_names += _spot_names(clause_text, names, INTENT_DOMAINS[intent])  # "start movie time right now"
    if intent == "HassGetState" and _HUMIDITY.search(clause_text):
        # "what is the humidity in the living room place": the sensor of the room said or of the device named
        places = areas or [a.name for n in entity_names if (a := _area_of(n, names)) is not None]
        entity_names = _spot_sensor(clause_text, places, names) or ["humidity"]  # no sensor: asked, not all
    elif not entity_names and intent == "HassGetState" and areas:
        entity_names += _spot_sensor(clause_text, areas, names)
    if needs[0] and domain is None and not entity_names:
        domain, met = _meet_need(intent, needs, areas, names)
        entity_names += met
        if domain is not None:
            base["domain"] = domain[0]
    here = here or bool(_HERE.search(clause_text))
    _verb_domain(intent, base, entity_names, names, clause_text, placed=bool(areas) or "floor" in base)
    if intent in ("HassLightSet", "HearthBrightnessStep") and not entity_names:
        base.setdefault("domain", "light")
    if intent == "HassSetPosition":
        base.setdefault("domain", "cover")
    if intent == "HassFanSetSpeed" and not (entity_names or areas or "floor" in base) and base.get("domain") == "fan":
        del base["domain"]  # "set the fan to 30%": the fan there is, however the tagger took "fan"
    if intent == "HassClimateSetTemperature" and here and not entity_names and _no_thermostat_here(areas, names):
        areas, here = [], False  # "make it 19 degrees in here": the home's thermostat heats this room too
    if not entity_names and not areas and "floor" not in base and names.context_area is not None:
        implied = intent in CONTEXT_INTENTS and "domain" in base and not _ALL_WORDS.search(clause_text)
        if here or (implied and _has_kind(names, names.context_area.id, base)):
            areas.append(names.context_area.name)
    calls = [dict(base, name=n) for n in dict.fromkeys(entity_names)]
    if not calls:
        calls = [narrowed(names.home, dict(base, area=a), clause_text) for a in dict.fromkeys(areas)] or [base]
    elif areas and len(calls) == 1:
        calls[0]["area"] = areas[0]
    for call in calls:
        if "name" in call and "area" not in call and (place := area_said_for(names.home, call["name"], clause_text)):
            call["area"] = place  # a name several rooms' devices share, and the room said
    return calls


def _named_with_kind(intent: str, text: str, spans: dict[str, list[str]], names: HomeNames) -> str | None:
    """The one device whose name has every word of the words taken for an unknown area and the kind said after
    them ("the floor lamp": the Hue Signe Floor Lamp, where no area is called "floor")."""
    if is_here(text) or not spans.get("domain"):
        return None
    spoken = f"{text} {spans['domain'][0]}"
    said = set(content_words(spoken))
    found = fit(names.home, spoken, INTENT_DOMAINS.get(intent)).entities
    named = [e for e in found if said <= set(content_words(" ".join(e.names())))]
    return named[0].name if len(named) == 1 else None


def _no_thermostat_here(areas: list[str], names: HomeNames) -> bool:
    """The only area said is 'here' (the one the command is spoken in) and it holds no thermostat: 'here' is
    then a preference, as the implied area is (`_has_kind`), and the home's thermostats are meant."""
    context = names.context_area
    return context is not None and areas == [context.name] and not _has_kind(names, context.id, {"domain": "climate"})


def _has_kind(names: HomeNames, area_id: str, base: dict[str, Any]) -> bool:
    """Whether the area holds a device of the domain (and device class) said. The area the command is
    spoken in is a preference, as in Home Assistant: "open the garage" from the living room opens the garage
    door, not nothing."""
    return any(e.area_id == area_id and e.domain == base["domain"]
               and base.get("device_class") in (None, e.device_class) for e in names.home.entities)


_VAGUE_NAMES = frozenset({"music", "media", "sound", "audio", "it"})
_MEDIA_INTENTS = {
    "HassMediaPause",
    "HassMediaUnpause",
    "HassMediaNext",
    "HassMediaPrevious",
    "HassMediaPlayerMute",
    "HassMediaPlayerUnmute",
    "HassSetVolume",
    "HassSetVolumeRelative",
}
_IMPLIED_TARGET = _MEDIA_INTENTS | {
    "HassVacuumStart", "HassVacuumReturnToBase", "HassVacuumCleanArea", "HassClimateSetTemperature",
    "HassClimateGetTemperature", "HassFanSetSpeed",
}
"""Device intents Home Assistant carries out on the one device of their kind when none is named."""
_HERE = re.compile(r"\b(in here|this room)\b")
_STOPWORDS = frozenset(
    [
        "in",
        "on",
        "at",
        "the",
        "my",
        "our",
        "of",
        "a",
        "an",
        "to",
        "please",
        "there",
        "here",
        "this",
        "that",
        "it",
        "inside",
    ]
)


def _area_as_said(text: str, names: HomeNames) -> bool:
    """The span is an area's name or alias, word for word."""
    said = normalize_name(text)
    return any(said == normalize_name(n) for a in names.home.areas for n in (a.name, *a.aliases))


def _content_words(text: str) -> list[str]:
    return [w for w in normalize_name(text).split() if w not in _STOPWORDS]


def _resolve_name(intent: str, text: str, names: HomeNames) -> tuple[str, str, tuple[str, str | None] | None]:
    """A name span -> ('name', entity name) | ('area', area name, domain) | ('none', '').

    A name spelled like the span loses to devices its words fit ("Olivia's Room lock": the lock there, not
    "Olivia's Room Globe"), and to an area named as said ("Master Bedroom" beside a kind word is the place, not
    the "Master Bedroom Bulb" whose name begins with it)."""
    match = names.entities.match(text)
    if match is not None and match.fuzzy and (_fits_by_words(intent, text, names) or _area_as_said(text, names)):
        match = None
    if match is None and domain_of(text):
        return "domain", "", domain_of(text)
    if intent in _IMPLIED_TARGET and _generic(text) and (match is None or match.score < 97):
        return "none", "", None  # "start the vacuum": the one there is, as Home Assistant says it (no name)
    if (match is None or match.score < 99) and (served := _served_by(intent, text, names)) is not None:
        return "name", served, None
    split = names.area_and_domain(text)
    if match is not None and (match.score >= 99 or split is None or singular_of_name(text, match.item)):
        return "name", match.item.name, None
    if split is not None:  # "bathroom lights": the lights of the Bathroom, not the "Bathroom Light"
        return "area", split[0].name, split[1]
    words = normalize_name(text).split()
    if len(words) > 1 and domain_of(words[-1]):  # "christmas tree lights"
        trimmed = names.entities.match(" ".join(words[:-1]))
        if trimmed is not None:
            return "name", trimmed.item.name, None
    area = names.area(text)
    if area is not None and intent != "HassMediaSearchAndPlay":
        return "area", area.name, None
    if normalize_name(text) in _GENERIC_NAMES or not _content_words(text):
        return "none", "", None
    return _fitted(intent, text, names)


NEEDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("dark", "gloomy", "black", "see", "bed", "sleep", "out", "leaving", "work"), ("light",)),
    **dict.fromkeys(("cold", "freezing", "chilly", "frozen", "cool"), ("heater", "radiator", "heating")),
    **dict.fromkeys(("hot", "boiling", "warm", "roasting", "stuffy", "sweating"),
                    ("fan", "air conditioner", "air conditioning", "ac")),
}
"""A need said where a kind of device goes ("it's dark in the kitchen", "I'm cold", "off to bed"): the kinds
of device that meet it, in order of preference. Data, not rules: the training templates tag the need
(`llm/data/templates.py`), and `_meet_need` grounds its kinds in the home like any spoken kind."""


USES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("tea", "cuppa", "brew"), ("kettle",)),
    **dict.fromkeys(("caffeine", "espresso", "latte", "cappuccino", "flat white"), ("coffee", "espresso")),
    **dict.fromkeys(("car", "ev", "electric car", "tesla"), ("charger",)),
    **dict.fromkeys(("garden", "lawn", "grass", "flower beds", "veg patch"), ("irrigation", "sprinkler", "sprinklers")),
    **dict.fromkeys(("fire", "log burner"), ("fireplace", "fire", "stove")),
    "towels": ("towel",),
    "bed": ("blanket",),
}
"""A thing said where a device's name goes ("a cup of tea", "charge the car", "water the lawn", "warm up the
bed"): words of the names of the devices that serve it, in order of preference. Data, like NEEDS: the training
templates tag the thing as a name (`llm/data/templates.py`), and `_served_by` grounds it in the home when no
device is called that."""


HOME_WIDE_NEEDS = frozenset({"bed", "sleep", "out", "leaving", "work"})
"""Needs that concern the whole home when no area is said: off to bed or out, every light goes off — and
only off ("warm up the bed" is no bedtime)."""


def need_kinds(text: str, intent: str = "HassTurnOn") -> tuple[tuple[str, ...], bool]:
    """The kinds of device a spoken need asks for ("so cold" -> heater, ...; () when it is no need), and
    whether the need concerns the whole home."""
    for word in reversed(content_words(text)):
        if word in HOME_WIDE_NEEDS:
            return (NEEDS[word], True) if intent == "HassTurnOff" else ((), False)
        if word in NEEDS:
            return NEEDS[word], False
    return (), False


def _meet_need(intent: str, need: tuple[tuple[str, ...], bool], areas: list[str], names: HomeNames
               ) -> tuple[tuple[str, str | None] | None, list[str]]:
    """The kind (a domain) or the devices that meet a need: the devices of its first kind the home has in the
    areas said (or, with none said, in the area the request comes from; for a home-wide need, anywhere),
    else the one such device in the home. Several elsewhere and none here: nothing, so Hearth asks rather
    than switching on every one."""
    kinds, home_wide = need
    home = names.home
    said = {a.id for a in home.areas if a.name in areas}
    here = said or ({names.context_area.id} if names.context_area is not None else set())
    for kind in kinds:
        domain = domain_of(kind)
        if domain is not None:  # a kind of device: every one of it counts, whatever its name
            found = [e for e in home.entities if e.exposed and e.domain == domain[0]
                     and domain[1] in (None, e.device_class)]
        else:
            found = list(fit(home, kind, INTENT_DOMAINS.get(intent)).entities)
        local = [e for e in found if e.area_id in here or (home_wide and not said)]
        if domain is not None and local:
            return domain, []
        if local or (len(found) == 1 and not said):
            return None, [e.name for e in (local or found)]
    return None, []


def _named_by_words(intent: str, text: str, names: HomeNames) -> str | None:
    """The device a span taken for a kind that is no kind names as said: its name or alias, or the last word
    of its name and no other's ("the tree": the Christmas Tree), of a domain the intent acts on; else None."""
    match = names.entities.match(text)
    if match is None or match.fuzzy:
        return None
    domains = INTENT_DOMAINS.get(intent)
    return match.item.name if domains is None or match.item.domain in domains else None


def _kind_of(text: str) -> tuple[str, str | None] | None:
    return domain_of(text)


def _fits_by_words(intent: str, text: str, names: HomeNames) -> bool:
    found = fit(names.home, text, INTENT_DOMAINS.get(intent))
    return bool(found.entities) and not found.by_sound


def _served_by(intent: str, text: str, names: HomeNames) -> str | None:
    """The one device that serves a thing said where a name goes (USES: "tea" -> the Kettle), else None."""
    for word in USES.get(" ".join(_content_words(text)), ()):
        found = fit(names.home, word, INTENT_DOMAINS.get(intent)).entities
        if len(found) == 1:
            return found[0].name
    return None


def _fitted(intent: str, text: str, names: HomeNames) -> tuple[str, str, tuple[str, str | None] | None]:
    """A span that is no name, area or kind as said, fitted to the home by its words or sound
    (`hub.core.grounding.fit`), among the devices the intent acts on first: the one device it singles out; an
    area and a kind (the Kitchen's lights for whisper's "kitchen lice"); else the span as said, for the
    executor to ask which (a partial name that fits several) or say there is none."""
    domains = INTENT_DOMAINS.get(intent)
    found = fit(names.home, text, domains)
    if not found.entities and domains is not None:
        found = fit(names.home, text)
    if len(found.entities) == 1 and (found.by_name or not found.by_sound):
        return "name", found.entities[0].name, None
    areas = {e.area_id for e in found.entities}
    kinds = {(e.domain, e.device_class) for e in found.entities}
    if found.entities and not found.by_name and len(areas) == 1 and (area := names.home.area(areas.pop())):
        domain = {k[0] for k in kinds}
        if len(domain) == 1:
            return "area", area.name, (domain.pop(), kinds.pop()[1] if len(kinds) == 1 else None)
    return "name", text, None


def _generic(text: str) -> bool:
    """'vacuum', 'the vacuum': a word for any device of a kind, not a name."""
    said = normalize_name(text)
    return said in _GENERIC_NAMES or _ARTICLE.sub("", said) in _GENERIC_NAMES


def _climate_targets(entity_names: list[str], areas: list[str], names: HomeNames) -> tuple[list[str], list[str]]:
    """'the bedroom temperature' names a sensor; for the climate intents that means its area."""
    keep: list[str] = []
    for name in entity_names:
        entity = names.entity(name, cutoff=101)
        area = names.home.area(entity.area_id) if entity is not None and entity.domain != "climate" else None
        if area is not None:
            areas = [*areas, area.name]
        else:
            keep.append(name)
    return keep, areas


def _spot_names(clause_text: str, names: HomeNames, domains: tuple[str, ...]) -> list[str]:
    """The one device of `domains` a clause names without the tagger marking it ('the thermostat', 'make me
    a coffee'): its whole name said word for word, else a word only its name has
    (`hub.core.grounding.distinctive_words`); none when that picks out several."""
    said = f" {normalize_name(clause_text)} "
    whole = [e.name for e in names.home.entities if e.domain in domains and
             any(f" {normalize_name(n)} " in said for n in e.names() if normalize_name(n) not in _VAGUE_NAMES)]
    if whole:
        return whole[:1]
    distinctive = distinctive_words(names.home)
    found = {distinctive[w].name for w in content_words(clause_text) if w in distinctive
             and w not in _VAGUE_NAMES and distinctive[w].domain in domains}
    return list(found) if len(found) == 1 else []


def _area_of(name: str, names: HomeNames) -> Area | None:
    entity = names.entity(name, cutoff=101)
    return names.home.area(entity.area_id) if entity is not None else None


def _spot_sensor(clause_text: str, areas: list[str], names: HomeNames) -> list[str]:
    """'the humidity in the living room': the one sensor of that area whose name, less the area's, is said
    ('humid' for 'humidity')."""
    said = f" {_HUMIDITY.sub('humidity', normalize_name(clause_text))} "
    found = []
    for entity in names.home.entities:
        area = names.home.area(entity.area_id) if entity.domain == "sensor" else None
        if area is None or area.name not in areas:
            continue
        rest = normalize_name(entity.name).replace(normalize_name(area.name), "").strip()
        if rest and f" {rest} " in said:
            found.append(entity.name)
    return found if len(found) == 1 else []


_VERB_ALONE = re.compile(r"^(?:please\s+)?\w+(?:\s+(?:the\s+)?(?:up|everything|all|it|them|house|home|place))*"
                         r"(?:\s+(?:please|now|right now))*\W*$")
"""'lock up', 'unlock please': a lock or cover verb with nothing else said means every device of its kind."""
_VERB_UP = re.compile(r"^(?:please\s+)?\w+\s+up(?:\s+(?:please|now|right now))*\W*$")
"""'shut up', 'open up': a cover verb with only "up" is an idiom (be quiet; let someone in), not every cover.
'lock up' still locks."""


def _verb_domain(
    intent: str, base: dict[str, Any], entity_names: list[str], names: HomeNames, clause_text: str,
    placed: bool = False,
) -> None:
    """HA tags open/close and lock/unlock commands with their domain (cover, lock). Said of nothing but words
    that name no device ("lock today", whisper's "what's the date"), the verb alone names no target."""
    if intent not in ("HassTurnOn", "HassTurnOff"):
        return
    entity = names.entity(entity_names[0], cutoff=101) if entity_names else None
    said = base.get("domain")
    if said is None and entity is None and not placed and not _VERB_ALONE.match(clause_text.strip()):
        return
    door = said == "cover" and base.get("device_class") == "door"  # "lock the door": a lock, not a door cover
    if _LOCK_VERBS.search(clause_text) and (entity.domain == "lock" if entity else (said in (None, "lock") or door)):
        base["domain"] = "lock"
        if door:
            del base["device_class"]
    elif _COVER_VERBS.search(clause_text) and (entity.domain == "cover" if entity else said in (None, "cover")):
        if said is None and entity is None and not placed and _VERB_UP.match(clause_text.strip()):
            return
        base["domain"] = "cover"
