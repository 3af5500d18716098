"""piper with the en_US-joe-medium voice: streaming per sentence, lead-in, WAV output, round trip."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from speech.audio import resample
from speech.protocols import normalize_transcript
from speech.stt import WhisperStt
from speech.tts import PiperTts, split_first_clause
from speech.wavfile import read_wav


def test_one_chunk_per_sentence_and_the_first_comes_early(tts: PiperTts) -> None:
    text = "The kitchen lights are off. The vacuum has started. It is twenty one degrees in the living room."
    started = time.perf_counter()
    stream = tts.synthesize_stream(text)
    first = next(stream)
    first_at = time.perf_counter() - started
    rest = list(stream)
    total = time.perf_counter() - started
    assert len(rest) == 2
    assert first_at < total  # audio is available before the whole reply is synthesised
    assert first.rate == tts.sample_rate == 22050 and first.width == 2 and first.channels == 1
    assert rest[0].timestamp_ms == first.end_ms


def test_first_chunk_starts_with_lead_in_silence_then_speech(tts: PiperTts) -> None:
    first = next(tts.synthesize_stream("Turn on the lamp."))
    samples = first.samples()
    lead = tts.sample_rate * tts.options.lead_in_ms // 1000
    assert not samples[:lead].any()
    assert np.abs(samples[lead:lead + tts.sample_rate // 2]).max() > 3000


def test_blank_text_yields_nothing(tts: PiperTts) -> None:
    assert list(tts.synthesize_stream("   ")) == []


def test_synthesize_wav_round_trips_through_whisper(tts: PiperTts, stt: WhisperStt, tmp_path: Path) -> None:
    seconds = tts.synthesize_wav("Turned off the kitchen lights.", tmp_path / "reply.wav")
    audio = read_wav(tmp_path / "reply.wav")
    assert audio.rate == 22050 and abs(audio.duration_s - seconds) < 1e-6 and seconds > 1.0
    heard = stt.transcribe(resample(audio.samples[:, 0], audio.rate, 16000))
    assert heard.text == "Turned off the kitchen lights."


def test_a_long_first_sentence_is_spoken_clause_by_clause(tts: PiperTts, stt: WhisperStt) -> None:
    assert split_first_clause("Okay, done.") == ["Okay, done."]
    text = "The kitchen lights are off, and the vacuum has started."
    chunks = list(tts.synthesize_stream(text))
    assert len(chunks) == 2
    whole = np.concatenate([c.samples() for c in chunks]).astype(np.float32) / 32768
    assert stt.transcribe(resample(whole, tts.sample_rate, 16000)).normalized == normalize_transcript(text)
