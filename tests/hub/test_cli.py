"""The `hearth` command as a person runs it: real processes, the embedded broker, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_HOME, REPO, Mosquitto


def hearth(tmp_path: Path, *args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEARTH_DATA_DIR": str(tmp_path / "data"), "HEARTH_CONFIG": "",
           "PYTHONPATH": str(REPO)}  # this checkout's code, whichever checkout the venv was installed from
    env.pop("HEARTH_CONFIG")
    return subprocess.run([sys.executable, "-m", "hub", *args], cwd=tmp_path, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def test_home_import_and_show(tmp_path: Path) -> None:
    done = hearth(tmp_path, "home", "import", str(DEMO_HOME))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Imported 2 floors, 8 areas and 31 entities")
    shown = hearth(tmp_path, "home", "show")
    assert "Living Room (here) — Ground Floor" in shown.stdout
    assert "light.kitchen_counter" in shown.stdout and "[under cabinet lights]" in shown.stdout
    data = json.loads(hearth(tmp_path, "home", "show", "--json").stdout)
    assert len(data["entities"]) == 31


def test_do_with_embedded_broker_prints_json(tmp_path: Path) -> None:
    done = hearth(tmp_path, "do", "--home", str(DEMO_HOME), "--json", "HassLightSet",
                  "name=Floor Lamp", "brightness=40")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["intent"] == "HassLightSet" and out["slots"] == {"name": "Floor Lamp", "brightness": 40}
    assert out["targets"] == ["light.living_room_lamp"]
    assert out["mqtt"] == [{"topic": "zigbee2mqtt/Floor Lamp/set", "payload": {"state": "ON", "brightness": 102}}]
    assert out["states"]["light.living_room_lamp"]["attributes"]["brightness"] == 102
    assert out["response"] == "Set Floor Lamp brightness to 40%"
    again = hearth(tmp_path, "do", "HassGetState", "name=Floor Lamp")  # the registry remembers
    assert again.stdout.strip() == "Floor Lamp is on"


def test_do_against_mosquitto(tmp_path: Path, mosquitto: Mosquitto) -> None:
    done = hearth(tmp_path, "do", "--home", str(DEMO_HOME), "--broker", mosquitto.uri, "--simulate",
                  "HassTurnOn", "area=Kitchen", "domain=light")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Turned on the lights in the Kitchen"


def test_risky_do_needs_yes(tmp_path: Path) -> None:
    ask = hearth(tmp_path, "do", "--home", str(DEMO_HOME), "HassTurnOff", "name=Front Door")
    assert (ask.returncode, ask.stdout.strip()) == (1, "Unlock Front Door? Say yes or no.")
    yes = hearth(tmp_path, "do", "--yes", "HassTurnOff", "name=Front Door")
    assert (yes.returncode, yes.stdout.strip()) == (0, "Unlocked Front Door")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["do", "turn_on"], 2, "error: 'turn_on' is not an intent name like HassTurnOn"),
    (["do", "HassTurnOn", "kitchen"], 2, "error: 'kitchen' is not slot=value"),
    (["do", "--broker", "http://x", "HassTurnOn"], 2, "error: --broker: 'http://x' is not a broker URI"),
    (["do", "--broker", "mqtt://127.0.0.1:1", "HassTurnOn", "name=x"], 2,
     "error: cannot reach the MQTT broker at 127.0.0.1:1"),
    (["home", "import", "missing.yaml"], 2, "error: missing.yaml: cannot read"),
    (["do", "HassTurnOn", "name=Toaster"], 1, "There is no device called Toaster"),
    (["train-wake", "--out", "/proc/hearth/wake.safetensors"], 2, "hearth train-wake: "),
    (["train-wake", "--examples", "many"], 2, "argument --examples: invalid int value: 'many'"),
])
def test_bad_input_exits_with_clear_message(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    done = hearth(tmp_path, *args)
    assert done.returncode == code
    assert message in (done.stderr + done.stdout)
    assert "Traceback" not in done.stderr


def test_broken_config_names_line(tmp_path: Path) -> None:
    (tmp_path / "hearth.yaml").write_text("mqtt:\n  keepalive: 1\n")
    done = hearth(tmp_path, "home", "show")
    assert done.returncode == 2
    assert "hearth.yaml:2: mqtt.keepalive: Input should be greater than or equal to 5" in done.stderr


def test_demo_reads_commands_from_stdin(tmp_path: Path) -> None:
    script = "\n".join([
        "help", "HassTurnOn name=\"Coffee Maker\"", "HassTurnOff name='Front Door'", "yes",
        "HassGetState name='Front Door'", "HassTurnOn area=Kitchen", "HassTurnOn kitchen",
        "turn off the coffee maker", "flibbertigibbet wombat", "quit",
    ]) + "\n"
    done = hearth(tmp_path, "demo", "--port", "0", stdin=script)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Hearth demo: 31 devices on mqtt://127.0.0.1:")
    for expected in ["Turned on Coffee Maker", "Unlock Front Door? Say yes or no.", "Unlocked Front Door.",
                     "Front Door is unlocked",
                     "Which devices? Say a name, or for example 'the lights in the kitchen'",
                     "'kitchen' is not slot=value (e.g. area=Kitchen). Type 'help' for examples.",
                     "Turned off Coffee Maker.",
                     "Sorry, I didn't understand that. Could you say it another way?"]:
        assert expected in lines, (expected, lines)
    assert REPO.exists()


def test_say_resolves_and_executes(tmp_path: Path) -> None:
    done = hearth(tmp_path, "say", "--home", str(DEMO_HOME), "--json",
                  "turn off the kitchen lights and start the vacuum")
    assert done.returncode == 0, done.stderr
    trace = json.loads(done.stdout)
    assert [(i["intent"], i["slots"]) for i in trace["intents"]] == [
        ("HassTurnOff", {"area": "Kitchen", "domain": "light"}), ("HassVacuumStart", {})]
    assert trace["response"] == "Turned off the lights in the Kitchen. Started Robot Vacuum."
    assert trace["outcome"]["ok"] and "vacuum.robot" in trace["outcome"]["targets"]
    assert set(trace["timings_ms"]) == {"received", "intents", "executed"}
    plain = hearth(tmp_path, "say", "is the front door locked")
    assert plain.stdout.strip() == "Yes, Front Door is locked."
    unknown = hearth(tmp_path, "say", "qwerty uiop asdf")
    assert unknown.returncode == 1
    assert unknown.stdout.strip() == "Sorry, I didn't understand that. Could you say it another way?"


def test_say_continues_a_conversation_and_learned_lists_it(tmp_path: Path) -> None:
    first = hearth(tmp_path, "say", "--home", str(DEMO_HOME), "--json", "turn on the desk lamp")
    cid = json.loads(first.stdout)["conversation_id"]
    off = hearth(tmp_path, "say", "--conversation", cid, "--json", "turn it off")
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout)["outcome"]["targets"] == ["light.office_desk"]
    taught = hearth(tmp_path, "say", "--conversation", cid, "call the desk lamp the work light")
    assert taught.stdout.strip() == "OK, from now on work light means Desk Lamp."
    assert f"(conversation {cid}: continue it with --conversation)" in taught.stderr
    listed = hearth(tmp_path, "learned", "list")
    assert "'work light' -> light.office_desk  (text," in listed.stdout, listed.stdout
    gone = hearth(tmp_path, "learned", "forget", "work light")
    assert gone.stdout.strip() == "Forgot alias 'work light' -> light.office_desk"
    assert hearth(tmp_path, "learned", "list").stdout == ""
    unknown = hearth(tmp_path, "say", "--conversation", "nope", "turn it off")
    assert unknown.returncode == 1 and "There is no conversation nope" in unknown.stderr
