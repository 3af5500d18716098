"""Endpointing: the Silero VAD bundled with faster-whisper, run streaming, and a state machine that reports
where an utterance starts and where it ends (after a short trailing silence)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from speech.audio import chunk_to_float
from speech.errors import ModelLoadError
from speech.protocols import PIPELINE_RATE, AudioChunk, VadEvent, VadEventType

_LOGGER = logging.getLogger(__name__)

WINDOW = 512
"""Samples per Silero window at 16 kHz (32 ms)."""
CONTEXT = 64
WINDOW_MS = 1000.0 * WINDOW / PIPELINE_RATE


class SileroVad:
    """Speech probability per 32 ms window, streaming: LSTM state and context carry across calls."""

    def __init__(self) -> None:
        try:
            from faster_whisper.vad import get_vad_model
            self._session = get_vad_model().session
        except (ImportError, RuntimeError, OSError) as err:
            raise ModelLoadError(f"could not load the Silero VAD from faster-whisper: {err}") from err
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def probabilities(self, samples: np.ndarray) -> np.ndarray:
        """Feed float32 16 kHz samples; returns one probability per completed window (maybe none)."""
        buffer = np.concatenate([self._pending, samples.astype(np.float32, copy=False)])
        count = len(buffer) // WINDOW
        self._pending = buffer[count * WINDOW:]
        if count == 0:
            return np.zeros(0, dtype=np.float32)
        windows = buffer[:count * WINDOW].reshape(count, WINDOW)
        contexts = np.concatenate([self._context[None, :], windows[:-1, -CONTEXT:]], axis=0)
        batch = np.concatenate([contexts, windows], axis=1)  # [count, CONTEXT + WINDOW]
        self._context = windows[-1, -CONTEXT:].copy()
        out, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        return np.asarray(out, dtype=np.float32).reshape(-1)[:count]


@dataclass(frozen=True)
class EndpointOptions:
    threshold: float = 0.5
    """A window at or above this probability is speech."""
    neg_threshold: float = 0.35
    """A window below this is silence; between the two the state holds."""
    min_speech_ms: int = 150
    """Shorter bursts (clicks, a cough) are not utterances."""
    min_silence_ms: int = 400
    """Trailing silence that ends an utterance: lower cuts faster, higher tolerates longer pauses."""
    pause_ms: int = 200
    """Silence after which a SPEECH_PAUSE is reported (once per pause), so transcription can start early."""
    speech_pad_ms: int = 250
    """Audio kept before the start and after the end so no word is clipped."""
    max_utterance_s: float = 15.0
    """An utterance is cut here even without a pause."""


class Endpointer:
    """A Vad: Silero probabilities -> SPEECH_START / SPEECH_PAUSE / SPEECH_RESUME / SPEECH_END events with stream
    timestamps."""

    def __init__(self, options: EndpointOptions | None = None, model: SileroVad | None = None) -> None:
        self.options = options or EndpointOptions()
        self.model = model or SileroVad()
        self.reset()

    def reset(self) -> None:
        self.model.reset()
        self._origin_ms: float | None = None  # stream time of the first sample fed since reset
        self._windows = 0
        self._start_ms: float | None = None
        self._started = False
        self._silence_from_ms: float | None = None
        self._paused = False

    def process(self, chunk: AudioChunk) -> list[VadEvent]:
        if self._origin_ms is None:
            self._origin_ms = chunk.timestamp_ms
        events: list[VadEvent] = []
        for prob in self.model.probabilities(chunk_to_float(chunk)):
            window_start = self._origin_ms + self._windows * WINDOW_MS
            self._windows += 1
            event = self._step(float(prob), window_start, window_start + WINDOW_MS)
            if event is not None:
                events.append(event)
        return events

    def _step(self, prob: float, start_ms: float, end_ms: float) -> VadEvent | None:
        opts = self.options
        if self._start_ms is None:
            if prob >= opts.threshold:
                self._start_ms, self._silence_from_ms = start_ms, None
            return None
        if prob >= opts.threshold and self._paused:
            self._silence_from_ms, self._paused = None, False
            return VadEvent(VadEventType.SPEECH_RESUME, start_ms, end_ms)
        if prob >= opts.threshold:
            self._silence_from_ms = None
        elif prob < opts.neg_threshold and self._silence_from_ms is None:
            self._silence_from_ms = start_ms
        speech_end = self._silence_from_ms if self._silence_from_ms is not None else end_ms
        if not self._started and speech_end - self._start_ms >= opts.min_speech_ms:
            self._started = True
            return VadEvent(VadEventType.SPEECH_START, self._start_ms, end_ms)
        if self._silence_from_ms is not None and end_ms - self._silence_from_ms >= opts.min_silence_ms:
            return self._finish(self._silence_from_ms, end_ms, forced=False)
        if (self._started and not self._paused and self._silence_from_ms is not None
                and end_ms - self._silence_from_ms >= opts.pause_ms):
            self._paused = True
            return VadEvent(VadEventType.SPEECH_PAUSE, self._silence_from_ms, end_ms)
        if end_ms - self._start_ms >= 1000 * opts.max_utterance_s:
            return self._finish(end_ms, end_ms, forced=True)
        return None

    def _finish(self, at_ms: float, decided_ms: float, forced: bool) -> VadEvent | None:
        started = self._started
        self._start_ms, self._started, self._silence_from_ms, self._paused = None, False, None, False
        if not started:
            return None
        return VadEvent(VadEventType.SPEECH_END, at_ms, decided_ms, forced)
