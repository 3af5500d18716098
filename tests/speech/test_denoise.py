"""Spectral subtraction for the second listen: noise down, speech kept."""

from __future__ import annotations

import numpy as np

from speech.denoise import CLEAN_SNR_DB, snr_db, suppress_noise

from .conftest import Speak, silence, with_noise


def _power(samples: np.ndarray) -> float:
    return float(np.mean(samples.astype(np.float64) ** 2))


def test_noise_is_turned_down_and_speech_kept(joe: Speak) -> None:
    speech = np.concatenate([silence(0.4), joe("Turn off the kitchen lights."), silence(0.4)])
    noisy = with_noise(speech, snr_db=10)
    cleaned = suppress_noise(noisy)
    assert len(cleaned) == len(noisy) and cleaned.dtype == np.float32
    pause = slice(0, int(0.3 * 16000))  # before the speech: noise only
    assert _power(cleaned[pause]) < 0.25 * _power(noisy[pause])  # at least 6 dB less noise (8 dB measured)
    error_before, error_after = _power(noisy - speech), _power(cleaned - speech)
    assert error_after < 0.8 * error_before  # closer to the clean speech than the noisy input was


def test_clean_audio_passes_through(joe: Speak) -> None:
    speech = np.concatenate([silence(0.4), joe("Open the garage door."), silence(0.4)])
    assert _power(suppress_noise(speech) - speech) < 1e-6 * _power(speech)


def test_audio_shorter_than_a_frame_is_returned_as_is() -> None:
    short = np.full(100, 0.1, dtype=np.float32)
    assert np.array_equal(suppress_noise(short), short)


def test_the_noise_level_of_an_utterance_is_estimated(joe: Speak) -> None:
    speech = np.concatenate([silence(0.4), joe("Turn off the kitchen lights."), silence(0.4)])
    assert snr_db(speech) > CLEAN_SNR_DB  # digital silence around it: nothing to suppress
    assert 3 < snr_db(with_noise(speech, snr_db=10)) < 15  # 10 dB against the loud parts of the speech
