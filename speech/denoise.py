"""Spectral subtraction: a second listen to a noisy command whose first reading is doubtful.

The noise floor is estimated per frequency from the quietest frames of the utterance itself (the pause
before and after speech that the endpointer keeps), so it needs no separate noise sample.
"""

from __future__ import annotations

import numpy as np

N_FFT = 512
"""32 ms frames at 16 kHz."""
HOP = 128
NOISE_PERCENTILE = 10
"""Per frequency, the power below which this share of frames lies estimates the noise floor ..."""
PERCENTILE_TO_MEAN = 9.5
"""... scaled to its mean: noise power in one bin is exponentially distributed, its 10th percentile is
-ln(0.9) = 0.105 of its mean."""


CLEAN_SNR_DB = 30.0
"""Above this signal-to-noise ratio there is nothing worth suppressing."""


def snr_db(audio: np.ndarray) -> float:
    """Rough signal-to-noise ratio of an utterance: all its power against its estimated noise floor."""
    audio = np.asarray(audio, dtype=np.float32)
    if len(audio) < N_FFT:
        return float("inf")
    _, power, noise = _spectra(audio)
    signal, floor = float(power.mean()), float(noise.mean())
    return float("inf") if floor <= 1e-12 * max(signal, 1e-12) else 10.0 * np.log10(max(signal / floor, 1e-12))


def _spectra(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(complex spectrum per frame, power, noise floor per frequency) of zero-padded audio."""
    padded = np.concatenate([np.zeros(N_FFT, np.float32), audio, np.zeros(N_FFT + HOP, np.float32)])
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP] * _window()
    spectrum = np.fft.rfft(frames, axis=1)
    power = np.abs(spectrum) ** 2
    return spectrum, power, PERCENTILE_TO_MEAN * np.percentile(power, NOISE_PERCENTILE, axis=0, keepdims=True)


def _window() -> np.ndarray:
    return np.hanning(N_FFT).astype(np.float32)


OVER_SUBTRACTION = 2.0
"""Subtract twice the estimated noise power (how it was chosen: docs/benchmarks.md)."""


def suppress_noise(audio: np.ndarray, over_subtraction: float = OVER_SUBTRACTION, floor: float = 0.1) -> np.ndarray:
    """float32 mono samples -> the same length with stationary noise (hiss, hum, fans) turned down."""
    audio = np.asarray(audio, dtype=np.float32)
    if len(audio) < N_FFT:
        return audio
    spectrum, power, noise = _spectra(audio)
    window = _window()
    gain = np.maximum(1.0 - over_subtraction * noise / np.maximum(power, 1e-12), floor)
    gain = 0.25 * np.roll(gain, 1, axis=0) + 0.5 * gain + 0.25 * np.roll(gain, -1, axis=0)  # less musical noise
    cleaned = np.fft.irfft(spectrum * gain, n=N_FFT, axis=1).astype(np.float32) * window
    size = len(audio) + 2 * N_FFT + HOP
    out = np.zeros(size, np.float32)
    weight = np.zeros(size, np.float32)
    for i, frame in enumerate(cleaned):
        out[i * HOP:i * HOP + N_FFT] += frame
        weight[i * HOP:i * HOP + N_FFT] += window ** 2
    return (out / np.maximum(weight, 1e-6))[N_FFT:N_FFT + len(audio)]
