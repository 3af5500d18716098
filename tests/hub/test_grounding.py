"""`hub.core.grounding` and the executor's targets: a device said in part, by its area and kind, or misheard,
over several generated homes (`bench.ha_homes`) and small homes written here."""

from __future__ import annotations

import pytest

from bench.ha_homes import generated_home
from devices.homefile import parse_home
from hub.core.errors import AmbiguousTarget, ExecutionError
from hub.core.grounding import (KIND_WORDS, content_words, device_words, fit, narrowed, one_of_kind_said, phonetic_key,
                                 sounds_like)
from hub.core.home import Entity, Home
from hub.core.targets import ON_OFF_DOMAINS, TargetQuery, match_targets, query_for

SEEDS = (1, 2, 3, 4, 5)

FLAT = parse_home("""
floors: [{id: main, name: Main Floor}]
areas:
  - {id: entry, name: Entry, floor: main}
  - {id: living_room, name: Living Room, floor: main}
  - {id: kitchen, name: Kitchen, floor: main}
  - {id: bedroom_1, name: Bedroom 1, floor: main}
  - {id: bedroom_2, name: Bedroom 2, floor: main}
entities:
  - {id: lock.smart_lock, name: Smart Lock, area: entry, state: locked}
  - {id: cover.smart_curtain, name: Smart Curtain, area: living_room, device_class: curtain, state: open}
  - {id: vacuum.roborock_s7, name: Roborock S7, area: living_room, state: docked}
  - {id: fan.bedroom_1_fan, name: Bedroom 1 Fan, area: bedroom_1, state: "off"}
  - {id: fan.bedroom_2_fan, name: Bedroom 2 Fan, area: bedroom_2, state: "off"}
  - {id: light.pendant, name: Pendant, area: kitchen, state: "off"}
  - {id: light.spots, name: Spots, area: kitchen, state: "off"}
  - {id: media_player.bedroom_tv, name: Bedroom TV, area: bedroom_1, state: "off"}
""")


def _names(entities: tuple[Entity, ...] | list[Entity]) -> list[str]:
    return sorted(e.name for e in entities)


@pytest.mark.parametrize(("said", "meant"), [
    ("the entry lock", ["Smart Lock"]),  # an area and a kind
    ("the Roborock", ["Roborock S7"]),  # part of a name
    ("the living room smart curtain", ["Smart Curtain"]),  # an area and the rest of a name
    ("bedroom 1 fan", ["Bedroom 1 Fan"]),
    ("bedroom one fan", ["Bedroom 1 Fan"]),  # a number said as a word
    ("the kitchen lights", ["Pendant", "Spots"]),  # an area and a kind: every such device there
])
def test_a_span_fits_the_devices_its_words_name(said: str, meant: list[str]) -> None:
    assert _names(fit(FLAT, said).entities) == meant


@pytest.mark.parametrize(("said", "meant"), [
    ("the bedroom tele vision", ["Bedroom TV"]),  # whisper's split word
    ("the kitchen lice", ["Pendant", "Spots"]),  # whisper's "lice" for "lights": the Kitchen's lights
    ("the robo rock", ["Roborock S7"]),
])
def test_a_span_that_fits_no_words_fits_by_sound(said: str, meant: list[str]) -> None:
    found = fit(FLAT, said)
    assert found.by_sound and _names(found.entities) == meant


@pytest.mark.parametrize("said", ["the kitchen lock", "the toaster", "the bedroom", "jacuzzi", ""])
def test_a_span_that_names_nothing_of_the_home_fits_nothing(said: str) -> None:
    assert fit(FLAT, said).entities == ()


def test_the_phonetic_key_hears_what_sounds_alike() -> None:
    assert phonetic_key("tele vision") == phonetic_key("television")
    assert phonetic_key("flora lamp") == phonetic_key("floor lamp")
    assert phonetic_key("bedside lamp") != phonetic_key("desk lamp")


def test_a_partial_name_that_fits_two_devices_asks_which() -> None:
    with pytest.raises(AmbiguousTarget) as asked:
        match_targets(FLAT, TargetQuery(name="smart", domains=ON_OFF_DOMAINS))
    assert str(asked.value) == "Which one: Smart Lock or Smart Curtain?"
    assert set(asked.value.choices) == {"lock.smart_lock", "cover.smart_curtain"}
    with pytest.raises(AmbiguousTarget):  # "bedroom" is part of two areas' names
        match_targets(FLAT, TargetQuery(name="bedroom fan", domains=ON_OFF_DOMAINS))


def test_a_kind_the_area_lacks_says_so_and_picks_no_other_device() -> None:
    with pytest.raises(ExecutionError) as said:
        match_targets(FLAT, TargetQuery(name="kitchen lock", domains=ON_OFF_DOMAINS))
    assert not isinstance(said.value, AmbiguousTarget)
    assert str(said.value) == "There are no locks in the Kitchen"


