"""Automations and scenes driving the simulated home over a real Mosquitto."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import paho.mqtt.client as paho
import pytest
import yaml
from paho.mqtt.enums import CallbackAPIVersion

from hub.app import Hub, HubOptions
from hub.core.config import load_config
from tests.conftest import DEMO_HOME, Mosquitto

AUTOMATIONS = [
    {"id": "motion_light", "trigger": {"platform": "mqtt", "topic": "sensors/+/motion",
                                       "payload_json": {"occupancy": True}},
     "action": {"intent": "HassTurnOn", "slots": {"name": "Hallway Light"}}},
    {"id": "button", "trigger": {"platform": "mqtt", "topic": "buttons/kitchen", "payload": "single"},
     "action": [{"intent": "HassTurnOn", "slots": {"name": "No Such Thing"}},
                {"intent": "HassTurnOn", "slots": {"name": "Coffee Maker"}}]},
    {"id": "door_held", "trigger": {"platform": "state", "entity_id": "binary_sensor.back_door",
                                    "to": "on", "for": 0.5},
     "action": {"speak": "The back door is open"}},
    {"id": "echo", "trigger": {"platform": "mqtt", "topic": "loop/in"},
     "action": {"publish": {"topic": "loop/out", "payload": "again"}}},
    {"id": "night", "trigger": {"platform": "phrase", "phrases": ["good night"]},
     "condition": {"condition": "state", "entity_id": "lock.front_door", "state": "locked"},
     "action": [{"scene": "Movie Night"}, {"speak": "Sleep well"}]},
]


def write_config(tmp_path: Path, mosquitto: Mosquitto, automations: list[dict]) -> Path:
    path = tmp_path / "hearth.yaml"
    path.write_text(yaml.safe_dump({
        "mqtt": {"broker": mosquitto.uri, "base_topic": f"z2m_{tmp_path.name[-8:]}", "reconnect_grace": 1.0,
                 "client_id": f"hearth-{tmp_path.name[-8:]}"},
        "storage": {"database": str(tmp_path / "hearth.db")},
        "automations": automations,
    }))
    return path


class Listener:
    def __init__(self, mosquitto: Mosquitto, *topics: str) -> None:
        self.messages: list[tuple[str, bytes]] = []
        self.client = paho.Client(CallbackAPIVersion.VERSION2)
        self.client.on_message = lambda c, u, m: self.messages.append((m.topic, m.payload))
        self.client.connect("127.0.0.1", mosquitto.port)
        for topic in topics:
            self.client.subscribe(topic, qos=1)
        subscribed = threading.Event()
        self.client.on_subscribe = lambda *args: subscribed.set()
        self.client.loop_start()
        if topics:
            assert subscribed.wait(5), "the broker did not confirm the subscription"

    def publish(self, topic: str, payload: str | bytes) -> None:
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)

    def payloads(self, topic: str) -> list[bytes]:
        return [p for t, p in self.messages if t == topic]

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
async def daemon(tmp_path: Path, mosquitto: Mosquitto) -> AsyncIterator[Hub]:
    config = load_config(write_config(tmp_path, mosquitto, AUTOMATIONS))
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        yield hub


async def until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_mqtt_trigger_with_json_match(daemon: Hub, mosquitto: Mosquitto) -> None:
    outside = Listener(mosquitto)
    outside.publish("sensors/hall/motion", json.dumps({"occupancy": False}))
    outside.publish("sensors/hall/motion", b"not json at all")
    outside.publish("sensors/hall/motion", b'{"occupancy": true, "pad": "' + b"x" * 100_000 + b'"}')
    outside.publish("sensors/hall/motion", json.dumps({"occupancy": True, "battery": 80}))
    await until(lambda: daemon.devices.entity("light.hallway").state == "on")
    await until(lambda: not daemon.automations.state["motion_light"].running)
    # one client's messages arrive in the order sent: the three before the match were read, none triggered
    assert daemon.automations.state["motion_light"].runs == 1
    outside.close()


async def test_failing_action_does_not_stop_the_rest(daemon: Hub, mosquitto: Mosquitto) -> None:
    outside = Listener(mosquitto)
    outside.publish("buttons/kitchen", "double")
    outside.publish("buttons/kitchen", "single")
    await until(lambda: daemon.devices.entity("switch.coffee_maker").state == "on")
    await until(lambda: not daemon.automations.state["button"].running)
    run = daemon.automations.state["button"]
    assert run.runs == 1
    assert run.last_error == "There is no device called No Such Thing"
    row = daemon.registry.db["automations"].get("button")
    assert row["last_error"] == run.last_error and row["runs"] == 1
    outside.close()


async def test_state_trigger_held_for_a_while(daemon: Hub) -> None:
    spoken: list[str] = []

    async def remember(text: str) -> None:
        spoken.append(text)
    daemon.speakers.append(remember)
    daemon.simulator.set_state("Back Door", contact=False)
    daemon.simulator.set_state("Back Door", contact=True)  # closed again before 0.5 s: nothing
    await until(lambda: daemon.devices.entity("binary_sensor.back_door").state == "off")
    opened = time.monotonic()
    daemon.simulator.set_state("Back Door", contact=False)
    await until(lambda: spoken != [], timeout=3)
    # had the first opening counted, it would have spoken before the second had been open 0.5 s
    assert time.monotonic() - opened >= 0.5
    assert spoken == ["The back door is open"]


async def test_an_automation_cannot_loop_forever(daemon: Hub, mosquitto: Mosquitto) -> None:
    """A device answers the automation's message with the message that triggers it again."""
    import threading

    outside = Listener(mosquitto, "loop/out")
    echo = outside.client
    echo.on_message = lambda c, u, m: (outside.messages.append((m.topic, m.payload)), threading.Timer(
        0.05, lambda: c.publish("loop/in", "echo", qos=1)).start())
    outside.publish("loop/in", "start")
    run = daemon.automations.state["echo"]
    await until(lambda: not run.enabled, timeout=10)
    assert run.last_error == "switched off: triggered 10 times in 2 s (a loop?)"
    assert run.runs == 9
    outside.publish("loop/in", "once more")  # switched off: no answer
    outside.publish("buttons/kitchen", "single")  # read after it: a marker
    await until(lambda: daemon.devices.entity("switch.coffee_maker").state == "on")
    assert run.runs == 9 and not run.enabled
    assert len(outside.payloads("loop/out")) == 9  # it stopped
    assert daemon.devices.entity("light.hallway").state == "off"  # nothing else was touched
    outside.close()


