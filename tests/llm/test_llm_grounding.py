"""Grounding a span on the live home: part of a name, an area with the rest of a name or a kind, a need."""

import pytest

from bench.ha_homes import generated_home
from devices.homefile import parse_home
from hub.core.errors import AmbiguousTarget, ExecutionError
from hub.core.home import Home
from hub.core.targets import INTENT_DOMAINS, match_targets, query_for
from llm import slots, targets, values
from llm.decode import Clause, Span
from llm.entities import HomeNames
from llm.resolver import Resolver


FLAT_HOME = """
floors: [{id: main, name: Main Floor}]
areas:
  - {id: entry, name: Entry, floor: main}
  - {id: living_room, name: Living Room, floor: main, context_area: true}
  - {id: kitchen, name: Kitchen, floor: main}
  - {id: bedroom_1, name: Bedroom 1, floor: main}
entities:
  - {id: lock.smart_lock, name: Smart Lock, area: entry, state: locked}
  - {id: cover.smart_curtain, name: Smart Curtain, area: living_room, device_class: curtain, state: open}
  - {id: vacuum.roborock_s7, name: Roborock S7, area: living_room, state: docked}
  - {id: fan.bedroom_1_fan, name: Bedroom 1 Fan, area: bedroom_1, state: "off"}
  - {id: switch.espresso_machine, name: Espresso Machine, area: kitchen, state: "off"}
  - {id: light.pendant, name: Pendant, area: kitchen, state: "off"}
"""


def _targets(resolver: Resolver, text: str, home: Home) -> list[tuple[str, list[str]]]:
    """What each resolved call would act on, as the executor finds it; the executor's words when it would not."""
    out: list[tuple[str, list[str]]] = []
    for call in resolver.resolve(text, home):
        try:
            found = match_targets(home, query_for(call.slots, INTENT_DOMAINS[call.intent]), ask_which=True)
        except ExecutionError as err:
            out.append((call.intent, [f"{type(err).__name__}: {err}"]))
        else:
            out.append((call.intent, sorted(e.name for e in found.entities)))
    return out


@pytest.mark.parametrize(("text", "meant"), [
    ("unlock the entry lock", [("HassTurnOff", ["Smart Lock"])]),  # an area and a kind
    ("start the roborock", [("HassVacuumStart", ["Roborock S7"])]),  # part of a name
    ("close the living room smart curtain", [("HassTurnOff", ["Smart Curtain"])]),  # an area, the rest of a name
    ("turn on the fan in bedroom one", [("HassTurnOn", ["Bedroom 1 Fan"])]),  # a number said as a word
    ("make me an espresso", [("HassTurnOn", ["Espresso Machine"])]),  # a word only one name has
])
def test_a_device_said_in_part_or_by_area_and_kind_is_that_device(resolver: Resolver, text: str,
                                                                   meant: list[tuple[str, list[str]]]) -> None:
    assert _targets(resolver, text, parse_home(FLAT_HOME)) == meant


def test_a_partial_name_that_fits_two_devices_asks_which(resolver: Resolver) -> None:
    assert _targets(resolver, "open the smart", parse_home(FLAT_HOME)) == [
        ("HassTurnOn", ["AmbiguousTarget: Which one: Smart Lock or Smart Curtain?"])]


def test_a_kind_the_area_lacks_is_said_to_be_missing_not_another_device(resolver: Resolver) -> None:
    assert _targets(resolver, "unlock the kitchen lock", parse_home(FLAT_HOME)) == [
        ("HassTurnOff", ["ExecutionError: There are no locks in the Kitchen"])]


def test_whisper_s_slips_on_a_name_are_grounded_by_sound(resolver: Resolver, demo_home: Home) -> None:
    assert _targets(resolver, "turn on the flora lamp", demo_home) == [("HassTurnOn", ["Floor Lamp"])]
    assert _targets(resolver, "turn on the kitchen lice", parse_home(FLAT_HOME)) == [("HassTurnOn", ["Pendant"])]