def test_the_executor_finds_a_device_said_by_area_and_kind() -> None:
    targets = match_targets(FLAT, TargetQuery(name="entry lock", domains=("lock",)))
    assert _names(targets.entities) == ["Smart Lock"]
    assert _names(match_targets(FLAT, TargetQuery(name="Roborock", domains=("vacuum",))).entities) == ["Roborock S7"]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_device_is_found_by_its_area_and_kind_in_generated_homes(seed: int) -> None:
    """"<area> <kind>" fits exactly the devices of that kind in that area (said with a kind word no name of the
    home has, which would prefer the device whose name has it; in an area no other device's name says), in every
    generated home."""
    home = generated_home(seed, 80)
    checked = 0
    for area in home.areas:
        place = set(content_words(area.name))
        if any(place <= set(content_words(e.name)) for e in home.entities if e.area_id != area.id):
            continue  # "Olivia's Room Porch Light": the Porch named by a device elsewhere
        for word, (domain, device_class) in KIND_WORDS.items():
            there = [e for e in home.entities if e.area_id == area.id and e.domain == domain
                     and device_class in (None, e.device_class)]
            if not there or any(set(content_words(word)) & set(content_words(e.name)) for e in home.entities):
                continue
            found = fit(home, f"the {area.name} {word}", (domain,))
            assert _names(found.entities) == _names(there) and not found.by_name, (area.name, word)
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("seed", SEEDS)
def test_a_word_only_one_name_has_picks_that_device_in_generated_homes(seed: int) -> None:
    home = generated_home(seed, 80)
    owners: dict[str, set[str]] = {}
    for device in device_words(home):
        for word in device.name | device.place | device.kind:
            owners.setdefault(word, set()).add(device.entity.id)
    checked = 0
    for device in device_words(home):
        own = [w for w in device.name - device.kind if owners[w] == {device.entity.id} and not w.isdigit()]
        for word in own:
            found = fit(home, f"the {word}")
            assert [e.id for e in found.entities] == [device.entity.id] and found.by_name, word
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("seed", SEEDS)
def test_every_whole_name_fits_its_device_in_generated_homes(seed: int) -> None:
    home: Home = generated_home(seed, 80)
    for entity in home.entities:
        found = fit(home, entity.name)
        assert entity in found.entities, entity.name  # among the others in its area its name also fits
        assert all(set(content_words(entity.name)) <= (d.name | d.place) for d in device_words(home)
                   if d.entity in found.entities)


ROOMS = parse_home("""
areas:
  - {id: bedroom_3, name: Bedroom 3}
  - {id: lounge, name: Lounge, aliases: [Sitting Room]}
  - {id: kitchen, name: Kitchen}
  - {id: conservatory, name: Conservatory}
entities:
  - {id: light.conservatory_light, name: Conservatory Light, area: conservatory}
  - {id: light.conservatory_lamp, name: Wicker Lamp, area: conservatory}
  - {id: light.bedroom_3_lamp, name: Bedroom 3 Lamp, area: bedroom_3}
  - {id: light.bedroom_3_ceiling, name: Bedroom 3 Ceiling Light, area: bedroom_3}
  - {id: light.reading_lamp, name: Reading Lamp, area: lounge}
  - {id: light.standard_lamp, name: Standard Lamp, area: lounge}
  - {id: light.big_light, name: Big Light, area: lounge}
  - {id: switch.kettle_plug, name: Kettle Plug, area: kitchen}
  - {id: switch.toaster, name: Toaster, area: kitchen}
""")


@pytest.mark.parametrize(("slots", "said", "meant"), [
    ({"area": "Bedroom 3", "domain": "light"}, "turn on the lamp in bedroom 3", "Bedroom 3 Lamp"),
    ({"area": "bedroom 3", "domain": "light"}, "bedroom three lamp off", "Bedroom 3 Lamp"),
    ({"area": "Kitchen", "domain": "switch"}, "the plug in the kitchen off", "Kettle Plug"),
    ({"area": "Conservatory", "domain": "light"}, "turn the conservertory light on", "Conservatory Light"),
    ({"area": "Conservatory", "domain": "light"}, "the light in the conservatory", "Conservatory Light"),
])
def test_a_narrower_kind_said_in_an_area_means_the_one_device_named_so(slots: dict[str, str], said: str,
                                                                      meant: str) -> None:
    assert narrowed(ROOMS, slots, said) == {"name": meant}
    assert one_of_kind_said(ROOMS, slots, said) is not None


