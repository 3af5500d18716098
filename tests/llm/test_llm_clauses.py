"""Clauses to calls, model-free: the clauses are written as the tagger gives them (intent, its probabilities, the
spans), so each test holds whatever the weights do, and fails when the mechanism it names breaks."""

from __future__ import annotations

import pytest

from devices.homefile import parse_home
from llm import targets, values
from llm.decode import Clause, Span
from llm.entities import HomeNames
from llm.slots import tool_calls

HOME = """
areas:
  - {id: living_room, name: Living Room, context_area: true}
  - {id: kitchen, name: Kitchen}
  - {id: bedroom, name: Bedroom, aliases: [our room]}
  - {id: office, name: Office}
  - {id: hallway, name: Hallway}
entities:
  - {id: light.big_light, name: Big Light, area: living_room, state: "on"}
  - {id: media_player.tv, name: TV, area: living_room, aliases: [telly], state: "off"}
  - {id: light.kitchen_spots, name: Kitchen Spots, area: kitchen, state: "off"}
  - {id: switch.kettle, name: Kettle, area: kitchen, state: "off", device_class: outlet}
  - {id: binary_sensor.washing_machine, name: Washing Machine, area: kitchen, device_class: running, state: "on"}
  - {id: light.bedroom_light, name: Bedroom Light, area: bedroom, state: "on"}
  - {id: light.fairy_lights, name: Fairy Lights, area: bedroom, state: "off"}
  - {id: cover.bedroom_curtains, name: Bedroom Curtains, area: bedroom, device_class: curtain, state: closed}
  - {id: light.spare_room_light, name: Spare Room Light, area: office, state: "off"}
  - {id: switch.heater, name: Heater, area: office, state: "off", device_class: outlet}
  - {id: sensor.bedroom_temperature, name: Bedroom Temperature, area: bedroom, device_class: temperature, state: "19"}
  - {id: climate.bedroom_radiator, name: Bedroom Radiator, area: bedroom, state: heat,
     attributes: {min_temp: 7, max_temp: 30}}
  - {id: climate.heating, name: Heating, area: hallway, state: heat, attributes: {min_temp: 7, max_temp: 30}}
"""
NAMES = HomeNames(parse_home(HOME))


def clause(utterance: str, text: str, intents: dict[str, float], *spans: tuple[str, str]) -> Clause:
    """The clause `text` of `utterance` as the tagger gives it: its likeliest intent, and `spans` (kind, words)."""
    at = utterance.index(text)
    words = utterance[:at].split()
    marked = []
    for kind, said in spans:
        start = utterance.index(said, at)
        first = len(utterance[:start].split())
        marked.append(Span(kind, said, first, first + len(said.split()) - 1, start, start + len(said)))
    intent = max(intents, key=intents.__getitem__)
    return Clause(intent, intents[intent], len(words), len(words) + len(text.split()) - 1, text, marked, utterance,
                  intents)


def calls(*clauses: Clause) -> list[tuple[str, dict[str, object]]]:
    return [(c.intent, c.slots) for c in tool_calls(list(clauses), NAMES, 0.7)]


ON, OFF = {"HassTurnOn": 0.99}, {"HassTurnOff": 0.99}


def test_a_switching_clause_ending_on_its_state_switches_that_way() -> None:
    """The tagger torn 0.56 / 0.41 after an "off" earlier in the sentence: the word at the clause's end decides,
    as surely as switching was heard at all."""
    said = "bedroom lights off and fairy lights on"
    torn = {"HassTurnOn": 0.56, "HassTurnOff": 0.41, "HassGetState": 0.02}
    assert calls(clause(said, "bedroom lights off", OFF, ("area", "bedroom"), ("domain", "lights")),
                 clause(said, "fairy lights on", torn, ("name", "fairy lights"))) == [
        ("HassTurnOff", {"domain": "light", "area": "Bedroom"}), ("HassTurnOn", {"name": "Fairy Lights"})]
    leaning_on = {"HassTurnOn": 0.6, "HassTurnOff": 0.38}
    assert calls(clause("fairy lights off", "fairy lights off", leaning_on, ("name", "fairy lights"))) == [
        ("HassTurnOff", {"name": "Fairy Lights"})]
    unsure = {"HassTurnOn": 0.5, "HassGetState": 0.45}  # switching itself is in doubt: still asked
    assert calls(clause("fairy lights on", "fairy lights on", unsure, ("name", "fairy lights"))) == []


