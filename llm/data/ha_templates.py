"""Clauses sampled from Home Assistant's English intent templates (home-assistant-intents), tagged per word.

hassil's own sampler enumerates a template's combinations in a fixed order, so its first samples of an
intent are near-duplicates. Here every clause is one random walk over the expression tree: an intent, then
one of its template groups (HA's "slot combinations", so each combination is equally likely), one sentence,
and at every alternative, optional part and list a random choice. Slot values come from a synthetic home
(`llm.data.homes`), and the characters a slot produced become the word's span (HA slot -> Hearth span type,
`SPAN_OF`). Only HA's templates are read - never its intent tests.
"""

from __future__ import annotations

import random
from functools import cache
from typing import Any

from hassil import Intents
from hassil.expression import Alternative, Expression, Group, ListReference, Permutation, RuleReference, TextChunk
from hassil.intents import IntentData, RangeSlotList, TextSlotList, WildcardSlotList
from home_assistant_intents import get_intents

from llm import schema
from llm.data import homes as H
from llm.numbers import to_words

Words = list[tuple[str, str | None]]

SPAN_OF = {
    "area": "area",
    "floor": "floor",
    "device_class": "domain",
    "state": "state",
    "brightness": "brightness",
    "color": "color",
    "temperature": "temperature",
    "position": "position",
    "percentage": "percentage",
    "volume_level": "volume",
    "hours": "hours",
    "minutes": "minutes",
    "seconds": "seconds",
    "start_hours": "hours",
    "start_minutes": "minutes",
    "start_seconds": "seconds",
    "item": "item",
    "search_query": "search_query",
    "media_class": "media_class",
    "message": "message",
}
"""HA slot name -> the span type Hearth's own templates give the same words (`llm.data.templates`)."""

_NAME_SPAN = {
    "HassListAddItem": "list",
    "HassListRemoveItem": "list",
    "HassListCompleteItem": "list",
    **{i: "timer_name" for i in schema.INTENTS if "Timer" in i},
}
"""What HA's `name` slot names in these intents: a to-do list or a timer, not a device."""

_NAME_DOMAINS = {
    "HassLightSet": ("light",),
    "HassClimateSetTemperature": ("climate",),
    "HassClimateGetTemperature": ("climate", "sensor"),
    "HassSetPosition": ("cover",),
    "HassFanSetSpeed": ("fan",),
    "HassVacuumStart": ("vacuum",),
    "HassVacuumReturnToBase": ("vacuum",),
    "HassVacuumCleanArea": ("vacuum",),
    **{i: ("media_player",) for i in schema.INTENTS if i.startswith("HassMedia") or "Volume" in i},
}
_ON_OFF = ("light", "light", "light", "switch", "switch", "fan", "media_player", "cover", "lock", "scene")
_ANY = ("light", "switch", "fan", "cover", "lock", "media_player", "sensor", "climate", "vacuum")

_DOMAIN_NOUNS = {
    "light": {"light", "lights", "lamp", "lamps", "lighting", "bulb", "bulbs"},
    "fan": {"fan", "fans"},
    "switch": {"switch", "switches", "plug", "plugs", "outlet", "outlets", "socket", "sockets"},
}
"""Words HA writes into a template whose group (or intent) fixes the domain: Hearth's templates tag them
`domain`, and so do these sentences - one word, one label."""

_RANGES = {"timer_hours": (1, 12), "timer_minutes": (1, 90), "timer_seconds": (5, 90), "temperature": (15, 30)}
"""Values people say, inside HA's wider ranges."""

_DIRECTION_WORDS = {"up", "down", "louder", "quieter", "softer", "increase", "decrease", "raise", "lower", "reduce"}
"""Hearth's templates tag the word that says which way the volume goes (`direction`); HA writes it as text."""

_SKIPPED_LISTS = frozenset({"zone", "timer_command"})
"""Person locations and a timer's spoken command: nothing in Hearth carries them out."""


@cache
def _intents() -> Intents:
    data = get_intents("en")
    assert data is not None, "home-assistant-intents has no English templates"
    return Intents.from_dict(data)


@cache
def groups() -> dict[str, list[IntentData]]:
    """Hearth's intents -> HA's template groups for them, without groups Hearth cannot carry out."""
    out: dict[str, list[IntentData]] = {}
    for name, intent in _intents().intents.items():
        if name not in schema.INTENTS:
            continue  # e.g. HassClimateSetFanMode, HassLawnMower*: not in the tagger's label set
        for data in intent.data:
            if data.slots.get("domain") in ("person",) or data.requires_context.get("domain") == "person":
                continue
            if any(_uses(s.expression, data, _SKIPPED_LISTS) for s in data.sentences):
                continue
            if name == "HassGetWeather" and any(_uses(s.expression, data, {"name"}) for s in data.sentences):
                continue  # a weather entity's name, not a place
            out.setdefault(name, []).append(data)
    return out


def _uses(exp: Expression, data: IntentData, lists: set[str] | frozenset[str]) -> bool:
    if isinstance(exp, ListReference):
        return exp.list_name in lists
    if isinstance(exp, RuleReference):
        rule = data.expansion_rules.get(exp.rule_name) or _intents().expansion_rules.get(exp.rule_name)
        return rule is not None and _uses(rule.expression, data, lists)
    if isinstance(exp, Group):
        return any(_uses(x, data, lists) for x in exp.items)
    return False


