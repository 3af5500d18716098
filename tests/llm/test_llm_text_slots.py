"""Free-text names (a program, a list item, a timer's or an alarm's name) are said with an article that is
no part of the name: built from tagged clauses, so the rule is tested apart from the model's tags."""

from __future__ import annotations

import pytest

from devices.homefile import DEMO_HOME, load_home
from llm import slots, values
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


_YARD = """
areas:
  - {id: yard, name: Yard, context_area: true}
  - {id: ellas_room, name: Ella's Room, aliases: [ella's bedroom]}
  - {id: main_bedroom, name: Main Bedroom, aliases: [our room]}
entities:
  - {id: cover.paddock_gate, name: Paddock Gate, area: yard, device_class: gate, state: closed}
  - {id: light.yard_floodlight, name: Yard Floodlight, area: yard, state: "off"}
  - {id: light.ceiling_yard, name: Ceiling Light, area: yard, state: "on"}
  - {id: light.ceiling_ella, name: Ceiling Light, area: ellas_room, state: "on"}
  - {id: light.ceiling_main, name: Ceiling Light, area: main_bedroom, state: "on"}
"""


def _clause(intent: str, utterance: str, text: str, **spans: str) -> Clause:
    first = len(utterance[:utterance.index(text)].split())
    found = []
    for kind, said in spans.items():
        start = utterance.index(said)
        word = len(utterance[:start].split())
        found.append(Span(kind, said, word, word + len(said.split()) - 1, start, start + len(said)))
    return Clause(intent, 0.95, first, first + len(text.split()) - 1, text, found, utterance, {intent: 0.95})


def test_a_call_on_something_the_home_lacks_gives_way_to_one_it_has() -> None:
    """A remark tagged as a second command ("... for the farrier") adds nothing beside a command the home can
    carry out; alone, it stays, so Hearth says what it lacks."""
    from devices.homefile import parse_home

    names = HomeNames(parse_home(_YARD))
    said = "open the paddock gate for the farrier"
    gate = _clause("HassTurnOn", said, "open the paddock gate", name="paddock gate")
    farrier = _clause("HassTurnOn", said, "for the farrier", name="farrier")
    calls = slots.tool_calls([gate, farrier], names, 0.5)
    assert [(c.intent, c.slots.get("name")) for c in calls] == [("HassTurnOn", "Paddock Gate")]
    alone = slots.tool_calls([_clause("HassTurnOn", "the farrier on", "the farrier on", name="farrier")], names, 0.5)
    assert [c.slots.get("name") for c in alone] == ["farrier"]
    both = "yard floodlight on and the paddock gate open"
    calls = slots.tool_calls([_clause("HassTurnOn", both, "yard floodlight on", name="yard floodlight"),
                              _clause("HassTurnOn", both, "and the paddock gate open", name="paddock gate")],
                             names, 0.5)
    assert [c.slots.get("name") for c in calls] == ["Yard Floodlight", "Paddock Gate"]


@pytest.mark.parametrize(("said", "span", "area"), [
    ("ella's ceiling light off", "ella's ceiling light", "Ella's Room"),
    ("the ceiling light in our room off", "ceiling light", "Main Bedroom"),
    ("ceiling light off", "ceiling light", None),
])
def test_a_name_several_rooms_share_takes_the_room_said(said: str, span: str, area: str | None) -> None:
    from devices.homefile import parse_home

    names = HomeNames(parse_home(_YARD))
    calls = slots.tool_calls([_clause("HassTurnOff", said, said, name=span)], names, 0.5)
    assert [(c.slots.get("name"), c.slots.get("area")) for c in calls] == [("Ceiling Light", area)]


@pytest.mark.parametrize(("intent", "text", "kind", "said", "slot", "value"), [
    ("HassSetPosition", "shutters to half", "position", "half", "position", 50),
    ("HassLightSet", "lamp to a quarter", "brightness", "a quarter", "brightness", 25),
    ("HassFanSetSpeed", "fan to three quarters", "percentage", "three quarters", "percentage", 75),
    ("HassSetPosition", "blind to 0.5", "position", "0.5", "position", 0),
])
def test_a_share_said_in_words_is_that_share_of_100(intent: str, text: str, kind: str, said: str, slot: str,
                                                    value: int) -> None:
    assert _slots(intent, text, **{kind: said})[0][slot] == value


