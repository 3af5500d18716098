"""HA's templates as the first stage: slot lists from the live home, HA's slot names, custom sentences."""

from dataclasses import replace
from pathlib import Path

import pytest

from hub.core.home import Entity, Home
from hub.core.errors import ConfigError
from hub.core.events import ToolCall
from llm.cascade import CascadeResolver
from llm.templates import TemplateMatcher, load_custom_sentences


@pytest.fixture(scope="module")
def matcher() -> TemplateMatcher:
    return TemplateMatcher.load()


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("turn on the kitchen ceiling", "HassTurnOn", {"name": "Kitchen Ceiling"}),
    ("turn off the lights in the kitchen", "HassTurnOff", {"area": "Kitchen", "domain": "light"}),
    ("turn on the under cabinet lights", "HassTurnOn", {"name": "under cabinet lights"}),
    ("what time is it", "HassGetCurrentTime", {}),
    ("what's the date", "HassGetCurrentDate", {}),
    ("cancel the 5 minute timer", "HassCancelTimer", {"start_minutes": 5}),
    ("set a timer for 2 hours and 10 minutes", "HassStartTimer", {"hours": 2, "minutes": 10}),
    ("how many upstairs doors are locked", "HassGetState",
     {"floor": "upstairs", "state": "locked", "domain": "lock"}),
    ("is the front door locked", "HassGetState", {"name": "Front Door", "state": "locked"}),
    ("broadcast dinner is ready", "HassBroadcast", {"message": "dinner is ready"}),
    ("check off milk from the shopping list", "HassListCompleteItem", {"item": "milk", "name": "Shopping List"}),
    ("complete milk on the list", "HassShoppingListCompleteItem", {"item": "milk"}),
    ("vacuum the kitchen", "HassVacuumCleanArea", {"area": "Kitchen"}),
    ("play jazz on the speaker", "HassMediaSearchAndPlay", {"search_query": "jazz", "name": "speaker"}),
    ("hello", "HassRespond", {}),
    ("stop the roomba", "HearthVacuumStop", {"name": "roomba"}),
    ("stop vacuuming", "HearthVacuumStop", {"domain": "vacuum"}),
    ("open the sprinkler", "HassTurnOn", {"name": "sprinkler"}),
    ("what's the weather like", "HassGetWeather", {}),
])
def test_templates_give_has_slots(matcher: TemplateMatcher, demo_home: Home, text: str, intent: str,
                                  slots: dict[str, object]) -> None:
    call = matcher.match(text, demo_home)
    assert call is not None and (call.intent, call.slots) == (intent, slots)


def test_response_key_rides_along(matcher: TemplateMatcher, demo_home: Home) -> None:
    assert matcher.match("who made you", demo_home) == ToolCall("HassRespond", {}, response_key="creator")
    assert matcher.match("turn on the desk lamp", demo_home) == ToolCall("HassTurnOn", {"name": "Desk Lamp"})


def test_nothing_for_what_no_template_says(matcher: TemplateMatcher, demo_home: Home) -> None:
    for text in ("", "   ", "blorp flim flam", "\x00\x01\x02binary", "x" * 5000, "schalte das Licht aus",
                 "turn on the garden sprinkler"):
        assert matcher.match(text, demo_home) is None


def test_lists_follow_the_home_and_exposure(matcher: TemplateMatcher, demo_home: Home) -> None:
    pump = Entity("switch.pool_pump", "Pool Pump", "garage")
    assert matcher.match("turn on the pool pump", demo_home) is None
    bigger = replace(demo_home, entities=(*demo_home.entities, pump))
    assert matcher.match("turn on the pool pump", bigger) == ToolCall("HassTurnOn", {"name": "Pool Pump"})
    hidden = replace(bigger, entities=(*demo_home.entities, replace(pump, exposed=False)))
    assert matcher.match("turn on the pool pump", hidden) is None


def _write(folder: Path, name: str, text: str) -> None:
    (folder / "en").mkdir(parents=True, exist_ok=True)
    (folder / "en" / name).write_text(text)


