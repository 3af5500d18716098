"""Intents Hearth does not own go to the real Home Assistant's /api/intent/handle (hole 8): the hand-over
works instead of raising TypeError, and one naming a lock or a sensitive cover asks first."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.homeassistant import Credentials
from hub.app import Hub, HubOptions, ha_credentials_path
from hub.core.events import ToolCall
from tests.conftest import DEMO_HOME, Mosquitto, hub_config
from tests.ha.homeassistant import HomeAssistant
from tests.ha.test_homeassistant import until

pytestmark = pytest.mark.homeassistant


async def test_intents_hearth_does_not_own_are_handed_to_home_assistant(
        tmp_path: Path, mosquitto: Mosquitto, homeassistant: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path / "data"))
    Credentials(homeassistant.url, homeassistant.token).save(ha_credentials_path())
    async with Hub(hub_config(tmp_path, mosquitto.uri), HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        await until(lambda: hub.homeassistant.connected, what="bridge connected")
        assert "PorchReport" not in hub.executor.intents  # an intent_script of the user's Home Assistant
        handed = await hub.executor.execute(ToolCall("PorchReport"))
        assert handed.ok and handed.response == "The porch is quiet", handed.response  # no TypeError

        risky = await hub.executor.execute(ToolCall("PorchReport", {"name": "Front Door"}), session="hall")
        assert risky.needs_confirmation and not risky.ok
        assert risky.response == "Hand PorchReport for Front Door to Home Assistant? Say yes or no."
        done = await hub.executor.execute(ToolCall("HearthConfirm", {"request_id": risky.request_id}))
        assert done.ok, done.response
