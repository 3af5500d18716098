"""Wake word detection with pymicro-wakeword (microWakeWord TFLite models, Apache-2.0)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from speech.errors import ModelLoadError
from speech.protocols import AudioChunk, WakeDetection

_LOGGER = logging.getLogger(__name__)

BUILTIN_WAKE_WORDS = ("hey_jarvis", "okay_nabu", "hey_mycroft", "alexa")
FEATURE_STEP_MS = 10.0


@dataclass(frozen=True)
class WakeOptions:
    word: str = "hey_jarvis"
    """A built-in model id (hey_jarvis, okay_nabu, hey_mycroft, alexa) or a path to a microWakeWord .json config."""
    probability_cutoff: float | None = None
    """None = the model's own cutoff (0.97 for hey_jarvis)."""


class MicroWakeDetector:
    """A WakeDetector: feed 16 kHz mono 16-bit chunks; reports the first detection, then stays quiet until reset()."""

    def __init__(self, options: WakeOptions | None = None) -> None:
        self.options = options or WakeOptions()
        self._model = load_wake_model(self.options.word)
        if self.options.probability_cutoff is not None:
            self._model.probability_cutoff = self.options.probability_cutoff
        self.word: str = self._model.id
        self.phrase: str = self._model.wake_word
        from pymicro_wakeword import MicroWakeWordFeatures
        self._features = MicroWakeWordFeatures()
        self._origin_ms: float | None = None
        self._steps = 0
        self._fired = False

    def reset(self) -> None:
        self._model.reset()
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
            if self._model.process_streaming(features):
                at_ms = self._origin_ms + FEATURE_STEP_MS * self._steps + 20.0  # end of the 30 ms feature window
                detection = WakeDetection(self.word, at_ms, self.phrase)
        if detection is not None:
            self._fired = True
            _LOGGER.debug("wake word %s at %.0f ms", self.word, detection.timestamp_ms)
        return detection


def load_wake_model(word: str):  # -> pymicro_wakeword.MicroWakeWord
    try:
        from pymicro_wakeword import MicroWakeWord, Model
    except ImportError as err:
        raise ModelLoadError(f"wake word detection needs the 'pymicro-wakeword' package ({err})") from None
    path = Path(word).expanduser()
    try:
        if word in BUILTIN_WAKE_WORDS:
            return MicroWakeWord.from_builtin(Model(word))
        if path.suffix == ".json" and path.exists():
            return MicroWakeWord.from_config(path)
    except (OSError, ValueError, KeyError) as err:
        raise ModelLoadError(f"could not load wake word '{word}': {err}") from err
    raise ModelLoadError(
        f"unknown wake word '{word}': use one of {', '.join(BUILTIN_WAKE_WORDS)} or a microWakeWord .json config")
