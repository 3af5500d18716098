"""Nonsense device state is dropped, counted and logged, never stored or spoken (hole 5): states published
on the real Mosquitto, as a device (or anyone on the broker) would."""

from __future__ import annotations

import asyncio
import time

import pytest

from hub.app import Hub
from hub.core.events import ToolCall
from tests.conftest import Mosquitto
from tests.scenes.test_engine import Listener

BAD = [
    ("Living Room Sensor", b'{"temperature": NaN}', "sensor.living_room_temperature"),
    ("Living Room Sensor", b'{"temperature": Infinity}', "sensor.living_room_temperature"),
    ("Living Room Sensor", b'{"temperature": -Infinity, "humidity": 40}', "sensor.living_room_humidity"),
    ("Living Room Sensor", b'{"temperature": 1e308}', "sensor.living_room_temperature"),
    ("Living Room Sensor", b'{"temperature": "nan"}', "sensor.living_room_temperature"),
    ("Living Room Sensor", b'{"humidity": 250}', "sensor.living_room_humidity"),
    ("Living Room Sensor", b'{"temperature": {"value": 21}}', "sensor.living_room_temperature"),
    ("Front Door", b'{"lock_state": {"pwned": 1}}', "lock.front_door"),
    ("Front Door", b'{"lock_state": "wide open"}', "lock.front_door"),
    ("Front Door", b'{"state": ["UNLOCK"]}', "lock.front_door"),
    ("Kitchen Ceiling", b'{"state": "ON", "brightness": NaN}', "light.kitchen_ceiling"),
]


async def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize(("device", "payload", "entity_id"), BAD, ids=[p[1].decode()[:40] for p in BAD])
async def test_nonsense_state_is_dropped_and_counted(hub: Hub, mosquitto: Mosquitto, device: str, payload: bytes,
                                                     entity_id: str, caplog: pytest.LogCaptureFixture) -> None:
    before = hub.devices.entity(entity_id)
    malformed = hub.devices.stats.malformed
    outside = Listener(mosquitto)
    try:
        outside.publish(f"{hub.config.mqtt.base_topic}/{device}", payload)
        await wait_for(lambda: hub.devices.stats.malformed > malformed)
    finally:
        outside.close()
    after = hub.devices.entity(entity_id)
    assert (after.state, after.attributes) == (before.state, before.attributes)
    assert any("state" in r.getMessage() for r in caplog.records if r.name == "devices.manager")


async def test_a_spoken_temperature_is_always_a_plausible_number(hub: Hub, mosquitto: Mosquitto) -> None:
    outside = Listener(mosquitto)
    topic = f"{hub.config.mqtt.base_topic}/Living Room Sensor"
    try:
        outside.publish(topic, b'{"temperature": NaN}')
        outside.publish(topic, b'{"temperature": "22.5"}')
        await wait_for(lambda: hub.devices.entity("sensor.living_room_temperature").state == "22.5")
    finally:
        outside.close()
    said = await hub.executor.execute(ToolCall("HassClimateGetTemperature", {"area": "Living Room"}))
    assert said.response == "The temperature in the Living Room is 22.5 degrees"


async def test_a_good_lock_state_still_counts(hub: Hub, mosquitto: Mosquitto) -> None:
    outside = Listener(mosquitto)
    try:
        outside.publish(f"{hub.config.mqtt.base_topic}/Front Door", b'{"lock_state": "jammed"}')
        await wait_for(lambda: hub.devices.entity("lock.front_door").state == "jammed")
    finally:
        outside.close()
