"""The ground floor's reply phrasing: one way to say a list of names."""

from __future__ import annotations

import pytest

from hub.core.errors import ExecutionError
from hub.core.events import ToolCall
from hub.core.responses import capitalized, join_names, join_some, meant


def test_names_are_joined_with_commas_and_a_last_word() -> None:
    assert join_names([]) == ""
    assert join_names(["Kitchen"]) == "Kitchen"
    assert join_names(["Kitchen", "Hall"]) == "Kitchen and Hall"
    assert join_names(("a", "b", "c")) == "a, b and c"
    assert join_names(["Front Door", "Back Door"], "or") == "Front Door or Back Door"
    said = join_names(["Salt and Pepper", "Chores", "Shopping List"], "or")
    assert said == "Salt and Pepper, Chores or Shopping List"


def test_a_long_listing_says_the_first_names_and_how_many_more() -> None:
    names = [f"item {i}" for i in range(12)]
    assert join_some(names[:3], 3) == "item 0, item 1 and item 2"
    assert join_some(names, 12, most=2) == "12 items: item 0, item 1 and 10 more"
    assert join_some(names[:10], 100) == ("100 items: item 0, item 1, item 2, item 3, item 4, item 5, item 6, "
                                          "item 7, item 8, item 9 and 90 more")
    assert capitalized("your shopping list") == "Your shopping list"


def test_a_slot_is_read_as_one_line_of_text() -> None:
    call = ToolCall("HearthFileAppend", {"file": "  my   notes ", "text": "", "item": ["a"], "n": 3})
    assert call.text("file") == "my notes"
    assert call.text("text") is None and call.text("item") is None and call.text("missing") is None
    assert call.text("n") == "3"
    assert call.required_text("file", "Which file?") == "my notes"
    with pytest.raises(ExecutionError, match="^What should I add[?] Say the text$"):
        call.required_text("text", "What should I add? Say the text")


def test_a_call_is_said_as_what_it_would_do() -> None:
    """"Did you mean: …?" says the action in words, by what a switch does to the device; None when not phrased."""
    assert meant(ToolCall("HassTurnOn", {"name": "Study Blind"}), "Study Blind", "open_cover") == "open Study Blind"
    assert meant(ToolCall("HassTurnOff", {"domain": "light"}), "the lights in the Kitchen") == \
        "turn off the lights in the Kitchen"
    assert meant(ToolCall("HassLightSet", {"name": "Lamp", "color": "red", "brightness": 50}), "Lamp") == \
        "set Lamp to 50% and red"
    assert meant(ToolCall("HassLightSet", {"name": "Lamp"}), "Lamp") is None
    assert meant(ToolCall("HassMediaSearchAndPlay", {"search_query": "jazz"}), "Sonos") == "play jazz on Sonos"
    assert meant(ToolCall("HassMediaSearchAndPlay", {}), "Sonos") is None  # no query said
    assert meant(ToolCall("HassSetVolumeRelative", {"volume_step": "down"}), "TV") == "turn TV down"
    assert meant(ToolCall("HassGetWeather", {}), "") is None
    assert meant(ToolCall("HassClimateSetTemperature", {"direction": "up"}), "Hive") == "turn Hive up"
    assert meant(ToolCall("HassClimateSetTemperature", {"temperature": 19}), "Hive") == "set Hive to 19 degrees"
