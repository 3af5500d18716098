"""hub.core.states: a state asked about, read by what it means for each kind of device."""

import pytest

from hub.core.home import Entity
from hub.core.states import canonical_state, in_state


def _entity(entity_id: str, state: str, device_class: str | None = None) -> Entity:
    return Entity(entity_id, entity_id.split(".")[1].replace("_", " ").title(), device_class=device_class, state=state)


@pytest.mark.parametrize(("entity", "asked", "holds"), [
    (_entity("lock.front_door", "locked"), "bolted", True),
    (_entity("lock.front_door", "unlocked"), "secured", False),
    (_entity("lock.front_door", "unlocked"), "unlocked", True),
    (_entity("cover.blinds", "closed"), "down", True),
    (_entity("cover.garage", "open"), "up", True),
    (_entity("cover.garage", "open"), "shut", False),
    (_entity("binary_sensor.back_door", "on", "door"), "open", True),
    (_entity("binary_sensor.back_door", "off", "door"), "ajar", False),
    (_entity("climate.thermostat", "heat"), "on", True),
    (_entity("climate.thermostat", "off"), "switched on", False),
    (_entity("media_player.speaker", "paused"), "on", True),
    (_entity("media_player.speaker", "standby"), "off", True),
    (_entity("media_player.speaker", "playing"), "playing", True),
    (_entity("vacuum.roomba", "docked"), "running", False),
    (_entity("vacuum.roomba", "cleaning"), "on", True),
    (_entity("light.lamp", "on"), "lit", True),
    (_entity("switch.heater", "off"), "going", False),
])
def test_a_state_holds_by_its_meaning_for_the_kind(entity: Entity, asked: str, holds: bool) -> None:
    assert in_state(entity, asked) is holds


@pytest.mark.parametrize(("entity", "asked"), [
    (_entity("lock.front_door", "locked"), "on"),  # a lock is locked or not, never on
    (_entity("light.lamp", "on"), "locked"),
    (_entity("light.lamp", "on"), "down"),  # up and down are said of covers only
    (_entity("cover.blinds", "open"), "off"),
    (_entity("light.lamp", "on"), "loud"),  # no state a device is in
    (_entity("light.lamp", "unavailable"), "on"),
])
def test_no_yes_or_no_of_a_state_the_device_cannot_be_in(entity: Entity, asked: str) -> None:
    assert in_state(entity, asked) is None


def test_words_are_read_as_states_and_up_and_down_only_of_covers() -> None:
    assert canonical_state("Locked  Up") == "locked"
    assert canonical_state("down", "cover") == "closed"
    assert canonical_state("down", "light") == "down"
    assert canonical_state("playing") == "playing"
