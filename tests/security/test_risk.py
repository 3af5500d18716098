"""Risk is decided by the state a command leaves a lock or a cover in, whatever the verb (hole 1), and a
question is answered only by its own request (hole 2). Real hub, demo home simulated on Mosquitto."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from hub.app import Hub, HubOptions
from hub.core.config import SceneConfig
from hub.core.events import ToolCall
from tests.conftest import DEMO_HOME, Mosquitto, hub_config
from tests.scenes.test_engine import Listener, until


@pytest.fixture
async def guarded(tmp_path: Path, mosquitto: Mosquitto) -> AsyncIterator[Hub]:
    """The demo home plus a scene that opens the garage and one that unlocks the front door."""
    config = hub_config(tmp_path, mosquitto.uri).model_copy(update={"scenes": {
        "leaving": SceneConfig(name="Leaving", entities={"light.kitchen_ceiling": "off",
                                                         "cover.garage_door": "open"}),
        "welcome": SceneConfig(name="Welcome", entities={"lock.front_door": "unlocked"}),
        "ajar": SceneConfig(name="Ajar", entities={"cover.garage_door": {"position": 5}}),
    }})
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        yield hub


RISKY_PATHS = [
    ("HassToggle", {"name": "Garage Door"}, "cover.garage_door", "open"),
    ("HassToggle", {"name": "Front Door"}, "lock.front_door", "unlocked"),
    ("HassTurnOff", {"name": "Front Door"}, "lock.front_door", "unlocked"),
    ("HassTurnOn", {"name": "Garage Door"}, "cover.garage_door", "open"),
    ("HassSetPosition", {"name": "Garage Door", "position": 1}, "cover.garage_door", "open"),
    ("HassTurnOn", {"name": "Leaving", "domain": "scene"}, "cover.garage_door", "open"),
    ("HassTurnOn", {"name": "Welcome", "domain": "scene"}, "lock.front_door", "unlocked"),
    ("HassTurnOn", {"name": "Ajar", "domain": "scene"}, "cover.garage_door", "open"),
]


@pytest.mark.parametrize(("intent", "slots", "entity_id", "risky_state"), RISKY_PATHS,
                         ids=[f"{p[0]}-{p[1]['name']}" for p in RISKY_PATHS])
async def test_every_path_to_a_risky_state_asks_first(guarded: Hub, intent: str, slots: dict[str, object],
                                                      entity_id: str, risky_state: str) -> None:
    before = guarded.devices.entity(entity_id).state
    ask = await guarded.executor.execute(ToolCall(intent, slots), session="kitchen")
    assert ask.needs_confirmation and not ask.ok, ask.response
    assert ask.request_id and len(ask.request_id) >= 16
    assert guarded.devices.entity(entity_id).state == before
    done = await guarded.executor.execute(ToolCall("HearthConfirm", {"request_id": ask.request_id}),
                                          session="kitchen")
    assert done.ok, done.response
    assert guarded.devices.entity(entity_id).state == risky_state


async def test_safe_results_do_not_ask(guarded: Hub) -> None:
    for intent, slots in (("HassSetPosition", {"name": "Garage Door", "position": 0}),
                          ("HassTurnOff", {"name": "Garage Door"}), ("HassTurnOn", {"name": "Front Door"}),
                          ("HassToggle", {"name": "Living Room Blinds"})):
        outcome = await guarded.executor.execute(ToolCall(intent, slots))
        assert outcome.ok and not outcome.needs_confirmation, (intent, outcome.response)


async def test_another_session_or_a_wrong_id_cannot_confirm(guarded: Hub) -> None:
    ex = guarded.executor
    ask = await ex.execute(ToolCall("HassTurnOff", {"name": "Front Door"}), session="alice")
    assert ask.needs_confirmation
    for slots, session in (({}, "mallory"), ({"request_id": "guess"}, "alice"), ({"request_id": ""}, "mallory")):
        refused = await ex.execute(ToolCall("HearthConfirm", slots), session=session)
        assert not refused.ok and refused.response == "There is nothing to confirm"
    assert guarded.devices.entity("lock.front_door").state == "locked"
    done = await ex.execute(ToolCall("HearthConfirm", {"request_id": ask.request_id}), session="mallory-too")
    assert done.ok and guarded.devices.entity("lock.front_door").state == "unlocked"
    again = await ex.execute(ToolCall("HearthConfirm", {"request_id": ask.request_id}), session="alice")
    assert again.response == "There is nothing to confirm"  # an id answers once


async def test_mqtt_second_client_cannot_confirm_the_firsts_unlock(tmp_path: Path, mosquitto: Mosquitto) -> None:
    """Two clients on the same broker: the second's HearthConfirm (with or without a guessed id) does not
    carry out the first's unlock; the first, with the id from its own reply topic, can (allow_risky)."""
    base = hub_config(tmp_path, mosquitto.uri)
    config = base.model_copy(update={"mqtt": base.mqtt.model_copy(update={"allow_risky": True})})
    first = Listener(mosquitto, "hearth/command/reply/alice")
    second = Listener(mosquitto, "hearth/command/result", "hearth/command/reply/mallory")
    try:
        async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
            first.publish("hearth/command", json.dumps({
                "intent": "HassTurnOff", "slots": {"name": "Front Door"}, "id": "a1",
                "reply_to": "hearth/command/reply/alice"}))
            await until(lambda: first.payloads("hearth/command/reply/alice"))
            question = json.loads(first.payloads("hearth/command/reply/alice")[0])
            assert question["needs_confirmation"] and question["id"] == "a1" and question["request_id"]
            assert not second.payloads("hearth/command/result")  # the question went only to its asker
            second.publish("hearth/command", json.dumps({"intent": "HearthConfirm"}))
            second.publish("hearth/command", json.dumps({"intent": "HearthConfirm", "request_id": "a1",
                                                         "reply_to": "hearth/command/reply/mallory"}))
            await until(lambda: len(second.payloads("hearth/command/result")) == 1
                        and second.payloads("hearth/command/reply/mallory"))
            for payload in (second.payloads("hearth/command/result")[0],
                            second.payloads("hearth/command/reply/mallory")[0]):
                assert json.loads(payload)["error"] == "There is nothing to confirm"
            assert hub.devices.entity("lock.front_door").state == "locked"
            first.publish("hearth/command", json.dumps({
                "intent": "HearthConfirm", "request_id": question["request_id"],
                "reply_to": "hearth/command/reply/alice"}))
            await until(lambda: len(first.payloads("hearth/command/reply/alice")) == 2, timeout=8)
            assert json.loads(first.payloads("hearth/command/reply/alice")[1])["ok"]
            assert hub.devices.entity("lock.front_door").state == "unlocked"
    finally:
        first.close()
        second.close()