@pytest.mark.parametrize("seed", (1, 2, 3, 4, 5))
def test_the_only_device_of_a_kind_in_an_area_is_found_in_generated_homes(resolver: Resolver, seed: int) -> None:
    """"unlock the <area> lock", "start the <area> vacuum", "turn on the <area> fan", "open the <area> blind", in
    homes the tagger never saw: the one such device there, never a device spelled like it."""
    home = generated_home(seed, 60)
    asked = 0
    for entity in home.entities:
        area = home.area(entity.area_id)
        if area is None or entity.domain not in _SAID_AS:
            continue
        if sum(e.area_id == area.id and e.domain == entity.domain for e in home.entities) > 1:
            continue
        verb, word, intent = _SAID_AS[entity.domain]
        assert _targets(resolver, f"{verb} the {area.name} {word}", home) == [(intent, [entity.name])]
        asked += 1
    assert asked >= 5


def test_an_area_said_whole_is_the_area_not_a_device_whose_name_begins_with_it() -> None:
    """A span the tagger marks as a name that is an area's name, word for word ("Master Bedroom" in "open the
    Master Bedroom blind"), is that area, though a device's name begins with it ("Master Bedroom Bulb")."""
    checked = 0
    for seed in range(1, 9):
        home = generated_home(seed, 60)
        names = HomeNames(home)
        for area in home.areas:
            match = names.entities.match(area.name)
            if match is not None and match.fuzzy:
                assert targets._resolve_name("HassTurnOn", area.name, names) == ("area", area.name, None)
                checked += 1
    assert checked >= 3


_SAID_AS = {"lock": ("unlock", "lock", "HassTurnOff"), "vacuum": ("start", "vacuum", "HassVacuumStart"),
            "fan": ("turn on", "fan", "HassTurnOn"), "cover": ("open", "blind", "HassTurnOn")}


def test_a_need_names_a_kind_of_device() -> None:
    assert targets._kind_of("dark") is None and targets.need_kinds("dark") == (("light",), False)  # a need
    assert targets._kind_of("blinds") == ("cover", "blind")
    assert targets._kind_of("sandwich") is None


def _calls(resolver: Resolver, text: str, home: Home) -> list[tuple[str, dict[str, object]]]:
    return [(c.intent, c.slots) for c in resolver.resolve(text, home)]


def test_a_place_alone_is_no_target_unless_everything_is_said(resolver: Resolver, demo_home: Home) -> None:
    from hub.core.events import ToolCall

    names = HomeNames(demo_home)
    bare = ToolCall("HassTurnOff", {"area": "Bedroom"}, 0.9)
    assert slots._every_kind_unsaid(bare, "turn off the bedroom", names)  # the lock, the fan, the curtains...
    assert not slots._every_kind_unsaid(bare, "turn everything off in the bedroom", names)
    assert not slots._every_kind_unsaid(ToolCall("HassTurnOff", {"area": "Jacuzzi"}, 0.9), "x", names)
    assert not slots._every_kind_unsaid(
        ToolCall("HassTurnOff", {"area": "Bedroom", "domain": "light"}, 0.9), "x", names
    )
    assert _calls(resolver, "turn everything off in the kitchen", demo_home) == [("HassTurnOff", {"area": "Kitchen"})]


def test_a_need_and_an_elliptic_place_keep_a_kind(resolver: Resolver, demo_home: Home) -> None:
    calls = _calls(resolver, "it is so dark in the office", demo_home)
    assert calls == [("HassTurnOn", {"domain": "light", "area": "Office"})]
    calls = _calls(resolver, "turn off the kitchen lights and the bedroom", demo_home)
    assert [c[1].get("domain") for c in calls] == ["light", "light"]


