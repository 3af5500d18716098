"""The voice bench's audio cache: a text is synthesised once and read back, so two runs hear the same audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bench.voice_bench import Voices


def test_with_an_audio_cache_each_text_is_said_once_and_read_back(tmp_path: Path) -> None:
    """joe-slow is piper with its sampling noise on: said twice afresh it differs, read back it does not."""
    voices, fresh = Voices(tmp_path), Voices()
    try:
        first, again = voices.speak("turn on the lamp", "joe-slow"), voices.speak("turn on the lamp", "joe-slow")
        other, another = fresh.speak("turn on the lamp", "joe-slow"), fresh.speak("turn on the lamp", "joe-slow")
    finally:
        voices.close()
        fresh.close()
    assert [p.parent.name for p in tmp_path.rglob("*.npy")] == ["joe-slow"]
    assert np.array_equal(first, again) and first.dtype == np.float32 and len(first) > 8000
    assert not np.array_equal(other, another)  # what the cache is for


def test_the_held_out_voices_speak_and_differ_from_each_other() -> None:
    from speech import sounds

    said = {voice: sounds.speak("Hey Jarvis, open the garage door.", voice) for voice in sounds.HELD_OUT_VOICES}
    assert all(audio.dtype == np.float32 and 1.0 < len(audio) / sounds.RATE < 5.0 for audio in said.values())
    assert all(np.sqrt(np.mean(audio ** 2)) > 0.01 for audio in said.values())
    lengths = {len(audio) for audio in said.values()}
    assert len(lengths) == len(sounds.HELD_OUT_VOICES)  # four voices, not one voice four times


def test_the_wake_bench_scores_a_model_file_by_the_phrase_it_was_trained_on(tmp_path: Path) -> None:
    from bench.wake_bench import phrase_of
    from speech.wake_net import WEIGHTS

    assert phrase_of("hey_jarvis") == phrase_of(str(WEIGHTS / "hey_jarvis_hearth.safetensors")) == "Hey Jarvis"
    assert phrase_of(str(tmp_path / "missing.safetensors")) is None and phrase_of("hey_nobody") is None
