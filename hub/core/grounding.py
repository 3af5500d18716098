"""Which of the home's devices a spoken target means, by its words and by its sound.

A target is said in many ways: the whole name ("Smart Lock"), part of it ("the Roborock" for "Roborock S7"),
the area and a kind of device ("the entry lock"), the area and the rest of a name ("the living room smart
curtain"), or misheard by speech-to-text ("kitchen lice"). Every device of the home has three sets of words:

- name words: its name and aliases;
- place words: its area's and floor's names and aliases;
- kind words: the words for its domain and device class (`KIND_WORDS`).

A span *fits* a device when every content word of the span is one of them and at least one is a name or kind
word (a place alone is an area, not a device). Words are compared singular ("blinds" = "blind"). When no
device fits by words, the span is compared by sound: the phonetic key (`phonetic_key`) of the span against
that of each name, or area and name, of the home.

Nothing here is trained or quotes a sentence: the home's own names are the data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from hub.core.home import Entity, Home, normalize_name

DOMAIN_WORDS: dict[str, tuple[str, str | None]] = {
    "light": ("light", None), "lights": ("light", None), "lamp": ("light", None), "lamps": ("light", None),
    "lighting": ("light", None), "bulb": ("light", None), "bulbs": ("light", None),
    "fan": ("fan", None), "fans": ("fan", None), "ceiling fan": ("fan", None),
    "switch": ("switch", None), "switches": ("switch", None), "plug": ("switch", None), "plugs": ("switch", None),
    "outlet": ("switch", None), "outlets": ("switch", None), "socket": ("switch", None),
    "sockets": ("switch", None),
    "blind": ("cover", "blind"), "blinds": ("cover", "blind"), "curtain": ("cover", "curtain"),
    "curtains": ("cover", "curtain"), "drapes": ("cover", "curtain"), "shade": ("cover", "shade"),
    "shades": ("cover", "shade"), "shutter": ("cover", "shutter"), "shutters": ("cover", "shutter"),
    "garage door": ("cover", "garage"), "garage doors": ("cover", "garage"), "garage": ("cover", "garage"),
    "window": ("cover", "window"), "windows": ("cover", "window"), "awning": ("cover", "awning"),
    "awnings": ("cover", "awning"), "gate": ("cover", "gate"), "gates": ("cover", "gate"),
    "door": ("cover", "door"), "doors": ("cover", "door"),
}
"""Words that, said as a kind of device, mean every device of that domain (and device class) in the place
said: "the kitchen lights", "close the blinds"."""

KIND_WORDS: dict[str, tuple[str, str | None]] = {
    **DOMAIN_WORDS,
    "lock": ("lock", None), "deadbolt": ("lock", None), "vacuum": ("vacuum", None), "hoover": ("vacuum", None),
    "robot": ("vacuum", None), "mower": ("lawn_mower", None), "tv": ("media_player", None),
    "television": ("media_player", None), "speaker": ("media_player", None), "player": ("media_player", None),
    "thermostat": ("climate", None), "heating": ("climate", None), "ac": ("climate", None),
    "valve": ("valve", None), "scene": ("scene", None), "sensor": ("sensor", None),
    "temperature": ("sensor", "temperature"), "humidity": ("sensor", "humidity"), "cover": ("cover", None),
    "machine": ("switch", None), "maker": ("switch", None), "appliance": ("switch", None),
}
"""Words that describe a device's kind, for fitting a span to one device ("the entry lock"): the domain
words and the words Home Assistant's sentences use for a kind they target one device of; an appliance on a
smart plug is a "machine" or "maker" ("the coffee machine": the Coffee Maker)."""

_STOPWORDS = frozenset({"in", "on", "at", "the", "my", "our", "of", "a", "an", "to", "please", "there", "here",
                        "this", "that", "it", "inside", "by", "from", "for", "with", "and"})
_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
            "eight": "8", "nine": "9", "ten": "10", "first": "1", "second": "2", "third": "3"}
"""Number words as names write them: "bedroom one" is "Bedroom 1"."""
NUMBER_HOMOPHONES = {"won": "1", "to": "2", "too": "2", "for": "4", "ate": "8"}
"""How speech-to-text may write a number word that ends a name: "living room light too" is "Living Room Light 2"."""


def singular(word: str) -> str:
    """'blinds' -> 'blind', 'switches' -> 'switch'; short words ('gas', 'tv') unchanged."""
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _numbered(words: list[str]) -> list[str]:
    """Without the "number" before a number: 'light number one' is 'light one'."""
    return [w for i, w in enumerate(words)
            if not (w == "number" and i + 1 < len(words) and (words[i + 1] in _NUMBERS or words[i + 1].isdigit()))]


def with_digits(text: str) -> str:
    """'bedroom one' / 'bedroom number one' -> 'bedroom 1' (normalized); a numbered place's possessive too:
    "room four's radiator" / "room 4's radiator" -> 'room 4 radiator'."""
    return " ".join(_digit(w) for w in _numbered(normalize_name(text).split()))


def _digit(word: str) -> str:
    """A number word as its digit, and 'fours' or '4s' (normalized from "four's", "4's") as '4'."""
    if word in _NUMBERS:
        return _NUMBERS[word]
    stem = word[:-1] if word.endswith("s") else ""
    return _OWNED.get(stem, stem if stem.isdigit() else word)


_OWNED = {w: d for w, d in _NUMBERS.items() if w not in ("one", "first", "second", "third")}
"""Number words whose possessive ("room four's") is no other word ("ones", "seconds" are)."""


def content_words(text: str) -> tuple[str, ...]:
    """The words of a span that can name something, singular: 'the Bedroom 1 fans' -> ('bedroom', '1', 'fan')."""
    return tuple(_NUMBERS.get(w, singular(w)) for w in _numbered(normalize_name(text).split()) if w not in _STOPWORDS)


def _words(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w for name in names for w in content_words(name))


_KIND_BY_DOMAIN: dict[tuple[str, str | None], frozenset[str]] = {}
for _word, _kind in KIND_WORDS.items():
    _KIND_BY_DOMAIN[_kind] = _KIND_BY_DOMAIN.get(_kind, frozenset()) | frozenset(content_words(_word))


def kind_words(entity: Entity) -> frozenset[str]:
    """The words for the entity's domain, and for its device class: a curtain is a 'curtain', not a 'blind'."""
    return _KIND_BY_DOMAIN.get((entity.domain, None), frozenset()) | _KIND_BY_DOMAIN.get(
        (entity.domain, entity.device_class), frozenset())