async def test_mqtt_is_an_allow_list_by_default(tmp_path: Path, mosquitto: Mosquitto) -> None:
    """Files, processes and risky actions are refused on hearth/command unless the config allows them."""
    outside = Listener(mosquitto, "hearth/command/result")
    try:
        async with Hub(hub_config(tmp_path, mosquitto.uri), HubOptions(home=DEMO_HOME, simulate=True)) as hub:
            commands = [{"intent": "HearthFileRead", "slots": {"file": "notes"}},
                        {"intent": "HearthProcessStart", "slots": {"process": "backup"}},
                        {"intent": "HassToggle", "slots": {"name": "Garage Door"}},
                        {"intent": "HassTurnOn", "slots": {"name": "Kitchen Ceiling"}}]
            for command in commands:
                outside.publish("hearth/command", json.dumps(command))
            await until(lambda: len(outside.payloads("hearth/command/result")) == 4, timeout=8)
            results = {r["intent"]: r for r in map(json.loads, outside.payloads("hearth/command/result"))}
            assert "not allowed over MQTT" in results["HearthFileRead"]["error"]
            assert "not allowed over MQTT" in results["HearthProcessStart"]["error"]
            assert "risky actions are off over MQTT" in results["HassToggle"]["error"]
            assert "request_id" not in results["HassToggle"]
            assert results["HassTurnOn"]["ok"]
            assert hub.devices.entity("cover.garage_door").state == "closed"
            assert not hub.executor.awaiting_answer()
    finally:
        outside.close()


