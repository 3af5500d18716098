"""Messages and seams of the speech pipeline: audio chunks, detections, transcripts, and the stage Protocols."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

import numpy as np

from hub.core.seams import Judgement, ReadingJudge

PIPELINE_RATE = 16000
"""Every stage after the source works on 16 kHz, 16-bit, mono audio."""


@dataclass(frozen=True, slots=True)
class AudioFormat:
    rate: int
    """Samples per second per channel."""
    width: int = 2
    """Bytes per sample (2 = 16-bit PCM)."""
    channels: int = 1

    @property
    def bytes_per_second(self) -> int:
        return self.rate * self.width * self.channels


PIPELINE_FORMAT = AudioFormat(PIPELINE_RATE, 2, 1)


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """A run of interleaved signed little-endian PCM audio and where it starts in its stream."""

    rate: int
    width: int
    channels: int
    audio: bytes
    timestamp_ms: float = 0.0
    """Position of the first sample, in ms from the start of the stream."""

    @property
    def format(self) -> AudioFormat:
        return AudioFormat(self.rate, self.width, self.channels)

    @property
    def frames(self) -> int:
        return len(self.audio) // (self.width * self.channels)

    @property
    def duration_ms(self) -> float:
        return 1000.0 * self.frames / self.rate

    @property
    def end_ms(self) -> float:
        return self.timestamp_ms + self.duration_ms

    def samples(self) -> np.ndarray:
        """16-bit samples, shape [frames] for mono or [frames, channels]; only for width 2."""
        if self.width != 2:
            raise ValueError(f"samples() needs 16-bit audio, not {8 * self.width}-bit")
        data = np.frombuffer(self.audio, dtype="<i2")
        return data if self.channels == 1 else data.reshape(-1, self.channels)

    @classmethod
    def from_samples(cls, samples: np.ndarray, rate: int, timestamp_ms: float = 0.0) -> AudioChunk:
        """Mono int16 samples (or floats in [-1, 1]) -> a 16-bit mono chunk."""
        if samples.dtype != np.int16:
            samples = np.clip(np.asarray(samples, dtype=np.float32) * 32767.0, -32768, 32767).astype(np.int16)
        return cls(rate, 2, 1, samples.astype("<i2").tobytes(), timestamp_ms)


@dataclass(frozen=True, slots=True)
class WakeDetection:
    word: str
    """Id of the wake word model, e.g. 'hey_jarvis'."""
    timestamp_ms: float
    """Stream position at which the detector fired (just after the wake word ends)."""
    phrase: str = ""
    """How the word is spoken, e.g. 'Hey Jarvis'."""


class VadEventType(str, Enum):
    SPEECH_START = "speech_start"
    SPEECH_PAUSE = "speech_pause"
    """Speech has paused for a moment and may be over: a cue to start transcribing speculatively."""
    SPEECH_RESUME = "speech_resume"
    """Speech went on after a SPEECH_PAUSE: what was transcribed at the pause is not the whole utterance."""
    SPEECH_END = "speech_end"


@dataclass(frozen=True, slots=True)
class VadEvent:
    type: VadEventType
    timestamp_ms: float
    """Stream position where speech started / ended (the audio itself, not when it was decided)."""
    decided_ms: float = 0.0
    """Stream position at which the endpointer could decide (end: after the trailing silence)."""
    forced: bool = False
    """An end forced by the maximum utterance length rather than by silence."""


@dataclass(frozen=True, slots=True)
class Transcript:
    text: str
    """Text as the recogniser wrote it, e.g. 'Turn off the kitchen lights.'"""
    language: str = "en"
    audio_ms: float = 0.0
    """Length of the transcribed audio."""
    no_speech_prob: float = 0.0
    segments: tuple[str, ...] = field(default=())
    alternatives: tuple[str, ...] = field(default=())
    """Other readings that were weighed (see `SpeechToText.transcribe`)."""
    first_best: str | None = None
    """The recogniser's own best reading, when one meaning something else was chosen over it."""
    score: float | None = None
    """Mean log-probability per token of `text`, where the recogniser gives one."""
    judgement: Judgement | None = None
    """What `text` means and how probable that meaning is given the audio (the recogniser's readings weighed
    by the judge, see `speech.stt.choose`); None when no judge was asked or nothing was understood."""
    passes: int = 1
    """How many models listened: 2 when a doubtful meaning was heard again by a second one."""

    @property
    def normalized(self) -> str:
        return normalize_transcript(self.text)

    def heard_surely(self, min_score: float | None) -> bool:
        """Heard well enough to act on: the recogniser's mean log-probability per token of `text` is at least
        `min_score` (always, with None or where it gives no score)."""
        return min_score is None or self.score is None or self.score >= min_score

    def to_dict(self) -> dict[str, Any]:
        data = {"text": self.text, "language": self.language, "audio_ms": round(self.audio_ms, 1),
                "no_speech_prob": round(self.no_speech_prob, 4)}
        if self.score is not None:
            data["score"] = round(self.score, 3)
        if self.first_best is not None:
            data["first_best"] = self.first_best
        if self.alternatives:
            data["alternatives"] = list(self.alternatives)
        if self.judgement is not None:
            data["confidence"] = round(self.judgement.confidence, 3)
        if self.passes > 1:
            data["passes"] = self.passes
        return data


def normalize_transcript(text: str) -> str:
    """Lower case, punctuation dropped, single spaces: 'Turn off the lights.' -> 'turn off the lights'."""
    kept = "".join(c if (c.isalnum() or c in " '%") else " " for c in text.casefold())
    return " ".join(kept.replace("'", "").split())


class AudioSource(Protocol):
    """Yields audio chunks until the recording or stream ends (any rate, width 2, mono or stereo)."""

    source_name: str
    """'wav', 'mic', ... as the trace's "source" field."""

    def chunks(self) -> AsyncIterator[AudioChunk]: ...

    async def close(self) -> None: ...

    # A live source may also offer discard_pending(): the pipeline calls it after each reply so that audio
    # captured while Hearth was busy (its own voice) is not taken as the next command.


class WakeDetector(Protocol):
    """Fed 16 kHz mono 16-bit chunks; returns a detection when the wake word has just been heard."""

    word: str

    def process(self, chunk: AudioChunk) -> WakeDetection | None: ...

    def reset(self) -> None: ...


class Vad(Protocol):
    """Streaming endpointer over 16 kHz mono 16-bit chunks: reports where speech starts and ends."""

    def process(self, chunk: AudioChunk) -> list[VadEvent]: ...

    def reset(self) -> None: ...


class SpeechToText(Protocol):
    """Blocking; the pipeline calls it from a worker thread."""

    def transcribe(self, audio: np.ndarray, accept: ReadingJudge | None = None) -> Transcript:
        """audio: float32 mono samples at 16 kHz in [-1, 1]. `accept` judges a reading (how surely the home
        understands it, and what it means); a recogniser with several readings returns the one with the best
        joint interpretation, with its `judgement`."""
        ...


class TextToSpeech(Protocol):
    """Blocking generator; yields audio sentence by sentence so playback can start early."""

    sample_rate: int

    def synthesize_stream(self, text: str) -> Iterator[AudioChunk]: ...


class AudioSink(Protocol):
    """Blocking; write() may block while the device plays; end() marks the end of one reply."""

    def write(self, chunk: AudioChunk) -> None: ...

    def end(self) -> None: ...