def test_a_follow_on_clause_naming_a_device_by_its_words_is_a_command() -> None:
    """"telly" untagged: the words name the TV (an alias), so the clause is no filler to drop."""
    said = "lights off and telly off"
    assert calls(clause(said, "lights off", OFF, ("domain", "lights")), clause(said, "telly off", OFF)) == [
        ("HassTurnOff", {"domain": "light", "area": "Living Room"}), ("HassTurnOff", {"name": "TV"})]
    said = "lights off right away"
    assert calls(clause(said, "lights off", OFF, ("domain", "lights")), clause(said, "right away", OFF)) == [
        ("HassTurnOff", {"domain": "light", "area": "Living Room"})]


def test_a_need_said_beside_a_command_is_its_reason() -> None:
    said = "its freezing can you put the heating on 22"
    assert calls(clause(said, "its freezing", ON, ("domain", "freezing")),
                 clause(said, "can you put the heating on 22", {"HassClimateSetTemperature": 0.99},
                        ("name", "heating"), ("temperature", "22"))) == [
        ("HassClimateSetTemperature", {"name": "Heating", "temperature": 22})]
    said = "im going to bed lights off and the kettle off"  # a kind said with the need: a command of its own
    assert calls(clause(said, "im going to bed lights off", OFF, ("domain", "bed lights")),
                 clause(said, "the kettle off", OFF, ("name", "kettle"))) == [
        ("HassTurnOff", {"domain": "light", "area": "Living Room"}), ("HassTurnOff", {"name": "Kettle"})]
    said = "the office is baltic and its dark in the kitchen"  # two needs, no command: both are met
    assert calls(clause(said, "the office is baltic", ON, ("area", "office"), ("domain", "baltic")),
                 clause(said, "its dark in the kitchen", ON, ("domain", "dark"), ("area", "kitchen"))) == [
        ("HassTurnOn", {"name": "Heater", "area": "Office"}), ("HassTurnOn", {"domain": "light", "area": "Kitchen"})]


def test_a_kind_and_a_device_of_another_kind_joined_by_and_are_both_targets() -> None:
    said = "kitchen lights and the kettle on"
    assert calls(clause(said, said, ON, ("area", "kitchen"), ("domain", "lights"), ("name", "kettle"))) == [
        ("HassTurnOn", {"domain": "light", "area": "Kitchen"}), ("HassTurnOn", {"name": "Kettle"})]
    said = "the kitchen spots and lights on"  # a device of the kind said: one target, as before
    assert calls(clause(said, said, ON, ("name", "kitchen spots"), ("domain", "lights"))) == [
        ("HassTurnOn", {"name": "Kitchen Spots"})]


def test_a_deviceless_call_with_nothing_it_needs_beside_a_command_is_a_remark() -> None:
    """The remark after a command tagged as a timer or a broadcast of its own, with no length or message: the
    command is carried out and the remark adds nothing. Alone, such a call stays (Hearth asks how long); a
    device named with no value stays too (Hearth asks for the value)."""
    said = "start a fourteen minute timer pizzas in"
    timer = {"HassStartTimer": 0.98}
    assert calls(clause(said, "start a fourteen minute timer", timer, ("minutes", "fourteen")),
                 clause(said, "pizzas in", timer)) == [("HassStartTimer", {"minutes": 14})]
    said = "kettle on everyones home"
    assert calls(clause(said, "kettle on", ON, ("name", "kettle")),
                 clause(said, "everyones home", {"HassBroadcast": 0.86})) == [("HassTurnOn", {"name": "Kettle"})]
    assert calls(clause("set a timer", "set a timer", timer)) == [("HassStartTimer", {})]
    said = "kettle on and the big light"
    assert calls(clause(said, "kettle on", ON, ("name", "kettle")),
                 clause(said, "and the big light", {"HassLightSet": 0.9}, ("name", "big light"))) == [
        ("HassTurnOn", {"name": "Kettle"}), ("HassLightSet", {"name": "Big Light"})]