async def test_phrase_trigger_with_condition_and_scene(daemon: Hub) -> None:
    spoken: list[str] = []

    async def remember(text: str) -> None:
        spoken.append(text)
    daemon.speakers.append(remember)
    assert [a.id for a in daemon.automations.match_phrase("Good night!")] == ["night"]
    await until(lambda: spoken == ["Sleep well"])
    assert daemon.devices.entity("cover.living_room_blinds").state == "closed"
    assert daemon.devices.entity("light.living_room_strip").state == "on"
    assert daemon.automations.match_phrase("good morning") == []


async def test_enable_disable_at_run_time_is_persisted(daemon: Hub, mosquitto: Mosquitto, tmp_path: Path) -> None:
    outside = Listener(mosquitto)
    outside.publish("hearth/automation/motion_light/set", "OFF")
    await until(lambda: not daemon.automations.state["motion_light"].enabled)
    outside.publish("sensors/hall/motion", json.dumps({"occupancy": True}))  # switched off: ignored
    assert daemon.registry.db["automations"].get("motion_light")["enabled"] == 0
    outside.publish("hearth/automation/motion_light/set", "ON")
    await until(lambda: daemon.automations.state["motion_light"].enabled)
    outside.publish("sensors/hall/motion", json.dumps({"occupancy": True}))
    await until(lambda: daemon.devices.entity("light.hallway").state == "on")
    await until(lambda: not daemon.automations.state["motion_light"].running)
    assert daemon.automations.state["motion_light"].runs == 1  # only the motion after it was switched on
    outside.close()


