"""Kokoro's voices speaking English: phonemes from the CMU dictionary (flite for the rest), the real int8
model, and speech that whisper hears as what was meant."""

from __future__ import annotations

import numpy as np
import pytest

from speech import sounds
from speech.errors import ModelLoadError
from speech.kokoro import KokoroVoice, phonemes
from speech.stt import WhisperStt


def test_dictionary_words_keep_their_stress_and_unknown_words_are_read_by_flite() -> None:
    assert phonemes("Hey Jarvis, lock the door!") == "hˈA ʤˈɑɹvəs, lˈɑk ðə dˈɔɹ!"
    assert phonemes("set it to 21") == "sˈɛt ˈɪt tˈu twˈɛntiwɑn"  # no dictionary word: flite says twenty one
    assert phonemes("zorblax") == "zˈɔɹblæks"  # made up: letter-to-sound, stressed on its first vowel


def test_a_voice_is_a_blend_of_style_vectors_at_a_speed() -> None:
    assert KokoroVoice.parse("jf_alpha") == KokoroVoice((("jf_alpha", 1.0),), 1.0)
    assert KokoroVoice.parse("jf_alpha+jm_kumo@1.2") == KokoroVoice((("jf_alpha", 0.5), ("jm_kumo", 0.5)), 1.2)
    for bad in ("jf_bogus", "jf_alpha@fast", "jf_alpha+"):
        with pytest.raises(ModelLoadError, match="Kokoro voice"):
            KokoroVoice.parse(bad)


def test_each_voice_says_a_command_whisper_understands_and_the_voices_differ(stt: WhisperStt) -> None:
    said = {voice: sounds.speak("Turn off the kitchen lights.", voice)
            for voice in ("kokoro-jf_gongitsune", "kokoro-jm_kumo", "kokoro-jf_nezumi+jm_kumo@1.2")}
    for voice, audio in said.items():
        assert audio.dtype == np.float32 and 0.8 < len(audio) / sounds.RATE < 4.0, voice
        heard = stt.transcribe(audio).text.lower()
        assert "kitchen light" in heard and "off" in heard, (voice, heard)
    assert len({len(audio) for audio in said.values()}) == 3  # three speakers, not one three times
    again = sounds.speak("Turn off the kitchen lights.", "kokoro-jm_kumo")
    assert np.array_equal(again, said["kokoro-jm_kumo"])  # seeded training data needs the same audio each time


def test_wake_training_adds_the_kokoro_voices_only_when_asked() -> None:
    from speech.wake_train import _voices

    shipped, more = _voices(), _voices(with_kokoro=True)
    assert len(shipped) == 33 and len(more) == 48  # the shipped recipe is unchanged, so it still reproduces
    said = more[-1]("Hey Jarvis.")  # the last: a blend of two style vectors
    assert said.dtype == np.float32 and 0.4 < len(said) / sounds.RATE < 2.0 and np.abs(said).max() > 0.05
