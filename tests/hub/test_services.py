"""A hub hands its parts typed services only while it runs; asked before or after, it says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.app import Hub, HubOptions
from hub.services import HubNotRunning
from tests.conftest import DEMO_HOME, Mosquitto, hub_config


async def test_services_exist_only_while_the_hub_runs(tmp_path: Path, mosquitto: Mosquitto) -> None:
    hub = Hub(hub_config(tmp_path, mosquitto.uri), HubOptions(home=DEMO_HOME, simulate=True))
    with pytest.raises(HubNotRunning, match="^The hub is not running$"):
        hub.conversation.begin(None, "text")
    async with hub:
        services = hub.services
        assert services.devices is hub.devices and services.executor is hub.executor
        assert services.home.entity("light.kitchen_ceiling") is not None
        assert services.broker is None and services.broker_uri == mosquitto.uri  # the configured broker
        assert services.homeassistant is None  # no `hearth ha connect` credentials here
        assert services.conversation.begin(None, "text")
    with pytest.raises(HubNotRunning):
        hub.services
    assert hub.simulator is None and hub.broker is None
