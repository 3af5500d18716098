"""Grounding: a clause's target spans resolved against the live home, and its intent fitted to what it names.

Two general steps, neither of which quotes a sentence:

1. Spans -> the home's things. Adjacent target spans that together spell a device become one name span
   (`merge_name_spans`: the tagger split "floor lamp" into floor + lamp); a span that is no exact name is fitted
   by its words and its sound (`hub.core.grounding.fit`).
2. Intent x target. The tagger gives a distribution over intents; intents that are one act on different kinds
   of device (`ACTS`: setting a level is a light's brightness, a cover's position, a fan's speed) share their
   probability. A clause that names one device is carried out by the member of its act that the device's
   domain takes (`hub.core.targets.INTENT_DOMAINS`), as surely as the act was heard given that device: the
   probability of device intents the device cannot take is ruled out (`fit_intent`). "set the nest to 21",
   torn between a thermostat's temperature and a cover's position, is the thermostat's.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any

from hub.core.grounding import fit
from hub.core.home import Entity, normalize_name
from hub.core.targets import INTENT_DOMAINS
from llm.decode import Clause, Span
from llm.entities import HomeNames

_LOGGER = logging.getLogger(__name__)

ACTS: tuple[frozenset[str], ...] = (
    frozenset({"HassLightSet", "HassSetPosition", "HassFanSetSpeed", "HassSetVolume", "HassClimateSetTemperature"}),
    frozenset({"HassMediaPause", "HassVacuumReturnToBase", "HassLawnMowerDock"}),
    frozenset({"HassMediaUnpause", "HassVacuumStart", "HassLawnMowerStartMowing", "HassTurnOn", "HassStartTimer"}),
)
"""Intents that are one act said of different kinds of device: set a level (a thermostat's is its temperature);
stop (a player pauses, a vacuum or mower goes home); start (a scene is turned on, a paused player carries on, a
vacuum starts)."""

_LEVELS = frozenset(("brightness", "position", "percentage", "volume"))
"""A level tagged as any of them is the level of the intent the named device takes ("set the tv strip to 20%",
its 20 tagged as a cover's position, is a light's brightness)."""
LEVEL_SPANS = {"HassLightSet": "brightness", "HassSetPosition": "position", "HassFanSetSpeed": "percentage",
               "HassSetVolume": "volume", "HassClimateSetTemperature": "temperature"}
"""The span that carries the level of each level-setting intent: a level heard for one is the other's (a
thermostat's level is its temperature)."""
LEVEL_SLOTS = {"HassLightSet": "brightness", "HassSetPosition": "position", "HassFanSetSpeed": "percentage",
               "HassSetVolume": "volume_level", "HassClimateSetTemperature": "temperature"}
"""The same, as slots of a call."""
_TARGET_SPANS = ("name", "area", "floor", "domain")

NEEDED_SLOTS: dict[str, tuple[str, ...]] = {
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


def act_of(intent: str) -> frozenset[str]:
    return next((act for act in ACTS if intent in act), frozenset({intent}))


def fit_intent(clause: Clause, names: HomeNames, referred: Entity | None = None) -> Clause:
    """The clause's intent made the one its act takes for the one device it names (or, naming none, the device
    `referred` to: "... and set it to 50 percent"), as surely as the act was heard (the sum of its intents'
    probabilities); unchanged when it names no one device, or the device takes the intent heard and the clause is
    already sure of it."""
    named = named_entity(clause, names)
    if named is not None and clause.intent in _NAMES_NOTHING:
        clause = _as_possible(clause, named)  # "is the washer running", the Washer named: no list of processes
    entity = named or referred
    if entity is None or not any(i in INTENT_DOMAINS for i in act_of(clause.intent)):  # a question: no act to fit
        return with_level_of(clause, clause.intent)
    intent = carrier(clause.intent, entity, clause.intents) or _likeliest_taken(entity, clause.intents)
    if intent is None:
        return with_level_of(clause, clause.intent)
    act = act_of(intent)  # the act heard, or the other act the device takes
    heard = max(clause.confidence if clause.intent in act else 0.0, sum(clause.intents.get(i, 0.0) for i in act))
    ruled_out = sum(p for i, p in clause.intents.items() if i not in act and not _could_be(i, entity, clause))
    surely = min(1.0, heard / max(1.0 - ruled_out, 1e-6))
    if intent != clause.intent:
        _LOGGER.debug("%s on %s (a %s): %s", clause.intent, entity.name, entity.domain, intent)
    return with_level_of(replace(clause, intent=intent, confidence=surely), intent)


_NAMED_DOMAINS = {**INTENT_DOMAINS, "HassVacuumCleanArea": ("vacuum",)}
"""The domains of the device an intent's name slot names (a vacuum sent to clean an area names the vacuum)."""


def _takes(entity: Entity, intent: str) -> bool:
    """Whether the device can be what `intent` names; intents that act on no device (timers, lists, the time,
    questions) are readings that stay possible whatever the clause names."""
    return intent not in _NAMED_DOMAINS or entity.domain in _NAMED_DOMAINS[intent]


def _could_be(intent: str, entity: Entity, clause: Clause) -> bool:
    """Whether the clause, naming `entity`, could be `intent`: the device takes it, or it acts on no device, names
    nothing (`_NAMES_NOTHING`) and the clause has a span it needs. "start movie time" names the Movie Night scene:
    asking the time names no scene, and an item added to a list would need an item, so neither is a reading and
    the scene's is as sure as the rest allows."""
    if not _takes(entity, intent) or intent in _NAMES_NOTHING:
        return False
    needs = NEEDED_SLOTS.get(intent, ()) if intent not in _NAMED_DOMAINS else ()
    return not needs or any(span.kind in needs for span in clause.spans)


_NAMES_NOTHING = frozenset({"HassGetCurrentTime", "HassGetCurrentDate", "HassNevermind", "HearthConfirm",
                            "HearthDeny", "HearthProcessList", "HearthProcessStart", "HearthProcessStop"})
"""Intents with no slot that a device of the home could fill (a process is the machine's, not the home's): a
clause that names a device is none of them."""


def _as_possible(clause: Clause, entity: Entity) -> Clause:
    """The clause as the likeliest intent heard that it could be, naming `entity` (`_could_be`): the tagger's
    probabilities over those readings alone, so it is as sure as the readings it cannot be allow; unchanged when
    it could be none."""
    possible = {i: p for i, p in clause.intents.items() if _could_be(i, entity, clause)}
    if not possible:
        return clause
    total = max(1.0 - sum(p for i, p in clause.intents.items() if i not in possible), 1e-6)  # unlisted: possible
    intents = {i: min(1.0, p / total) for i, p in possible.items()}
    intent = max(sorted(intents), key=intents.__getitem__)
    _LOGGER.debug("%s naming %s (a %s): %s", clause.intent, entity.name, entity.domain, intent)
    return replace(clause, intent=intent, confidence=intents[intent], intents=intents)


def _likeliest_taken(entity: Entity, heard: dict[str, float]) -> str | None:
    """When the act heard means nothing for the device, the likeliest other device intent heard that it takes."""
    taken = [i for i in sorted(heard) if i in INTENT_DOMAINS and entity.domain in INTENT_DOMAINS[i]]
    return max(taken, key=lambda i: heard[i]) if taken else None


def with_level_of(clause: Clause, intent: str) -> Clause:
    """A level tagged as any intent's level is `intent`'s level (no change for other intents)."""
    if intent not in LEVEL_SPANS:
        return clause
    return replace(clause, spans=[replace(s, kind=LEVEL_SPANS[intent]) if s.kind in _LEVELS else s
                                  for s in clause.spans])


def carrier(intent: str, entity: Entity, heard: dict[str, float]) -> str | None:
    """The intent of `intent`'s act that `entity` takes: `intent` itself when it does, else the one the tagger
    heard most (`heard`: its probabilities); None when the act means nothing for such a device."""
    carriers = [i for i in act_of(intent) if entity.domain in INTENT_DOMAINS.get(i, ())]
    if intent in carriers or not carriers:
        return intent if carriers else None
    return max(sorted(carriers), key=lambda i: heard.get(i, 0.0))


def fit_call(intent: str, slots: dict[str, Any], names: HomeNames, heard: dict[str, float]) -> tuple[str, dict[str, Any]]:
    """A call's intent made the one its act takes for the device it names by name (a pronoun's target too:
    "... and set it to 50 percent" of a lamp is its brightness), its level moved to that intent's slot."""
    entity = names.entity(str(slots["name"]), cutoff=101) if "name" in slots else None
    fitted = carrier(intent, entity, heard) if entity is not None else None
    if fitted is None or fitted == intent:
        return intent, slots
    kept = {k: v for k, v in slots.items() if k not in ("domain", "device_class", LEVEL_SLOTS.get(intent))}
    if (level := LEVEL_SLOTS.get(intent)) in slots and fitted in LEVEL_SLOTS:
        value = slots[level]
        kept[LEVEL_SLOTS[fitted]] = value if fitted == "HassClimateSetTemperature" else max(0, min(100, int(value)))
    return fitted, kept


def named_entity(clause: Clause, names: HomeNames) -> Entity | None:
    """The one device the clause's name spans name: as said, or singled out by words or sound."""
    for span in merge_name_spans(clause.spans, clause.utterance or clause.text, names):
        if span.kind != "name":
            continue
        match = names.entities.match(span.text, cutoff=101)
        if match is not None and match.score >= 97:
            return match.item
        found = fit(names.home, span.text)
        if len(found.entities) == 1 and found.by_name:
            return found.entities[0]
    return None


def merge_name_spans(spans: list[Span], utterance: str, names: HomeNames) -> list[Span]:
    """Adjacent target spans that together spell a device exactly become one name span.

    The tagger sometimes splits "floor lamp" into floor + domain, or "coffee maker" into name +
    area; the home knows better. Only exact names or aliases (as said) merge."""
    spans = sorted(spans, key=lambda s: s.word)
    out: list[Span] = []
    i = 0
    while i < len(spans):
        j = i
        while (
            j + 1 < len(spans)
            and spans[j + 1].kind in _TARGET_SPANS
            and spans[j].kind in _TARGET_SPANS
            and spans[j + 1].word == spans[j].last_word + 1
        ):
            j += 1
        merged = _longest_exact_name(spans[i : j + 1], utterance, names)
        if merged is None:
            merged = (_extend_to_area(spans[i], utterance, names) or _extend_to_name(spans[i], utterance, names), 1)
        out.append(merged[0])
        i += merged[1]
        while i < len(spans) and spans[i].start < merged[0].end:
            i += 1  # swallowed by the name it was extended to
    return out


_NEXT_WORDS = re.compile(r"\s*(\S+)(\s+\S+)?")
_PREVIOUS_WORDS = re.compile(r"(\S+\s+)?(\S+)\s*$")


def _extend_to_name(span: Span, utterance: str, names: HomeNames) -> Span:
    """'movie' + 'night' after it, or 'floor' before 'lamp' -> the device's exact name."""
    if span.kind not in ("name", "area", "domain") or names.entity(span.text, cutoff=101) is not None:
        return span
    candidates: list[tuple[int, int]] = []
    following = _NEXT_WORDS.match(utterance, span.end)
    if following is not None and span.kind != "domain":
        candidates += [(span.start, end) for end in (following.end(2), following.end(1)) if end > span.end]
    before = _PREVIOUS_WORDS.search(utterance[: span.start])
    if before is not None and span.kind != "area":
        candidates += [(start, span.end) for start in (before.start(1), before.start(2)) if 0 <= start < span.start]
    for start, end in candidates:
        text = utterance[start:end].strip(" .,!?;:")
        match = names.entities.match(text, cutoff=101)
        if match is not None and match.score >= 99:
            offset = utterance.index(text, start)
            return Span("name", text, span.word, span.last_word, offset, offset + len(text))
    return span


def _extend_to_area(span: Span, utterance: str, names: HomeNames) -> Span | None:
    """A place span that is no place as said, which with the word or two before or after it is an area's name or
    alias word for word ("room" of "our room", the tagger taking "our" for a determiner; "in our" of "in our
    room"); None otherwise."""
    if span.kind != "area" or area_as_said(span.text, names):
        return None
    before = _PREVIOUS_WORDS.search(utterance[: span.start])
    after = _NEXT_WORDS.match(utterance, span.end)
    starts = [span.start] + ([i for i in (before.start(1), before.start(2)) if 0 <= i < span.start] if before else [])
    ends = [span.end] + ([i for i in (after.end(1), after.end(2)) if i > span.end] if after else [])
    for start, end in sorted(((a, b) for a in starts for b in ends), key=lambda r: r[1] - r[0]):
        text = _LEADING.sub("", utterance[start:end].strip(" .,!?;:"))
        if (start, end) == (span.start, span.end) or not area_as_said(text, names):
            continue
        at = utterance.index(text, start)
        first = span.word - len(utterance[at : span.start].split())
        last = span.last_word + len(utterance[span.end : at + len(text)].split())
        return Span("area", text, first, last, at, at + len(text))
    return None


_LEADING = re.compile(r"(?i)^(?:(?:in|on|at|to|of)\s+)?(?:the\s+)?")


def area_as_said(text: str, names: HomeNames) -> bool:
    """The words are an area's name or alias, word for word."""
    said = normalize_name(text)
    return any(said == normalize_name(n) for a in names.home.areas for n in (a.name, *a.aliases))


def _longest_exact_name(run: list[Span], utterance: str, names: HomeNames) -> tuple[Span, int] | None:
    """A name span made of the longest prefix of `run` (2+ spans) that is a device's name."""
    for k in range(len(run), 1, -1):
        first, last = run[0], run[k - 1]
        text = utterance[first.start : last.end]
        match = names.entities.match(text, cutoff=101)
        if match is not None and (match.score >= 98 or singular_of_name(text, match.item)):
            return Span("name", text, first.word, last.word, first.start, last.end), k
    for k in range(len(run), 1, -1):  # "bedsite" + "lamp": spans that together fit one device by words or sound
        first, last = run[0], run[k - 1]
        text = utterance[first.start : last.end]
        if names.entities.match(text, cutoff=101) is None and _one_by_name(text, names):
            return Span("name", text, first.word, last.word, first.start, last.end), k
    if run[0].kind == "domain":  # "ceiling fan", "garage door": a domain word that is a device's name
        match = names.entities.match(run[0].text, cutoff=101)
        if match is not None and match.score >= 99:
            return Span("name", run[0].text, run[0].word, run[0].last_word, run[0].start, run[0].end), 1
    return None


def _one_by_name(text: str, names: HomeNames) -> bool:
    found = fit(names.home, text)
    return len(found.entities) == 1 and found.by_name


def singular_of_name(spoken: str, entity: Entity) -> bool:
    """'bedroom curtain' for "Bedroom Curtains": one device, said in the singular, is that device.

    The other way round ('bathroom lights' for "Bathroom Light") stays the lights of the area."""
    said = normalize_name(spoken)
    return any(normalize_name(n) == said + "s" for n in (entity.name, *entity.aliases))