def test_custom_sentences_in_has_format(tmp_path: Path, demo_home: Home) -> None:
    _write(tmp_path, "a_good.yaml", (
        "language: en\nintents:\n  HassTurnOn:\n    data:\n      - sentences:\n"
        "          - \"wake up [the] {name}\"\n        requires_context:\n          domain: light\n"
        "  HassShoppingListAddItem:\n    data:\n      - sentences:\n          - \"we are out of {thing:item}\"\n"
        "lists:\n  thing:\n    values: [bread, eggs]\n"))
    _write(tmp_path, "b_broken.yaml", "language: en\nintents:\n  HassTurnOff:\n    data:\n      - sentences: 3\n")
    _write(tmp_path, "c_unknown.yaml", (
        "language: en\nintents:\n  OrderPizza:\n    data:\n      - sentences: [\"order a pizza\"]\n"))
    _write(tmp_path, "d_bad_yaml.yaml", "intents: [unclosed\n")
    _write(tmp_path, "e_no_list.yaml", (
        "language: en\nintents:\n  HassTurnOff:\n    data:\n      - sentences:\n          - \"shut {nothing}\"\n"))
    custom = load_custom_sentences(tmp_path, {"HassTurnOn", "HassTurnOff", "HassShoppingListAddItem"})
    assert len(custom.errors) == 4
    broken, unknown, bad_yaml, no_list = custom.errors
    assert "e_no_list.yaml:6" in no_list and "{nothing}" in no_list
    assert "b_broken.yaml:5" in broken and "intents.HassTurnOff.data[0].sentences" in broken
    assert "c_unknown.yaml:3" in unknown and "OrderPizza" in unknown
    assert "d_bad_yaml.yaml" in bad_yaml

    matcher = TemplateMatcher.load(tmp_path)
    assert matcher.match("wake up the desk lamp", demo_home) == ToolCall("HassTurnOn", {"name": "Desk Lamp"})
    assert matcher.match("wake up the coffee maker", demo_home) is None  # not a light
    assert matcher.match("we are out of eggs", demo_home) == ToolCall("HassShoppingListAddItem", {"item": "eggs"})
    assert matcher.match("turn off the desk lamp", demo_home) == ToolCall("HassTurnOff", {"name": "Desk Lamp"})


def test_missing_custom_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        TemplateMatcher.load(tmp_path / "nowhere")


def test_cascade_says_which_stage_answered(resolver: object, demo_home: Home) -> None:
    cascade = CascadeResolver(TemplateMatcher.load(), lambda: resolver)  # type: ignore[arg-type, return-value]
    calls, stage = cascade.resolve_staged("turn off the lights in the kitchen", demo_home)
    assert stage == "templates"
    assert [(c.intent, c.slots, c.stage) for c in calls] == [
        ("HassTurnOff", {"area": "Kitchen", "domain": "light"}, "templates")]
    calls, stage = cascade.resolve_staged("turn off the kitchen lights and start the roomba", demo_home)
    assert stage == "transformer" and [c.intent for c in calls] == ["HassTurnOff", "HassVacuumStart"]
    assert {c.stage for c in calls} == {"transformer"}
    assert cascade.resolve_staged("blorp flim flam", demo_home) == ([], None)
    assert cascade.understands("what time is it", demo_home).confidence == 1.0
    assert cascade.understands("lock the door", demo_home)  # two locks: the executor asks which, but it is understood


def test_a_delayed_command_is_kept_only_when_its_words_are_a_request(resolver: object, demo_home: Home) -> None:
    """HA's "<command> in <duration>": "remind me" is no request Hearth understands, so that is a plain timer."""
    cascade = CascadeResolver(TemplateMatcher.load(), lambda: resolver)  # type: ignore[arg-type, return-value]
    assert [(c.intent, c.slots) for c in cascade.resolve("remind me in 20 minutes", demo_home)] == [
        ("HassStartTimer", {"minutes": 20})]
    assert [(c.intent, c.slots) for c in cascade.resolve("turn off the kitchen lights in 10 minutes", demo_home)] == [
        ("HassStartTimer", {"conversation_command": "turn off the kitchen lights", "minutes": 10})]


_GARAGE_HOME = """
areas:
  - {id: kitchen, name: Kitchen, context_area: true}
  - {id: garage, name: Garage}
entities:
  - {id: light.kitchen, name: Kitchen Light, area: kitchen, state: "off"}
  - {id: cover.myq, name: MyQ Garage Door, area: garage, device_class: garage, state: closed}
"""


