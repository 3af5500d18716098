"""Spoken numbers, durations and clock times."""

import pytest

from llm.numbers import parse_duration, parse_number, parse_time, to_words


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("22", 22),
        ("twenty two", 22),
        ("twenty-two", 22),
        ("50%", 50),
        ("fifty percent", 50),
        ("19.5", 19.5),
        ("two point five", 2.5),
        ("five and a half", 5.5),
        ("three quarters", 0.75),
        ("two and three quarters", 2.75),
        ("a quarter", 0.25),
        ("a hundred", 100),
        ("one hundred and five", 105),
        ("seventy five", 75),
        ("22 degrees", 22),
        ("zero", 0),
        ("half", 0.5),
        ("kitchen", None),
        ("", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "hhmm"),
    [
        ("7:30", "07:30"),
        ("7:30 pm", "19:30"),
        ("seven thirty", "07:30"),
        ("half past six pm", "18:30"),
        ("quarter to eight", "07:45"),
        ("noon", "12:00"),
        ("midnight", "00:00"),
        ("6 o'clock", "06:00"),
        ("9 p.m.", "21:00"),
        ("seven oh five", "07:05"),
        ("6 in the morning", "06:00"),
        ("12 am", "00:00"),
        ("7am", "07:00"),
        ("half seven", "07:30"),
        ("half 6 pm", "18:30"),
        ("half ten at night", "22:30"),
        ("half", None),
        ("banana", None),
    ],
)
def test_parse_time(text: str, hhmm: str | None) -> None:
    assert parse_time(text) == hhmm


def test_durations_carry_fractions_down() -> None:
    assert parse_duration(None, "five and a half", None) == {"minutes": 5, "seconds": 30}
    assert parse_duration("half", None, None) == {"minutes": 30}
    assert parse_duration("1", "15", None) == {"hours": 1, "minutes": 15}
    assert parse_duration(None, None, "forty five") == {"seconds": 45}


@pytest.mark.parametrize("n", [0, 7, 13, 20, 22, 99, 100, 105, 250, 1000, 2700])
def test_words_round_trip(n: int) -> None:
    assert parse_number(to_words(n)) == n


def _duration_spans(text: str, *marked: tuple[str, str]) -> list[tuple[str, str]]:
    from llm.decode import Span
    from llm.values import durations_as_said

    spans = []
    for kind, said in marked:
        at = text.index(said, spans[-1].end if spans else 0)
        spans.append(Span(kind, said, 0, 0, at, at + len(said)))
    return [(s.kind, s.text) for s in durations_as_said(spans, text)]


def test_a_duration_is_in_the_unit_said_after_it() -> None:
    assert _duration_spans("three minutes for the eggs", ("hours", "three")) == [("minutes", "three")]
    assert _duration_spans("two hours for the ham", ("minutes", "two")) == [("hours", "two")]
    assert _duration_spans("timer for an hour and a half", ("hours", "an"), ("seconds", "a half")) == [
        ("hours", "an and a half")]
    assert _duration_spans("1 hour and 20 minutes", ("hours", "1"), ("minutes", "20")) == [
        ("hours", "1"), ("minutes", "20")]
    assert _duration_spans("a timer for ten", ("minutes", "ten")) == [("minutes", "ten")]  # no unit said: as marked
    assert parse_duration("an and a half", None, None) == {"hours": 1, "minutes": 30}


@pytest.mark.parametrize(("said", "text", "slots"), [
    ({"minutes": "and a half"}, "slow cooker needs an hour and a half set a timer", {"hours": 1, "minutes": 30}),
    ({"seconds": "a half"}, "a minute and a half for the noodles", {"minutes": 1, "seconds": 30}),
    ({"minutes": "half"}, "half an hour timer", {"minutes": 30}),
    ({}, "time an hour for me", {"hours": 1}),
    ({"minutes": "and a half"}, "the rest and a half please", {"minutes": 0, "seconds": 30}),  # no unit: as tagged
])
def test_a_duration_tagged_only_as_a_fraction_is_read_with_the_unit_said(said: dict[str, str], text: str,
                                                                          slots: dict[str, int]) -> None:
    """The tagger may mark only "and a half" of "an hour and a half": a span that is no more than a fraction is
    the unit said with it, as a duration said with no number is (`llm.values._unit_alone`)."""
    from llm.values import _timer_slots

    assert _timer_slots("HassStartTimer", {k: [v] for k, v in said.items()}, text) == slots


@pytest.mark.parametrize(("said", "text", "slots"), [
    ({}, "can you turn the thermostat up", {"direction": "up"}),
    ({}, "turn down the heating", {"direction": "down"}),
    ({}, "make it a bit cooler in here", {"direction": "down"}),
    ({"temperature": ["21"]}, "put the heating up to 21", {"temperature": 21}),
    ({}, "set the thermostat", {}),  # neither: the executor asks to what
])
def test_a_thermostat_turned_with_no_temperature_goes_the_way_said(said: dict[str, list[str]], text: str,
                                                                   slots: dict[str, object]) -> None:
    from llm.values import value_slots

    assert value_slots("HassClimateSetTemperature", said, text) == slots
