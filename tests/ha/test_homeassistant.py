"""Hearth and a real Home Assistant core: MQTT discovery both ways, the REST bridge, failures."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devices.registry import Registry
from hub.app import Hub, HubOptions
from hub.core.events import ToolCall
from tests.conftest import DEMO_HOME, REPO, Mosquitto, hub_config
from tests.ha.homeassistant import HomeAssistant

pytestmark = pytest.mark.homeassistant


async def until(predicate, timeout: float = 10.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return
        except KeyError:
            pass
        assert time.monotonic() < deadline, f"{what} not reached in {timeout} s"
        await asyncio.sleep(0.2)


async def test_discovery_both_ways(tmp_path: Path, mosquitto: Mosquitto, homeassistant: HomeAssistant) -> None:
    ha = homeassistant
    config = hub_config(tmp_path, mosquitto.uri)
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        await until(lambda: ha.states()["light.hallway"]["state"] == "off", what="light.hallway in HA")
        assert ha.states()["sensor.hearth_last_transcript"] is not None
        ha.call_service("light", "turn_on", entity_id="light.hallway")
        await until(lambda: hub.devices.entity("light.hallway").state == "on", what="HA → Hearth device")
        assert hub.simulator.devices["Hallway Light"].state["state"] == "ON"
        outcome = await hub.executor.execute(ToolCall("HassTurnOff", {"name": "Hallway Light"}))
        assert outcome.ok
        await until(lambda: ha.states()["light.hallway"]["state"] == "off", what="Hearth change in HA")
        await hub.publish_assistant_state(transcript="turn off the hallway light", intent="HassTurnOff")
        await until(lambda: ha.states()["sensor.hearth_last_intent"]["state"] == "HassTurnOff")
    await until(lambda: ha.states()["light.hallway"]["state"] == "unavailable", what="last will in HA")


def hearth(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEARTH_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run([sys.executable, "-m", "hub", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)


def test_rest_bridge_import_and_control(tmp_path: Path, mosquitto: Mosquitto, homeassistant: HomeAssistant) -> None:
    ha = homeassistant
    assert hearth(tmp_path, "home", "import", str(DEMO_HOME)).returncode == 0
    bad = hearth(tmp_path, "ha", "connect", "--url", ha.url, "--token", "not-a-token")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert f"error: Home Assistant at {ha.url} said no: the token was refused" in bad.stderr
    nowhere = hearth(tmp_path, "ha", "connect", "--url", "http://127.0.0.1:1", "--token", ha.token)
    assert nowhere.returncode == 2 and "cannot reach Home Assistant at http://127.0.0.1:1" in nowhere.stderr
    assert not (tmp_path / "data" / "homeassistant.json").exists()

    done = hearth(tmp_path, "ha", "connect", "--url", ha.url, "--token", ha.token)
    assert done.returncode == 0, done.stderr
    stored = tmp_path / "data" / "homeassistant.json"
    assert stored.stat().st_mode & 0o777 == 0o600
    home = Registry.open(tmp_path / "data" / "hearth.db").load_home()
    porch = home.entity("light.porch_light")
    assert porch.source == "homeassistant" and porch.area_id == "porch" and porch.name == "Porch Light"
    # Both Kitchen Ceilings are kept: Hearth's own and Home Assistant's, under another id.
    assert home.entity("light.kitchen_ceiling").source == "mqtt"
    assert home.entity("light.ha_kitchen_ceiling").attributes["ha_entity_id"] == "light.kitchen_ceiling"
    again = hearth(tmp_path, "ha", "connect", "--url", ha.url, "--token", ha.token)
    assert again.returncode == 0
    assert len(Registry.open(tmp_path / "data" / "hearth.db").load_home().entities) == len(home.entities)

    said = hearth(tmp_path, "say", "--broker", mosquitto.uri, "--simulate", "turn on the porch light")
    assert said.returncode == 0, said.stderr
    assert said.stdout.strip() == "Turned on Porch Light."
    assert ha.states()["light.porch_light"]["state"] == "on"
    ha.call_service("light", "turn_off", entity_id="light.porch_light")
    asked = hearth(tmp_path, "do", "--broker", mosquitto.uri, "--simulate", "HassGetState", "name=Porch Light")
    assert asked.stdout.strip() == "Porch Light is off"


async def test_home_assistant_going_away_and_coming_back(tmp_path: Path, mosquitto: Mosquitto,
                                                        homeassistant: HomeAssistant,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Home Assistant stops and starts again: commands fail clearly meanwhile, then work; no duplicates."""
    from devices.homeassistant import SOURCE, Credentials, HomeAssistantBridge
    from hub.app import ha_credentials_path
    from tests.ha.homeassistant import boot, ensure_installed

    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path / "data"))
    ha = homeassistant
    credentials = Credentials(ha.url, ha.token)
    credentials.save(ha_credentials_path())
    config = hub_config(tmp_path, mosquitto.uri, confirm_timeout=3.0)
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        areas, entities = await HomeAssistantBridge(credentials).fetch(hub.home)
        hub.registry.replace_source(SOURCE, areas, entities)
        hub.devices.reload()
        count = len(hub.home.entities)
        await until(lambda: hub.homeassistant.connected, what="bridge connected")

        ha.stop()  # Home Assistant goes away
        await until(lambda: not hub.homeassistant.connected, what="bridge noticing")
        down = await hub.executor.execute(ToolCall("HassTurnOn", {"name": "Porch Light"}))
        assert not down.ok and down.response == f"Cannot reach Home Assistant at {ha.url}"

        port = int(ha.url.rsplit(":", 1)[1])
        ha.process = boot(ensure_installed(), ha.config_dir, port).process  # and comes back
        await until(lambda: hub.homeassistant.connected, timeout=30, what="reconnect")
        up = await hub.executor.execute(ToolCall("HassTurnOn", {"name": "Porch Light"}))
        assert up.ok, up.response
        assert ha.states()["light.porch_light"]["state"] == "on"
        ha.call_service("light", "turn_off", entity_id="light.porch_light")
        await until(lambda: hub.devices.entity("light.porch_light").state == "off", timeout=2,
                    what="HA → Hearth state sync within a second or so")
        assert len(hub.home.entities) == count
        assert [e.id for e in hub.home.entities].count("light.porch_light") == 1
