"""The assistant called by name is no part of the request: it goes before either stage reads the text."""

from __future__ import annotations

import pytest

from devices.homefile import parse_home
from hub.core.home import Home
from llm.address import unaddressed
from llm.cascade import CascadeResolver
from llm.entities import HomeNames
from llm.templates import TemplateMatcher

HOME = """
areas:
  - {id: living_room, name: Living Room, context_area: true}
  - {id: office, name: Office}
entities:
  - {id: light.big_light, name: Big Light, area: living_room, state: "on"}
  - {id: switch.computer, name: Computer, area: office, state: "on"}
"""
NAMES = HomeNames(parse_home(HOME))


@pytest.mark.parametrize(("said", "meant"), [
    ("olly lights off", "lights off"),
    ("hey siri, big light on", "big light on"),
    ("ok google what time is it?", "what time is it?"),
    ("the lights off please alexa", "the lights off please"),
    ("big light off, jarvis.", "big light off"),
    ("hey siri, lights off olly", "lights off"),
    ("thanks alexa", "thanks"),
])
def test_the_name_at_the_start_or_end_goes(said: str, meant: str) -> None:
    assert unaddressed(said, NAMES) == meant


@pytest.mark.parametrize("said", [
    "computer off",  # the home has a device called so: it may be the one asked about
    "turn off the computer",
    "switch on my alexa",  # a thing spoken of, not the one spoken to
    "ask siri",
    "alexa",  # nothing else said: left as heard
    "turn the alexa thing off",  # not at an edge
    "brenda lights off",  # no assistant's name
])
def test_anything_else_stays(said: str) -> None:
    assert unaddressed(said, NAMES) == said


def test_both_stages_read_the_request_without_the_name(resolver: object, demo_home: Home) -> None:
    """Home Assistant's templates never expect the name, and the Transformer, unsure beside a name it was not
    trained with, now reads what it reads without it."""
    cascade = CascadeResolver(TemplateMatcher.load(), lambda: resolver)  # type: ignore[arg-type, return-value]
    for said, meant in [("alexa turn off the kitchen lights", "turn off the kitchen lights"),
                        ("siri make the kitchen lights brighter", "make the kitchen lights brighter"),
                        ("brighten the bedroom a bit olly", "brighten the bedroom a bit")]:
        got, stage = cascade.resolve_staged(said, demo_home)
        want, want_stage = cascade.resolve_staged(meant, demo_home)
        assert got and (got, stage) == (want, want_stage), said
        assert cascade.understands(said, demo_home) == cascade.understands(meant, demo_home)
