"""Test and training audio: voices, noise of several colours, room reverberation, babble and
music-like sound, mixed at a chosen signal-to-noise ratio. All 16 kHz mono float32, seeded.

Tuning voices: piper's joe (at several speaking rates) and flite's kal, kal16 and rms. Kokoro's
(`kokoro-<voice>`, `speech.kokoro`: women's voices and blends) speak in benchmarks and, when asked for, in
wake word training; no shipped model was trained on them. flite's slt/awb and espeak-ng's voices
are kept out of every tuning run (an external evaluation uses voices nobody tuned on).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np

RATE = 16000
TUNING_VOICES = ("joe", "joe-fast", "joe-slow", "kal", "kal16", "rms")
HELD_OUT_VOICES = ("slt", "awb", "espeak-en-us", "espeak-en-gb+f3")
"""Voices no tuning or training run hears: flite's slt and awb, espeak-ng's American and a British female."""
KOKORO_VOICES = ("kokoro-jf_alpha", "kokoro-jf_gongitsune", "kokoro-jf_nezumi", "kokoro-jf_tebukuro", "kokoro-jm_kumo")
"""Kokoro's five style vectors (four women, one man): `bench/wake_bench.py --voices kokoro`."""
_PIPER_RATES = {"joe": 1.0, "joe-fast": 0.8, "joe-slow": 1.25}


@lru_cache(maxsize=3)
def _piper(length_scale: float) -> object:
    from speech.tts import PiperOptions, PiperTts

    return PiperTts(PiperOptions(length_scale=length_scale, lead_in_ms=0))


def speak(text: str, voice: str) -> np.ndarray:
    """`text` in one of TUNING_VOICES, KOKORO_VOICES or HELD_OUT_VOICES (any flite voice name, `espeak-<espeak-ng
    voice>` or `kokoro-<blend>[@speed]`), as 16 kHz float32."""
    from speech.audio import resample

    if voice.startswith("kokoro-"):
        from speech.kokoro import RATE as KOKORO_RATE, KokoroVoice, kokoro

        said = kokoro().synthesize(text, KokoroVoice.parse(voice.removeprefix("kokoro-")))
        return resample(said, KOKORO_RATE, RATE).astype(np.float32)

    if voice in _PIPER_RATES:
        tts = _piper(_PIPER_RATES[voice])
        samples = tts.synthesize(text)  # type: ignore[attr-defined]
        rate = tts.sample_rate  # type: ignore[attr-defined]
        audio = samples.astype(np.float32) / (32768.0 if samples.dtype == np.int16 else 1.0)
        return resample(audio, rate, RATE).astype(np.float32)
    from speech.wavfile import read_wav

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "say.wav"
        if voice.startswith("espeak-"):
            command = ["espeak-ng", "-v", voice.removeprefix("espeak-"), "-w", str(path), text]
        else:
            command = ["flite", "-voice", voice, "-t", text, "-o", str(path)]
        subprocess.run(command, check=True, capture_output=True)
        return read_wav(path).to_pipeline()


def coloured_noise(seconds: float, colour: str, rng: np.random.Generator) -> np.ndarray:
    """white, pink (1/f) or brown (1/f²) noise with unit RMS."""
    n = int(seconds * RATE)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.maximum(np.fft.rfftfreq(n, 1 / RATE), 20.0)
    spectrum *= {"white": 1.0, "pink": 1 / np.sqrt(f), "brown": 1 / f}[colour]
    noise = np.fft.irfft(spectrum, n)
    return (noise / (np.sqrt(np.mean(noise ** 2)) + 1e-12)).astype(np.float32)


def reverb(samples: np.ndarray, rt60: float, rng: np.random.Generator) -> np.ndarray:
    """A room: the dry sound plus an exponentially decaying noise tail (reverberation time `rt60` s)."""
    n = int(rt60 * RATE)
    t = np.arange(n) / RATE
    tail = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)
    tail[: int(0.005 * RATE)] = 0.0  # the first reflections come after the direct sound
    impulse = np.concatenate([[1.0], 0.3 * tail / np.sqrt(np.sum(tail ** 2))])
    size = len(samples) + len(impulse) - 1  # the convolution, by FFT (np.convolve takes seconds on long clips)
    wet = np.fft.irfft(np.fft.rfft(samples, size) * np.fft.rfft(impulse, size), size)[: len(samples)]
    return (wet * (np.max(np.abs(samples)) / (np.max(np.abs(wet)) + 1e-9))).astype(np.float32)


