"""Reading and writing WAV files: formats, bounds and clear errors."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from speech.errors import AudioFormatError, SpeechError
from speech.protocols import AudioChunk
from speech.wavfile import WavSink, WavSource, read_wav, write_wav


def _write_raw(path: Path, frames: np.ndarray, rate: int, width: int = 2) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1 if frames.ndim == 1 else frames.shape[1])
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(frames.tobytes())
    return path


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    samples = np.array([0, 1000, -1000, 32767, -32768], dtype=np.int16)
    write_wav(tmp_path / "a.wav", samples, 16000)
    audio = read_wav(tmp_path / "a.wav")
    assert (audio.rate, audio.channels, audio.width) == (16000, 1, 2)
    assert np.array_equal(np.round(audio.samples[:, 0] * 32768).astype(np.int16), samples)


def test_stereo_44k_becomes_16k_mono(tmp_path: Path) -> None:
    frames = np.zeros((44100 * 2, 2), dtype="<i2")
    frames[:, 0], frames[:, 1] = 10000, 0
    audio = read_wav(_write_raw(tmp_path / "s.wav", frames, 44100))
    assert (audio.rate, audio.channels, round(audio.duration_s, 3)) == (44100, 2, 2.0)
    mono = audio.to_pipeline()
    assert len(mono) == 32000
    assert abs(float(np.median(mono)) - 5000 / 32768) < 1e-3


def test_text_file_is_not_a_wav(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("turn off the lights\n")
    with pytest.raises(AudioFormatError, match="not a WAV file"):
        read_wav(path)


def test_truncated_header_is_reported(tmp_path: Path) -> None:
    good = _write_raw(tmp_path / "g.wav", np.zeros(1600, "<i2"), 16000)
    bad = tmp_path / "t.wav"
    bad.write_bytes(good.read_bytes()[:30])
    with pytest.raises(AudioFormatError, match="not a readable PCM WAV"):
        read_wav(bad)


def test_float_wav_is_refused_with_a_reason(tmp_path: Path) -> None:
    data = np.zeros(100, dtype="<f4").tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, 16000, 64000, 4, 32)  # WAVE_FORMAT_IEEE_FLOAT
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path = tmp_path / "f.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    with pytest.raises(AudioFormatError, match="only integer PCM"):
        read_wav(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(AudioFormatError, match="no such file"):
        read_wav(tmp_path / "nope.wav")
    with pytest.raises(AudioFormatError, match="directory"):
        read_wav(tmp_path)


def test_errors_are_speech_errors() -> None:
    from hub.core.errors import HearthError
    assert issubclass(AudioFormatError, SpeechError) and issubclass(SpeechError, HearthError)


def test_a_very_long_recording_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = _write_raw(tmp_path / "long.wav", np.zeros(4000 * 601, "<i2"), 4000)  # 10 min 1 s at 4 kHz
    with pytest.raises(AudioFormatError, match=r"10\.0 min long; the limit is 10\.0 min"):
        read_wav(path)
    with pytest.raises(AudioFormatError, match="limit is 0.5 min"):
        read_wav(_write_raw(tmp_path / "short.wav", np.zeros(4000 * 31, "<i2"), 4000), max_seconds=30)


def test_eight_bit_and_24_bit_pcm_are_read(tmp_path: Path) -> None:
    eight = read_wav(_write_raw(tmp_path / "8.wav", np.array([0, 128, 255], np.uint8), 8000, width=1))
    assert eight.samples[:, 0].tolist() == [-1.0, 0.0, 127 / 128]
    raw = np.frombuffer(bytes([0, 0, 0x40, 0, 0, 0xC0]), np.uint8)
    twenty_four = read_wav(_write_raw(tmp_path / "24.wav", raw, 8000, width=3))
    assert twenty_four.samples[:, 0].tolist() == [0.5, -0.5]


async def test_wav_source_yields_timed_chunks_and_tail_silence(tmp_path: Path) -> None:
    write_wav(tmp_path / "a.wav", np.full(16000, 1000, np.int16), 16000)
    source = WavSource(tmp_path / "a.wav", chunk_ms=32, tail_silence_ms=500)
    chunks = [c async for c in source.chunks()]
    assert chunks[1].timestamp_ms == 32.0 and chunks[0].rate == 16000
    assert sum(c.frames for c in chunks) == 16000 + 8000
    assert chunks[-1].samples().max() == 0


def test_wav_sink_separates_replies(tmp_path: Path) -> None:
    sink = WavSink(tmp_path / "out.wav", gap_ms=100)
    sink.write(AudioChunk.from_samples(np.ones(1000, np.int16), 22050))
    sink.end()
    sink.write(AudioChunk.from_samples(np.ones(500, np.int16), 22050))
    sink.end()
    sink.save()
    audio = read_wav(tmp_path / "out.wav")
    assert audio.rate == 22050 and len(audio.samples) == 1000 + 2205 + 500 + 2205
