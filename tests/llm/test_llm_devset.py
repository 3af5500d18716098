"""Accuracy on the hand-written sets (tests/data/*.jsonl), int8 and fp32 (see tests/data/README.md)."""

from pathlib import Path

import pytest

from hub.core.home import Home
from llm.evaluate import (DEV_SET, GROUPS, POOLS, UNSEEN, chosen_groups, done_as_meant, load_cases, parse_args, score,
                          wrong_action)
from llm.resolver import Resolver

TEST_SET = DEV_SET.with_name("intent_test.jsonl")
FLOORS = {DEV_SET: (0.94, 0.96), TEST_SET: (0.85, 0.92)}
"""Minimum (exact intents+slots, intents) per set, a little under what the shipped weights reach."""


@pytest.mark.parametrize("path", [DEV_SET, TEST_SET], ids=["dev", "test"])
def test_sets_are_well_formed(path: Path) -> None:
    cases = load_cases(path)
    assert len({c["text"] for c in cases}) == len(cases)
    for case in cases:
        assert isinstance(case["text"], str) and isinstance(case["intents"], list)
        for call in case["intents"]:
            assert set(call) == {"intent", "slots"}


def test_together_at_least_400_commands_and_disjoint() -> None:
    dev, test = load_cases(DEV_SET), load_cases(TEST_SET)
    assert len(dev) >= 400
    assert not {c["text"] for c in dev} & {c["text"] for c in test}


@pytest.mark.parametrize("path", [DEV_SET, TEST_SET], ids=["dev", "test"])
def test_accuracy(resolver: Resolver, resolver_fp32: Resolver, demo_home: Home, path: Path) -> None:
    cases = load_cases(path)
    exact, intents = FLOORS[path]
    int8, fp32 = score(resolver, cases, demo_home), score(resolver_fp32, cases, demo_home)
    assert int8.exact >= exact and fp32.exact >= exact
    assert int8.intent >= intents and fp32.intent >= intents
    assert abs(int8.exact - fp32.exact) <= 0.03


def test_wrong_action_compares_lists_by_effect(demo_home: Home) -> None:
    """The executor adds "Shopping List" items for both intents and matches list names without case or "list"."""
    want = [{"intent": "HassShoppingListAddItem", "slots": {"item": "firelighters"}}]
    same = [{"intent": "HassListAddItem", "slots": {"item": "Firelighters", "name": "my Shopping List"}}]
    other_list = [{"intent": "HassListAddItem", "slots": {"item": "firelighters", "name": "DIY Jobs"}}]
    other_item = [{"intent": "HassShoppingListAddItem", "slots": {"item": "matches"}}]
    assert not wrong_action(same, want, demo_home)
    assert not wrong_action([{"intent": "HassListAddItem", "slots": {"item": "x", "name": "DIY Jobs"}}],
                            [{"intent": "HassListAddItem", "slots": {"item": "x", "name": "diy jobs"}}], demo_home)
    assert wrong_action(other_list, want, demo_home)
    assert wrong_action(other_item, want, demo_home)


def test_a_call_the_executor_would_ask_about_is_no_wrong_action(demo_home: Home) -> None:
    """A light set to nothing makes the executor ask for a value (`MissingValue`): nothing changes yet."""
    want = [{"intent": "HassLightSet", "slots": {"name": "Desk Lamp", "brightness": 20}}]
    assert not wrong_action([{"intent": "HassLightSet", "slots": {"name": "Desk Lamp"}}], want, demo_home)
    assert wrong_action([{"intent": "HassLightSet", "slots": {"name": "Desk Lamp", "brightness": 80}}], want,
                        demo_home)
    listed = [{"intent": "HassListAddItem", "slots": {"item": "recorder", "name": "Shopping"}}]
    for intent in ("HassListAddItem", "HassListRemoveItem", "HassListCompleteItem", "HassShoppingListAddItem"):
        # no item said: "Which item? ..." (`hub.household.intents`), the list unchanged
        assert not wrong_action([{"intent": intent, "slots": {"name": "Shopping"}}], listed, demo_home)


def test_a_label_on_a_new_timer_or_alarm_changes_no_effect_a_timer_named_to_stop_does(demo_home: Home) -> None:
    timer = [{"intent": "HassStartTimer", "slots": {"minutes": 3}}]
    assert not wrong_action([{"intent": "HassStartTimer", "slots": {"minutes": 3, "name": "eggs"}}], timer, demo_home)
    assert wrong_action([{"intent": "HassStartTimer", "slots": {"minutes": 4, "name": "eggs"}}], timer, demo_home)
    alarm = [{"intent": "HearthAlarmSet", "slots": {"time": "06:45"}}]
    assert not wrong_action([{"intent": "HearthAlarmSet", "slots": {"time": "06:45", "label": "gym"}}], alarm,
                            demo_home)
    cancel = [{"intent": "HassCancelTimer", "slots": {"name": "pizza"}}]
    assert wrong_action([{"intent": "HassCancelTimer", "slots": {"name": "pasta"}}], cancel, demo_home)


