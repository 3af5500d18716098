"""WAV files: read any-rate PCM (bounded length, clear errors), write 16-bit mono, and a WAV source/sink."""

from __future__ import annotations

import asyncio
import logging
import time
import wave
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speech.audio import float_to_int16, pcm_to_float, resample, to_mono
from speech.errors import AudioFormatError
from speech.protocols import PIPELINE_RATE, AudioChunk

_LOGGER = logging.getLogger(__name__)

MAX_WAV_SECONDS = 600.0
"""Recordings longer than this are refused (10 minutes)."""


@dataclass(frozen=True, slots=True)
class WavAudio:
    rate: int
    channels: int
    width: int
    samples: np.ndarray
    """float32 in [-1, 1], shape [frames, channels]."""

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.rate

    def to_pipeline(self) -> np.ndarray:
        """float32 mono at 16 kHz."""
        return resample(to_mono(self.samples), self.rate, PIPELINE_RATE)


def read_wav(path: str | Path, max_seconds: float = MAX_WAV_SECONDS) -> WavAudio:
    """Read a PCM WAV (8/16/24/32-bit, any rate, any channel count); AudioFormatError says what is wrong."""
    path = Path(path)
    _check_riff(path)
    try:
        with wave.open(str(path), "rb") as wav:
            rate, channels, width, frames = wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getnframes()
            _check_header(path, rate, channels, width)
            if frames / rate > max_seconds:
                raise AudioFormatError(
                    f"{path}: recording is {frames / rate / 60:.1f} min long; the limit is {max_seconds / 60:.1f} min")
            data = wav.readframes(frames)
    except (wave.Error, EOFError) as err:
        raise AudioFormatError(f"{path}: not a readable PCM WAV file ({_explain(err)})") from None
    got = len(data) // (width * channels)
    if got < frames:
        _LOGGER.warning("%s: header promises %d frames but only %d are present; using those", path, frames, got)
    return WavAudio(rate, channels, width, pcm_to_float(data, width, channels))


def _check_riff(path: Path) -> None:
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except FileNotFoundError:
        raise AudioFormatError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AudioFormatError(f"{path}: is a directory, not a WAV file") from None
    except OSError as err:
        raise AudioFormatError(f"{path}: cannot be read ({err.strerror})") from None
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise AudioFormatError(f"{path}: not a WAV file (it does not start with a RIFF/WAVE header)")


def _check_header(path: Path, rate: int, channels: int, width: int) -> None:
    if not 4000 <= rate <= 192000:
        raise AudioFormatError(f"{path}: sample rate {rate} Hz is not supported (4000-192000 Hz)")
    if not 1 <= channels <= 8:
        raise AudioFormatError(f"{path}: {channels} channels are not supported (1-8)")
    if width not in (1, 2, 3, 4):
        raise AudioFormatError(f"{path}: {8 * width}-bit samples are not supported (8, 16, 24 or 32-bit PCM)")


def _explain(err: BaseException) -> str:
    message = str(err) or type(err).__name__
    if "unknown format" in message:
        return f"{message}; only integer PCM is supported, not float or compressed audio"
    if isinstance(err, EOFError):
        return "the file ends inside its header"
    return message


def write_wav(path: str | Path, samples: np.ndarray, rate: int) -> None:
    """Write mono samples (int16, or float in [-1, 1]) as a 16-bit PCM WAV."""
    if samples.dtype != np.int16:
        samples = float_to_int16(np.asarray(samples, dtype=np.float32))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())


def write_chunks(path: str | Path, chunks: Iterable[AudioChunk]) -> int:
    """Write 16-bit mono chunks of one rate to a WAV; returns the number of frames written."""
    frames = 0
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        rate = None
        for chunk in chunks:
            if rate is None:
                rate = chunk.rate
                wav.setframerate(rate)
            elif chunk.rate != rate:
                raise ValueError(f"chunks mix sample rates {rate} and {chunk.rate}")
            wav.writeframes(chunk.audio)
            frames += chunk.frames
        if rate is None:
            wav.setframerate(PIPELINE_RATE)
    return frames


class WavSource:
    """An AudioSource over a WAV file: converted once to 16 kHz mono, then yielded in short chunks.

    realtime=True paces the chunks like a microphone would deliver them.
    """

    source_name = "wav"

    def __init__(self, path: str | Path, chunk_ms: int = 32, realtime: bool = False,
                 max_seconds: float = MAX_WAV_SECONDS, tail_silence_ms: int = 1000) -> None:
        self.path = Path(path)
        self.samples = read_wav(self.path, max_seconds).to_pipeline()
        self.chunk_frames = PIPELINE_RATE * chunk_ms // 1000
        self.realtime = realtime
        self.tail_silence_ms = tail_silence_ms
        """Silence appended so that an utterance running to the very end of the file is still endpointed."""

    @classmethod
    def from_samples(cls, samples: np.ndarray, chunk_ms: int = 32, realtime: bool = False,
                     tail_silence_ms: int = 1000) -> WavSource:
        """A source over float32 16 kHz mono samples already in memory (tests, benchmarks)."""
        source = cls.__new__(cls)
        source.path = Path("<memory>")
        source.samples = samples.astype(np.float32)
        source.chunk_frames = PIPELINE_RATE * chunk_ms // 1000
        source.realtime = realtime
        source.tail_silence_ms = tail_silence_ms
        return source

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        pad = np.zeros(PIPELINE_RATE * self.tail_silence_ms // 1000, dtype=np.float32)
        samples = float_to_int16(np.concatenate([self.samples, pad]))
        started = time.perf_counter()
        for start in range(0, len(samples), self.chunk_frames):
            timestamp_ms = 1000.0 * start / PIPELINE_RATE
            if self.realtime:  # a microphone delivers a chunk once its last sample is captured
                end = min(len(samples), start + self.chunk_frames)
                delay = started + end / PIPELINE_RATE - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            else:
                await asyncio.sleep(0)
            yield AudioChunk.from_samples(samples[start:start + self.chunk_frames], PIPELINE_RATE, timestamp_ms)

    async def close(self) -> None:
        return None


class WavSink:
    """An AudioSink that collects every reply and writes them to one WAV, 0.4 s of silence between replies."""

    def __init__(self, path: str | Path | None = None, gap_ms: int = 400) -> None:
        self.path = Path(path) if path is not None else None
        self.gap_ms = gap_ms
        self.chunks: list[AudioChunk] = []
        self.replies = 0
        self.first_write_at: float | None = None

    def write(self, chunk: AudioChunk) -> None:
        if self.first_write_at is None:
            self.first_write_at = time.perf_counter()
        self.chunks.append(chunk)

    def end(self) -> None:
        self.replies += 1
        if self.chunks:
            rate = self.chunks[-1].rate
            self.chunks.append(AudioChunk.from_samples(np.zeros(rate * self.gap_ms // 1000, np.int16), rate))

    def samples(self) -> np.ndarray:
        if not self.chunks:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate([c.samples() for c in self.chunks])

    def save(self) -> None:
        """Write the replies to `path` (if one was given)."""
        if self.path is not None:
            write_chunks(self.path, self.chunks)
