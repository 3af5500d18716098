"""Wake word: false wakes per hour on an hour of wake-word-free sound, and detections across voices and noise,
at every probability cutoff, from one pass of the model over each recording.

    .venv/bin/python bench/wake_bench.py [--word hey_jarvis[,hey_jarvis_hearth|,FILE.safetensors]] [--minutes 60]
                                         [--seed 7] [--voices held-out|kokoro|VOICE,...]

The background (no wake word in it) is generated here, seeded, from `bench/sets/wake_negatives.txt` spoken
by the tuning voices (`speech.sounds.TUNING_VOICES`): household dialogue over pink noise, babble of four
talkers over brown noise, a TV (dialogue over music), and music alone over white noise. Detections: the wake
word followed by a command, in each tuning voice, clean, white 10 dB, pink + reverb 10 dB and babble 5 dB.
`--voices held-out` speaks both in `speech.sounds.HELD_OUT_VOICES` instead, which no training run hears (or
name the voices, comma-separated). Several `--word`s of the same phrase are scored on the same audio.
A false wake is a rise above the cutoff at least `REFRACTORY_S` after the previous one (the pipeline listens
for a command after a wake, so closer rises would not wake it twice).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speech import sounds
from speech.wake import WAKE_PHRASES, probabilities

SETS = Path(__file__).resolve().parent / "sets"
CUTOFFS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999)
REFRACTORY_S = 3.0
MAX_FALSE_PER_HOUR = 0.5
PHRASES = WAKE_PHRASES


def phrase_of(word: str) -> str | None:
    """What a built-in word, or a model file `hearth train-wake --out` wrote, listens for (None: neither)."""
    if word in PHRASES:
        return PHRASES[word]
    if word.endswith(".safetensors") and Path(word).is_file():
        from speech.wake_net import load_wake_net

        return load_wake_net(Path(word))[1].phrase
    return None


def _lines(name: str) -> tuple[str, ...]:
    """The lines of `bench/sets/<name>`, without blanks and # comments."""
    lines = (SETS / name).read_text().splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


COMMANDS = _lines("wake_commands.txt")
"""Said after the wake word in every detection clip."""


def negatives(minutes: float, rng: np.random.Generator,
              voices: tuple[str, ...] = sounds.TUNING_VOICES) -> dict[str, np.ndarray]:
    lines = _lines("wake_negatives.txt")
    clips = [sounds.speak(line, voice) for voice in voices for line in lines]
    share = {"dialogue + pink": 1 / 3, "babble + brown": 1 / 4, "TV (dialogue over music)": 1 / 4,
             "music + white": 1 / 6}
    out = {}
    for name, part in share.items():
        seconds = minutes * 60 * part
        if name.startswith("dialogue"):
            audio = sounds.mix(sounds.stream(clips, seconds, rng), sounds.coloured_noise(seconds, "pink", rng), 20)
        elif name.startswith("babble"):
            audio = sounds.mix(sounds.babble(clips, seconds, 4, rng), sounds.coloured_noise(seconds, "brown", rng), 15)
        elif name.startswith("TV"):
            audio = sounds.mix(sounds.stream(clips, seconds, rng), sounds.music(seconds, rng), 5)
        else:
            audio = sounds.mix(sounds.music(seconds, rng) * 0.3, sounds.coloured_noise(seconds, "white", rng), 20)
        out[name] = audio
    return out


def false_wakes(steps: list[tuple[float, float]], cutoff: float) -> int:
    count, last = 0, -REFRACTORY_S
    above = False
    for t, p in steps:
        if p > cutoff and not above and t - last >= REFRACTORY_S:
            count, last = count + 1, t
        above = p > cutoff
    return count