@pytest.mark.parametrize(("intent", "text", "kind", "said", "slot"), [
    ("HassFanSetSpeed", "extractor on full", "percentage", "full", "percentage"),
    ("HassFanSetSpeed", "fan up to max", "percentage", "max", "percentage"),
    ("HassSetPosition", "blind open to maximum", "position", "maximum", "position"),
    ("HassSetVolume", "radio on full blast", "volume", "full blast", "volume_level"),
    ("HassLightSet", "lamp on full whack", "brightness", "full whack", "brightness"),
])
def test_the_most_there_is_said_in_words_is_100(intent: str, text: str, kind: str, said: str, slot: str) -> None:
    assert _slots(intent, text, **{kind: said})[0][slot] == 100


@pytest.mark.parametrize("said", ["quieten the music", "hush the music", "the music's too loud"])
def test_a_word_for_less_sound_turns_it_down(said: str) -> None:
    assert _slots("HassSetVolumeRelative", said)[0]["volume_step"] == "down"


@pytest.mark.parametrize(("said", "direction"), [
    ("it's a bit dim in here, brighten it up", "up"),
    ("it's too dim", "up"),
    ("turn it down, it's too bright", "down"),
    ("dim the lamp", "down"),
    ("lamp a bit brighter", "up"),
])
def test_the_last_direction_said_wins(said: str, direction: str) -> None:
    assert _slots("HearthBrightnessStep", said)[0]["direction"] == direction


def test_the_last_direction_marked_wins() -> None:
    """The tagger marks the room's state and the command alike: of all it marked, the last said wins."""
    spans = {"direction": ["a bit dim", "brighten", "up"]}
    assert values.value_slots("HearthBrightnessStep", spans, "it's a bit dim in here brighten it up")["direction"] == "up"
    spans = {"direction": ["down", "too bright"]}
    assert values.value_slots("HearthBrightnessStep", spans, "turn it down it's too bright")["direction"] == "down"


def test_an_unknown_place_and_a_kind_that_make_a_device_s_name_are_that_device() -> None:
    """"the floor lamp", tagged as an area and a kind, where no area is called "floor" and a device's name has
    both words; kept beside another call, as the executor finds it."""
    from devices.homefile import parse_home

    names = HomeNames(parse_home("""
floors: [{id: cottage, name: Cottage, aliases: [ground floor]}]
areas: [{id: living, name: Living Room, floor: cottage, context_area: true}]
entities:
  - {id: light.signe, name: Hue Signe Floor Lamp, area: living, state: "off"}
  - {id: light.desk, name: Desk Lamp, area: living, state: "off"}
  - {id: cover.blind, name: Living Room Blind, area: living, device_class: blind, state: open}
"""))
    said = "close the blinds and put the floor lamp on"
    calls = slots.tool_calls([_clause("HassTurnOff", said, "close the blinds", domain="blinds"),
                              _clause("HassTurnOn", said, "and put the floor lamp on", area="floor", domain="lamp")],
                             names, 0.5)
    assert [(c.intent, c.slots.get("name")) for c in calls] == [("HassTurnOff", None), ("HassTurnOn",
                                                                                       "Hue Signe Floor Lamp")]


@pytest.mark.parametrize(("said", "times", "time"), [
    ("lecture at nine tomorrow alarm for seven twenty", ["nine", "seven twenty"], "07:20"),
    ("wake me at seven for my nine oclock meeting", ["seven", "nine oclock meeting"], "07:00"),
    ("set an alarm for 6 pm dinner is at 7 pm", ["6 pm", "7 pm"], "18:00"),
    ("7 alarm for 8 am", ["7", "8 am"], "08:00"),  # whisper's "set": a bare number said after nothing
])
def test_of_several_times_the_alarm_is_the_earliest_said_as_a_time(said: str, times: list[str], time: str) -> None:
    """An alarm rings before what it is for; a time that does not read as one ("nine oclock meeting"), or a bare
    number said after no "at" or "for", is not the alarm's."""
    assert values.value_slots("HearthAlarmSet", {"time": times}, said)["time"] == time