@pytest.mark.parametrize(("slots", "said"), [
    ({"area": "Bedroom 3", "domain": "light"}, "turn on the lamps in bedroom 3"),  # plural: all of them
    ({"area": "Bedroom 3", "domain": "light"}, "turn on the light in bedroom 3"),  # no "Bedroom 3 Light"
    ({"area": "Conservatory", "domain": "light"}, "the conservatory lights on"),  # plural: all of them
    ({"area": "Sitting Room", "domain": "light"}, "the lamp in the sitting room"),  # two lamps there
    ({"area": "Kitchen", "domain": "light"}, "the lamp in the kitchen"),  # no lamp there: as said
    ({"name": "Big Light", "area": "Lounge"}, "the big lamp in the lounge"),  # a device named already
    ({"floor": "Upstairs", "area": "Bedroom 3", "domain": "light"}, "the lamp upstairs in bedroom 3"),
])
def test_area_and_kind_keeps_every_device_when_the_words_do_not_single_one_out(slots: dict[str, str],
                                                                              said: str) -> None:
    assert narrowed(ROOMS, slots, said) == slots


NUMBERED = parse_home("""
areas: [{id: living_room, name: Living Room}]
entities:
  - {id: light.living_room_light_1, name: Living Room Light 1, area: living_room}
  - {id: light.living_room_light_2, name: Living Room Light 2, area: living_room}
""")


@pytest.mark.parametrize(("said", "meant"), [
    ("living room light number one off", {"name": "Living Room Light 1"}),
    ("living room light two off", {"name": "Living Room Light 2"}),
    ("living room light off", {"area": "Living Room", "domain": "light"}),  # no number: every light there
    ("living room light 50 percent", {"area": "Living Room", "domain": "light"}),  # no Light 50
])
def test_a_number_said_after_the_kind_picks_the_device_an_integration_numbered(said: str,
                                                                                meant: dict[str, str]) -> None:
    assert narrowed(NUMBERED, {"area": "Living Room", "domain": "light"}, said) == meant


_SATELLITE_HOME = parse_home("""
areas:
  - {id: kitchen, name: Kitchen, context_area: true}
  - {id: den, name: Den}
entities:
  - {id: light.pendant, name: Pendant, area: kitchen, state: "on"}
  - {id: light.den_lamp, name: Den Lamp, area: den, state: "on"}
  - {id: media_player.kitchen_speaker, name: Kitchen Speaker, area: kitchen, state: playing}
  - {id: media_player.den_tv, name: Den TV, area: den, state: playing}
""")


def test_a_kind_said_with_no_place_is_the_home_s_and_an_implied_target_the_speaker_s_room_s() -> None:
    """"turn off all the lights" and "are any lights on" (a kind, no place: `{domain: light}`) mean every light in
    the home, as in Home Assistant, though the speaker's room has lights too; "pause" (no target said: the
    intent's own domain) means the player in the speaker's room. "turn on the lights", meant for the room, comes
    from the resolvers with the room in it."""
    every_light = match_targets(_SATELLITE_HOME, query_for({"domain": "light"}, ON_OFF_DOMAINS))
    assert _names(every_light.entities) == ["Den Lamp", "Pendant"] and every_light.area is None
    here = match_targets(_SATELLITE_HOME, query_for({}, ("media_player",)))
    assert _names(here.entities) == ["Kitchen Speaker"] and here.area is not None and here.area.name == "Kitchen"
    in_room = match_targets(_SATELLITE_HOME, query_for({"domain": "light", "area": "Kitchen"}, ON_OFF_DOMAINS))
    assert _names(in_room.entities) == ["Pendant"]


NEAR = parse_home("""
areas:
  - {id: lounge, name: Lounge}
entities:
  - {id: light.nanoleaf, name: Nanoleaf Shapes, area: lounge}
  - {id: light.fairy, name: Fairy Lights, area: lounge}
  - {id: switch.plug_1, name: Zigbee Plug 1, area: lounge}
  - {id: switch.plug_2, name: Zigbee Plug 2, area: lounge}
  - {id: lock.side_door, name: Side Door, area: lounge}
""")


@pytest.mark.parametrize(("said", "near"), [
    ("nanoleaf panels", "light.nanoleaf"),  # a word of its name said, the rest not
    ("pop priyas fairy lights", "light.fairy"),
    ("zigby plug", None),  # sounds like two alike: no guess
    ("dishwasher", None),  # sounds somewhat like Side Door, but no word of it
    ("kettle", None),
])
def test_a_name_that_names_nothing_sounds_like_one_device_or_none(said: str, near: str | None) -> None:
    found = sounds_like(NEAR, said)
    assert (found.id if found else None) == near
    if near is not None:  # of another kind, nothing
        assert sounds_like(NEAR, said, ("lock",)) is None