@dataclass(frozen=True, slots=True)
class DeviceWords:
    """The three sets of words one device can be called by."""

    entity: Entity
    name: frozenset[str]
    place: frozenset[str]
    kind: frozenset[str]
    name_keys: tuple[str, ...]
    """Phonetic keys of its names, alone and after its area's, and of each word of them but its kind."""
    kind_keys: tuple[str, ...]
    """Phonetic keys of its area's names followed by a kind word."""


@dataclass(frozen=True, slots=True)
class Fit:
    """The devices a span fits, best first tier only (see `fit`), and how.

    `by_name`: some word of the span is only a name word (not a place or kind): a partial name, which means one
    device, so several fits are ambiguous. Without one, the span is a place and a kind ("the entry lock", "the
    lights in the bedroom" even where a "Bedroom Light" is), which means every device of that kind there, as
    Home Assistant reads "the kitchen lights"; in several areas ("the bedroom fan" for Bedroom 1's and
    Bedroom 2's), it is ambiguous too."""

    entities: tuple[Entity, ...]
    by_name: bool
    by_sound: bool = False


_CACHE: dict[tuple[object, ...], tuple[DeviceWords, ...]] = {}
"""The last home's words, by what they are made of: a device's new state makes a new Home, not new words."""


_LAST: list[tuple[Home, tuple[DeviceWords, ...]]] = []


