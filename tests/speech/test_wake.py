"""Wake word detection with pymicro-wakeword on generated speech."""

from __future__ import annotations

import pytest

from speech.errors import ModelLoadError
from speech.stt import WhisperStt
from speech.wake import MicroWakeDetector, WakeOptions

from .conftest import Speak, detect_wakes, join, noise, silence, with_noise


@pytest.fixture(scope="module")
def jarvis() -> MicroWakeDetector:
    return MicroWakeDetector()


@pytest.mark.parametrize("voice", ["joe", "flite"])
def test_hey_jarvis_is_detected_once_after_the_word(jarvis: MicroWakeDetector, stt: WhisperStt,
                                                    request: pytest.FixtureRequest, voice: str) -> None:
    speak: Speak = request.getfixturevalue(voice)
    audio = join(silence(1.0), speak("hey jarvis, turn on the living room lamp"), silence(1.0))
    found = detect_wakes(jarvis, audio)
    assert len(found) == 1 and found[0].word == "hey_jarvis" and found[0].phrase == "Hey Jarvis"
    cut = int(found[0].timestamp_ms * 16)
    before, after = stt.transcribe(audio[:cut]).normalized, stt.transcribe(audio[cut:]).normalized
    assert before == "hey jarvis"  # the wake word lies before the detection point...
    assert after == "turn on the living room lamp"  # ...and the command after it


def test_commands_without_the_wake_word_do_not_wake(jarvis: MicroWakeDetector, joe: Speak, flite: Speak) -> None:
    audio = join(joe("Turn off the kitchen lights."), silence(0.5), flite("open the garage door"), silence(0.5),
                 joe("What is the temperature in the living room?"))
    assert detect_wakes(jarvis, audio) == []


def test_silence_and_noise_do_not_wake(jarvis: MicroWakeDetector) -> None:
    assert detect_wakes(jarvis, join(silence(3), noise(5, 0.05), noise(5, 0.2, seed=7))) == []


def test_wake_word_in_noise(jarvis: MicroWakeDetector, joe: Speak) -> None:
    audio = with_noise(join(silence(1.0), joe("Hey Jarvis, open the garage door."), silence(0.5)), snr_db=10)
    assert len(detect_wakes(jarvis, audio)) == 1


def test_another_wake_word_ignores_hey_jarvis(joe: Speak) -> None:
    nabu = MicroWakeDetector(WakeOptions(word="okay_nabu"))
    assert nabu.word == "okay_nabu"
    assert detect_wakes(nabu, join(silence(0.5), joe("Hey Jarvis, open the garage door."), silence(0.5))) == []


def test_unknown_wake_word_is_a_clear_error() -> None:
    with pytest.raises(ModelLoadError, match="unknown wake word 'hey_toaster'.*hey_jarvis"):
        MicroWakeDetector(WakeOptions(word="hey_toaster"))


def test_a_second_wake_word_wakes_too_and_says_which(joe: Speak) -> None:
    both = MicroWakeDetector(WakeOptions(word="hey_jarvis", second_word="okay_nabu"))
    assert both.words == ("hey_jarvis", "okay_nabu")
    nabu = detect_wakes(both, join(silence(0.5), joe("Okay Nabu, open the garage door."), silence(0.5)))
    assert [d.word for d in nabu] == ["okay_nabu"]
    both.reset()
    jarvis = detect_wakes(both, join(silence(0.5), joe("Hey Jarvis, open the garage door."), silence(0.5)))
    assert [d.word for d in jarvis] == ["hey_jarvis"]


def test_a_second_wake_word_that_repeats_the_first_is_refused() -> None:
    with pytest.raises(ModelLoadError, match="repeats"):
        MicroWakeDetector(WakeOptions(word="alexa", second_word="alexa"))


def test_probabilities_peak_on_the_wake_word_only(joe: Speak) -> None:
    from speech.wake import probabilities

    audio = join(silence(1.0), joe("Turn off the kitchen lights."), silence(1.0), joe("Hey Jarvis."), silence(0.5))
    steps = list(probabilities("hey_jarvis", audio))
    split = (len(audio) - len(joe("Hey Jarvis.")) - 8000) / 16000  # where the wake word starts, in seconds
    before = max(p for t, p in steps if t < split)
    after = max(p for t, p in steps if t >= split)
    assert after > 0.9 > before