def wake_clips(phrase: str, rng: np.random.Generator,
               voices: tuple[str, ...] = sounds.TUNING_VOICES) -> list[tuple[str, str, np.ndarray]]:
    """(voice, condition, audio) for every wake-word clip: the phrase and a command, in each voice and condition."""
    talkers = ("joe", "kal", "rms") if voices == sounds.TUNING_VOICES else voices
    babble_clips = [sounds.speak(c, v) for v in talkers for c in COMMANDS]
    conditions = sounds.conditions(babble_clips)
    lead = np.zeros(sounds.RATE // 2, np.float32)
    out = []
    for voice in voices:
        for command in COMMANDS:
            clip = np.concatenate([lead, sounds.speak(f"{phrase}, {command}.", voice), lead])
            for name, condition in conditions.items():
                out.append((voice, name, condition(clip, rng)))
    return out


def detections(word: str, clips: list[tuple[str, str, np.ndarray]]) -> list[tuple[str, str, float]]:
    """(voice, condition, the clip's highest probability) for every wake-word clip."""
    return [(voice, name, max((p for _, p in probabilities(word, audio)), default=0.0))
            for voice, name, audio in clips]


def report(word: str, background: dict[str, list[tuple[float, float]]], hours: float,
           found: list[tuple[str, str, float]]) -> str:
    rows = [f"{word}: {hours * 60:.0f} min of background with no wake word, {len(found)} wake-word clips", "",
            "| cutoff | false wakes / hour | detected | " + " | ".join(background) + " |",
            "|---|---|---|" + "---|" * len(background)]
    best = None
    for cutoff in CUTOFFS:
        per = {name: false_wakes(steps, cutoff) for name, steps in background.items()}
        rate = sum(per.values()) / hours
        hit = float(np.mean([peak > cutoff for *_, peak in found]))
        if rate <= MAX_FALSE_PER_HOUR and best is None:
            best = (cutoff, rate, hit)
        rows.append(f"| {cutoff:.3g} | {rate:.2f} | {hit:.1%} | " + " | ".join(str(v) for v in per.values()) + " |")
    if best is None:
        rows.append(f"\nno cutoff keeps false wakes at or under {MAX_FALSE_PER_HOUR}/hour")
        return "\n".join(rows)
    cutoff = best[0]
    chosen = (f"lowest cutoff with <= {MAX_FALSE_PER_HOUR} false wakes/hour: {cutoff:.3g} "
              f"({best[1]:.2f}/hour, {best[2]:.1%} detected)")
    rows += ["", chosen, "", "detected at that cutoff, by voice and condition:"]
    conds = sorted({c for _, c, _ in found}, key=[c for _, c, _ in found].index)
    rows.append("| voice | " + " | ".join(conds) + " |")
    rows.append("|---|" + "---|" * len(conds))
    for voice in sorted({v for v, _, _ in found}, key=[v for v, _, _ in found].index):
        cells = [np.mean([p > cutoff for v, c, p in found if v == voice and c == cond]) for cond in conds]
        rows.append(f"| {voice} | " + " | ".join(f"{x:.0%}" for x in cells) + " |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--word", default="hey_jarvis",
                        help=f"one of {', '.join(sorted(PHRASES))} or a .safetensors file `hearth train-wake` "
                             "wrote, or several of the same phrase, comma-separated (each on the same audio)")
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--voices", default="tuning",
                        help="tuning, held-out, kokoro, or voices of speech.sounds.speak, comma-separated (default: tuning)")
    args = parser.parse_args()
    words = args.word.split(",")
    phrases = [phrase_of(word) for word in words]
    if None in phrases or len(set(phrases)) != 1:
        parser.error(f"--word: one or more of {', '.join(sorted(PHRASES))} or model files, all with the same phrase")
    named = {"tuning": sounds.TUNING_VOICES, "held-out": sounds.HELD_OUT_VOICES, "kokoro": sounds.KOKORO_VOICES}
    voices = named.get(args.voices) or tuple(args.voices.split(","))
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    audio = negatives(args.minutes, rng, voices)
    print(f"background made in {time.perf_counter() - t0:.0f} s")
    clips = wake_clips(str(phrases[0]), rng, voices)
    seconds = sum(len(a) for a in audio.values()) / sounds.RATE
    for word in words:
        t0 = time.perf_counter()
        background = {name: list(probabilities(word, samples)) for name, samples in audio.items()}
        cpu = (time.perf_counter() - t0) / seconds
        print("\n" + report(word, background, seconds / 3600, detections(word, clips)))
        print(f"\n{word} read the background at {cpu:.2%} of real time on one core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