@pytest.mark.parametrize(("said", "slots"), [
    ("alexa time an hour for me", {"hours": 1}),
    ("set a timer for half an hour", {"minutes": 30}),
    ("timer for a minute and a half", {"minutes": 1, "seconds": 30}),
    ("a quarter of an hour on the timer", {"minutes": 15}),
    ("set a timer", {}),  # none said: Hearth asks how long
    ("alexa hour timer", {"hours": 1}),  # the unit as the timer's kind, no number before it: one
    ("minute timer please", {"minutes": 1}),
    ("start the hour timer", {"hours": 1}),  # a word that is no number before it
    ("twenty minute timer", {}),  # a number the tagger missed is not guessed as one
])
def test_a_duration_said_without_a_number(said: str, slots: dict[str, int]) -> None:
    assert values.value_slots("HassStartTimer", {}, said) == slots
    assert values.value_slots("HassStartTimer", {"minutes": ["5"]}, f"{said} 5 minutes") == {"minutes": 5}


def test_a_question_that_names_a_device_by_a_word_only_its_name_has_asks_about_it() -> None:
    said = "has the washing finished yet"
    assert calls(clause(said, said, {"HassGetState": 0.95})) == [("HassGetState", {"name": "Washing Machine"})]


@pytest.mark.parametrize(("said", "kind"), [
    ("baltic", "heater"), ("like ice", "heater"), ("nippy", "heater"), ("a sauna", "fan"), ("steamy", "fan"),
    ("muggy", "fan"),
])
def test_a_need_is_said_in_many_words(said: str, kind: str) -> None:
    assert targets.need_kinds(said)[0][0] == kind


def test_a_place_the_tagger_cut_short_is_the_area_its_words_name() -> None:
    """"our" taken for a determiner leaves "room", which fits the Spare Room Light by spelling; "in our" taken as
    the place leaves "room" out. Either way the words are the Bedroom's alias."""
    said = "our room lights a little less bright"
    step = {"HearthBrightnessStep": 0.99}
    assert calls(clause(said, said, step, ("area", "room"), ("domain", "lights"), ("direction", "less bright"))) == [
        ("HearthBrightnessStep", {"domain": "light", "area": "Bedroom", "direction": "down"})]
    said = "turn off the lights in our room"
    assert calls(clause(said, said, OFF, ("domain", "lights"), ("area", "in our"))) == [
        ("HassTurnOff", {"domain": "light", "area": "Bedroom"})]


def test_a_place_said_after_in_and_left_untagged_is_the_place() -> None:
    said = "curtains open in our room"
    assert calls(clause(said, said, ON, ("domain", "curtains"))) == [
        ("HassTurnOn", {"domain": "cover", "device_class": "curtain", "area": "Bedroom"})]


def test_a_duration_is_in_the_unit_said_after_its_number() -> None:
    said = "three minutes for the poached eggs"  # "three" tagged as hours: 3 minutes, not 3 hours
    assert calls(clause(said, said, {"HassStartTimer": 0.99}, ("hours", "three"), ("timer_name", "poached eggs"))) == [
        ("HassStartTimer", {"minutes": 3, "name": "poached eggs"})]


def test_a_room_s_temperature_sensor_named_for_the_heating_is_the_room() -> None:
    said = "set the bedroom temperature to 20"
    assert calls(clause(said, said, {"HassClimateSetTemperature": 0.99}, ("name", "bedroom temperature"),
                        ("temperature", "20"))) == [("HassClimateSetTemperature", {"area": "Bedroom", "temperature": 20})]


def test_a_level_said_of_it_is_the_level_its_device_takes() -> None:
    """"set it to 50 percent" heard as a cover's position: "it" is the light just switched on, so a brightness."""
    said = "turn on the big light and set it to 50 percent"
    assert calls(clause(said, "turn on the big light", ON, ("name", "big light")),
                 clause(said, "and set it to 50 percent", {"HassSetPosition": 0.9, "HassLightSet": 0.08},
                        ("position", "50"))) == [
        ("HassTurnOn", {"name": "Big Light"}), ("HassLightSet", {"name": "Big Light", "brightness": 50})]