class _Walk:
    """One random walk: text pieces with the span each piece belongs to."""

    def __init__(self, rng: random.Random, home: H.SyntheticHome, intent: str, data: IntentData) -> None:
        self.rng, self.home, self.intent, self.data = rng, home, intent, data
        self.pieces: list[tuple[str, str | None]] = []

    def expand(self, exp: Expression, span: str | None = None) -> None:
        if isinstance(exp, TextChunk):
            text = exp.text
            if text.startswith("-") and self.pieces and self.pieces[-1][1] is not None and span is None:
                text = " " + text[1:]  # "{timer_minutes}-minute": the number stays its own word
            self.pieces.append((text, span))
        elif isinstance(exp, Alternative):
            self.expand(self.rng.choice(exp.items), span)
        elif isinstance(exp, Permutation):
            items = list(exp.items)
            self.rng.shuffle(items)
            for k, item in enumerate(items):
                if k:
                    self.pieces.append((" ", None))
                self.expand(item, span)
        elif isinstance(exp, Group):  # a Sequence
            for item in exp.items:
                self.expand(item, span)
        elif isinstance(exp, RuleReference):
            rule = self.data.expansion_rules.get(exp.rule_name) or _intents().expansion_rules[exp.rule_name]
            self.expand(rule.expression, span)
        elif isinstance(exp, ListReference):
            self.slot(exp)

    def slot(self, ref: ListReference) -> None:
        slot, lst = ref.slot_name or ref.list_name, ref.list_name
        if slot == "name":
            kind = _NAME_SPAN.get(self.intent, "name")
            self.pieces.append((self.name(kind), kind))
            return
        span = SPAN_OF.get(slot)
        if lst == "area":
            self.pieces.append((self.area(), "area"))
            return
        if lst == "floor":
            self.pieces.append((self.rng.choice(self.home.floors), "floor"))
            return
        values = self.data.slot_lists.get(lst) or _intents().slot_lists[lst]
        if isinstance(values, TextSlotList):
            value = self.rng.choice(values.values)
            if slot == "volume_step":
                span = "direction"
            self.expand(value.text_in, span)
        elif isinstance(values, RangeSlotList):
            lo, hi = _RANGES.get(lst, (values.start, values.stop))
            if lst == "temperature" and self.rng.random() < 0.15:
                lo, hi = 60, 80  # Fahrenheit
            n = self.rng.randrange(lo, hi + 1, values.step)
            if slot == "volume_step":
                span = "step"
            text = to_words(n) if values.words and self.rng.random() < 0.35 else str(n)
            self.pieces.append((text, span))
        elif isinstance(values, WildcardSlotList):
            self.pieces.append((self.wildcard(lst), span))

    def name(self, span: str) -> str:
        if span == "list":
            return self.rng.choice(H.LISTS).lower()
        if span == "timer_name":
            return self.rng.choice(H.TIMER_NAMES)
        domain = self.data.requires_context.get("domain") or self.data.slots.get("domain")
        if isinstance(domain, list):
            domain = self.rng.choice(domain)
        domains = (domain,) if isinstance(domain, str) else _NAME_DOMAINS.get(self.intent)
        if domains is None:
            domains = _ON_OFF if self.intent in ("HassTurnOn", "HassTurnOff", "HassToggle") else _ANY
        domain = self.rng.choice(domains)
        placed = [d for d in self.home.placed if d.domain == domain]
        if not placed:
            return self.rng.choice(H.DEVICE_NOUNS.get(domain, ("lamp",)))
        return H.reference(self.rng, self.home, self.rng.choice(placed))

    def area(self) -> str:
        area = self.rng.choice(self.home.areas)
        aliases = H.AREA_ALIASES.get(area)
        return self.rng.choice(aliases) if aliases and self.rng.random() < 0.2 else H.spoken_number(self.rng, area)

    def wildcard(self, lst: str) -> str:
        table: dict[str, tuple[str, ...]] = {
            "message": H.MESSAGES,
            "search_query": H.QUERIES,
            "timer_name": H.TIMER_NAMES,
            "shopping_list_item": H.ITEMS,
            "todo_list_item": H.ITEMS,
        }
        return self.rng.choice(table.get(lst, H.ITEMS))

    def words(self) -> Words:
        """The pieces joined as HA joins them (no space between adjacent chunks), split into words."""
        text, labels = "", []
        for piece, span in self.pieces:
            text += piece
            labels += [span] * len(piece)
        out: Words = []
        word, word_span = "", None
        for ch, span in zip(text, labels):
            if ch.isspace():
                if word:
                    out.append((word, word_span))
                word, word_span = "", None
                continue
            word += ch
            word_span = word_span or span
        if word:
            out.append((word, word_span))
        fixed = self.data.slots.get("domain")
        if not isinstance(fixed, str) and len(_NAME_DOMAINS.get(self.intent, ())) == 1:
            fixed = _NAME_DOMAINS[self.intent][0]  # "set the fans speed to 30": the intent's one kind of device
        nouns = _DOMAIN_NOUNS.get(fixed) if isinstance(fixed, str) else None
        if nouns:
            out = [(w, "domain" if s is None and w.lower() in nouns else s) for w, s in out]
        if self.intent == "HassSetVolumeRelative":
            out = [(w, "direction" if s is None and w.lower() in _DIRECTION_WORDS else s) for w, s in out]
        return out


def clause(rng: random.Random, home: H.SyntheticHome, intent: str) -> Words | None:
    """One of HA's sentences for `intent`, or None when HA has none Hearth can use."""
    options = groups().get(intent)
    if not options:
        return None
    data = rng.choice(options)
    sentence = rng.choice(data.sentences)
    walk = _Walk(rng, home, intent, data)
    walk.expand(sentence.expression)
    words = walk.words()
    return [(w.strip(",.?!;:"), s) for w, s in words if w.strip(",.?!;:")] or None


def _check() -> dict[str, Any]:
    """Counts of usable template groups per intent (for the data README)."""
    return {i: len(d) for i, d in groups().items()}
