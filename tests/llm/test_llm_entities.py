"""Spans -> the demo home's names: exact, alias, fuzzy, context area."""

import pytest

from devices.homefile import DEMO_HOME, load_home
from llm.entities import HomeNames, domain_of, is_here


@pytest.fixture(scope="module")
def names() -> HomeNames:
    return HomeNames(load_home(DEMO_HOME))


@pytest.mark.parametrize(
    ("spoken", "name"),
    [
        ("desk lamp", "Desk Lamp"),
        ("Desk Lamp", "Desk Lamp"),
        ("the desk lamp", "Desk Lamp"),
        ("under cabinet lights", "Counter Lights"),
        ("led strip", "TV Strip"),
        ("roomba", "Robot Vacuum"),
        ("bed side lamp", "Bedside Lamp"),
        ("desk lamb", "Desk Lamp"),
        ("cofee maker", "Coffee Maker"),
        ("christmas trees", "Christmas Tree"),
        ("movie time", "Movie Night"),
        ("heater", "Space Heater"),
        ("the tree", "Christmas Tree"),
    ],
)
def test_entity_names(names: HomeNames, spoken: str, name: str) -> None:
    entity = names.entity(spoken)
    assert entity is not None and entity.name == name


def test_the_last_word_of_a_name_names_only_its_one_device(names: HomeNames) -> None:
    assert names.entity("heater", cutoff=101) is None  # not an exact name: grounding still wants one
    assert names.entity("temperature") is None  # Living Room and Bedroom Temperature: which?
    assert names.entity("lamp") is None and names.entity("door") is None  # domain words, and several devices


@pytest.mark.parametrize("spoken", ["toaster", "the moon", "garden hose"])
def test_unknown_entities(names: HomeNames, spoken: str) -> None:
    assert names.entity(spoken) is None


@pytest.mark.parametrize(
    ("spoken", "area"),
    [
        ("kitchen", "Kitchen"),
        ("the lounge", "Living Room"),
        ("study", "Office"),
        ("hall", "Hallway"),
        ("living room", "Living Room"),
        ("in here", "Living Room"),
        ("this room", "Living Room"),
        ("bed room", "Bedroom"),
    ],
)
def test_areas(names: HomeNames, spoken: str, area: str) -> None:
    found = names.area(spoken)
    assert found is not None and found.name == area


def test_floors(names: HomeNames) -> None:
    assert names.floor("upstairs").name == "First Floor"  # type: ignore[union-attr]
    assert names.floor("ground floor").name == "Ground Floor"  # type: ignore[union-attr]
    assert names.floor("roof") is None


def test_area_plus_domain(names: HomeNames) -> None:
    area, domain = names.area_and_domain("kitchen lights")  # type: ignore[misc]
    assert (area.name, domain) == ("Kitchen", ("light", None))
    assert names.area_and_domain("desk lamp") is None


def test_domain_words() -> None:
    assert domain_of("Lights") == ("light", None)
    assert domain_of("blinds") == ("cover", "blind")
    assert domain_of("garage door") == ("cover", "garage")
    assert domain_of("toaster") is None
    assert is_here("in here") and is_here("this room") and not is_here("kitchen")


def test_a_word_for_a_kind_of_place_names_no_one_place() -> None:
    """'floor' ends "Ground Floor" alone, yet "the floor lamp" is no floor (nor 'room' a room)."""
    from devices.homefile import parse_home

    home = HomeNames(parse_home("""
floors: [{id: cottage, name: Cottage, aliases: [ground floor]}]
areas: [{id: living, name: Living Room, floor: cottage}]
entities: [{id: light.floor_lamp, name: Signe Floor Lamp, area: living}]
"""))
    assert home.floor("floor") is None and home.area("room") is None
    assert home.floor("ground floor") is not None and home.area("living room") is not None


@pytest.mark.parametrize(("spoken", "name"), [
    ("living room light number one", "Living Room Light 1"),
    ("living room light two", "Living Room Light 2"),
    ("living room light number 2", "Living Room Light 2"),
    ("living room light too", "Living Room Light 2"),  # speech-to-text's spelling of a number word
    ("living room light to", "Living Room Light 2"),
    ("living room light won", "Living Room Light 1"),
    ("living room light for", "Living Room Light 4"),
])
def test_a_device_an_integration_numbered_is_named_by_its_number(spoken: str, name: str) -> None:
    from devices.homefile import parse_home

    home = HomeNames(parse_home("""
areas: [{id: lr, name: Living Room}]
entities:
  - {id: light.l1, name: Living Room Light 1, area: lr}
  - {id: light.l2, name: Living Room Light 2, area: lr}
  - {id: light.l4, name: Living Room Light 4, area: lr}
"""))
    found = home.entity(spoken, cutoff=101)
    assert found is not None and found.name == name


@pytest.mark.parametrize("spoken", ["room four's radiator", "room 4's radiator", "room four radiator"])
def test_a_numbered_place_said_as_an_owner_is_its_number(spoken: str) -> None:
    """"Room four's radiator" is Room 4's, not Room 1's (normalized, "four's" is "fours", no number word)."""
    from devices.homefile import parse_home

    home = HomeNames(parse_home("""
areas: [{id: r1, name: Room 1}, {id: r4, name: Room 4}]
entities:
  - {id: climate.r1, name: Room 1 Radiator, area: r1}
  - {id: climate.r4, name: Room 4 Radiator, area: r4}
"""))
    found = home.entity(spoken)
    assert found is not None and found.name == "Room 4 Radiator"


def test_a_homophone_of_a_number_is_no_number_where_no_name_has_it() -> None:
    """'to' ending a span is a digit only when a name is said so: 'the kettle to' is not 'Kettle 2'."""
    from devices.homefile import parse_home

    home = HomeNames(parse_home("""
areas: [{id: k, name: Kitchen}]
entities: [{id: switch.kettle, name: Kettle, area: k}, {id: light.lamp_1, name: Lamp 1, area: k}]
"""))
    assert home.entity("kettle to", cutoff=101) is None and home.entity("lamp for", cutoff=101) is None
