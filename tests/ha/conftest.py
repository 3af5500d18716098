"""A real Home Assistant core, booted once per session on loopback, with MQTT on the test Mosquitto."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from devices.mqtt.broker import free_port
from tests.conftest import Mosquitto
from tests.ha.homeassistant import HomeAssistant, boot, ensure_installed


@pytest.fixture(scope="session")
def homeassistant(tmp_path_factory: pytest.TempPathFactory, mosquitto: Mosquitto) -> Iterator[HomeAssistant]:
    hass = ensure_installed()
    ha = boot(hass, tmp_path_factory.mktemp("homeassistant"), free_port())
    try:
        ha.onboard()
        ha.setup_mqtt(mosquitto.port)
        asyncio.run(ha.ws({"type": "config/area_registry/create", "name": "Porch"}))
        asyncio.run(ha.ws({"type": "config/entity_registry/update", "entity_id": "light.porch_light",
                           "area_id": "porch"}))
        yield ha
    finally:
        ha.stop()