def test_a_follow_on_clause_naming_nothing_adds_no_call(resolver: Resolver, demo_home: Home) -> None:
    assert _calls(resolver, "lock the front door right away", demo_home) == [
        ("HassTurnOn", {"domain": "lock", "name": "Front Door"})
    ]
    assert [c[0] for c in _calls(resolver, "turn off the kitchen lights and start the vacuum", demo_home)] == [
        "HassTurnOff",
        "HassVacuumStart",
    ]


def test_a_lamp_in_an_area_of_several_lights_is_the_one_called_a_lamp(resolver: Resolver) -> None:
    home = parse_home("""
areas:
  - {id: bedroom_2, name: Bedroom 2}
entities:
  - {id: light.bedroom_2_lamp, name: Bedroom 2 Lamp, area: bedroom_2, state: "on"}
  - {id: light.bedroom_2_ceiling, name: Bedroom 2 Ceiling Light, area: bedroom_2, state: "on"}
""")
    assert _targets(resolver, "turn off the lamp in bedroom 2", home) == [("HassTurnOff", ["Bedroom 2 Lamp"])]
    assert _targets(resolver, "turn off the lights in bedroom 2", home) == [
        ("HassTurnOff", ["Bedroom 2 Ceiling Light", "Bedroom 2 Lamp"])]


def test_a_word_taken_for_a_kind_that_is_no_kind_is_the_one_device_named_with_it(demo_home: Home) -> None:
    """The tagger marks "tree" in "turn off the tree" as a kind of device: no kind is called so, and one
    device's name has the word (the Christmas Tree), so that device is meant. A place taken for a kind stays
    unknown, for the executor to say there is none."""
    names = HomeNames(demo_home)
    assert targets.targets_of("HassTurnOff", {"domain": ["tree"]}, names, "turn off the tree") == [
        {"name": "Christmas Tree"}]
    assert targets.targets_of("HassTurnOn", {"domain": ["kitchen"]}, names, "open the bedroom kitchen") == [
        {"domain": "kitchen"}]


_NEST_HOME = """
areas:
  - {id: lounge, name: Lounge, context_area: true}
entities:
  - {id: climate.nest, name: Nest Thermostat, area: lounge, state: heat, attributes: {min_temp: 7, max_temp: 30}}
  - {id: cover.patio, name: Patio Blind, area: lounge, state: open}
  - {id: light.lamp, name: Lamp, area: lounge, state: "off"}
"""


def _clause(text: str, name: str, level: str, intents: dict[str, float]) -> Clause:
    start, at = text.index(name), text.index(level)
    words = text.split()
    return Clause(max(intents, key=intents.__getitem__), max(intents.values()), 0, len(words) - 1, text,
                  [Span("name", name, words.index(name.split()[0]), words.index(name.split()[-1]), start,
                        start + len(name)),
                   Span("position", level, words.index(level), words.index(level), at, at + len(level))],
                  text, intents)


def test_intents_the_named_device_cannot_take_are_ruled_out() -> None:
    """The tagger torn between a thermostat's temperature and a cover's position (0.52 / 0.40) on "the nest": the
    Nest Thermostat takes no position, so the temperature is as sure as the rest of what was heard allows, and the
    level said is its temperature. Torn between two intents the device takes, the clause stays unsure."""
    from llm.grounding import fit_intent

    names = HomeNames(parse_home(_NEST_HOME))
    torn = {"HassClimateSetTemperature": 0.52, "HassSetPosition": 0.40, "HassLightSet": 0.04}
    fitted = fit_intent(_clause("set the nest to 21", "nest", "21", torn), names)
    assert fitted.intent == "HassClimateSetTemperature" and fitted.confidence > 0.9
    assert [s.kind for s in fitted.spans] == ["name", "temperature"]
    fitted = fit_intent(_clause("set the patio blind to 21", "patio blind", "21", torn), names)
    assert fitted.intent == "HassSetPosition" and [s.kind for s in fitted.spans] == ["name", "position"]
    on_or_off = {"HassTurnOn": 0.5, "HassTurnOff": 0.45, "HassStartTimer": 0.02}
    assert fit_intent(_clause("turn the lamp on 2", "lamp", "2", on_or_off), names).confidence < 0.6
    # what names no device, or a device no heard intent acts on, is left as heard
    assert fit_intent(_clause("set the nest to 21", "nest", "21", {"HassGetState": 0.6, "HassSetPosition": 0.3}),
                      names).intent == "HassGetState"


