"""A need said where a kind of device goes ("I'm cold", "off to bed") is met by the devices the home has for
it (`llm.targets.NEEDS`): built from tagged clauses, so the mechanism is tested apart from the model's tags."""

from __future__ import annotations

import pytest

from bench.ha_homes import generated_home
from devices.homefile import parse_home
from hub.core.home import Home
from llm import slots, targets
from llm.decode import Clause, Span
from llm.entities import HomeNames

HOME = """
floors: [{id: main, name: Main Floor}]
areas:
  - {id: office, name: Office, floor: main}
  - {id: bedroom, name: Bedroom, floor: main}
  - {id: kitchen, name: Kitchen, floor: main}
entities:
  - {id: switch.office_heater, name: Space Heater, area: office, state: "off", device_class: outlet}
  - {id: fan.bedroom, name: Ceiling Fan, area: bedroom, state: "off"}
  - {id: light.bedroom, name: Bedroom Light, area: bedroom, state: "off"}
  - {id: light.kitchen, name: Kitchen Light, area: kitchen, state: "on"}
  - {id: switch.coffee, name: Coffee Maker, area: kitchen, state: "off"}
  - {id: switch.kettle, name: Breville Kettle, area: kitchen, state: "off"}
  - {id: switch.charger, name: Zappi EV Charger, area: office, state: "off"}
  - {id: switch.blanket, name: Electric Blanket, area: bedroom, state: "off"}
"""


def _clause(intent: str, text: str, **spans: str) -> Clause:
    """A clause as the tagger gives it: each span's text found in the sentence."""
    found = []
    for kind, said in spans.items():
        start = text.index(said)
        first = len(text[:start].split())
        found.append(Span(kind, said, first, first + len(said.split()) - 1, start, start + len(said)))
    return Clause(intent, 0.95, 0, len(text.split()) - 1, text, found, text, {intent: 0.95})


def _slots(home: Home, intent: str, text: str, **spans: str) -> list[dict[str, object]]:
    return slots.build_slots(_clause(intent, text, **spans), HomeNames(home))


@pytest.fixture(scope="module")
def home() -> Home:
    return parse_home(HOME)


@pytest.mark.parametrize("said", ["cold", "so cold", "freezing", "a bit chilly"])
def test_cold_turns_on_the_one_heater(home: Home, said: str) -> None:
    assert _slots(home, "HassTurnOn", f"i'm {said}", domain=said) == [{"name": "Space Heater"}]


def test_a_need_in_a_room_is_met_there(home: Home) -> None:
    assert _slots(home, "HassTurnOn", "it's stuffy in the bedroom", domain="stuffy", area="bedroom") == [
        {"domain": "fan", "area": "Bedroom"}]
    assert _slots(home, "HassTurnOn", "it's so dark in the kitchen", direction="so dark", area="kitchen") == [
        {"domain": "light", "area": "Kitchen"}]


def test_a_home_wide_need_reaches_every_light(home: Home) -> None:
    assert _slots(home, "HassTurnOff", "i'm off to bed", domain="bed") == [{"domain": "light"}]


def test_a_need_the_home_cannot_meet_names_nothing(home: Home) -> None:
    """No heater in the kitchen, and "dark" with no room said and several lights: no target, so Hearth asks."""
    assert _slots(home, "HassTurnOn", "it's freezing in the kitchen", domain="freezing", area="kitchen") == [
        {"area": "Kitchen"}]
    assert _slots(home, "HassTurnOn", "it's dark", domain="dark") == [{}]


def test_no_need_word_is_no_need() -> None:
    assert targets.need_kinds("the lamp") == ((), False)
    assert targets.need_kinds("really cold")[0][0] == "heater"
    assert targets.need_kinds("heading out", "HassTurnOff") == (("light",), True)
    assert targets.need_kinds("the bed", "HassTurnOn") == ((), False)  # "warm up the bed" is no bedtime


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_needs_in_generated_homes_pick_only_devices_that_meet_them(seed: int) -> None:
    """Over generated homes: what a need picks is always of a kind that meets it, in the room said."""
    home = generated_home(seed, 80)
    names = HomeNames(home)
    for area in home.areas:
        got = slots.build_slots(_clause("HassTurnOn", f"it's dark in the {area.name.lower()}", direction="dark",
                                        area=area.name.lower()), names)
        lights = [e for e in home.entities if e.domain == "light" and e.area_id == area.id]
        assert got == ([{"domain": "light", "area": area.name}] if lights else [{"area": area.name}])


@pytest.mark.parametrize(("said", "device"), [
    ("tea", "Breville Kettle"), ("cuppa", "Breville Kettle"), ("caffeine", "Coffee Maker"),
    ("car", "Zappi EV Charger"), ("the electric car", "Zappi EV Charger"), ("the bed", "Electric Blanket"),
])
def test_a_thing_said_for_a_device_is_met_by_the_device_that_serves_it(home: Home, said: str, device: str) -> None:
    """`llm.targets.USES`: "a cup of tea" is the kettle's job, "charge the car" the charger's."""
    assert _slots(home, "HassTurnOn", f"put on {said}", name=said) == [{"name": device}]


def test_a_thing_no_device_serves_stays_as_said(home: Home) -> None:
    """No irrigation here: "the lawn" is left as said, and the executor says there is no such device."""
    assert _slots(home, "HassTurnOn", "water the lawn", name="the lawn") == [{"name": "the lawn"}]


def test_a_device_called_by_the_thing_wins(home: Home) -> None:
    """A device whose name is the thing said is that device, not the one USES would pick."""
    named = parse_home(HOME + '  - {id: switch.tea, name: Tea, area: kitchen, state: "off"}\n')
    assert _slots(named, "HassTurnOn", "put on tea", name="tea") == [{"name": "Tea"}]


def test_a_need_the_home_cannot_meet_is_no_device_whose_name_shares_its_word() -> None:
    """"too hot" with no fan or air conditioner: not the Boiler whose alias is "hot water" (Hearth asks)."""
    home = parse_home("""
areas: [{id: utility, name: Utility Room, context_area: true}]
entities:
  - {id: switch.boiler, name: Boiler, area: utility, aliases: [hot water], state: "off"}
""")
    calls = slots.tool_calls([_clause("HassTurnOn", "he gets too hot", domain="hot")], HomeNames(home), 0.5)
    assert all("name" not in c.slots for c in calls)
    calls = slots.tool_calls([_clause("HassTurnOn", "put the hot water on", name="hot water")], HomeNames(home), 0.5)
    assert [c.slots.get("name") for c in calls] == ["Boiler"]
