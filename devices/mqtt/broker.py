"""An embedded MQTT broker (amqtt) on loopback, for running without Mosquitto."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from dataclasses import dataclass

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


class EmbeddedBroker:
    """amqtt running on its own thread and event loop, bound to 127.0.0.1."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1") -> None:
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

    async def _serve(self) -> None:
        from amqtt.broker import Broker

        for name in ("amqtt", "transitions"):
            logging.getLogger(name).setLevel(logging.WARNING)
        config = {
            "listeners": {"default": {"type": "tcp", "bind": f"{self.address.host}:{self.address.port}",
                                      "max_connections": 256}},
            "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
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