def test_readings_a_clause_naming_a_device_cannot_be_are_ruled_out() -> None:
    """"start the lamp 2" torn between switching the Lamp on, adding to a list and asking the time (0.5 / 0.3 /
    0.15): a clause that names a device is no question of the time, and an item added with no item is no reading,
    so the switch is as sure as the rest allows. When an item was heard (the same word tagged as one), adding it
    stays a reading and the clause stays unsure."""
    from dataclasses import replace

    from llm.grounding import fit_intent

    names = HomeNames(parse_home(_NEST_HOME))
    torn = {"HassTurnOn": 0.5, "HassListAddItem": 0.3, "HassGetCurrentTime": 0.15}
    bare = _clause("start the lamp 2", "lamp", "2", torn)
    bare = replace(bare, spans=bare.spans[:1])
    fitted = fit_intent(bare, names)
    assert fitted.intent == "HassTurnOn" and 0.9 < fitted.confidence < 0.91  # 0.5 / (1 - 0.3 - 0.15)
    item = _clause("start the lamp 2", "lamp", "2", torn)
    item = replace(item, spans=[item.spans[0], replace(item.spans[1], kind="item")])
    assert 0.58 < fit_intent(item, names).confidence < 0.59  # 0.5 / (1 - 0.15)


def test_a_clause_naming_a_device_is_no_question_about_the_machine_s_processes() -> None:
    """"is the washer running" torn between the machine's processes and a state question (0.72 / 0.23): the Washer
    is a device of the home, not a process (and a sensor is not switched on), so the state question is as sure as
    the rest allows. Naming nothing of the home, the processes stay the reading."""
    from llm.grounding import fit_intent

    names = HomeNames(parse_home(_NEST_HOME + "  - {id: binary_sensor.washer, name: Washer, area: lounge, "
                                              "device_class: running, state: 'on'}\n"))
    torn = {"HearthProcessList": 0.72, "HassGetState": 0.23, "HassTurnOn": 0.03}
    text = "is the washer running"
    washer = Clause("HearthProcessList", 0.72, 0, 3, text, [Span("name", "washer", 2, 2, 7, 13)], text, torn)
    fitted = fit_intent(washer, names)
    assert fitted.intent == "HassGetState" and 0.91 < fitted.confidence < 0.93  # 0.23 / (1 - 0.72 - 0.03)
    text = "is the firefox running"
    browser = Clause("HearthProcessList", 0.72, 0, 3, text, [Span("name", "firefox", 2, 2, 7, 14)], text, torn)
    assert fit_intent(browser, names).intent == "HearthProcessList"


_DOORS_HOME = """
areas:
  - {id: entryway, name: Entryway}
  - {id: mudroom, name: Mudroom}
  - {id: garage, name: Garage}
entities:
  - {id: binary_sensor.front_door, name: Front Door, area: entryway, device_class: door, state: "off"}
  - {id: lock.yale, name: Yale Smart Lock, area: entryway, aliases: [front door lock], state: locked}
  - {id: binary_sensor.back_door, name: Back Door, area: mudroom, device_class: door, state: "off"}
  - {id: lock.back_door_lock, name: Back Door Lock, area: mudroom, state: locked}
  - {id: binary_sensor.side_door, name: Side Door, area: garage, device_class: door, state: "off"}
  - {id: light.side_door_light, name: Side Door Light, area: garage, state: "off"}
"""