def test_a_colour_span_that_names_no_colour_is_the_colour_the_clause_says() -> None:
    """The tagger took a word of the light's name for its colour: the colour is the one said beside it, never a
    colour word of the name itself; with none said, the word is kept (the executor says it knows no such colour)."""
    assert values.value_slots("HassLightSet", {"color": ["salt"], "name": ["salt lamp"]}, "salt lamp on red") == {
        "color": "red"}
    assert values.value_slots("HassLightSet", {"color": ["yellowy"], "temperature": ["warm white"]},
                              "yellowy warm white on the bedroom light") == {"temperature": 2700}
    assert values.value_slots("HassLightSet", {"color": ["salt"], "name": ["red lamp"]}, "red lamp salt") == {
        "color": "salt"}


def test_a_light_named_by_a_word_only_its_name_has_is_that_light() -> None:
    """"fairy" untagged: the word names the Fairy Lights alone, so they are set, not every light in the room."""
    light_set = {"HassLightSet": 0.74}
    assert calls(clause("fairy red", "fairy red", light_set, ("color", "red"))) == [
        ("HassLightSet", {"name": "Fairy Lights", "color": "red"})]
    assert calls(clause("lights red", "lights red", light_set, ("domain", "lights"), ("color", "red"))) == [
        ("HassLightSet", {"domain": "light", "area": "Living Room", "color": "red"})]


def test_a_place_the_home_has_nothing_called_beside_a_device_it_has_is_no_place() -> None:
    """"pls" or "bath" tagged as a room beside the Kettle: the device says where it is."""
    assert calls(clause("kettle on pls", "kettle on pls", ON, ("name", "kettle"), ("area", "pls"))) == [
        ("HassTurnOn", {"name": "Kettle"})]
    said = "toaster on in the larder"  # beside no device the home has, the place stays: the executor says so
    assert calls(clause(said, said, ON, ("name", "toaster"), ("area", "larder"))) == [
        ("HassTurnOn", {"name": "toaster", "area": "larder"})]


def test_a_need_said_and_left_untagged_is_met() -> None:
    """"dark" untagged, only the place marked: the need is still the light there. A kind of device said in the
    clause is what is asked for, not a need ("curtains shut they can see in"); beside a command, an untagged need
    is its reason."""
    said = "it is so dark in the kitchen"
    assert calls(clause(said, said, ON, ("area", "kitchen"))) == [("HassTurnOn", {"domain": "light", "area": "Kitchen"})]
    said = "curtains on they can see in"
    assert calls(clause(said, said, ON)) == [("HassTurnOn", {})]
    said = "its freezing can you put the heating on 22"
    assert calls(clause(said, "its freezing", ON),
                 clause(said, "can you put the heating on 22", {"HassClimateSetTemperature": 0.99},
                        ("name", "heating"), ("temperature", "22"))) == [
        ("HassClimateSetTemperature", {"name": "Heating", "temperature": 22})]


def test_the_place_of_a_need_said_as_a_reason_is_the_place_of_the_command_beside_it() -> None:
    """The need is dropped as the command's reason; the room it names is where the command acts, when the command
    says no place and names no device. The clause after the need is looked at first, then the one before."""
    step = {"HearthBrightnessStep": 0.99}
    said = "kitchens a bit gloomy make it brighter"
    need = clause(said, "kitchens a bit gloomy", ON, ("area", "kitchens"), ("domain", "gloomy"))
    assert calls(need, clause(said, "make it brighter", step, ("direction", "brighter"))) == [
        ("HearthBrightnessStep", {"domain": "light", "area": "Kitchen", "direction": "up"})]
    said = "turn the lights on its dark in the bedroom"
    assert calls(clause(said, "turn the lights on", ON, ("domain", "lights")),
                 clause(said, "its dark in the bedroom", ON, ("domain", "dark"), ("area", "bedroom"))) == [
        ("HassTurnOn", {"domain": "light", "area": "Bedroom"})]
    said = "its dark in the bedroom turn the big light on"  # a device named says where it is
    assert calls(clause(said, "its dark in the bedroom", ON, ("domain", "dark"), ("area", "bedroom")),
                 clause(said, "turn the big light on", ON, ("name", "big light"))) == [
        ("HassTurnOn", {"name": "Big Light"})]


