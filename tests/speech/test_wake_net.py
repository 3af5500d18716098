"""Hearth's own wake word model: the shipped weights on generated speech, and the training that makes them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from speech.errors import ModelLoadError
from speech.wake import MicroWakeDetector, WakeOptions, load_wake_model
from speech.wake_net import WINDOW, load_wake_net

from .conftest import Speak, detect_wakes, join, noise, silence, with_noise


@pytest.fixture(scope="module")
def hearth() -> MicroWakeDetector:
    return MicroWakeDetector(WakeOptions(word="hey_jarvis_hearth"))


@pytest.mark.parametrize("voice", ["joe", "flite"])
def test_the_shipped_model_wakes_once_at_the_end_of_hey_jarvis(hearth: MicroWakeDetector,
                                                               request: pytest.FixtureRequest, voice: str) -> None:
    speak: Speak = request.getfixturevalue(voice)
    wake = speak("hey jarvis")
    audio = join(silence(1.0), wake, silence(0.3), speak("turn on the living room lamp"), silence(1.0))
    found = detect_wakes(hearth, audio)
    assert [(d.word, d.phrase) for d in found] == [("hey_jarvis_hearth", "Hey Jarvis")]
    end_of_wake_ms = 1000 * (1.0 + len(wake) / 16000)
    assert end_of_wake_ms - 400 < found[0].timestamp_ms < end_of_wake_ms + 700


def test_commands_near_misses_and_noise_do_not_wake_it(hearth: MicroWakeDetector, joe: Speak, flite: Speak) -> None:
    audio = join(joe("Turn off the kitchen lights."), silence(0.5), flite("open the garage door"), silence(0.5),
                 joe("Hey Harvey, pass me the jar."), silence(0.5), flite("Jarvis is late again."),
                 silence(1.0), noise(4, 0.05), noise(4, 0.2, seed=7))
    assert detect_wakes(hearth, audio) == []


def test_it_wakes_in_noise(hearth: MicroWakeDetector, joe: Speak) -> None:
    audio = with_noise(join(silence(1.0), joe("Hey Jarvis, open the garage door."), silence(0.5)), snr_db=10)
    assert len(detect_wakes(hearth, audio)) == 1


def test_it_can_be_the_second_wake_word_beside_a_microwakeword_model(joe: Speak) -> None:
    both = MicroWakeDetector(WakeOptions(word="okay_nabu", second_word="hey_jarvis_hearth"))
    assert both.words == ("okay_nabu", "hey_jarvis_hearth")
    found = detect_wakes(both, join(silence(1.0), joe("Hey Jarvis, open the garage door."), silence(0.5)))
    assert [d.word for d in found] == ["hey_jarvis_hearth"]


def test_a_missing_or_broken_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="no wake word model at"):
        load_wake_model(str(tmp_path / "mine.safetensors"))
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(b"not a model")
    with pytest.raises(ModelLoadError, match="could not load the wake word model"):
        load_wake_model(str(broken))


def test_training_makes_the_same_model_from_the_same_seed(tmp_path: Path) -> None:
    from speech.wake_train import WakeTrainOptions, train

    made = []
    for name in ("a", "b"):
        opts = WakeTrainOptions(out=tmp_path / f"{name}.safetensors", examples=256, epochs=1, voice_limit=2,
                                mining_minutes=0.5, mining_rounds=1)
        figures = train(opts, progress=False)
        assert figures["hard negatives"] > 0  # what the first fit woke on was found and added
        assert figures["examples"] == 256 + figures["hard negatives"] and 0 < figures["positive share"] < 0.4
        made.append(load_wake_net(opts.out)[0].state_dict())
    assert made[0].keys() == made[1].keys()
    assert all(np.array_equal(made[0][k].numpy(), made[1][k].numpy()) for k in made[0])
    detector = load_wake_model(str(tmp_path / "a.safetensors"))
    steps = [detector.process_streaming_prob(np.zeros(40, np.float32)) for _ in range(WINDOW)]
    assert all(p is None or 0.0 <= p <= 1.0 for p in steps) and sum(p is not None for p in steps) == WINDOW // 3
