"""Split a recording into utterances separated by silence, with the same endpointer the live pipeline uses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from speech.audio import float_to_int16
from speech.protocols import PIPELINE_RATE, AudioChunk, VadEventType
from speech.vad import Endpointer, EndpointOptions

_CHUNK = 1024


@dataclass(frozen=True, slots=True)
class Utterance:
    start_ms: float
    """Where speech starts (before padding)."""
    end_ms: float
    """Where speech ends (before padding)."""
    samples: np.ndarray
    """float32 16 kHz mono, padded by speech_pad_ms on both sides where the recording allows."""
    forced: bool = False


def split_utterances(samples: np.ndarray, options: EndpointOptions | None = None,
                     endpointer: Endpointer | None = None) -> list[Utterance]:
    """float32 16 kHz mono -> the utterances in it, in order; silence or noise alone gives []."""
    endpointer = endpointer or Endpointer(options)
    endpointer.reset()
    options = endpointer.options
    tail = np.zeros(PIPELINE_RATE * (options.min_silence_ms + 100) // 1000, dtype=np.float32)
    pcm = float_to_int16(np.concatenate([samples.astype(np.float32), tail]))
    found: list[Utterance] = []
    start_ms: float | None = None
    for offset in range(0, len(pcm), _CHUNK):
        chunk = AudioChunk.from_samples(pcm[offset:offset + _CHUNK], PIPELINE_RATE, 1000.0 * offset / PIPELINE_RATE)
        for event in endpointer.process(chunk):
            if event.type is VadEventType.SPEECH_START:
                start_ms = event.timestamp_ms
            elif start_ms is not None:
                found.append(_cut(samples, start_ms, event.timestamp_ms, options.speech_pad_ms, event.forced))
                start_ms = None
    return found


def _cut(samples: np.ndarray, start_ms: float, end_ms: float, pad_ms: int, forced: bool) -> Utterance:
    first = max(0, int((start_ms - pad_ms) * PIPELINE_RATE / 1000))
    last = min(len(samples), int((end_ms + pad_ms) * PIPELINE_RATE / 1000))
    return Utterance(start_ms, end_ms, samples[first:last].astype(np.float32), forced)
