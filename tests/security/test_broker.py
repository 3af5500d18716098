"""The embedded broker is a trust boundary (hole 4): it accepts only the credentials made on first run,
on loopback; the hub and its simulated home use them; `hearth mqtt-credentials` prints them."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from hub.app import Hub, HubOptions
from hub.core.config import HearthConfig, StorageConfig
from hub.core.events import ToolCall
from tests.conftest import DEMO_HOME, REPO


def connect(port: int, login: tuple[str, str] | None) -> str:
    """The broker's answer to a CONNECT from a client of the test's own."""
    answered = threading.Event()
    reason: list[str] = []
    client = paho.Client(CallbackAPIVersion.VERSION2)
    if login:
        client.username_pw_set(*login)
    client.on_connect = lambda c, u, f, rc, p: (reason.append(str(rc)), answered.set())
    client.on_disconnect = lambda c, u, f, rc, p: (reason.append(str(rc)), answered.set())
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        assert answered.wait(10), "the broker did not answer"
        return reason[0]
    finally:
        client.loop_stop()
        client.disconnect()


async def test_the_embedded_broker_requires_the_generated_password(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEARTH_DATA_DIR", str(tmp_path / "data"))
    config = HearthConfig(storage=StorageConfig(database=tmp_path / "data" / "hearth.db"))
    async with Hub(config, HubOptions(home=DEMO_HOME)) as hub:
        assert hub.broker is not None and hub.broker.address.host == "127.0.0.1"
        port = hub.broker.address.port
        done = await hub.executor.execute(ToolCall("HassTurnOn", {"name": "Kitchen Ceiling"}))
        assert done.ok, done.response  # the hub and the simulated home are let in
        stored = tmp_path / "data" / "mqtt_credentials.json"
        for path in (stored, tmp_path / "data" / "mqtt_passwd"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
        printed = subprocess.run([sys.executable, "-m", "hub", "mqtt-credentials"], capture_output=True, text=True,
                                 cwd=REPO, env={**os.environ, "HEARTH_DATA_DIR": str(tmp_path / "data")},
                                 timeout=60, check=True).stdout
        username = printed.split("username: ")[1].split()[0]
        password = printed.split("password: ")[1].split()[0]
        assert hub.broker.credentials.password == password
        assert connect(port, None) != "Success"
        assert connect(port, (username, "wrong-password")) != "Success"
        assert connect(port, ("nobody", password)) != "Success"
        assert connect(port, (username, password)) == "Success"