def test_a_template_naming_nothing_the_home_has_yields_to_a_reading_it_has(resolver: object) -> None:
    """HA's templates read "close the garage door" as the Garage's door-class covers; the home's garage door is a
    garage-class cover, so that reading finds nothing and the Transformer's, which finds the MyQ Garage Door, is
    taken. When neither reading finds a target ("close the garage window"), Home Assistant's stays, its error
    said as HA says it."""
    from devices.homefile import parse_home
    from llm.cascade import finds_its_target
    from llm.resolver import meaning_of

    home = parse_home(_GARAGE_HOME)
    matcher = TemplateMatcher.load()
    template = matcher.match("close the garage door", home)
    assert template is not None and not finds_its_target(template, home)
    cascade = CascadeResolver(matcher, lambda: resolver)  # type: ignore[arg-type, return-value]
    calls, stage = cascade.resolve_staged("close the garage door", home)
    assert stage == "transformer" and [c.intent for c in calls] == ["HassTurnOff"]
    assert all(finds_its_target(c, home) for c in calls)
    assert cascade.understands("close the garage door", home).meaning == meaning_of(calls)  # voice hears it so
    window = matcher.match("close the garage window", home)
    assert window is not None and cascade.resolve_staged("close the garage window", home) == (
        [replace(window, stage="templates")], "templates")


def test_cascade_survives_bad_input(resolver: object, demo_home: Home) -> None:
    cascade = CascadeResolver(TemplateMatcher.load(), lambda: resolver)  # type: ignore[arg-type, return-value]
    for text in ("", "\x00\xff\x01" * 50, "ä" * 100_000, "schalte bitte das Licht in der Küche aus", "🙂" * 40,
                 "turn on the " + "very " * 400 + "bright lights"):
        calls, stage = cascade.resolve_staged(text, demo_home)
        assert stage in (None, "transformer", "templates") and all(c.stage == stage for c in calls)


def test_parse_says_the_stage_and_takes_custom_sentences(tmp_path: Path) -> None:
    import argparse
    import io
    import json

    from llm.cli import add_parse_arguments, run_parse

    _write(tmp_path, "x.yaml", "language: en\nintents:\n  HassNevermind:\n    data:\n      - sentences: [\"forget it\"]\n")
    parser = argparse.ArgumentParser()
    add_parse_arguments(parser)
    args = parser.parse_args(["--stages", "templates", "--custom-sentences", str(tmp_path)])
    out = io.StringIO()
    assert run_parse(args, io.StringIO("forget it\nwhat time is it\nblorp\n"), out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(r["intents"], r["stage"]) for r in rows] == [
        ([{"intent": "HassNevermind", "slots": {}}], "templates"),
        ([{"intent": "HassGetCurrentTime", "slots": {}}], "templates"),
        ([], None),
    ]


_MEDIA_HOME = """
areas:
  - {id: lounge, name: Lounge, context_area: true}
  - {id: bedroom_3, name: Bedroom 3}
entities:
  - {id: media_player.sonos_beam, name: Sonos Beam, area: lounge}
  - {id: media_player.homepod, name: HomePod, area: bedroom_3}
  - {id: light.bedroom_3_lamp, name: Bedroom 3 Lamp, area: bedroom_3}
  - {id: light.bedroom_3_ceiling, name: Bedroom 3 Ceiling Light, area: bedroom_3}
"""


@pytest.mark.parametrize(("text", "intent", "slots"), [
    ("play coldplay on the beam", "HassMediaSearchAndPlay", {"search_query": "coldplay", "name": "Sonos Beam"}),
    ("play some miles davis on the homepod", "HassMediaSearchAndPlay",
     {"search_query": "miles davis", "name": "HomePod"}),
    ("twelve minute timer for the rice please", "HassStartTimer", {"minutes": 12, "name": "rice"}),
    ("cancel every timer", "HassCancelAllTimers", {}),
    ("turn on the lamp in bedroom 3", "HassTurnOn", {"name": "Bedroom 3 Lamp"}),
    ("turn on the lights in bedroom 3", "HassTurnOn", {"area": "Bedroom 3", "domain": "light"}),
])
def test_template_values_are_grounded_and_cleaned(matcher: TemplateMatcher, text: str, intent: str,
                                                  slots: dict[str, object]) -> None:
    from devices.homefile import parse_home

    call = matcher.match(text, parse_home(_MEDIA_HOME))
    assert call is not None and (call.intent, call.slots) == (intent, slots)


def test_a_search_whose_tail_fits_no_player_stays_as_said(matcher: TemplateMatcher) -> None:
    from devices.homefile import parse_home

    call = matcher.match("play music on the radio", parse_home(_MEDIA_HOME))
    assert call is not None and call.slots == {"search_query": "music on the radio", "area": "Lounge"}
