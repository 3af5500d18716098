"""Fixtures for the dashboard tests: a hub on the session's Mosquitto with the demo home simulated, and
the web server on a free port in the same loop. One per test module (module-scoped loop) to keep them fast."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import paho.mqtt.client as paho
import pytest
import pytest_asyncio
import yaml
from paho.mqtt.enums import CallbackAPIVersion

from hub.app import Hub, HubOptions
from hub.core.config import load_config
from hub.token import load_or_create_token
from hub.web import WebServer, start_web
from tests.conftest import DEMO_HOME, Mosquitto

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
UPLOAD_LIMIT = 256 * 1024


@dataclass
class Web:
    hub: Hub
    server: WebServer
    token: str
    base_topic: str
    mosquitto: Mosquitto
    files: Path

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def write_config(tmp: Path, mosquitto: Mosquitto) -> Path:
    base = f"z2m_{uuid.uuid4().hex[:8]}"
    files = tmp / "files"
    (files / "notes").mkdir(parents=True)
    (files / "todo.txt").write_text("buy milk\ncall the plumber\n")
    path = tmp / "hearth.yaml"
    path.write_text(yaml.safe_dump({
        "mqtt": {"broker": mosquitto.uri, "base_topic": base, "client_id": f"hearth-{base}", "reconnect_grace": 1.0},
        "storage": {"database": str(tmp / "hearth.db")},
        "executor": {"confirm_timeout": 3.0},
        "http": {"max_upload_bytes": UPLOAD_LIMIT},
        "files": {"roots": {"files": str(files)}},
        "processes": {"sleeper": {"argv": ["sleep", "30"], "aliases": ["nap"]}},
        "automations": [
            {"id": "door_alert", "alias": "Say when the front door unlocks",
             "trigger": [{"platform": "state", "entity_id": "lock.front_door", "to": "unlocked"}],
             "action": [{"speak": "The front door is unlocked"}]},
            {"id": "morning", "alias": "Morning lights",
             "trigger": [{"platform": "time", "at": "07:00"}],
             "action": [{"intent": "HassTurnOn", "slots": {"name": "Bedroom Light"}}]},
        ],
    }))
    return path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def web(tmp_path_factory: pytest.TempPathFactory, mosquitto: Mosquitto) -> AsyncIterator[Web]:
    tmp = tmp_path_factory.mktemp("web")
    old = os.environ.get("HEARTH_DATA_DIR")
    os.environ["HEARTH_DATA_DIR"] = str(tmp / "data")
    try:
        token = load_or_create_token()
        config = load_config(write_config(tmp, mosquitto))
        async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
            server = await start_web(hub.services, "127.0.0.1", 0, token)
            try:
                yield Web(hub, server, token, config.mqtt.base_topic, mosquitto, tmp / "files")
            finally:
                await server.stop()
            logged = [e for e in server.app.state.web.errors if e["logger"].startswith(("hub.web", "uvicorn"))]
            assert not logged, f"the web server logged problems: {logged}"
    finally:
        if old is None:
            os.environ.pop("HEARTH_DATA_DIR", None)
        else:
            os.environ["HEARTH_DATA_DIR"] = old


@dataclass
class MqttWatcher:
    """A paho client of the test's own, recording what arrives on a topic filter."""

    mosquitto: Mosquitto
    topic: str
    messages: list[tuple[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._subscribed = threading.Event()
        self._arrived = threading.Condition()
        self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"watch-{uuid.uuid4().hex[:6]}")
        self.client.on_connect = lambda c, *a: c.subscribe(self.topic, qos=1)
        self.client.on_subscribe = lambda *a: self._subscribed.set()
        self.client.on_message = self._on_message

    def _on_message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        with self._arrived:
            self.messages.append((message.topic, json.loads(message.payload)))
            self._arrived.notify_all()

    def __enter__(self) -> Self:
        self.client.connect("127.0.0.1", self.mosquitto.port)
        self.client.loop_start()
        assert self._subscribed.wait(5), "could not subscribe"
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def wait_for(self, count: int, timeout: float) -> list[tuple[str, Any]]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)
