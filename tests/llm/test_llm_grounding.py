"""Grounding a span on the live home: part of a name, an area with the rest of a name or a kind, a need."""

from pathlib import Path

from devices.homefile import DEMO_HOME, load_home
from hub.core.home import Home
from llm import slots
from llm.entities import HomeNames
from llm.resolver import Resolver

FLAT = Path(__file__).resolve().parents[1] / "data" / "heldout" / "flat.yaml"


def test_part_of_one_name_picks_that_device() -> None:
    names = HomeNames(load_home(DEMO_HOME))
    entity = slots._by_words("coffee", names)
    assert entity is not None and entity.name == "Coffee Maker"
    assert slots._by_words("lamp", names) is None  # Floor, Desk and Bedside Lamp: ambiguous, no guess


def test_an_area_and_a_kind_or_the_rest_of_a_name() -> None:
    names = HomeNames(load_home(FLAT))
    lock = slots._by_words("entry lock", names)
    curtain = slots._by_words("living room smart curtain", names)
    assert lock is not None and lock.name == "Smart Lock"
    assert curtain is not None and curtain.name == "Smart Curtain"
    assert slots._by_words("kitchen lock", names) is None


def test_a_need_names_a_kind_of_device() -> None:
    assert slots._kind_of("dark") == ("light", None)
    assert slots._kind_of("blinds") == ("cover", "blind")
    assert slots._kind_of("sandwich") is None


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


def test_the_shipped_weights_carry_a_calibration_temperature(resolver: Resolver) -> None:
    import json

    from llm.checkpoint import DEFAULT_WEIGHTS, read_weights

    _, meta = read_weights(DEFAULT_WEIGHTS)
    temperature = json.loads(meta["info"])["temperature"]
    assert 0.3 < temperature < 4 and resolver.model.intent_temperature == temperature