def device_words(home: Home) -> tuple[DeviceWords, ...]:
    if _LAST and _LAST[0][0] is home:
        return _LAST[0][1]
    key = (home.areas, home.floors, tuple((e.id, e.name, e.aliases, e.area_id, e.device_class) for e in home.entities))
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _device_words(home)
    _LAST[:] = [(home, _CACHE[key])]
    return _CACHE[key]


def _device_words(home: Home) -> tuple[DeviceWords, ...]:
    out = []
    for entity in home.entities:
        area = home.area(entity.area_id)
        floor = next((f for f in home.floors if area is not None and f.id == area.floor_id), None)
        areas = (area.name, *area.aliases) if area is not None else ()
        floors = (floor.name, *floor.aliases) if floor is not None else ()
        kind = kind_words(entity)
        names = [*entity.names(), *(f"{a} {n}" for a in areas for n in entity.names()),
                 *(w for w in _words(entity.names()) - kind - _words((*areas, *floors)) if not w.isdigit())]
        out.append(DeviceWords(entity, _words(entity.names()), _words((*areas, *floors)), kind,
                               _keys(names), _keys([f"{a} {k}" for a in areas for k in kind])))
    return tuple(out)


def _keys(forms: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(phonetic_key(f) for f in forms))


def distinctive_words(home: Home) -> dict[str, Entity]:
    """Words that only one device's names have, and that name no place or kind: 'coffee' of "Coffee Maker"."""
    devices = device_words(home)
    common = {w for d in devices for w in d.place} | {w for kind in _KIND_BY_DOMAIN.values() for w in kind}
    owners: dict[str, list[Entity]] = {}
    for device in devices:
        for word in device.name - common:
            owners.setdefault(word, []).append(device.entity)
    return {word: found[0] for word, found in owners.items() if len(found) == 1 and not word.isdigit()}


def fit(home: Home, spoken: str, domains: tuple[str, ...] | None = None) -> Fit:
    """The devices (of `domains`, when given) that `spoken` fits by words, else by sound.

    Of the devices a span fits, those whose names say its kind words are preferred ("the patio lamp": the
    Patio Arc Lamp, not the Patio String Lights). A whole name is matched before this, as said
    (`hub.core.targets.match_targets`, `llm.entities.NameIndex`)."""
    said = content_words(spoken)
    if not said:
        return Fit((), False)
    candidates = [d for d in device_words(home) if domains is None or d.entity.domain in domains]
    ranked: dict[int, list[DeviceWords]] = {}
    for device in candidates:
        if (rank := _fits(device, said)) is not None:
            ranked.setdefault(rank, []).append(device)
    if ranked:
        best = ranked[min(ranked)]
        name_only = any(w in d.name and w not in d.place and w not in d.kind for d in best for w in said)
        return Fit(tuple(d.entity for d in best), by_name=name_only)
    return _by_sound(candidates, said)


def _fits(device: DeviceWords, said: tuple[str, ...]) -> int | None:
    """None when some word is none of the device's; else how many words only its kind covers."""
    if not all(w in device.name or w in device.place or w in device.kind for w in said):
        return None
    if all(w in device.place for w in said):
        return None  # a place alone names an area
    return sum(w not in device.name and w not in device.place for w in said)


