"""`Resolver.understands`: which readings of an utterance the home can carry out as they stand."""

from __future__ import annotations

import pytest

from devices.models import Home
from llm.resolver import Resolver


@pytest.mark.parametrize("text", [
    "turn off the kitchen lights", "is the front door locked", "start the vacuum", "pause the music",
    "what is the humidity in the living room", "add milk to the shopping list", "set a timer for 5 minutes",
    "close the bedroom curtain", "what time is it",
])
def test_commands_on_the_homes_own_things_are_understood(resolver: Resolver, demo_home: Home, text: str) -> None:
    assert resolver.understands(text, demo_home)


@pytest.mark.parametrize("text", [
    "is the front door lock",  # 'front door lock' is no device of this home
    "turn on the back door",  # a door contact can be asked about, not switched
    "add to the shopping list",  # nothing to add
    "turn on",  # no target
    "awesome thank you",
    "",
])
def test_readings_the_home_cannot_carry_out_are_not(resolver: Resolver, demo_home: Home, text: str) -> None:
    assert not resolver.understands(text, demo_home)


def test_yes_and_no_mean_something_only_when_a_question_is_open(resolver: Resolver, demo_home: Home) -> None:
    assert not resolver.understands("yes", demo_home)
    assert resolver.understands("yes", demo_home, awaiting_answer=True)
    assert resolver.understands("no", demo_home, awaiting_answer=True)


def test_one_device_said_in_the_singular_is_that_device(resolver: Resolver, demo_home: Home) -> None:
    [call] = resolver.resolve("close the bedroom curtain", demo_home)
    assert call.slots.get("name") == "Bedroom Curtains"
    [call] = resolver.resolve("open the living room blind", demo_home)
    assert call.slots.get("name") == "Living Room Blinds"


def test_a_plural_of_one_devices_name_still_means_the_areas_devices(resolver: Resolver, demo_home: Home) -> None:
    [call] = resolver.resolve("turn off the bathroom lights", demo_home)  # not the "Bathroom Light" alone
    assert call.slots == {"area": "Bathroom", "domain": "light"}
