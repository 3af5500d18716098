"""Wake word detection with pymicro-wakeword (microWakeWord TFLite models, Apache-2.0) and with Hearth's own
model (`speech.wake_net`, trained by `hearth train-wake`), both over the same microWakeWord features.

A detector listens for one or two wake words at once (Home Assistant lets a satellite have two): each
word's model reads the same features, and the first to pass its cutoff wakes the pipeline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from speech.errors import ModelLoadError
from speech.protocols import AudioChunk, WakeDetection

_LOGGER = logging.getLogger(__name__)

BUILTIN_WAKE_WORDS = ("hey_jarvis", "okay_nabu", "hey_mycroft", "alexa")
HEARTH_WAKE_WORDS = ("hey_jarvis_hearth",)
"""Hearth's own models, in speech/weights/<id>.safetensors."""
WAKE_PHRASES = {"hey_jarvis": "Hey Jarvis", "okay_nabu": "Okay Nabu", "hey_mycroft": "Hey Mycroft", "alexa": "Alexa",
                "hey_jarvis_hearth": "Hey Jarvis"}
"""What each built-in wake word model listens for."""
DEFAULT_WAKE_WORD = "hey_jarvis"
FEATURE_STEP_MS = 10.0
MAX_WAKE_WORDS = 2


@dataclass(frozen=True)
class WakeOptions:
    word: str = DEFAULT_WAKE_WORD
    """A built-in model id (hey_jarvis, okay_nabu, hey_mycroft, alexa; hey_jarvis_hearth, Hearth's own), a path to
    a microWakeWord .json config, or a path to a .safetensors model made by `hearth train-wake`."""
    probability_cutoff: float | None = None
    """None = the model's own cutoff (0.97 for hey_jarvis); `bench/wake_bench.py` prints the false-wake
    curve to choose one from."""
    second_word: str | None = None
    """An optional second wake word listened for at the same time (with the same cutoff rule)."""

    @property
    def words(self) -> tuple[str, ...]:
        return (self.word,) if not self.second_word else (self.word, self.second_word)


class MicroWakeDetector:
    """A WakeDetector: feed 16 kHz mono 16-bit chunks; reports the first detection, then stays quiet until reset()."""

    def __init__(self, options: WakeOptions | None = None) -> None:
        self.options = options or WakeOptions()
        words = self.options.words
        if len(set(words)) != len(words):
            raise ModelLoadError(f"the second wake word repeats the first ({words[0]})")
        self._models = [load_wake_model(word) for word in words]
        if self.options.probability_cutoff is not None:
            for model in self._models:
                model.probability_cutoff = self.options.probability_cutoff
        self.word: str = self._models[0].id
        self.phrase: str = self._models[0].wake_word
        from pymicro_wakeword import MicroWakeWordFeatures
        self._features = MicroWakeWordFeatures()
        self._origin_ms: float | None = None
        self._steps = 0
        self._fired = False

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(model.id for model in self._models)

    def reset(self) -> None:
        for model in self._models:
            model.reset()
        self._features.reset()
        self._origin_ms = None
        self._steps = 0
        self._fired = False

    def process(self, chunk: AudioChunk) -> WakeDetection | None:
        if self._origin_ms is None:
            self._origin_ms = chunk.timestamp_ms
        detection = None
        for features in self._features.process_streaming(chunk.audio):
            self._steps += 1
            if self._fired or detection is not None:
                continue
            for model in self._models:
                if model.process_streaming(features):
                    at_ms = self._origin_ms + FEATURE_STEP_MS * self._steps + 20.0  # end of the 30 ms window
                    detection = WakeDetection(model.id, at_ms, model.wake_word)
                    break
        if detection is not None:
            self._fired = True
            _LOGGER.debug("wake word %s at %.0f ms", detection.word, detection.timestamp_ms)
        return detection


def probabilities(word: str, samples: np.ndarray, chunk: int = 1600) -> Iterator[tuple[float, float]]:
    """(time in s, the model's smoothed probability) for each of its steps over 16 kHz float samples: what the
    detector compares with its cutoff, for measuring false wakes and detections at every cutoff at once."""
    from pymicro_wakeword import MicroWakeWordFeatures

    model, features = load_wake_model(word), MicroWakeWordFeatures()
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    steps = 0
    for start in range(0, len(pcm), 2 * chunk):
        for feature in features.process_streaming(pcm[start:start + 2 * chunk]):
            steps += 1
            prob = model.process_streaming_prob(feature)
            if prob is not None:
                yield (FEATURE_STEP_MS * steps + 20.0) / 1000.0, float(prob)


def load_wake_model(word: str) -> Any:  # a pymicro_wakeword.MicroWakeWord or a HearthWakeWord
    path = Path(word).expanduser()
    if word in HEARTH_WAKE_WORDS or path.suffix == ".safetensors":
        from speech.wake_net import WEIGHTS, HearthWakeWord

        weights = WEIGHTS / f"{word}.safetensors" if word in HEARTH_WAKE_WORDS else path
        if not weights.exists():
            raise ModelLoadError(f"no wake word model at {weights} (`hearth train-wake` makes one)")
        return HearthWakeWord(weights, word if word in HEARTH_WAKE_WORDS else path.stem)
    try:
        from pymicro_wakeword import MicroWakeWord, Model
    except ImportError as err:
        raise ModelLoadError(f"wake word detection needs the 'pymicro-wakeword' package ({err})") from None
    try:
        if word in BUILTIN_WAKE_WORDS:
            return MicroWakeWord.from_builtin(Model(word))
        if path.suffix == ".json" and path.exists():
            return MicroWakeWord.from_config(path)
    except (OSError, ValueError, KeyError) as err:
        raise ModelLoadError(f"could not load wake word '{word}': {err}") from err
    raise ModelLoadError(
        f"unknown wake word '{word}': use one of {', '.join(BUILTIN_WAKE_WORDS + HEARTH_WAKE_WORDS)}, a microWakeWord "
        ".json config or a .safetensors model of `hearth train-wake`")
