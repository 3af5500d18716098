"""Free-text names (a program, a list item, a timer's or an alarm's name) are said with an article that is
no part of the name: built from tagged clauses, so the rule is tested apart from the model's tags."""

from __future__ import annotations

import pytest

from devices.homefile import DEMO_HOME, load_home
from llm import slots
from llm.decode import Clause, Span
from llm.entities import HomeNames


def _slots(intent: str, text: str, **spans: str) -> list[dict[str, object]]:
    found = []
    for kind, said in spans.items():
        start = text.index(said)
        first = len(text[:start].split())
        found.append(Span(kind, said, first, first + len(said.split()) - 1, start, start + len(said)))
    clause = Clause(intent, 0.95, 0, len(text.split()) - 1, text, found, text, {intent: 0.95})
    return slots.build_slots(clause, HomeNames(load_home(DEMO_HOME)))


@pytest.mark.parametrize(("intent", "text", "kind", "said", "slot", "value"), [
    ("HearthProcessStart", "start the backup", "process", "the backup", "process", "backup"),
    ("HassListCompleteItem", "cross the eggs off", "item", "the eggs", "item", "eggs"),
    ("HassStartTimer", "a 12 minute timer for the rice", "timer_name", "the rice", "name", "rice"),
    ("HearthAlarmSet", "an alarm at 7 am for the school run", "label", "the school run", "label", "school run"),
])
def test_a_leading_the_is_no_part_of_a_name(intent: str, text: str, kind: str, said: str, slot: str,
                                            value: str) -> None:
    spans = {kind: said} | ({"minutes": "12"} if intent == "HassStartTimer" else {})
    spans |= {"time": "7 am"} if intent == "HearthAlarmSet" else {}
    assert _slots(intent, text, **spans)[0][slot] == value


def test_the_inside_a_name_stays() -> None:
    assert _slots("HassListAddItem", "add salt and the pepper", item="salt and the pepper")[0]["item"] == (
        "salt and the pepper")
    assert _slots("HearthProcessStart", "start theatre mode", process="theatre mode")[0]["process"] == "theatre mode"


def test_a_name_tagged_in_a_timer_clause_names_the_timer() -> None:
    """A timer targets no device: a span tagged as a device's name there can only be the timer's."""
    said = _slots("HassStartTimer", "put a 45 minute timer on for the lasagne", minutes="45", name="the lasagne")
    assert said == [{"minutes": 45, "name": "lasagne"}]


def test_a_search_loses_its_quantity_and_courtesy() -> None:
    said = _slots("HassMediaSearchAndPlay", "put on some jazz please", search_query="some jazz please")
    assert said[0]["search_query"] == "jazz"
