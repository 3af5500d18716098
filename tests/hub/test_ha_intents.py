"""HA intents and device kinds on the simulated demo home over a real Mosquitto: exact replies and states."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from devices.homefile import DEMO_HOME
from hub.app import SPEAK_TOPIC, Hub, HubOptions, parse_command
from hub.core.events import ToolCall
from hub.ha_intents import HaIntentOptions, ha_handlers
from tests.conftest import Mosquitto, hub_config

DEVICE_CASES: list[tuple[str, dict[str, Any], str, dict[str, str]]] = [
    ("HassTurnOn", {"name": "Garden Water Valve"}, "Opened Garden Water Valve", {"valve.garden_water": "open"}),
    ("HassSetPosition", {"name": "sprinkler", "position": 30}, "Set Garden Water Valve to 30%",
     {"valve.garden_water": "open"}),
    ("HassLawnMowerStartMowing", {}, "Started mowing with Lawn Mower", {"lawn_mower.garden": "mowing"}),
    ("HassLawnMowerDock", {"name": "Lawn Mower"}, "Sent Lawn Mower back to the dock",
     {"lawn_mower.garden": "returning"}),
    ("HassTurnOff", {"name": "Living Room Speaker"}, "Turned off Living Room Speaker",
     {"media_player.living_room_speaker": "off"}),
    ("HassVacuumCleanArea", {"area": "Kitchen"}, "Cleaning the Kitchen", {"vacuum.robot": "cleaning"}),
    ("HassClimateSetFanMode", {"fan_mode": "high"}, "Set the fan mode of Thermostat to high",
     {"climate.thermostat": "heat"}),
    ("HearthVacuumStop", {"name": "roomba"}, "Stopped Robot Vacuum", {"vacuum.robot": "idle"}),
    ("HassMediaSearchAndPlay", {"search_query": "Kind of Blue"}, "Playing Kind of Blue",
     {"media_player.living_room_speaker": "playing"}),
]


@pytest.mark.parametrize(("intent", "slots", "response", "states"), DEVICE_CASES,
                         ids=[c[0] for c in DEVICE_CASES])
async def test_device_intents(hub: Hub, intent: str, slots: dict[str, Any], response: str,
                              states: dict[str, str]) -> None:
    outcome = await hub.executor.execute(ToolCall(intent, slots))
    assert (outcome.ok, outcome.response) == (True, response)
    for entity_id, state in states.items():
        assert hub.devices.entity(entity_id).state == state


async def test_absolute_volume_and_media_search_reach_the_device(hub: Hub) -> None:
    await hub.executor.execute(ToolCall("HassSetVolume", {"volume_level": 50}))
    assert hub.devices.entity("media_player.living_room_speaker").attributes["volume_level"] == 0.5
    await hub.executor.execute(ToolCall("HassMediaSearchAndPlay", {"search_query": "Take the A Train"}))
    assert hub.devices.entity("media_player.living_room_speaker").attributes["media_title"] == "Take the A Train"
    await hub.executor.execute(ToolCall("HassClimateSetFanMode", {"fan_mode": "auto", "name": "Thermostat"}))
    assert hub.devices.entity("climate.thermostat").attributes["fan_mode"] == "auto"
    await hub.executor.execute(ToolCall("HassVacuumCleanArea", {"area": "bedroom"}))
    assert hub.devices.entity("vacuum.robot").attributes["cleaning_area"] == "Bedroom"


async def test_ambiguous_lock_asks_and_acts_on_nothing(hub: Hub) -> None:
    outcome = await hub.executor.execute(ToolCall("HassTurnOn", {"domain": "lock"}))
    assert not outcome.ok and outcome.response == "Which one: Front Door or Side Door?"
    assert outcome.choices == ("lock.front_door", "lock.side_door") and not outcome.mqtt
    trace = await hub.conversation.handle("unlock the door")
    assert "Which one" in trace.response and trace.outcomes[0]["choices"]
    assert hub.devices.entity("lock.front_door").state == "locked"
    assert hub.devices.entity("lock.side_door").state == "locked"


async def test_all_the_doors_means_each_lock_and_unlocking_them_asks_first(hub: Hub) -> None:
    cid = hub.conversation.begin(None, "text")
    asked = await hub.conversation.handle("unlock all the doors", conversation_id=cid)
    assert asked.outcomes[0]["needs_confirmation"], asked.to_dict()
    assert {hub.devices.entity(e).state for e in ("lock.front_door", "lock.side_door")} == {"locked"}
    done = await hub.conversation.handle("yes", conversation_id=cid)
    assert done.ok and {hub.devices.entity(e).state for e in ("lock.front_door", "lock.side_door")} == {"unlocked"}
    locked = await hub.conversation.handle("lock the doors", conversation_id=cid)  # a plural kind: each of them
    assert locked.ok and {hub.devices.entity(e).state for e in ("lock.front_door", "lock.side_door")} == {"locked"}
    both = await hub.conversation.handle("unlock both doors", conversation_id=cid)
    assert both.outcomes[0]["needs_confirmation"] and not both.outcomes[0].get("choices"), both.to_dict()
    await hub.conversation.handle("no", conversation_id=cid)
    structured = await hub.executor.execute(ToolCall("HassTurnOff", {"domain": "lock"}, every=True))
    assert structured.needs_confirmation and not structured.choices
    assert {hub.devices.entity(e).state for e in ("lock.front_door", "lock.side_door")} == {"locked"}


def test_a_structured_command_may_ask_for_every_device_of_a_kind() -> None:
    request = parse_command(b'{"intent": "HassTurnOn", "slots": {"domain": "lock"}, "every": true}')
    assert request.call is not None and request.call.every and request.call.to_dict()["every"] is True
    assert ToolCall.from_dict(request.call.to_dict()) == request.call
    with pytest.raises(ValueError, match="every must be true or false"):
        parse_command(b'{"intent": "HassTurnOn", "slots": {"domain": "lock"}, "every": "yes"}')


async def test_state_questions_answer_what_was_asked(hub: Hub) -> None:
    for text, reply in (("how many locks are locked", "2."), ("which locks are locked", "Front Door and Side Door."),
                        ("are any lights on in the living room", "Yes, Floor Lamp."),
                        ("is the front door locked", "Yes, Front Door is locked.")):
        trace = await hub.conversation.handle(text)
        assert (trace.intents[0]["intent"], trace.response) == ("HassGetState", reply), text


async def test_todo_entities_are_the_lists(hub: Hub) -> None:
    asked = await hub.executor.execute(ToolCall("HassListAddItem", {"item": "milk"}))
    assert asked.response == "Which list: Chores or Shopping List?" and asked.missing == "name"
    assert asked.choices == ("todo.chores", "todo.shopping_list")
    added = await hub.executor.execute(ToolCall("HassListAddItem", {"item": "mop", "name": "chores"}))
    assert (added.response, added.targets) == ("Added mop to your chores list", ("todo.chores",))
    refused = await hub.executor.execute(ToolCall("HassListAddItem", {"item": "x", "name": "Groceries"}))
    assert refused.response == "There is no list called Groceries. Your lists are Chores and Shopping List"
    assert "Groceries" not in await asyncio.to_thread(hub.lists.names)
    await hub.executor.execute(ToolCall("HassShoppingListAddItem", {"item": "eggs"}))
    done = await hub.executor.execute(ToolCall("HassShoppingListCompleteItem", {"item": "eggs"}))
    assert done.ok and done.targets == ("todo.shopping_list",)
    _, items = await asyncio.to_thread(hub.lists.items, "Shopping List", True)
    assert [(i.item, i.complete) for i in items] == [("eggs", True)]


async def test_weather_clock_respond_nevermind(hub: Hub) -> None:
    weather = await hub.executor.execute(ToolCall("HassGetWeather", {}))
    assert weather.response == "18 °C and sunny" and weather.targets == ("weather.forecast_home",)
    noon = dt.datetime(2026, 12, 4, 13, 5)
    handlers = ha_handlers(hub.executor, HaIntentOptions(now=lambda: noon))
    assert (await handlers["HassGetCurrentTime"](ToolCall("HassGetCurrentTime"), False)).response == "It is 1:05 PM"
    date = await handlers["HassGetCurrentDate"](ToolCall("HassGetCurrentDate"), False)
    assert date.response == "Today is Friday, December 4th, 2026"
    trace = await hub.conversation.handle("hello")
    assert trace.response == "Hello from Home Assistant." and trace.intents[0]["stage"] == "templates"
    assert (await hub.conversation.handle("never mind")).intents[0]["intent"] == "HassNevermind"


async def test_broadcast_goes_to_the_speakers(hub: Hub) -> None:
    heard: list[str] = []
    received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    hub.speakers.append(lambda text: _record(heard, text))
    unsubscribe = hub.client.subscribe(SPEAK_TOPIC, lambda topic, payload, retained: received.put_nowait(
        json.loads(payload)))
    try:
        trace = await hub.conversation.handle("broadcast dinner is ready")
        assert trace.response == "Done." and heard == ["dinner is ready"]
        message = await asyncio.wait_for(received.get(), 5)
        assert message["text"] == "dinner is ready"
    finally:
        unsubscribe()


async def _record(heard: list[str], text: str) -> None:
    heard.append(text)


async def test_custom_sentences_from_the_config_key(tmp_path: Path, mosquitto: Mosquitto) -> None:
    folder = tmp_path / "custom_sentences" / "en"
    folder.mkdir(parents=True)
    (folder / "wake.yaml").write_text(
        "language: en\nintents:\n  HassTurnOn:\n    data:\n      - sentences: [\"rise and shine [the] {name}\"]\n"
        "        requires_context: {domain: light}\n")
    config = hub_config(tmp_path, mosquitto.uri).model_copy(update={"custom_sentences": folder.parent})
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        trace = await hub.conversation.handle("rise and shine the desk lamp")
        assert trace.intents[0]["stage"] == "templates" and trace.response == "Turned on Desk Lamp."
        assert hub.devices.entity("light.office_desk").state == "on"


async def test_delayed_command_runs_when_its_timer_fires(hub: Hub) -> None:
    """HA's delayed command (HassStartTimer's conversation_command, as its templates and API give it); in a
    conversation, Hearth's own delayed commands take the sentence first (tests/hub/test_conversation.py)."""
    call = ToolCall("HassStartTimer", {"conversation_command": "turn on the coffee maker", "seconds": 2})
    outcome = await hub.executor.execute(call)
    assert outcome.ok and outcome.response == "In 2 seconds: turn on the coffee maker"
    assert hub.devices.entity("switch.coffee_maker").state == "off"
    deadline = asyncio.get_running_loop().time() + 10
    while hub.devices.entity("switch.coffee_maker").state != "on":
        assert asyncio.get_running_loop().time() < deadline, "the delayed command never ran"
        await asyncio.sleep(0.05)
    fired = hub.traces.recent(source="timer")
    assert fired and fired[0]["transcript"] == "turn on the coffee maker"


