"""Grounding a span on the live home: part of a name, an area with the rest of a name or a kind, a need."""

from pathlib import Path

from devices.homefile import DEMO_HOME, load_home
from llm import slots
from llm.entities import HomeNames

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