@pytest.mark.parametrize(("intent", "spans", "said", "meant"), [
    ("HassTurnOff", {"name": ["front door"]}, "unlock the front door", "Yale Smart Lock"),
    ("HassTurnOn", {"name": ["back door"]}, "lock the back door", "Back Door Lock"),
    ("HassGetState", {"name": ["front door"], "state": ["locked"]}, "is the front door locked", "Yale Smart Lock"),
    ("HassGetState", {"name": ["back door"], "state": ["unlocked"]}, "is the back door unlocked", "Back Door Lock"),
    ("HassGetState", {"name": ["front door"], "state": ["open"]}, "is the front door open", "Front Door"),
    ("HassTurnOn", {"name": ["side door"]}, "lock the side door", "Side Door"),  # no lock there: the name stands
])
def test_a_door_s_sensor_named_as_said_loses_to_the_lock_at_that_door(intent: str, spans: dict[str, list[str]],
                                                                       said: str, meant: str) -> None:
    """A door sensor named "Front Door" and the lock at that door (named for its brand, aliased "front door
    lock"): "unlock the front door" and "is the front door locked" are said of a lock, so the one lock the words
    fit is meant, not the sensor named as said. A question the sensor answers keeps it; with no lock the words
    fit, the name stands for the executor to refuse."""
    names = HomeNames(parse_home(_DOORS_HOME))
    assert targets.targets_of(intent, spans, names, said)[0]["name"] == meant


def test_unlocking_a_door_named_for_its_sensor_unlocks_its_lock(resolver: Resolver) -> None:
    assert _targets(resolver, "unlock the front door", parse_home(_DOORS_HOME)) == [
        ("HassTurnOff", ["Yale Smart Lock"])]


_FANS_HOME = """
areas:
  - {id: kitchen, name: Kitchen, context_area: true}
  - {id: den, name: Den}
  - {id: bedroom, name: Bedroom}
  - {id: bath, name: Bath}
entities:
  - {id: light.pendants, name: Island Pendants, area: kitchen, state: "off"}
  - {id: fan.den_ceiling_fan, name: Den Ceiling Fan, area: den, state: "off"}
  - {id: fan.bedroom_ceiling_fan, name: Bedroom Ceiling Fan, area: bedroom, state: "off"}
  - {id: fan.bath_exhaust_fan, name: Bath Exhaust Fan, area: bath, state: "off"}
"""


def test_a_kind_said_where_the_room_has_none_asks_which(resolver: Resolver) -> None:
    """"turn on the ceiling fan" spoken in a kitchen with no fan, in a home with three: which one is meant is
    asked, among the devices the words fit, not every fan switched on; "the fans", in three rooms, asks which of
    every fan. "All the fans", or a home with one such device, keeps the kind: every fan, or the one."""
    home = parse_home(_FANS_HOME)
    names = HomeNames(home)
    assert targets.targets_of("HassTurnOn", {"domain": ["ceiling fan"]}, names, "turn on the ceiling fan") == [
        {"domain": "fan", "name": "ceiling fan"}]
    assert targets.targets_of("HassTurnOn", {"domain": ["fans"]}, names, "turn on the fans") == [
        {"domain": "fan", "name": "fans"}]
    with pytest.raises(AmbiguousTarget, match="Which one: Den Ceiling Fan, Bedroom Ceiling Fan or Bath Exhaust Fan"):
        match_targets(home, query_for({"domain": "fan", "name": "fans"}, INTENT_DOMAINS["HassTurnOn"]), ask_which=True)
    assert targets.targets_of("HassTurnOn", {"domain": ["fans"]}, names, "turn on all the fans") == [{"domain": "fan"}]
    one_fan = HomeNames(parse_home(_FANS_HOME.split("  - {id: fan.bedroom")[0]))
    assert targets.targets_of("HassTurnOn", {"domain": ["fan"]}, one_fan, "turn on the fan") == [{"domain": "fan"}]
    assert _targets(resolver, "turn on the ceiling fan", home) == [
        ("HassTurnOn", ["AmbiguousTarget: Which one: Den Ceiling Fan or Bedroom Ceiling Fan?"])]


