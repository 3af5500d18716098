"""PCM decoding, mono mixing and resampling."""

from __future__ import annotations

import numpy as np
import pytest

from speech.audio import StreamResampler, pcm_to_float, resample, to_mono, to_pipeline_samples
from speech.protocols import AudioChunk, normalize_transcript


def test_pcm_widths_decode_to_the_same_values() -> None:
    assert pcm_to_float(bytes([0, 128, 255]), 1, 1)[:, 0].tolist() == [-1.0, 0.0, 127 / 128]
    assert pcm_to_float(np.array([-32768, 0, 16384], "<i2").tobytes(), 2, 1)[:, 0].tolist() == [-1.0, 0.0, 0.5]
    three = bytes([0x00, 0x00, 0x80, 0x00, 0x00, 0x40])  # -2^23, +2^22
    assert pcm_to_float(three, 3, 1)[:, 0].tolist() == [-1.0, 0.5]
    assert pcm_to_float(np.array([-(2 ** 31), 2 ** 30], "<i4").tobytes(), 4, 1)[:, 0].tolist() == [-1.0, 0.5]
    with pytest.raises(ValueError, match="sample width"):
        pcm_to_float(b"\0" * 10, 5, 1)


def test_stereo_is_averaged_to_mono() -> None:
    frames = pcm_to_float(np.array([16384, 0, -16384, -16384], "<i2").tobytes(), 2, 2)
    assert frames.shape == (2, 2)
    assert to_mono(frames).tolist() == [0.25, -0.5]


@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000])
def test_resampling_keeps_pitch_and_duration(rate: int) -> None:
    tone = np.sin(2 * np.pi * 440 * np.arange(rate) / rate).astype(np.float32)
    out = resample(tone, rate, 16000)
    assert len(out) == 16000
    spectrum = np.abs(np.fft.rfft(out[1000:15000]))
    peak_hz = np.argmax(spectrum) * 16000 / len(out[1000:15000])
    assert abs(peak_hz - 440) < 3


def test_downsampling_filters_out_what_16khz_cannot_hold() -> None:
    tone = np.sin(2 * np.pi * 12000 * np.arange(48000) / 48000).astype(np.float32)  # above 8 kHz Nyquist
    assert np.sqrt(np.mean(resample(tone, 48000, 16000)[100:-100] ** 2)) < 0.05


def test_stream_resampler_matches_whole_file_resampling() -> None:
    rate = 44100
    signal = (np.sin(2 * np.pi * 300 * np.arange(rate) / rate) * 0.5).astype(np.float32)
    whole = resample(signal, rate, 16000)
    resampler = StreamResampler(rate)
    parts = [resampler.process(AudioChunk.from_samples(signal[i:i + 1411], rate)).samples()
             for i in range(0, rate, 1411)]
    streamed = np.concatenate(parts).astype(np.float32) / 32768
    n = len(streamed) - 50
    assert n > 15900
    assert np.abs(streamed[50:n] - whole[50:n]).max() < 1e-3


def test_any_pcm_to_pipeline_samples() -> None:
    stereo = np.zeros((44100, 2), dtype="<i2")
    stereo[:, 0] = 8192
    out = to_pipeline_samples(stereo.tobytes(), 44100, 2, 2)
    assert len(out) == 16000
    assert abs(float(np.median(out)) - 0.125) < 1e-3


def test_chunk_properties() -> None:
    chunk = AudioChunk.from_samples(np.zeros(480, np.int16), 16000, timestamp_ms=100.0)
    assert (chunk.frames, chunk.duration_ms, chunk.end_ms) == (480, 30.0, 130.0)


def test_transcripts_are_compared_without_case_or_punctuation() -> None:
    assert normalize_transcript(" Turn off the Kitchen lights. ") == "turn off the kitchen lights"
    assert normalize_transcript("Set it to 50%, please!") == "set it to 50% please"
