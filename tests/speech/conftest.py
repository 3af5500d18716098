"""Speech fixtures: real models loaded once per session, and test speech generated with piper (joe) and flite."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from speech.audio import float_to_int16, resample
from speech.protocols import PIPELINE_RATE, AudioChunk, WakeDetection
from speech.stt import WhisperOptions, WhisperStt
from speech.tts import PiperOptions, PiperTts
from speech.wake import MicroWakeDetector
from speech.wavfile import read_wav

Speak = Callable[[str], np.ndarray]


@pytest.fixture(scope="session")
def stt() -> WhisperStt:
    # tiny.en alone (see test_readings), with no compute budget: what a test hears must not depend on how busy
    # the machine is (the budget has its own test)
    model = WhisperStt(WhisperOptions(beam_size=1, second_model=None, budget_s=None))
    model.warm_up()
    return model


@pytest.fixture(scope="session")
def tts() -> PiperTts:
    """The joe voice with piper's sampling noise off, so test speech is the same on every run."""
    return PiperTts(PiperOptions(noise_scale=0.0, noise_w_scale=0.0))


@pytest.fixture(scope="session")
def joe(tts: PiperTts) -> Speak:
    """Text -> float32 16 kHz mono speech in piper's joe voice (no lead-in silence), cached."""
    cache: dict[str, np.ndarray] = {}

    def speak(text: str) -> np.ndarray:
        if text not in cache:
            samples = np.concatenate([c.samples() for c in tts.synthesize_stream(text)])
            samples = samples[tts.sample_rate * tts.options.lead_in_ms // 1000:]
            cache[text] = resample(samples.astype(np.float32) / 32768.0, tts.sample_rate, PIPELINE_RATE)
        return cache[text]

    return speak


@pytest.fixture(scope="session")
def flite(tmp_path_factory: pytest.TempPathFactory) -> Speak:
    """Text -> float32 16 kHz mono speech from Debian's flite (a second, robotic voice), cached."""
    if shutil.which("flite") is None:
        pytest.fail("flite is not installed: apt-get install flite (scripts/setup.sh --test does)")
    folder = tmp_path_factory.mktemp("flite")
    cache: dict[str, np.ndarray] = {}

    def speak(text: str) -> np.ndarray:
        if text not in cache:
            path = folder / f"{len(cache)}.wav"
            subprocess.run(["flite", "-t", text, "-o", str(path)], check=True, capture_output=True)
            cache[text] = read_wav(path).to_pipeline()
        return cache[text]

    return speak


HOME_NAMES = ("Kitchen", "Living Room", "Living Room Lamp", "Bedroom", "Bedroom Lamp", "Vacuum", "Garage Door",
              "Front Door", "Thermostat", "Music")


@pytest.fixture
def biased_stt(stt: WhisperStt) -> Iterator[WhisperStt]:
    """The session model, biased toward HOME_NAMES for one test."""
    stt.with_names(HOME_NAMES)
    yield stt
    stt.with_names(())


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * PIPELINE_RATE), dtype=np.float32)


def noise(seconds: float, level: float = 0.02, seed: int = 0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(seconds * PIPELINE_RATE)) * level).astype(np.float32)


def with_noise(samples: np.ndarray, snr_db: float, seed: int = 1) -> np.ndarray:
    """Add white noise at the given signal-to-noise ratio (speech power measured where it is loud)."""
    loud = samples[np.abs(samples) > 0.02]
    power = float(np.mean(loud ** 2)) if len(loud) else 1e-4
    scale = np.sqrt(power / 10 ** (snr_db / 10))
    noisy = samples + np.random.default_rng(seed).standard_normal(len(samples)).astype(np.float32) * scale
    return np.clip(noisy, -1.0, 1.0).astype(np.float32)


DROWNED_SNR_DB = 0.0
"""White noise as loud as the speech: whisper still writes words ("I'm off to get some light." for "Turn off
the kitchen lights."), under `speech.pipeline.UNSURE_BELOW` per token. Some cuts of it read surely at 0 dB
("Turn off the victim life."): the tests that use them drown it 5 dB deeper, and each checks the score."""


def join(*parts: np.ndarray) -> np.ndarray:
    return np.concatenate(parts).astype(np.float32)


def wav_path(tmp_path: Path, samples: np.ndarray, name: str = "input.wav") -> Path:
    from speech.wavfile import write_wav
    path = tmp_path / name
    write_wav(path, samples, PIPELINE_RATE)
    return path


def detect_wakes(detector: MicroWakeDetector, samples: np.ndarray, chunk: int = 512) -> list[WakeDetection]:
    """Every wake the detector reports over `samples` (16 kHz float), fed in microphone-sized chunks."""
    detector.reset()
    pcm = float_to_int16(samples)
    found = []
    for i in range(0, len(pcm), chunk):
        hit = detector.process(AudioChunk.from_samples(pcm[i:i + chunk], 16000, 1000 * i / 16000))
        if hit:
            found.append(hit)
    return found