async def test_mqtt_sentences_are_held_to_the_same_allow_list(tmp_path: Path, mosquitto: Mosquitto) -> None:
    """A sentence on hearth/command is judged by what it resolves to: a file read or a toggle of the garage
    are refused, a lamp and a delayed lamp are fine (checked when scheduled); HA's delayed command, which would
    be understood later with nobody's limits, is refused; answers go to the asker's reply_to, not to all."""
    mine = "hearth/command/reply/me"
    outside = Listener(mosquitto, "hearth/command/result", mine)
    try:
        async with Hub(hub_config(tmp_path, mosquitto.uri), HubOptions(home=DEMO_HOME, simulate=True)) as hub:
            requests = [{"text": "read my notes"}, {"text": "toggle the garage door"},
                        {"text": "turn on the desk lamp"}, {"text": "turn on the coffee maker in 1 second"},
                        {"intent": "HassStartTimer", "slots": {"seconds": 1, "conversation_command": "read my notes"}}]
            for n, request in enumerate(requests):
                outside.publish("hearth/command", json.dumps({**request, "id": str(n), "reply_to": mine}))
            await until(lambda: len(outside.payloads(mine)) == 5, timeout=20)
            replies = {r["id"]: r for r in map(json.loads, outside.payloads(mine))}
            assert "not allowed over MQTT" in replies["0"]["response"]
            assert "risky actions are off over MQTT" in replies["1"]["response"]
            assert replies["2"]["ok"] and replies["2"]["conversation_id"]
            assert replies["3"]["ok"] and replies["3"]["response"] == "OK, in 1 second: turn on the coffee maker."
            assert not replies["4"]["ok"] and "a delayed command in HassStartTimer is not allowed" in replies["4"]["error"]
            # the timer is marked fired once its command has run: wait for both
            await until(lambda: hub.devices.entity("switch.coffee_maker").state == "on" and not hub.timers.active(),
                        timeout=10)
            assert outside.payloads("hearth/command/result") == []  # nothing broadcast
            assert hub.devices.entity("cover.garage_door").state == "closed"
            assert hub.devices.entity("light.office_desk").state == "on"
            assert not hub.executor.awaiting_answer()
    finally:
        outside.close()


async def test_nested_json_command_gets_an_error_result(hub: Hub, mosquitto: Mosquitto) -> None:
    outside = Listener(mosquitto, "hearth/command/result")
    try:
        deep = b'{"intent": "HassTurnOn", "slots": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        outside.publish("hearth/command", deep[:15_000] + b"]" * 10)
        outside.publish("hearth/command", b'{"intent": "HassTurnOn", "slots": {"a": ' + b"[" * 40 + b"]" * 40 + b"}}")
        started = time.monotonic()
        await until(lambda: len(outside.payloads("hearth/command/result")) == 2)
        errors = [json.loads(p)["error"] for p in outside.payloads("hearth/command/result")]
        assert all("nests deeper than 32 levels" in e for e in errors), errors
        assert time.monotonic() - started < 5
    finally:
        outside.close()


def test_repeated_bad_input_is_logged_a_few_times(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from hub.core.logs import RateLimitedLogger

    now = [0.0]
    limited = RateLimitedLogger(logging.getLogger("tests.flood"), burst=5, interval=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="tests.flood"):
        for i in range(10_000):
            limited.warning("bad message %d", i)
        now[0] = 61
        limited.warning("bad message again")
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [*(f"bad message {i}" for i in range(5)),
                     "9995 more like this in the last 60 s were not logged", "bad message again"]


async def test_saying_toggle_the_garage_door_asks_first(hub: Hub) -> None:
    """The issue's repro, through the real resolver: `hearth say "toggle the garage door"`."""
    trace = await hub.conversation.handle("toggle the garage door", session="voice")
    assert trace.response == "Open Garage Door? Say yes or no.", trace.intents
    assert hub.devices.entity("cover.garage_door").state == "closed"
    yes = await hub.conversation.handle("yes", session="voice")
    assert yes.ok and hub.devices.entity("cover.garage_door").state == "open"