def test_a_word_taken_for_a_place_that_is_part_of_several_names_asks_which() -> None:
    """"turn off the pendants", the tagger taking "pendants" for a place: no area is called so, and two devices'
    names have the word, so it is a name said in part, for the executor to ask which; a word that is no place
    and part of no name stays an unknown place, for the executor to say so."""
    home = parse_home(_FANS_HOME + "  - {id: light.bar_pendants, name: Bar Pendants, area: den, state: 'off'}\n")
    names = HomeNames(home)
    assert targets.targets_of("HassTurnOff", {"area": ["pendants"]}, names, "turn off the pendants") == [
        {"name": "pendants"}]
    with pytest.raises(AmbiguousTarget, match="Island Pendants or Bar Pendants"):
        match_targets(home, query_for({"name": "pendants"}, INTENT_DOMAINS["HassTurnOff"]), ask_which=True)
    assert targets.targets_of("HassTurnOff", {"area": ["jacuzzi"]}, names, "turn off the jacuzzi") == [
        {"area": "jacuzzi"}]


def test_a_clause_that_only_completes_the_call_before_joins_it() -> None:
    """"three minutes for the poached eggs": the timer's name tagged as a clause of its own is that timer's name,
    not a second timer with no duration. A clause that repeats a slot, or one with what its intent needs, stays."""
    from hub.core.events import ToolCall

    timer = ToolCall("HassStartTimer", {"minutes": 3}, 0.99)
    assert slots._completed(timer, ToolCall("HassStartTimer", {"name": "eggs"}, 0.9)) == ToolCall(
        "HassStartTimer", {"minutes": 3, "name": "eggs"}, 0.9)
    assert slots._completed(timer, ToolCall("HassStartTimer", {"minutes": 10}, 0.9)) is None  # a second timer
    assert slots._completed(ToolCall("HassListAddItem", {"item": "milk", "name": "shopping"}),
                            ToolCall("HassListAddItem", {"name": "party"})) is None
    assert slots._completed(ToolCall("HassTurnOn", {"name": "Lamp"}), ToolCall("HassTurnOn", {"area": "Lounge"})) is None


@pytest.mark.parametrize(("said", "direction"), [
    ("be quiet", "down"), ("shush", "down"), ("it's too quiet in here", "up"), ("boost the volume", "up"),
    ("crank it", "up"), ("turn it down", "down"),
])
def test_a_step_goes_the_way_its_words_say(said: str, direction: str) -> None:
    assert values._direction({}, said) == direction


def test_a_white_said_as_a_colour_is_its_temperature() -> None:
    assert values.value_slots("HassLightSet", {"color": ["warmer"]}, "give the lamp a warmer colour") == {
        "temperature": 2700}
    assert values.value_slots("HassLightSet", {"color": ["blue"]}, "make the lamp blue") == {"color": "blue"}


def test_a_cover_verb_with_only_up_is_no_cover_command(resolver: Resolver, demo_home: Home) -> None:
    """"shut up" is no order to close every blind in the room, nor "open up" to open them; "lock up" locks and
    "close everything" closes every cover."""
    names = HomeNames(demo_home)
    for said in ("shut up", "open up", "close up please"):
        base: dict[str, object] = {}
        targets._verb_domain("HassTurnOff", base, [], names, said)
        assert base == {}, said
    base = {}
    targets._verb_domain("HassTurnOn", base, [], names, "lock up")
    assert base == {"domain": "lock"}
    base = {}
    targets._verb_domain("HassTurnOff", base, [], names, "close everything")
    assert base == {"domain": "cover"}
    assert not slots.grounded(resolver.resolve("shut up", demo_home), names)


def test_a_step_with_no_direction_word_in_its_clause_takes_the_sentence_s() -> None:
    assert values._direction({}, "too", "the kitchen's too bright") == "down"
    assert values._direction({"direction": ["dim"]}, "dim it", "it's too dark, dim it") == "down"  # marked word first
    assert values._direction({}, "the lamp", "the lamp") == "up"  # none said: up, as the executor's default


