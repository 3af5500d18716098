"""Shared fixtures: a real Mosquitto on a free loopback port, a hub wired to it, temp registries."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devices.mqtt.broker import free_port
from hub.app import Hub, HubOptions
from hub.core.config import ExecutorConfig, HearthConfig, MqttConfig, StorageConfig

REPO = Path(__file__).resolve().parent.parent
DEMO_HOME = REPO / "devices" / "data" / "demo_home.yaml"


@dataclass
class Mosquitto:
    """A real Mosquitto broker process; `restart()` keeps the port (for reconnect tests)."""

    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not Path(binary).exists():
            pytest.fail("mosquitto is not installed: apt-get install mosquitto (see README)")
        conf = self.workdir / "mosquitto.conf"
        conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                        "max_queued_messages 100000\nmax_inflight_messages 0\nset_tcp_nodelay true\n")
        log = open(self.workdir / "mosquitto.log", "ab")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen([binary, "-c", str(conf)], stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        pytest.fail(f"mosquitto did not start on port {self.port}; see {self.workdir / 'mosquitto.log'}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    broker = Mosquitto(free_port(), tmp_path_factory.mktemp("mosquitto"))
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
def own_mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    """A broker of this test's own, for tests that stop and restart it."""
    broker = Mosquitto(free_port(), tmp_path)
    broker.start()
    yield broker
    broker.stop()


def hub_config(tmp_path: Path, broker_uri: str | None, **executor: float) -> HearthConfig:
    return HearthConfig(
        mqtt=MqttConfig(broker=broker_uri, base_topic=f"z2m_{uuid.uuid4().hex[:8]}",
                        client_id=f"hearth-{uuid.uuid4().hex[:6]}", reconnect_grace=1.0),
        executor=ExecutorConfig(**executor),
        storage=StorageConfig(database=tmp_path / "hearth.db"),
    )


@pytest.fixture
async def hub(tmp_path: Path, mosquitto: Mosquitto) -> AsyncIterator[Hub]:
    """The demo home simulated on the session's Mosquitto, with a hub on top."""
    config = hub_config(tmp_path, mosquitto.uri, confirm_timeout=3.0)
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as running:
        yield running