def one_of_kind_said(home: Home, slots: dict[str, Any], said: str) -> Entity | None:
    """The one device an area-and-kind target means when the words single it out.

    "the lamp in bedroom 3" reads as every light in Bedroom 3 (as Home Assistant reads it); where one of them
    is called a lamp ("Bedroom 3 Lamp") and the others are not, the lamp is meant. And where a device there is
    named the area and the kind said ("the conservatory light": Conservatory Light), it is meant, as Home
    Assistant prefers a name to an area; with the number said after the kind, the one an integration numbered
    so ("living room light two": Living Room Light 2). Only for one area and a kind word of the target's
    domain said in the singular: "the lamps", and a kind two devices there are named by, keep every device."""
    domain, area_said = slots.get("domain"), slots.get("area")
    if "name" in slots or "floor" in slots or not isinstance(domain, str) or not isinstance(area_said, str):
        return None
    kinds = {w for w in normalize_name(said).split() if KIND_WORDS.get(w, ("",))[0] == domain}
    word = kinds.pop() if len(kinds) == 1 else ""
    if not word or singular(word) != word:
        return None
    key = normalize_name(area_said)
    areas = [a for a in home.areas if key in (normalize_name(n) for n in (a.name, *a.aliases))]
    if len(areas) != 1:
        return None
    there = [d for d in device_words(home) if d.entity.area_id == areas[0].id and d.entity.domain == domain
             and slots.get("device_class") in (None, d.entity.device_class)]
    said_digits = with_digits(said).split()
    at = said_digits.index(word) if word in said_digits else -1
    number = said_digits[at + 1] if 0 <= at < len(said_digits) - 1 and said_digits[at + 1].isdigit() else ""
    titled = {normalize_name(f"{n} {word} {number}") for n in (areas[0].name, *areas[0].aliases)}
    named = [d.entity for d in there if titled & {normalize_name(n) for n in d.entity.names()}]
    if not named and word != domain and not number:
        named = [d.entity for d in there if word in d.name]
    return named[0] if len(named) == 1 and len(there) > 1 else None


def narrowed(home: Home, slots: dict[str, Any], said: str) -> dict[str, Any]:
    """`slots` with the device `one_of_kind_said` finds as its target, when it finds one."""
    entity = one_of_kind_said(home, slots, said)
    if entity is None:
        return slots
    rest = {k: v for k, v in slots.items() if k not in ("area", "domain", "device_class")}
    return {"name": entity.name, **rest}


def area_said_for(home: Home, name: str, said: str) -> str | None:
    """The area of the one device called `name` that `said` places, when several devices share that name
    (Home Assistant allows a "Ceiling Light" in every room): "ella's ceiling light" is the one in Ella's Room,
    "the radiator in our room" the one in the room whose alias is "our room". Areas are told apart by a whole
    name or alias said, else by a word of it none of the others has. None when the name is one device's, or
    nothing said singles out one area (the executor then prefers the speaker's room, or asks)."""
    key = normalize_name(name)
    sharing = [e for e in home.entities if e.exposed and key in (normalize_name(n) for n in e.names())]
    areas = {a.id: a for e in sharing if (a := home.area(e.area_id)) is not None}
    if len(sharing) < 2 or len(areas) < 2:
        return None
    text = f" {normalize_name(said)} "
    whole = [a for a in areas.values() if any(f" {normalize_name(n)} " in text for n in (a.name, *a.aliases))]
    if len(whole) == 1:
        return whole[0].name
    said_words = set(content_words(said)) - set(content_words(name))
    own = {i: set(content_words(" ".join((a.name, *a.aliases)))) for i, a in areas.items()}
    told = []
    for i, words in own.items():
        others = set().union(*(v for j, v in own.items() if j != i))
        if said_words & (words - others):  # a word of this area's names that no other area has
            told.append(areas[i])
    return told[0].name if len(told) == 1 else None


SOUND_CUTOFF = 86.0
"""rapidfuzz ratio (0-100) of two phonetic keys above which a span sounds like a name."""