def test_the_home_itself_said_as_a_place_is_the_whole_home() -> None:
    """"in the flat", "the whole apartment": no area of the home is called so, and the words are what people call
    the home itself, so the place goes and the kind is every such device, as with "the house"."""
    said = "every light in the flat off please"
    assert calls(clause(said, "every light in the flat off", OFF, ("domain", "light"), ("area", "flat"))) == [
        ("HassTurnOff", {"domain": "light"})]
    said = "turn off all the lights in the whole apartment"
    assert calls(clause(said, said, OFF, ("domain", "lights"), ("floor", "whole apartment"))) == [
        ("HassTurnOff", {"domain": "light"})]
    said = "every light in the office off"  # an area the home has stays
    assert calls(clause(said, "every light in the office off", OFF, ("domain", "light"), ("area", "office"))) == [
        ("HassTurnOff", {"domain": "light", "area": "Office"})]


def test_a_domain_named_in_the_plural_is_that_domain() -> None:
    """"the locks", "the valves": a kind is said by a domain's own name as well as by the words for one ("lights",
    "blinds"), and in the plural it is every one of them, not a kind called "locks" that nothing is."""
    said = "lock all the locks"
    assert calls(clause(said, said, ON, ("domain", "locks"))) == [("HassTurnOn", {"domain": "lock"})]
    said = "shut the valves"
    assert calls(clause(said, said, OFF, ("domain", "valves"))) == [("HassTurnOff", {"domain": "valve"})]


def test_a_switch_that_a_later_clause_reverses_on_the_same_target_was_a_state_said() -> None:
    """"the heating's been on for ages, turn it off": the first clause, read as "turn on", tells why; no one asks
    for one device switched both ways at once. Switches of different devices both stand."""
    said = "heatings been on for ages turn it off"
    assert calls(clause(said, "heatings been on", ON, ("name", "heatings")),
                 clause(said, "turn it off", OFF)) == [("HassTurnOff", {"name": "Heating"})]
    said = "turn the big light off and the kettle on"
    assert calls(clause(said, "turn the big light off", OFF, ("name", "big light")),
                 clause(said, "and the kettle on", ON, ("name", "kettle"))) == [
        ("HassTurnOff", {"name": "Big Light"}), ("HassTurnOn", {"name": "Kettle"})]


def test_a_question_is_answered_from_a_lower_gate_than_an_act() -> None:
    """Gated at 0.8, a clause at 0.75 that would switch the kettle on is dropped (Hearth asks), while one that
    only asks whether it is on is answered: a misread question is a wrong answer, never a wrong action."""
    said = "is the kettle on"
    asking = clause(said, said, {"HassGetState": 0.75, "HassTurnOn": 0.2}, ("name", "kettle"), ("state", "on"))
    switching = clause(said, said, {"HassTurnOn": 0.75, "HassGetState": 0.2}, ("name", "kettle"), ("state", "on"))
    assert [c.intent for c in tool_calls([asking], NAMES, 0.8)] == ["HassGetState"]
    assert tool_calls([switching], NAMES, 0.8) == []
    assert [c.intent for c in tool_calls([switching], NAMES, 0.7)] == ["HassTurnOn"]
    assert tool_calls([asking], NAMES, 0.76) == tool_calls([asking], NAMES, 0.8)  # 0.7 at most, whatever the gate


def test_a_switch_or_state_question_naming_nothing_beside_a_command_is_a_remark() -> None:
    """"going out now, kettle off": the remark tagged as a switch with no target would make Hearth ask "which
    devices?" after doing what was asked; beside a call that names its target it is dropped. Alone it stays, and
    so does a call that needs no target ("... and pause")."""
    said = "going out now kettle off"
    assert calls(clause(said, "going out now", OFF), clause(said, "kettle off", OFF, ("name", "kettle"))) == [
        ("HassTurnOff", {"name": "Kettle"})]
    said = "is the kettle on did someone leave it"
    assert calls(clause(said, "is the kettle on", {"HassGetState": 0.95}, ("name", "kettle"), ("state", "on")),
                 clause(said, "did someone leave", {"HassGetState": 0.9})) == [
        ("HassGetState", {"name": "Kettle", "state": "on"})]
    assert calls(clause("going out now", "going out now", OFF)) == [("HassTurnOff", {})]
    said = "kettle off and pause"
    assert calls(clause(said, "kettle off", OFF, ("name", "kettle")), clause(said, "and pause", {"HassMediaPause": 0.95})
                 ) == [("HassTurnOff", {"name": "Kettle"}), ("HassMediaPause", {})]