def test_a_vacuum_sent_to_an_area_is_compared_by_which_vacuum_and_which_area(demo_home: Home) -> None:
    """"hoover the kitchen": the one vacuum there is, sent to the Kitchen, whether or not the call names it or says
    the area by its alias; another area is a wrong action, and no area (the executor asks which room) is none."""
    want = [{"intent": "HassVacuumCleanArea", "slots": {"name": "Robot Vacuum", "area": "Kitchen"}}]
    assert not wrong_action([{"intent": "HassVacuumCleanArea", "slots": {"area": "kitchen"}}], want, demo_home)
    assert not wrong_action([{"intent": "HassVacuumCleanArea", "slots": {"name": "roomba", "area": "Kitchen"}}],
                            want, demo_home)
    assert wrong_action([{"intent": "HassVacuumCleanArea", "slots": {"area": "Bedroom"}}], want, demo_home)
    assert not wrong_action([{"intent": "HassVacuumCleanArea", "slots": {}}], want, demo_home)


def test_everything_off_in_a_place_is_an_action_the_lights_alone_are_not(demo_home: Home) -> None:
    """A place alone turned off is everything there that goes off (`hub.core.targets.everything_off`): the same
    as a label saying so, more than a label wanting only the lights; a place-less "turn (everything) off" changes
    nothing (the executor asks which devices)."""
    floor = [{"intent": "HassTurnOff", "slots": {"floor": "Ground Floor"}}]
    lights = [{"intent": "HassTurnOff", "slots": {"floor": "Ground Floor", "domain": "light"}}]
    assert not wrong_action(floor, [{"intent": "HassTurnOff", "slots": {"floor": "downstairs"}}], demo_home)
    assert wrong_action(floor, lights, demo_home)
    assert not wrong_action([{"intent": "HassTurnOff", "slots": {}, "every": True}], floor, demo_home)
    assert not wrong_action([{"intent": "HassTurnOff", "slots": {}}], floor, demo_home)


def test_done_as_meant_compares_end_states_not_spellings(demo_home: Home) -> None:
    """The Desk Lamp is the office's one light: "the office lights on" and "the desk lamp on" leave the home alike;
    the office's switches too, a clause left out, or another value do not."""
    lamp = [{"intent": "HassTurnOn", "slots": {"name": "Desk Lamp"}}]
    assert done_as_meant([{"intent": "HassTurnOn", "slots": {"area": "office", "domain": "light"}}], lamp, demo_home)
    assert not done_as_meant([{"intent": "HassTurnOn", "slots": {"area": "Office"}}], lamp, demo_home)
    both = [*lamp, {"intent": "HassTurnOn", "slots": {"name": "Coffee Maker"}}]
    assert not done_as_meant(lamp, both, demo_home)
    assert done_as_meant(both[::-1], both, demo_home)
    dim = [{"intent": "HassLightSet", "slots": {"name": "Desk Lamp", "brightness": 20}}]
    assert not done_as_meant([{"intent": "HassLightSet", "slots": {"name": "Desk Lamp", "brightness": 30}}], dim,
                             demo_home)
    assert not done_as_meant([{"intent": "HassLightSet", "slots": {"name": "Desk Lamp"}}], dim, demo_home)
    assert not done_as_meant([], lamp, demo_home)


def test_done_as_meant_judges_a_question_by_its_devices_and_chatter_by_nothing_done(demo_home: Home) -> None:
    """"is the front door locked" asked with or without the state, by the lock's name or its room's one lock, is the
    same question; the garage's lock is another. Chatter is done when nothing is, "never mind" included."""
    want = [{"intent": "HassGetState", "slots": {"name": "Front Door", "state": "locked"}}]
    assert done_as_meant([{"intent": "HassGetState", "slots": {"name": "front door"}}], want, demo_home)
    assert done_as_meant([{"intent": "HassGetState", "slots": {"area": "Hallway", "domain": "lock"}}], want, demo_home)
    assert not done_as_meant([{"intent": "HassGetState", "slots": {"name": "Side Door"}}], want, demo_home)
    assert done_as_meant([], [], demo_home)
    assert done_as_meant([{"intent": "HassNevermind", "slots": {}}], [], demo_home)
    assert not done_as_meant([{"intent": "HassTurnOn", "slots": {"name": "Desk Lamp"}}], [], demo_home)
    assert not done_as_meant([{"intent": "HassGetWeather", "slots": {}}], [], demo_home)


def test_the_unseen_pool_is_asked_for_by_name_and_not_scored_twice_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--groups unseen` scores every never-read group's sets once, pooled; the default (every group) does not add it."""
    monkeypatch.setattr("sys.argv", ["evaluate", "--groups", "unseen"])
    pooled = chosen_groups(parse_args())["unseen"]
    monkeypatch.setattr("sys.argv", ["evaluate"])
    default = chosen_groups(parse_args())
    assert pooled == list(POOLS["unseen"]) == [pair for group in UNSEEN for pair in GROUPS[group]]
    assert "unseen" not in default and len(pooled) == 19
    assert not {"heldout11", "heldout12", "heldout13", "team"} & set(UNSEEN)