def _by_sound(candidates: list[DeviceWords], said: tuple[str, ...]) -> Fit:
    """The devices whose name, area and name, or area and kind sound most like the span, when they sound like
    it at all; several only when they tie ("kitchen lice": the Kitchen's lights)."""
    key = phonetic_key(" ".join(said))
    if len(key) < 4:
        return Fit((), False)
    keys = [(k, device, by_name) for device in candidates
            for by_name, ks in ((True, device.name_keys), (False, device.kind_keys)) for k in ks]
    scores = process.cdist([key], [k[0] for k in keys], scorer=fuzz.ratio, score_cutoff=SOUND_CUTOFF)[0] \
        if keys else []
    top = max(scores, default=0.0)
    if top < SOUND_CUTOFF:
        return Fit((), False)
    best: dict[str, tuple[Entity, bool]] = {}
    for (_, device, by_name), score in zip(keys, scores):
        if score == top:
            best[device.entity.id] = (device.entity, by_name or best.get(device.entity.id, (None, False))[1])
    return Fit(tuple(e for e, _ in best.values()), by_name=any(n for _, n in best.values()), by_sound=True)


_SOUNDS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"[^a-z0-9]", ""), (r"tch", "ch"), (r"(ch|sh)", "X"), (r"ph", "f"), (r"gh", ""), (r"ck", "k"),
    (r"qu", "kw"), (r"x", "ks"), (r"c(?=[eiy])", "s"), (r"[cq]", "k"), (r"z", "s"), (r"dg", "j"),
    (r"th", "0"), (r"wh", "w"), (r"^kn", "n"), (r"^wr", "r"), (r"v", "f"), (r"(?<=.)[aeiouyhw]", ""),
    (r"(.)\1+", r"\1"), (r"(?<=..)s$", ""),
))


NEAR_CUTOFF = 70.0
"""rapidfuzz ratio (0-100) of phonetic keys from which a name said that names nothing is asked about as the device
it sounds nearest to ("Did you mean Nanoleaf Shapes?"), when a word of it also sounds like a word of that name.
Of the 31 names that named nothing in the dev sets' readings, the ratio alone from 70 suggested 13 devices, 5 of
them the one meant ("dishwasher": Side Door); with the word, 5, 4 of them meant."""


def sounds_like(home: Home, spoken: str, domains: tuple[str, ...] | None = None) -> Entity | None:
    """The one exposed device (of `domains`) whose names `spoken` sounds nearest to: at `SOUND_CUTOFF`, or from
    `NEAR_CUTOFF` where a word said, not a kind word, sounds like a word of its name; None when none or a tie."""
    said = content_words(spoken)
    key = phonetic_key(" ".join(said))
    if len(key) < 3:
        return None
    said_keys = {phonetic_key(w) for w in said}
    scored: list[tuple[float, Entity]] = []
    for device in device_words(home):
        if not device.entity.exposed or (domains and device.entity.domain not in domains):
            continue
        score = max((fuzz.ratio(key, k) for k in device.name_keys), default=0.0)
        alike = any(phonetic_key(w) in said_keys for w in device.name - device.kind)
        if score >= SOUND_CUTOFF or (score >= NEAR_CUTOFF and alike):
            scored.append((score, device.entity))
    top = max((s for s, _ in scored), default=0.0)
    best = [e for s, e in scored if s == top]
    return best[0] if len(best) == 1 else None


@lru_cache(maxsize=16384)
def phonetic_key(text: str) -> str:
    """A key that words which sound alike share, for speech-to-text slips ("kitchen lice" ~ "kitchen lights",
    "tele vision" = "television"): spaces and punctuation dropped; English spellings of one sound made one
    letter (ch/sh -> X, ph -> f, c before e/i/y -> s, else k, th -> 0, v -> f, z -> s, x -> ks); silent
    'gh', 'k' in 'kn', 'w' in 'wr'; every vowel (and h, w, y) after the first letter dropped; double letters
    made single; a plural 's' at the end dropped. A simplified Metaphone, compared with a fuzzy ratio."""
    key = text.casefold()
    for pattern, replacement in _SOUNDS:
        key = pattern.sub(replacement, key)
    return key
