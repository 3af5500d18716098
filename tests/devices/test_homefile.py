"""Home Assistant fixture YAML in and out, with errors that name the line."""

from __future__ import annotations

import pytest

from devices.homefile import DEMO_HOME, dump_home, load_home, parse_home
from hub.core.errors import ConfigError

HOME = """
floors:
  - {id: ground, name: Ground Floor, aliases: [downstairs]}
areas:
  - {id: kitchen, name: Kitchen, floor: ground}
  - {name: Living Room, floor: Ground Floor, context_area: true}
entities:
  - id: light.kitchen
    name: Kitchen Light
    area: kitchen
    state: "on"
    aliases: [big light]
    attributes: {brightness: 128}
  - {id: switch.kettle, name: Kettle, area: Kitchen, state: off}
  - {id: sensor.temp, name: Temperature, area: living_room, state: 21.5}
"""


def test_parses_floors_areas_entities() -> None:
    home = parse_home(HOME)
    assert [f.name for f in home.floors] == ["Ground Floor"]
    assert home.areas[1].id == "living_room" and home.areas[1].floor_id == "ground"
    assert home.context_area().name == "Living Room"
    light = home.entity("light.kitchen")
    assert (light.domain, light.area_id, light.state, light.aliases) == ("light", "kitchen", "on", ("big light",))
    assert light.attributes == {"brightness": 128}
    assert home.entity("switch.kettle").state == "off"  # unquoted YAML off is not False
    assert home.entity("sensor.temp").state == "21.5"


def test_round_trip() -> None:
    home = load_home(DEMO_HOME)
    assert parse_home(dump_home(home)) == home


@pytest.mark.parametrize(("text", "message"), [
    ("entities:\n  - {id: kitchen, name: K}\n", "<string>:2: entities[0].id: 'kitchen' is not an entity id"),
    ("entities:\n  - id: light.a\n    name: A\n    area: nowhere\n", ":4: entities[0].area: no area 'nowhere'"),
    ("areas:\n  - {name: A, floor: f9}\n", ":2: areas[0].floor: no floor 'f9'"),
    ("entities:\n  - {id: light.a, name: A}\n  - {id: light.a, name: B}\n", ":3: entities[1].id: duplicate id"),
    ("entities:\n  - {id: light.a}\n", ":2: entities[0].name: must be a non-empty string"),
    ("entities:\n  - {id: light.a, name: A, colour: red}\n", ":2: entities[0].colour: unknown key"),
    ("rooms: []\n", ":1: rooms: unknown section"),
    ("entities: {a: 1}\n", ":1: entities: must be a list"),
    ("areas:\n  - {name: A, context_area: true}\n  - {name: B, context_area: true}\n", "only one area"),
    ("entities:\n  - {id: light.a, name: A\n", "invalid YAML"),
])
def test_errors_name_line_and_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_home(text)
    assert message in str(err.value)
