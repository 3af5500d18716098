"""Map spoken spans onto the home's own names: exact -> alias -> fuzzy (rapidfuzz).

Nothing here is trained, so a device added to the home file is understood at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

from hub.core.grounding import DOMAIN_WORDS, NUMBER_HOMOPHONES, with_digits
from hub.core.home import Area, Entity, Floor, Home, normalize_name

T = TypeVar("T")

FUZZY_CUTOFF = 82.0
"""rapidfuzz ratio (0-100) a spoken name needs to match a home name it does not spell exactly."""

HERE_WORDS = frozenset({"here", "this room", "the room", "this area", "in here", "this space"})
_FILLER = re.compile(r"^(?:in|on|at|inside|the|my|our|of|please)\s+|\s+(?:please|too)$")

def domain_of(span: str) -> tuple[str, str | None] | None:
    """'lights' -> ('light', None); 'blinds' -> ('cover', 'blind'); unknown -> None."""
    return DOMAIN_WORDS.get(normalize_name(span))


def is_here(span: str) -> bool:
    text = normalize_name(span)
    return text in HERE_WORDS or _strip_fillers(text) in HERE_WORDS


def _strip_fillers(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _FILLER.sub("", text)
    return text


def _variants(text: str) -> list[str]:
    """Spoken forms worth trying: as said, without fillers, singular/plural, without spaces."""
    base = normalize_name(text)
    out = [base, _strip_fillers(base)]
    out += [with_digits(v) for v in out]
    out += [_numbered_by_sound(v) for v in out]
    for v in list(out):
        out.append(v[:-1] if v.endswith("s") else v + "s")
        out.append(v.replace(" ", ""))
    return list(dict.fromkeys(v for v in out if v))


def _numbered_by_sound(text: str) -> str:
    """The last word, a number word's homophone, as the digit ('light too' -> 'light 2'); else unchanged. Only
    a name said so can match: the variants are looked up as whole names and aliases."""
    *head, last = text.split() or [""]
    return " ".join([*head, NUMBER_HOMOPHONES[last]]) if head and last in NUMBER_HOMOPHONES else text


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    item: T
    score: float
    """100 for a name as said, 99 for an alias, 98 without spaces, 97 singular/plural, 90 the last word of one
    device's name, else fuzzy."""
    fuzzy: bool = False
    """Spelled like the name, not the name as said (a rapidfuzz ratio)."""


class NameIndex(Generic[T]):
    """Names and aliases of one kind of thing (entities, areas or floors)."""

    def __init__(self, items: list[tuple[T, str, tuple[str, ...]]]) -> None:
        self._names: dict[str, T] = {}
        self._aliases: dict[str, T] = {}
        self._squashed: dict[str, T] = {}
        for item, name, aliases in items:
            self._names.setdefault(normalize_name(name), item)
            self._squashed.setdefault(normalize_name(name).replace(" ", ""), item)
            for alias in aliases:
                self._aliases.setdefault(normalize_name(alias), item)
        self._choices = list(self._names) + list(self._aliases)
        self._heads = _heads([(item, (name, *aliases)) for item, name, aliases in items])

    def match(self, spoken: str, cutoff: float = FUZZY_CUTOFF) -> Match[T] | None:
        said = {normalize_name(spoken), _strip_fillers(normalize_name(spoken))}
        variants = _variants(spoken)
        for table, score in ((self._names, 100.0), (self._aliases, 99.0)):
            for v in variants:
                if v in table:
                    return Match(table[v], score if v in said else 97.0)
        for v in variants:
            if v in self._squashed:
                return Match(self._squashed[v], 98.0)
        query = _strip_fillers(normalize_name(spoken))
        if not self._choices or not query or cutoff > 100:
            return None
        if query in self._heads:
            return Match(self._heads[query], HEAD_SCORE)
        best = process.extractOne(query, self._choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None:
            return None
        key = best[0]
        return Match(self._names.get(key) or self._aliases[key], float(best[1]), fuzzy=True)


_PLACE_NOUNS = frozenset({"floor", "storey", "story", "level", "room", "rooms", "area", "house", "flat"})
"""Words for a kind of place, which end many places' names."""

HEAD_SCORE = 90.0
"""The score of 'heater' for "Space Heater": the last word of one device's name, said alone."""


def _heads(items: list[tuple[T, tuple[str, ...]]]) -> dict[str, T]:
    """Last word of a name of two or more words -> the one item it ends (the 'heater' of "Space Heater").

    A word that ends the names of two items ('lamp': Floor Lamp, Desk Lamp) names neither, a domain word
    ('fan', 'lights') keeps meaning every device of its kind, and a word for a kind of place ('floor' of
    "Ground Floor", 'room' of "Living Room") names no one place: "the floor lamp" is no floor."""
    owners: dict[str, set[int]] = {}
    first: dict[str, T] = {}
    for item, names in items:
        for name in names:
            words = normalize_name(name).split()
            if len(words) < 2 or words[-1] in DOMAIN_WORDS or words[-1] in _PLACE_NOUNS:
                continue
            owners.setdefault(words[-1], set()).add(id(item))
            first.setdefault(words[-1], item)
    return {word: first[word] for word, ids in owners.items() if len(ids) == 1}


class HomeNames:
    """Everything in one home a span can name."""

    def __init__(self, home: Home) -> None:
        self.home = home
        self.entities: NameIndex[Entity] = NameIndex([(e, e.name, e.aliases) for e in home.entities])
        self.areas: NameIndex[Area] = NameIndex([(a, a.name, a.aliases) for a in home.areas])
        self.floors: NameIndex[Floor] = NameIndex([(f, f.name, f.aliases) for f in home.floors])
        self.context_area = home.context_area()

    def entity(self, spoken: str, cutoff: float = FUZZY_CUTOFF) -> Entity | None:
        m = self.entities.match(spoken, cutoff)
        return m.item if m else None

    def area(self, spoken: str, cutoff: float = FUZZY_CUTOFF) -> Area | None:
        if is_here(spoken):
            return self.context_area
        m = self.areas.match(spoken, cutoff)
        return m.item if m else None

    def floor(self, spoken: str, cutoff: float = FUZZY_CUTOFF) -> Floor | None:
        m = self.floors.match(spoken, cutoff)
        return m.item if m else None

    def area_and_domain(self, spoken: str) -> tuple[Area, tuple[str, str | None]] | None:
        """'kitchen lights' -> (Kitchen, ('light', None)) when no entity has that name."""
        words = normalize_name(spoken).split()
        for cut in range(len(words) - 1, 0, -1):
            domain = domain_of(" ".join(words[cut:]))
            area = self.areas.match(" ".join(words[:cut])) if domain else None
            if area and domain:
                return area.item, domain
        return None
