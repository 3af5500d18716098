"""An automation runs with nobody there to say yes (hole 4): a risky action must be acknowledged in YAML
with `confirm: false`, or the automation is refused at load with file:line. Real hub on Mosquitto."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.app import Hub, HubOptions
from hub.core.config import load_config
from scenes.loader import load_automation_file
from scenes.models import IntentAction
from tests.conftest import DEMO_HOME, Mosquitto
from tests.scenes.test_engine import Listener, until, write_config

UNLOCK = {"intent": "HassTurnOff", "slots": {"name": "Front Door"}}
AUTOMATIONS = [
    {"id": "sneaky_unlock", "trigger": {"platform": "mqtt", "topic": "doorbell/sneaky"}, "action": [UNLOCK]},
    {"id": "garage_scene", "trigger": {"platform": "mqtt", "topic": "doorbell/garage"},
     "action": [{"scene": "Leaving"}]},
    {"id": "toggle_garage", "trigger": {"platform": "mqtt", "topic": "doorbell/toggle"},
     "action": [{"intent": "HassToggle", "slots": {"name": "Garage Door"}}]},
    {"id": "known_unlock", "trigger": {"platform": "mqtt", "topic": "doorbell/known"},
     "action": [{"speak": "Welcome"}, {**UNLOCK, "confirm": False}]},
    {"id": "lights", "trigger": {"platform": "mqtt", "topic": "doorbell/lights"},
     "action": [{"intent": "HassTurnOn", "slots": {"name": "Kitchen Ceiling"}}]},
]


@pytest.fixture
def config_path(tmp_path: Path, mosquitto: Mosquitto) -> Path:
    path = write_config(tmp_path, mosquitto, AUTOMATIONS)
    text = path.read_text() + ("scenes:\n  leaving:\n    name: Leaving\n    entities:\n"
                               "      cover.garage_door: open\n")
    path.write_text(text)
    return path


async def test_unacknowledged_risky_automations_are_refused_at_load(config_path: Path, mosquitto: Mosquitto) -> None:
    async with Hub(load_config(config_path), HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        loaded = set(hub.automations.automations)
        assert loaded == {"known_unlock", "lights"}
        errors = "\n".join(hub.automation_errors)
        lines = config_path.read_text().splitlines()
        for automation_id in ("sneaky_unlock", "garage_scene", "toggle_garage"):
            error = next(e for e in hub.automation_errors if f"'{automation_id}'" in e)
            source, line = error.split(": ")[0].rsplit(":", 1)
            assert source == str(config_path) and "confirm: false" in error
            assert int(line) <= len(lines)
        assert "HassTurnOff" in errors and "the scene Leaving" in errors
        outside = Listener(mosquitto)
        try:
            for topic in ("doorbell/sneaky", "doorbell/garage", "doorbell/toggle", "doorbell/lights"):
                outside.publish(topic, "ring")
            await until(lambda: hub.devices.entity("light.kitchen_ceiling").state == "on")
            assert hub.devices.entity("lock.front_door").state == "locked"
            assert hub.devices.entity("cover.garage_door").state == "closed"
            outside.publish("doorbell/known", "ring")
            await until(lambda: hub.devices.entity("lock.front_door").state == "unlocked", timeout=8)
        finally:
            outside.close()


def test_confirm_takes_only_false(tmp_path: Path) -> None:
    path = tmp_path / "automations.yaml"
    path.write_text("- id: a\n  trigger: {platform: mqtt, topic: x}\n  action:\n"
                    "    - {intent: HassTurnOff, slots: {name: Front Door}, confirm: true}\n"
                    "- id: b\n  trigger: {platform: mqtt, topic: x}\n  action:\n    - {speak: hi, confirm: false}\n")
    loaded, errors = load_automation_file(path)
    assert loaded == []
    assert errors[0].startswith(f"{path}:4") and "the only value is false" in errors[0]
    assert errors[1].startswith(f"{path}:8") and "only an intent or scene action takes confirm" in errors[1]


async def test_a_risky_action_is_refused_when_run_too(tmp_path: Path, mosquitto: Mosquitto) -> None:
    """The load check judges the home as it is at load; the run judges it again (a toggle that would close
    the garage then may open it later)."""
    config = load_config(write_config(tmp_path, mosquitto, []))
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        action = IntentAction("HassToggle", {"name": "Garage Door"}, source="automations.yaml:7")
        with pytest.raises(RuntimeError, match=r"needs a yes.*confirm: false.*automations.yaml:7"):
            await hub.automations._act(action)
        assert hub.devices.entity("cover.garage_door").state == "closed"
        assert not hub.executor.awaiting_answer()
        await hub.automations._act(IntentAction("HassToggle", {"name": "Garage Door"}, confirm=False))
        assert hub.devices.entity("cover.garage_door").state == "open"