async def test_scene_by_mqtt_and_discovery(daemon: Hub, mosquitto: Mosquitto) -> None:
    outside = Listener(mosquitto, "homeassistant/scene/hearth/+/config")
    await until(lambda: outside.payloads("homeassistant/scene/hearth/movie_night/config"))
    config = json.loads(outside.payloads("homeassistant/scene/hearth/movie_night/config")[0])
    assert config["command_topic"] == "hearth/scene/movie_night/set"
    outside.publish(config["command_topic"], config["payload_on"])
    await until(lambda: daemon.devices.entity("cover.living_room_blinds").state == "closed")
    assert daemon.devices.entity("light.living_room_lamp").attributes["brightness"] == round(24 * 254 / 100)
    outside.close()


async def test_time_trigger_and_clock_jump(tmp_path: Path, mosquitto: Mosquitto,
                                           caplog: pytest.LogCaptureFixture) -> None:
    import datetime as dt

    from scenes import engine as engine_module

    base = dt.datetime(2026, 11, 22, 7, 29, 59).timestamp()
    now = [base]
    automations = [{"id": "wake", "trigger": {"platform": "time", "at": "07:30"},
                    "action": {"intent": "HassTurnOn", "slots": {"name": "Bedroom Light"}}},
                   {"id": "noon", "trigger": {"platform": "time", "at": "12:00"},
                    "action": {"intent": "HassTurnOn", "slots": {"name": "Desk Lamp"}}},
                   {"id": "afternoon", "trigger": {"platform": "time", "at": "13:30"},
                    "action": {"intent": "HassTurnOn", "slots": {"name": "Coffee Maker"}}}]
    config = load_config(write_config(tmp_path, mosquitto, automations))
    original = engine_module.time.time
    engine_module.time.time = lambda: now[0]
    caplog.set_level("WARNING", logger="scenes.engine")
    try:
        async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
            hub.automations.clock = lambda: now[0]
            # the ticker started on the real clock: it reports the jump to 07:29:59 before time moves on
            await until(lambda: "The clock jumped" in caplog.text, timeout=3)
            now[0] = base + 2  # 07:30:01
            await until(lambda: hub.devices.entity("light.bedroom_ceiling").state == "on", timeout=3)
            caplog.clear()
            now[0] = base + 6 * 3600  # the clock jumps to 13:29:59: 12:00 is not fired late
            await until(lambda: "The clock jumped" in caplog.text, timeout=3)  # the ticker saw the jump
            now[0] = base + 6 * 3600 + 2  # 13:30:01: the next time trigger fires, a marker
            await until(lambda: hub.devices.entity("switch.coffee_maker").state == "on", timeout=3)
            assert hub.automations.state["noon"].runs == 0
            assert hub.devices.entity("light.office_desk").state == "off"
    finally:
        engine_module.time.time = original



async def test_a_phrase_is_understood_without_firing_its_automation(daemon: Hub) -> None:
    spoken: list[str] = []

    async def remember(text: str) -> None:
        spoken.append(text)
    daemon.speakers.append(remember)
    assert [a.id for a in daemon.automations.phrase_automations("Good night!")] == ["night"]
    await daemon.conversation.resolver()
    assert await asyncio.to_thread(daemon.conversation.understands, "good night")  # asked of each reading
    night = daemon.automations.state["night"]
    assert night.runs == 0 and not night.running  # an automation is counted the moment it fires
    assert spoken == [] and daemon.devices.entity("cover.living_room_blinds").state != "closed"
    # the counter is the one a phrase moves: saying it for real fires the automation, once
    assert [a.id for a in daemon.automations.match_phrase("good night")] == ["night"]
    assert night.runs == 1
    await until(lambda: daemon.devices.entity("cover.living_room_blinds").state == "closed")
