"""Words whisper wrote for a name of the home that sounds like them: "the whole light" for "the hall light",
"the room to" for "the roomba".

Whisper is prompted with the home's names (`speech.stt.build_prompt`), yet tiny and base still write a common
word that sounds like a rare name. Comparing how the words *sound* (espeak-ng's phonemes, which piper brings)
with how the home's names sound finds the name meant. `speech.stt` reads a reading so when the home understands
it so, before weighing it (`WhisperStt._named`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

if TYPE_CHECKING:
    from piper.phonemize_espeak import EspeakPhonemizer

MAX_DISTANCE = 0.31
"""Phoneme edit distance, per phoneme of the longer of the two, up to which words sound like a name: "whole"
and "hall" are 0.3 apart (a vowel for a vowel, one vowel fewer), "room to" and "roomba" 0.3, "sound" and
"lounge" 0.33."""
MAX_SPAN_WORDS = 3
COMMAND_WORDS = ("unlock", "unmute", "brighten")
"""Words of commands, besides the home's names, that whisper tends to write as commoner ones: "then lock",
"and mute", "right in"."""
_KEEP = frozenset({
    # Words that carry a command's meaning whatever they sound like: never traded for a name.
    "the", "a", "an", "to", "on", "off", "in", "at", "of", "my", "and", "or", "is", "it", "its", "it's", "all",
    "turn", "switch", "set", "make", "open", "close", "shut", "lock", "unlock", "start", "stop", "pause", "play",
    "mute", "unmute", "dim", "up", "down", "please", "now", "lights", "light", "lamp", "door", "what", "how",
    "here", "there", "this", "that", "these", "those", "for", "with", "you", "your", "me", "be", "are", "was",
    "can", "could", "will", "do", "not", "but", "so", "if",
})
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_VOWELS = frozenset("aeiouæɑɐɒɔəɘɚɛɜɝɞɪɨʉʊʌʏᵻyøœɤɯ")
_NOT_PHONES = str.maketrans("", "", "ˈˌːˑ̩ʲ -")
_NEAR = [frozenset(p) for p in ("pb", "td", "kɡg", "fv", "sz", "θðf", "ʃʒ", "mnŋ", "lɹɾr", "wʍ", "ʔt")]


@dataclass(frozen=True)
class Mend:
    """One span of a reading traded for the home's name it sounds like."""

    said: str
    name: str
    distance: float


class SoundsLike:
    """The home's names as they sound, and readings mended toward them."""

    def __init__(self, names: Iterable[str], words: Iterable[str] = COMMAND_WORDS) -> None:
        said = [*names, *words]
        self.names = tuple(dict.fromkeys(" ".join(n.lower().split()) for n in said if n and n.strip()))
        for name in self.names:
            phones(name)  # espeak-ng loaded, and the names' sounds known, before the first command
        self._known_words = {w for name in self.names for w in name.split()}

    def mend(self, text: str) -> tuple[str, list[Mend]]:
        """`text` with each run of 1-3 words that sounds like one of the home's names (and is not already a
        name, nor a word that carries the command) replaced by that name; the replacements made."""
        words = [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]
        mends: list[tuple[int, int, Mend]] = []
        i = 0
        while i < len(words):
            found = self._best_at(words, i)
            if found is None:
                i += 1
                continue
            last, mend = found
            mends.append((words[i][0], words[last][1], mend))
            i = last + 1
        for start, end, mend in reversed(mends):
            text = text[:start] + mend.name + text[end:]
        return text, [m for _, _, m in mends]

    def _best_at(self, words: Sequence[tuple[int, int, str]], i: int) -> tuple[int, Mend] | None:
        if words[i][2] in _KEEP:
            return None
        best: tuple[int, Mend] | None = None
        for last in range(i, min(len(words), i + MAX_SPAN_WORDS)):
            said = " ".join(w for _, _, w in words[i:last + 1])
            if any(" ".join(w for _, _, w in words[k:last + 1]) in self.names for k in range(i, last + 1)):
                break  # a name said right is kept whole ("living, bedroom" is not "living room")
            if last == i and said in self._known_words:
                continue  # "room" of "living room" is not "roomba"; "room to" may be
            kept = any(w in _KEEP for _, _, w in words[i + 1:last + 1])
            for name in self.names:
                if kept and len(name.split()) >= last + 1 - i:
                    continue  # "back to" is not "back door"; a little word may only run into a name ("roomba")
                differ = _differing(said.split(), name.split())
                if differ is None:
                    continue
                heard, sound = phones(differ[0]), phones(differ[1])
                if not _may_be_near(heard, sound):
                    continue
                distance = phone_distance(heard, sound)
                if distance <= MAX_DISTANCE and (best is None or distance < best[1].distance):
                    best = (last, Mend(said, name, round(distance, 3)))
        return best


def _differing(said: list[str], name: list[str]) -> tuple[str, str] | None:
    """The words in which a span and a name differ, the words they share at either end left out: "lots of
    temperature" and "bedroom temperature" are compared as "lots of" and "bedroom", not as two long strings
    that mostly agree. None when one holds no words the other lacks."""
    while said and name and said[-1] == name[-1]:
        said, name = said[:-1], name[:-1]
    while said and name and said[0] == name[0]:
        said, name = said[1:], name[1:]
    return (" ".join(said), " ".join(name)) if said and name else None


@lru_cache(maxsize=4096)
def phones(words: str) -> str:
    """'hall light' -> 'hɔllaɪt': espeak-ng's phonemes (en-us) without stress, length or word breaks."""
    sentences = _espeak().phonemize("en-us", words)
    return "".join("".join(s) for s in sentences).translate(_NOT_PHONES)


@lru_cache(maxsize=1)
def _espeak() -> EspeakPhonemizer:
    from piper.phonemize_espeak import EspeakPhonemizer
    return EspeakPhonemizer()


def _may_be_near(a: str, b: str) -> bool:
    """A quick bound: every edit costs at least half, so more plain edits (rapidfuzz) than this rules out."""
    longest = max(len(a), len(b))
    return Levenshtein.distance(a, b, score_cutoff=int(2 * MAX_DISTANCE * longest) + 1) <= 2 * MAX_DISTANCE * longest


def phone_distance(a: str, b: str) -> float:
    """Edit distance between two phoneme strings per phoneme of the longer: a vowel for a vowel, or a consonant
    for a near one (voiced or not, nasals, liquids), costs half; a vowel in or out costs 0.7."""
    if not a or not b:
        return 1.0
    previous = [_gap_cost(b[:j]) for j in range(len(b) + 1)]
    for i, x in enumerate(a, 1):
        current = [previous[0] + _gap(x)]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + _gap(x), current[j - 1] + _gap(y), previous[j - 1] + _swap(x, y)))
        previous = current
    return previous[-1] / max(len(a), len(b))


def _gap(phone: str) -> float:
    return 0.7 if phone in _VOWELS else 1.0


def _gap_cost(phones_: str) -> float:
    return sum(_gap(p) for p in phones_)


def _swap(x: str, y: str) -> float:
    if x == y:
        return 0.0
    if (x in _VOWELS) == (y in _VOWELS) and (x in _VOWELS or any(x in g and y in g for g in _NEAR)):
        return 0.5
    return 1.0