def test_a_clause_naming_no_target_goes_on_about_the_one_before_when_it_can() -> None:
    """"big light on and ten percent": the level is the Big Light's, not the lights of the room Hearth is in. A
    clause whose intent the target before cannot take ("... and pause") is about the room, as before."""
    said = "big light on and ten percent"
    assert calls(clause(said, "big light on", ON, ("name", "big light")),
                 clause(said, "and ten percent", {"HassLightSet": 0.95}, ("brightness", "ten"))) == [
        ("HassTurnOn", {"name": "Big Light"}), ("HassLightSet", {"name": "Big Light", "brightness": 10})]
    said = "kitchen spots on and ten percent"
    assert calls(clause(said, "kitchen spots on", ON, ("name", "kitchen spots")),
                 clause(said, "and ten percent", {"HassLightSet": 0.95}, ("brightness", "ten"))) == [
        ("HassTurnOn", {"name": "Kitchen Spots"}), ("HassLightSet", {"name": "Kitchen Spots", "brightness": 10})]


@pytest.mark.parametrize(("date", "slots"), [
    ("tomorrow morning", {"time": "06:30", "date": "tomorrow"}),  # the part of the day is the time's
    ("monday night", {"time": "06:30", "date": "monday"}),
    ("tomorrow", {"time": "06:30", "date": "tomorrow"}),
    ("7", {"time": "06:30"}),  # a bare number names no day
])
def test_an_alarms_day_is_the_day_without_its_part_of_the_day(date: str, slots: dict[str, str]) -> None:
    assert values.value_slots("HearthAlarmSet", {"time": ["half 6"], "date": [date]}, f"alarm for half 6 {date}") == slots


def test_it_is_the_device_before_and_its_act_is_as_sure_as_it_was_heard() -> None:
    """"big light on and set it to 50 percent": the second clause torn between a cover's position, a volume and a
    brightness (0.48 / 0.23 / 0.2) is the Big Light's brightness, as sure as setting a level was heard; a clause that
    names its own target is fitted to that one instead."""
    said = "big light on and set it to 50 percent"
    torn = {"HassSetPosition": 0.48, "HassSetVolume": 0.23, "HassLightSet": 0.2}
    got = tool_calls([clause(said, "big light on", ON, ("name", "big light")),
                      clause(said, "and set it to 50 percent", torn, ("position", "50"))], NAMES, 0.8)
    assert [(c.intent, c.slots) for c in got] == [("HassTurnOn", {"name": "Big Light"}),
                                                  ("HassLightSet", {"name": "Big Light", "brightness": 50})]
    assert got[1].confidence > 0.9


def test_the_it_of_a_temperature_question_is_the_place_not_the_device() -> None:
    """"kitchen spots on and how warm is it": the temperature of the Kitchen, not of its lights."""
    said = "kitchen spots on and how warm is it"
    assert calls(clause(said, "kitchen spots on", ON, ("name", "kitchen spots")),
                 clause(said, "and how warm is it", {"HassClimateGetTemperature": 0.95})) == [
        ("HassTurnOn", {"name": "Kitchen Spots"}), ("HassClimateGetTemperature", {"area": "Kitchen"})]


def test_an_item_the_tagger_split_is_one_item_and_a_joint_keeps_two() -> None:
    """Items are told apart by a joint said between them; one or two other words between two item spans make one
    item ("washing up liquid"), a joint or a word leading to a list keeps them apart."""
    add = {"HassShoppingListAddItem": 0.95}
    said = "stick washing up liquid on the shopping"
    assert calls(clause(said, said, add, ("item", "washing"), ("item", "liquid"))) == [
        ("HassShoppingListAddItem", {"item": "washing up liquid"})]
    said = "add eggs and bread"
    assert calls(clause(said, said, add, ("item", "eggs"), ("item", "bread"))) == [
        ("HassShoppingListAddItem", {"item": "eggs"}), ("HassShoppingListAddItem", {"item": "bread"})]
    said = "add eggs, bread"
    assert len(calls(clause(said, said, add, ("item", "eggs"), ("item", "bread")))) == 2
    said = "add eggs to shopping"
    assert len(calls(clause(said, said, add, ("item", "eggs"), ("item", "shopping")))) == 2
