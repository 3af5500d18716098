"""A clause's values as Home Assistant's slots take them: numbers, shares, colours, colour temperatures,
states asked about, directions, durations, times, list items and other free text (`llm.numbers` parses the
numbers). Each is read from the spans the tagger marked, with the words said as a fallback where a span can be
missing (a direction, a yes-or-no question's state).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import replace
from typing import Any

from hub.core.days import RECURRING, parse_day
from hub.core.home import normalize_name
from hub.core.states import canonical_state
from devices.colors import COLORS
from llm.decode import Span
from llm.freetext import bare, search
from llm.numbers import clean_number, parse_duration, parse_number, parse_time

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


_YES_NO_STATE = re.compile(r"^(?:is|are)\b.*?\b(on|off|open|opened|closed|shut|locked|unlocked)"
                           r"(?:\s+(?:right now|now|at the moment|at all|or not))?\W*$")


def _asked_state(clause_text: str) -> str | None:
    """'is the floor lamp switched on?': the state a yes-or-no question ends on, when the tagger left it
    untagged (it does, before whisper's question mark)."""
    found = _YES_NO_STATE.search(clause_text.strip())
    return found.group(1) if found else None


_HALF = re.compile(r"\bhalf\s?way\b|\bhalf\b")
_TIMER_START = {"HassCancelTimer", "HassPauseTimer", "HassUnpauseTimer", "HassTimerStatus"}


def list_name(spoken: str) -> str:
    """'the Groceries list' -> 'groceries': lists are named without the word 'list'."""
    name = re.sub(r"(?i)^(the|my|our)\s+|\s+list$", "", spoken.strip()).casefold()
    return name or spoken.casefold()


def first(spans: dict[str, list[str]], kind: str) -> str | None:
    found = spans.get(kind)
    return found[0] if found else None


def _number(spans: dict[str, list[str]], kind: str) -> int | float | None:
    text = first(spans, kind)
    value = parse_number(text) if text else None
    return None if value is None else clean_number(value)


def _percent(spans: dict[str, list[str]], kind: str) -> int | float | None:
    """A share said as a percentage: a fraction in words ("half", "a quarter", "three quarters") is that share of
    100, not 0.5 of a percent; the most there is ("full", "max", `_FULL_WORDS`) is 100."""
    value = _number(spans, kind)
    text = first(spans, kind) or ""
    if normalize_name(text) in _FULL_WORDS:
        return 100
    if value is not None and 0 < value < 1 and not any(c.isdigit() for c in text):
        return clean_number(value * 100)
    return value


_COLOUR_WORDS = (*sorted(COLORS, key=len, reverse=True), *sorted(_COLOR_TEMPS, key=len, reverse=True))
"""Colour names longest first, a hue before a white: "warm red" is red."""


def _colour_named(said: str, clause_text: str = "", others: tuple[str, ...] = ()) -> str:
    """The colour a light takes in what was said as one: "calm blue" is blue, "yellowy warm white" warm white.
    A word that names no colour ("salt" of "salt lamp on red") is the colour the clause says outside its other
    spans (the light's name may hold a colour word), if any; else it is kept as said (the executor says what it
    understands)."""
    if said in COLORS or said in _COLOR_TEMPS:
        return said
    for text in (said, _without(normalize_name(clause_text), (said, *others))):
        for name in _COLOUR_WORDS:
            if re.search(rf"\b{re.escape(name)}\b", text):
                return name
    return said


def _without(text: str, parts: tuple[str, ...]) -> str:
    """`text` with each of `parts` (whole words) blanked out."""
    for part in parts:
        text = re.sub(rf"\b{re.escape(part)}\b", " ", text) if part else text
    return text


def value_slots(intent: str, spans: dict[str, list[str]], clause_text: str, utterance: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    value: int | float | None
    if intent == "HassLightSet":
        if (b := first(spans, "brightness")) is not None:
            named = _BRIGHTNESS_WORDS.get(normalize_name(b))
            value = named if named is not None else _percent(spans, "brightness")
            if value is not None:
                out["brightness"] = int(min(100, max(0, value)))
        if (c := first(spans, "color")) is not None:
            others = tuple(normalize_name(x) for kind in ("name", "area") for x in spans.get(kind, ()))
            out["color"] = _colour_named(normalize_name(c), clause_text, others)
            if out["color"] in _COLOR_TEMPS:  # "a warmer colour": a white, said as a colour, is its temperature
                out["temperature"] = _COLOR_TEMPS[out.pop("color")]
        if (t := first(spans, "temperature")) is not None:
            kelvin = _COLOR_TEMPS.get(normalize_name(t))
            number = parse_number(re.sub(r"(?i)\s*(kelvin|k)\b", "", t))
            if kelvin or number:
                out["temperature"] = kelvin or int(number or 0)
    elif intent == "HassClimateSetTemperature":
        if (value := _number(spans, "temperature")) is not None:
            out["temperature"] = value
        elif said := list(_WARMER.finditer(normalize_name(clause_text))):
            out["direction"] = "down" if said[-1].group("down") else "up"  # a degree that way (the executor)
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
    elif intent == "HassGetState" and (s := first(spans, "state") or _asked_state(clause_text)) is not None:
        state = normalize_name(s)
        if state not in _STATE_WORDS and state.split() and state.split()[-1] in _STATE_WORDS:
            state = state.split()[-1]  # "switched on", "all the way open": the state word
        out["state"] = canonical_state(state)  # "is the door shut", whisper's "unlock", "bolted": the state asked
    elif intent in ("HassMediaSearchAndPlay",):
        if (q := first(spans, "search_query")) is not None:
            out["search_query"] = search(q)
        if (m := first(spans, "media_class")) is not None:
            out["media_class"] = _MEDIA_CLASSES.get(normalize_name(m), normalize_name(m))
    out |= _timer_slots(intent, spans, clause_text)
    out |= _text_slots(intent, spans, clause_text)
    return out


_WARMER = re.compile(r"\b(?:(?P<up>up|higher|warmer|hotter|raise|increase|boost|crank)"
                     r"|(?P<down>down|lower|cooler|colder|decrease|reduce))\b")
"""The way a thermostat is turned when no temperature is said ("turn the heating up", "make it cooler")."""
_DIRECTION = re.compile(
    r"\b(?:(?P<up>too dim|too dark|too quiet|up|brighter|brighten|lighter|raise|increase|more|louder|higher|boost"
    r"|crank|pump)"
    r"|(?P<down>too loud|too bright|down|dim|dimmer|darker|darken|lower|decrease|reduce|less|quieter|quieten|hush"
    r"|softer|quiet|shush|shh|silence|blinding|glaring|dazzling))\b")
"""Words for a direction; in the words the tagger marked as the direction, else in the clause, else in the whole
sentence, the last one said wins: "it's a bit dim in here, brighten it up" is up when no word of it is marked,
and "the kitchen's too bright" is down when the tagger made a clause of "too" alone. Up when none is said."""


def _direction(spans: dict[str, list[str]], clause_text: str, utterance: str = "") -> str:
    marked = " ".join(spans.get("direction", []))  # every word marked, in order: "a bit dim" ... "brighten" "up"
    for text in (marked, clause_text, utterance):
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


_ITEM_GAP = re.compile(r"(?:\s*[\w'-]+){1,2}\s*")
_ITEM_JOINT = re.compile(r",|&|\b(?:and|or|plus|then|also|as|to|on|onto|in|into|from|off|for|with|at|of)\b")
"""Words between two items that keep them apart: a joint, or a word that leads to a list ("eggs to shopping")."""


def items_as_said(spans: list[Span], utterance: str) -> list[Span]:
    """Items are told apart by a joint said between them ("eggs, milk and bread"); two item spans with one or two
    other words between them are one item the tagger split ("washing up liquid", "salt and vinegar crisps" stays
    two: the "and" is said). Other spans pass unchanged."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start):
        last = out[-1] if out else None
        gap = utterance[last.end:span.start] if last is not None else ""
        if (last is not None and span.kind == last.kind == "item" and _ITEM_GAP.fullmatch(gap)
                and not _ITEM_JOINT.search(gap)):
            out[-1] = replace(last, text=utterance[last.start:span.end], end=span.end, last_word=span.last_word)
            continue
        out.append(span)
    return out


_TIMED = frozenset({"HassStartTimer", "HassIncreaseTimer", "HassDecreaseTimer"})
_UNIT_ALONE = re.compile(r"\b(?:(?P<half>half)\s+an?|(?P<quarter>a\s+quarter\s+of)\s+an?|an?|one)\s+"
                         r"(?P<unit>hour|minute|second)\b(?P<more>\s+and\s+a\s+half)?")


_FRACTION = re.compile(r"(?:and\s+)?(?:an?\s+)?(?:half|quarter)")
"""A duration span that is only a fraction: the share of a unit said before it ("an hour and a half")."""
_UNIT_TIMER = re.compile(r"(?:^|(?<=\s))(?:(?P<before>[\w'-]+)\s+)?(?P<unit>hour|minute|second)\s+timer\b")
"""A unit said as the timer's kind with no number before it ("hour timer please"): one of it."""


def _unit_alone(clause_text: str) -> dict[str, str | None]:
    """A duration said with no number ("an hour", "half an hour", "a minute and a half", "an hour timer", and
    "hour timer" with no number before it): {unit: its amount}."""
    found = _UNIT_ALONE.search(clause_text)
    if found is None:
        bare = _UNIT_TIMER.search(clause_text)
        if bare is None or (bare["before"] is not None and parse_number(bare["before"]) is not None):
            return {}
        return {f"{bare['unit']}s": "1.0"}
    amount = 0.5 if found["half"] else 0.25 if found["quarter"] else 1.0
    return {f"{found['unit']}s": str(amount + (0.5 if found["more"] else 0.0))}


def _timer_slots(intent: str, spans: dict[str, list[str]], clause_text: str = "") -> dict[str, Any]:
    if not intent.startswith("Hass") or "Timer" not in intent:
        return {}
    out: dict[str, Any] = {}
    said = {unit: first(spans, unit) for unit in ("hours", "minutes", "seconds")}
    if intent in _TIMED and all(v is None or _FRACTION.fullmatch(v.casefold().strip()) for v in said.values()):
        # "time an hour for me": no number tagged; "an hour and a half" with only "and a half" tagged
        alone = _unit_alone(clause_text)
        said = {unit: alone.get(unit) for unit in said} if alone else said
    duration = parse_duration(said["hours"], said["minutes"], said["seconds"])
    prefix = "start_" if intent in _TIMER_START else ""
    out |= {f"{prefix}{k}": v for k, v in duration.items()}
    name = first(spans, "timer_name") or first(spans, "name")  # a timer targets no device: a name is its own
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


_PART_OF_DAY = re.compile(r"\s+(morning|afternoon|evening|night)$")
"""A part of the day after the day ("tomorrow morning") belongs to the time, which says it; the date is the day."""


def _text_slots(intent: str, spans: dict[str, list[str]], clause_text: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in _TEXT_SLOTS.get(intent, ()):
        if kind == "time":
            value = (_alarm_time(spans, clause_text) if intent == "HearthAlarmSet" else None) or _clock_time(spans)
        else:
            value = first(spans, kind)
        if value is None:
            continue
        if kind == "time":
            out["time"] = parse_time(value) or value
        elif kind == "location":
            out["name"] = value
        elif kind == "date":
            said = _PART_OF_DAY.sub("", re.sub(r"^(on|for|at)\s+", "", value.casefold()))
            if parse_day(said, dt.date.today()) is not None or RECURRING.search(said):
                out[kind] = said  # a day, or days; a bare number ("7 alarm for 6 am") names no day
        elif kind in ("label", "process", "folder"):
            out[kind] = bare(value.casefold())
        else:
            out[kind] = bare(value) if kind == "item" else value
    return out


_CLOCK = re.compile(r"\d:\d|\b(am|pm|a\.m|p\.m|o'?clock|morning|evening|afternoon|night|noon|midnight)\b|\d(am|pm)\b")


def _alarm_time(spans: dict[str, list[str]], clause_text: str) -> str | None:
    """Of several times said, the alarm's: of those that read as a time (a clock word, or said after "at", "for",
    "to", "till" or "until"), the earliest in the day, as an alarm rings before what it is for ("lecture at nine,
    alarm for seven twenty": 7:20; "wake me at seven for my nine o'clock meeting": 7:00). None when none reads so:
    `_clock_time` chooses."""
    times = [(clock, t) for t in spans.get("time") or [] if (clock := parse_time(t)) is not None and (
        _CLOCK.search(t.casefold()) or re.search(rf"\b(at|for|to|till|until)\s+{re.escape(t.casefold())}", clause_text))]
    return min(times)[1] if times else None


def _clock_time(spans: dict[str, list[str]]) -> str | None:
    """The time said most like a time of day: of whisper's '7 alarm for 6 am', '6 am', not '7'."""
    times = spans.get("time") or []
    return next((t for t in times if _CLOCK.search(t.casefold())), times[0] if times else None)
