"""Audio formats: PCM widths, stereo -> mono, resampling with numpy, conversion to the pipeline format."""

from __future__ import annotations

import numpy as np

from speech.protocols import PIPELINE_RATE, AudioChunk

_FIR_TAPS = 63


def pcm_to_float(audio: bytes, width: int, channels: int) -> np.ndarray:
    """Interleaved signed PCM (unsigned for 8-bit) -> float32 in [-1, 1], shape [frames, channels]."""
    if width == 1:
        data = (np.frombuffer(audio, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        data = np.frombuffer(audio, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 3:
        raw = np.frombuffer(audio, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        value = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        data = value.astype(np.float32) / float(1 << 23)
    elif width == 4:
        data = np.frombuffer(audio, dtype="<i4").astype(np.float32) / float(1 << 31)
    else:
        raise ValueError(f"unsupported sample width {width} bytes; 1-4 are allowed")
    usable = len(data) - len(data) % channels
    return data[:usable].reshape(-1, channels)


def to_mono(frames: np.ndarray) -> np.ndarray:
    """[frames, channels] -> [frames] by averaging the channels."""
    return frames[:, 0] if frames.shape[1] == 1 else frames.mean(axis=1, dtype=np.float32)


def float_to_int16(samples: np.ndarray) -> np.ndarray:
    return np.clip(np.round(samples * 32767.0), -32768, 32767).astype(np.int16)


def lowpass_fir(cutoff: float, taps: int = _FIR_TAPS) -> np.ndarray:
    """Hann-windowed sinc low-pass; cutoff as a fraction of the sample rate (0 < cutoff < 0.5)."""
    n = np.arange(taps) - (taps - 1) / 2
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hanning(taps)
    return (kernel / kernel.sum()).astype(np.float32)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Mono float32 resampling: anti-alias low-pass when going down, then linear interpolation."""
    if from_rate == to_rate or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    if to_rate < from_rate:
        samples = np.convolve(samples, lowpass_fir(0.45 * to_rate / from_rate), mode="same")
    out_len = round(len(samples) * to_rate / from_rate)
    positions = np.arange(out_len, dtype=np.float64) * (from_rate / to_rate)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def to_pipeline_samples(audio: bytes, rate: int, width: int, channels: int) -> np.ndarray:
    """Any PCM -> float32 mono at 16 kHz."""
    return resample(to_mono(pcm_to_float(audio, width, channels)), rate, PIPELINE_RATE)


def chunk_to_float(chunk: AudioChunk) -> np.ndarray:
    """A 16 kHz mono 16-bit chunk -> float32 samples in [-1, 1]."""
    return np.frombuffer(chunk.audio, dtype="<i2").astype(np.float32) / 32768.0


class StreamResampler:
    """Converts a stream of chunks of one format to 16 kHz mono 16-bit, keeping filter and phase state
    across chunk boundaries so a live microphone at 44.1/48 kHz resamples without clicks."""

    def __init__(self, rate: int, to_rate: int = PIPELINE_RATE) -> None:
        self.rate = rate
        self.to_rate = to_rate
        self._kernel = lowpass_fir(0.45 * to_rate / rate) if to_rate < rate else None
        self._history = np.zeros(0, dtype=np.float32)
        self._next_pos = 0.0  # position of the next output sample, in input samples since _history[0]

    def process(self, chunk: AudioChunk) -> AudioChunk:
        mono = to_mono(pcm_to_float(chunk.audio, chunk.width, chunk.channels))
        if self.rate == self.to_rate:
            return AudioChunk.from_samples(float_to_int16(mono), self.to_rate, chunk.timestamp_ms)
        return AudioChunk.from_samples(float_to_int16(self._resample(mono)), self.to_rate, chunk.timestamp_ms)

    def _resample(self, mono: np.ndarray) -> np.ndarray:
        half = _FIR_TAPS // 2 if self._kernel is not None else 0
        buffer = np.concatenate([self._history, mono])
        if self._kernel is not None:
            filtered = np.convolve(buffer, self._kernel, mode="same")
        else:
            filtered = buffer
        usable = len(buffer) - half  # the last `half` samples still lack right context
        step = self.rate / self.to_rate
        positions = np.arange(self._next_pos, usable - 1, step)
        out = np.interp(positions, np.arange(len(buffer)), filtered).astype(np.float32)
        keep_from = max(0, int(positions[-1] if len(positions) else self._next_pos) - 2 * half - 1)
        next_pos = (positions[-1] + step) if len(positions) else self._next_pos
        self._history = buffer[keep_from:]
        self._next_pos = next_pos - keep_from
        return out
