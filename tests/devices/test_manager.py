"""The device manager on a real Mosquitto: ingestion, bad payloads, discovery, a broker that vanishes."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from devices.registry import Registry
from hub.app import Hub, HubOptions
from hub.core.events import ToolCall
from tests.conftest import DEMO_HOME, Mosquitto, hub_config


def publisher(mosquitto: Mosquitto) -> paho.Client:
    client = paho.Client(CallbackAPIVersion.VERSION2)
    client.connect("127.0.0.1", mosquitto.port)
    client.loop_start()
    return client


async def until(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_state_from_mqtt_reaches_registry(hub: Hub, mosquitto: Mosquitto) -> None:
    base = hub.config.mqtt.base_topic
    client = publisher(mosquitto)
    client.publish(f"{base}/Hallway Light", json.dumps({"state": "ON", "brightness": 77}), qos=1).wait_for_publish()
    await until(lambda: hub.devices.entity("light.hallway").state == "on")
    assert hub.devices.entity("light.hallway").attributes["brightness"] == 77
    await hub.devices.flush()
    stored = Registry.open(hub.config.storage.database).load_home().entity("light.hallway")
    assert (stored.state, stored.attributes["brightness"]) == ("on", 77)
    client.loop_stop()


async def test_bad_payloads_are_counted_not_fatal(hub: Hub, mosquitto: Mosquitto) -> None:
    base = hub.config.mqtt.base_topic
    stats = hub.devices.stats
    before = stats.to_dict()
    client = publisher(mosquitto)
    bad = [
        (f"{base}/Hallway Light", b"{not json"),
        (f"{base}/Hallway Light", b"[1, 2, 3]"),
        (f"{base}/Hallway Light", json.dumps({"state": "MAYBE"}).encode()),
        (f"{base}/Hallway Light", json.dumps({"brightness": "bright"}).encode()),
        (f"{base}/Thermostat", json.dumps({"local_temperature": 1e9}).encode()),
        (f"{base}/Hallway Light", b"\xff\xfe\x00"),
        (f"{base}/Hallway Light", b'{"state": "ON", "pad": "' + b"x" * 200_000 + b'"}'),
        (f"{base}/Unknown Device", json.dumps({"state": "ON"}).encode()),
    ]
    for topic, payload in bad:
        client.publish(topic, payload, qos=1).wait_for_publish()
    await until(lambda: stats.received - before["received"] >= len(bad))
    assert stats.malformed - before["malformed"] == 6
    assert stats.oversized - before["oversized"] == 1
    assert stats.unknown - before["unknown"] == 1
    assert hub.devices.entity("light.hallway").state == "off"
    outcome = await hub.executor.execute(ToolCall("HassTurnOn", {"name": "Hallway Light"}))
    assert outcome.ok  # still serving
    client.loop_stop()


async def test_discovery_is_retained(hub: Hub, mosquitto: Mosquitto) -> None:
    configs: dict[str, dict] = {}
    client = paho.Client(CallbackAPIVersion.VERSION2)
    client.on_message = lambda c, u, m: configs.__setitem__(m.topic, json.loads(m.payload))
    client.connect("127.0.0.1", mosquitto.port)
    client.subscribe("homeassistant/+/hearth/+/config")
    client.loop_start()
    await until(lambda: "homeassistant/light/hearth/kitchen_ceiling/config" in configs)
    light = configs["homeassistant/light/hearth/kitchen_ceiling/config"]
    base = hub.config.mqtt.base_topic
    assert light["command_topic"] == f"{base}/Kitchen Ceiling/set"
    assert light["state_topic"] == f"{base}/Kitchen Ceiling"
    assert light["schema"] == "json" and light["unique_id"] == "hearth_light_kitchen_ceiling"
    assert light["availability"] == [{"topic": "hearth/bridge/state"}]
    await until(lambda: "homeassistant/lock/hearth/front_door/config" in configs)
    client.loop_stop()


async def test_broker_restart_reconnects_and_failed_commands_are_reported(
        tmp_path: Path, own_mosquitto: Mosquitto) -> None:
    config = hub_config(tmp_path, own_mosquitto.uri, confirm_timeout=2.0)
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        assert (await hub.executor.execute(ToolCall("HassTurnOn", {"name": "Desk Lamp"}))).ok
        own_mosquitto.stop()
        await until(lambda: not hub.client.connected)
        lost = await hub.executor.execute(ToolCall("HassTurnOff", {"name": "Desk Lamp"}))
        assert not lost.ok
        assert lost.response == "The MQTT broker is not reachable; 'z2m_%s/Desk Lamp/set' was not sent" % (
            config.mqtt.base_topic[4:])
        own_mosquitto.start()
        await until(lambda: hub.client.connected, timeout=20)
        await until(lambda: hub.simulator.ready, timeout=20)
        back = await hub.executor.execute(ToolCall("HassTurnOff", {"name": "Desk Lamp"}))
        assert back.ok, back.response
        assert hub.devices.entity("light.office_desk").state == "off"


async def test_stale_discovery_is_removed_and_assistant_published(tmp_path: Path, mosquitto: Mosquitto) -> None:
    client = publisher(mosquitto)
    stale = "homeassistant/light/hearth/removed_lamp/config"
    client.publish(stale, json.dumps({"name": "Removed"}), qos=1, retain=True).wait_for_publish()
    config = hub_config(tmp_path, mosquitto.uri)
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        seen: dict[str, bytes] = {}
        watcher = paho.Client(CallbackAPIVersion.VERSION2)
        watcher.on_message = lambda c, u, m: seen.__setitem__(m.topic, m.payload)
        watcher.connect("127.0.0.1", mosquitto.port)
        watcher.subscribe("homeassistant/#")
        watcher.subscribe("hearth/assistant/state")
        watcher.loop_start()
        assistant = ("homeassistant/sensor/hearth/assistant_last_transcript/config",
                     "homeassistant/binary_sensor/hearth/assistant_listening/config")
        await until(lambda: all(topic in seen for topic in assistant))  # retained: delivered one by one
        assert stale not in seen  # nothing retained there any more
        sensor = json.loads(seen["homeassistant/sensor/hearth/assistant_last_transcript/config"])
        assert sensor["state_topic"] == "hearth/assistant/state" and sensor["device"]["name"] == "Hearth"
        assert "homeassistant/binary_sensor/hearth/assistant_listening/config" in seen
        await hub.publish_assistant_state(transcript="turn on the light", intent="HassTurnOn")
        await until(lambda: json.loads(seen.get("hearth/assistant/state", b"{}")).get("intent") == "HassTurnOn")
        watcher.loop_stop()
    client.loop_stop()