def test_docs_intent_table_is_the_codes() -> None:
    from hub.intent_table import table

    page = (Path(__file__).resolve().parent.parent.parent / "docs" / "intents.md").read_text()
    assert table() in page, "docs/intents.md's intent table is stale: paste `python -m hub.intent_table`"
    assert "| `HassGetWeather` | yes | yes | yes |" in table()


async def test_lights_in_several_rooms_and_no_speaker_room(tmp_path: Path, mosquitto: Mosquitto) -> None:
    from dataclasses import replace

    from devices.homefile import dump_home, load_home

    home = load_home(DEMO_HOME)
    home = replace(home, areas=tuple(replace(a, context_area=False) for a in home.areas))
    path = tmp_path / "home.yaml"
    path.write_text(dump_home(home))
    async with Hub(hub_config(tmp_path, mosquitto.uri), HubOptions(home=path, simulate=True)) as hub:
        resolver = await hub.conversation.resolver()
        said = resolver.resolve("turn on the lights", hub.home)  # no room to mean: which?
        spoken = await hub.executor.execute(said[0])
        assert spoken.response.startswith("Which one: ") and len(spoken.choices) == 9 and not spoken.mqtt
        assert all(hub.devices.entity(e).state == "off" for e in ("light.kitchen_ceiling", "light.bathroom"))
        said = resolver.resolve("switch every single light in the house on please", hub.home)
        every = await hub.executor.execute(said[0])
        assert every.ok and len(every.targets) == 9  # "all" said, by either stage: every light


async def test_the_transformer_reads_the_weights_the_config_names(tmp_path: Path, mosquitto: Mosquitto) -> None:
    """`intent_weights: [one file]` reads that member alone (a third of the time); none: the shipped three."""
    from llm.checkpoint import read_weights
    from llm.ensemble import Ensemble
    from llm.members import DEFAULT_MEMBERS

    config = hub_config(tmp_path, mosquitto.uri).model_copy(update={"intent_weights": [DEFAULT_MEMBERS[0]]})
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        trace = await hub.conversation.handle("make the kitchen lights brighter")
        assert trace.intents[0]["stage"] == "transformer", trace.to_dict()
        transformer = (await hub.conversation.resolver()).transformer()  # type: ignore[attr-defined]
        assert not isinstance(transformer.model, Ensemble)
        info = json.loads(read_weights(DEFAULT_MEMBERS[0])[1]["info"])
        assert transformer.model.intent_temperature == info["temperature"]  # that file's own calibration
