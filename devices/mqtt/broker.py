"""An embedded MQTT broker (amqtt) on loopback, for running without Mosquitto."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

from devices.errors import DeviceError

_LOGGER = logging.getLogger(__name__)
_START_TIMEOUT = 15.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    host: str
    port: int

    @property
    def uri(self) -> str:
        return f"mqtt://{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class BrokerCredentials:
    """The username and password the embedded broker requires, made on first run (file mode 0600)."""

    username: str
    password: str

    @classmethod
    def load_or_create(cls, path: Path) -> BrokerCredentials:
        if path.exists():
            if path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if len(data["password"]) >= 16:
                    return cls(str(data["username"]), str(data["password"]))
            except (ValueError, KeyError, TypeError):
                _LOGGER.warning("%s is unreadable; making new broker credentials", path)
        credentials = cls("hearth", secrets.token_urlsafe(24))
        _write_private(path, json.dumps({"username": credentials.username, "password": credentials.password}))
        return credentials


def _write_private(path: Path, text: str) -> None:
    """Write `text` with mode 0600, atomically (its folder 0700 when made here)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)
    os.replace(tmp, path)


class EmbeddedBroker:
    """amqtt running on its own thread and event loop, bound to 127.0.0.1. With `credentials` it accepts
    only that username and password (its hash kept in `password_file`); without, anyone (tests, benches)."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", credentials: BrokerCredentials | None = None,
                 password_file: Path | None = None) -> None:
        if credentials is not None and password_file is None:
            raise ValueError("a broker with credentials needs a password_file for their hash")
        self.credentials = credentials
        self.password_file = password_file
        self.address = BrokerAddress(host, port or free_port(host))
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> BrokerAddress:
        self._thread = threading.Thread(target=self._run, name="hearth-broker", daemon=True)
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT):
            raise DeviceError("the embedded MQTT broker did not start in time")
        if self._error is not None:
            raise DeviceError(f"the embedded MQTT broker failed to start: {self._error}") from self._error
        _LOGGER.info("Embedded MQTT broker listening on %s", self.address.uri)
        return self.address

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> EmbeddedBroker:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as err:  # reported to start(); the thread must not die silently
            self._error = err
            self._ready.set()

    def _auth_plugins(self) -> dict[str, dict[str, object]]:
        if self.credentials is None:
            return {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}}
        from pwdlib.hashers.argon2 import Argon2Hasher

        assert self.password_file is not None
        digest = Argon2Hasher().hash(self.credentials.password)
        _write_private(self.password_file, f"{self.credentials.username}:{digest}\n")
        return {"amqtt.plugins.authentication.FileAuthPlugin": {"password_file": str(self.password_file)}}

    async def _serve(self) -> None:
        from amqtt.broker import Broker

        for name in ("amqtt", "transitions"):
            logging.getLogger(name).setLevel(logging.WARNING)
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.address.host}:{self.address.port}",
                                      "max_connections": 256}},
            "plugins": self._auth_plugins(),
        }
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        broker = Broker(config)
        await broker.start()
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await broker.shutdown()