@pytest.mark.parametrize(("intent", "slots_", "said", "turned"), [
    ("HassTurnOff", {"name": "Front Door", "domain": "lock"}, "then front door lock", "HassTurnOn"),
    ("HassTurnOn", {"name": "Front Door", "domain": "lock"}, "unlock the front door", "HassTurnOff"),
    ("HassTurnOn", {"domain": "cover", "device_class": "blind"}, "blinds down its getting dark", "HassTurnOff"),
    ("HassTurnOff", {"name": "Living Room Blinds"}, "roll the blinds back up", "HassTurnOn"),
    ("HassTurnOn", {"domain": "cover"}, "draw the curtains", "HassTurnOn"),  # no way said: as tagged
    ("HassTurnOn", {"name": "Garage Door"}, "open the garage and shut the gate", "HassTurnOn"),  # both ways
    ("HassTurnOff", {"name": "Floor Lamp"}, "lamp up", "HassTurnOff"),  # not a lock or cover
])
def test_a_lock_or_cover_turns_the_way_its_words_say(demo_home: Home, intent: str, slots_: dict[str, object],
                                                     said: str, turned: str) -> None:
    from hub.core.events import ToolCall

    call = slots._turned_as_said(ToolCall(intent, dict(slots_), 0.9), said, HomeNames(demo_home))
    assert call.intent == turned and call.slots == slots_


def test_a_clause_without_a_verb_keeps_its_own_on_or_off(resolver: Resolver, demo_home: Home) -> None:
    assert _calls(resolver, "turn the bedroom light off and the bedside lamp on", demo_home) == [
        ("HassTurnOff", {"name": "Bedroom Light"}), ("HassTurnOn", {"name": "Bedside Lamp"})]


@pytest.mark.parametrize(("said", "colour"), [
    ("calm blue", "blue"), ("warm red", "red"), ("yellowy warm white", "warm white"), ("deep purple", "purple"),
    ("romantic", "romantic"), ("warmer", "warmer"),
])
def test_a_colour_said_with_other_words_is_the_colour_in_them(said: str, colour: str) -> None:
    assert values._colour_named(said) == colour


def test_glare_dims() -> None:
    assert values._direction({}, "the bathroom light is blinding me") == "down"


def test_an_appliance_on_a_plug_is_its_machine(demo_home: Home) -> None:
    """"the coffee machine" is the Coffee Maker (a switch): "machine" is a kind word of a switch. A machine the
    home has no word of ("the washing machine") fits nothing, not a light with "washing" in its name."""
    from hub.core.grounding import fit

    assert [e.name for e in fit(demo_home, "coffee machine").entities] == ["Coffee Maker"]
    home = parse_home("""
areas: [{id: utility, name: Utility}]
entities:
  - {id: light.washing_up, name: Washing Up Light, area: utility, state: "off"}
  - {id: switch.kettle, name: Kettle, area: utility, state: "off"}
""")
    assert fit(home, "washing machine").entities == ()


def test_several_items_said_are_added_one_a_call(resolver: Resolver, demo_home: Home) -> None:
    """The Transformer reads two items (taught by the data since r29). Through the cascade, HA's templates answer
    this sentence first and add "eggs and bread" as one item, as Home Assistant does."""
    calls = _calls(resolver, "put eggs and bread on the shopping list", demo_home)
    assert calls == [("HassShoppingListAddItem", {"item": "eggs"}), ("HassShoppingListAddItem", {"item": "bread"})]


def test_a_state_asked_of_the_heating_asks_the_thermostats(resolver: Resolver, demo_home: Home) -> None:
    """No device tagged and a word of the heating said: the climate devices are asked about, not everything on."""
    assert _calls(resolver, "is the heating still on", demo_home) == [
        ("HassGetState", {"state": "on", "domain": "climate"})]
    assert _calls(resolver, "are the lights on", demo_home)[0][1].get("domain") == "light"