def music(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """Music-like sound: a chord progression of harmonic tones with a beat and noise percussion."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    beat = 60.0 / rng.uniform(80, 140)
    out = np.zeros(n, np.float32)
    roots = rng.choice([110.0, 130.8, 146.8, 164.8, 196.0, 220.0], size=int(seconds / (4 * beat)) + 1)
    for i, root in enumerate(roots):
        lo, hi = int(i * 4 * beat * RATE), min(n, int((i + 1) * 4 * beat * RATE))
        seg = t[lo:hi] - t[lo]
        for ratio in (1.0, 1.25, 1.5, 2.0):
            for harmonic in (1, 2, 3):
                out[lo:hi] += np.sin(2 * np.pi * root * ratio * harmonic * seg) / (harmonic * 4)
    pulse = np.exp(-((t % beat) / 0.05))
    mixed = out * (0.6 + 0.4 * pulse) + 0.3 * pulse * rng.standard_normal(n) * (np.arange(n) // int(beat * RATE) % 2)
    return (mixed / (np.sqrt(np.mean(mixed ** 2)) + 1e-12)).astype(np.float32)


def babble(clips: list[np.ndarray], seconds: float, talkers: int, rng: np.random.Generator) -> np.ndarray:
    """`talkers` voices at once, each a random sequence of `clips`: the sound of a room or a TV."""
    n = int(seconds * RATE)
    out = np.zeros(n, np.float32)
    for _ in range(talkers):
        out += stream(clips, seconds, rng, pause=(0.05, 0.4)) * rng.uniform(0.5, 1.0)
    return (out / (np.sqrt(np.mean(out ** 2)) + 1e-12)).astype(np.float32)


def stream(clips: list[np.ndarray], seconds: float, rng: np.random.Generator,
           pause: tuple[float, float] = (0.2, 1.5)) -> np.ndarray:
    """Clips one after another in random order with random pauses, cut to `seconds`."""
    n = int(seconds * RATE)
    parts: list[np.ndarray] = []
    total = 0
    while total < n:
        clip = clips[int(rng.integers(len(clips)))] * rng.uniform(0.5, 1.0)
        gap = np.zeros(int(rng.uniform(*pause) * RATE), np.float32)
        parts += [clip, gap]
        total += len(clip) + len(gap)
    return np.concatenate(parts)[:n].astype(np.float32)


def mix(signal: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """`signal` plus `noise` scaled so that the signal's active parts are `snr_db` above it."""
    loud = signal[np.abs(signal) > 0.02]
    power = float(np.mean(loud ** 2)) if len(loud) else 1e-4
    noise = np.resize(noise, len(signal))
    scale = np.sqrt(power / 10 ** (snr_db / 10) / (np.mean(noise ** 2) + 1e-12))
    return np.clip(signal + noise * scale, -1, 1).astype(np.float32)


Condition = Callable[[np.ndarray, np.random.Generator], np.ndarray]


def conditions(babble_clips: list[np.ndarray]) -> dict[str, Condition]:
    """The acoustic conditions every voice benchmark reports: clean, white 10 dB, pink + reverb 10 dB, babble 5 dB."""
    def pink_room(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return mix(reverb(x, 0.5, rng), coloured_noise(len(x) / RATE, "pink", rng), 10)

    return {
        "clean": lambda x, rng: x,
        "white 10 dB": lambda x, rng: mix(x, coloured_noise(len(x) / RATE, "white", rng), 10),
        "pink+reverb 10 dB": pink_room,
        "babble 5 dB": lambda x, rng: mix(x, babble(babble_clips, len(x) / RATE, 4, rng), 5),
    }
