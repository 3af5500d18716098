"""Wiring and lifecycle: registry, broker (embedded or configured), device manager, executor."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from devices.homefile import DEMO_HOME, load_home
from devices.manager import DeviceManager
from devices.models import Home
from devices.mqtt.broker import EmbeddedBroker
from devices.mqtt.client import MqttClient, MqttOptions
from devices.registry import Registry
from devices.simulator import SimulatedHome
from hub.config import HearthConfig, parse_broker_uri
from hub.executor import Executor

_LOGGER = logging.getLogger(__name__)
_SETTLE_QUIET = 0.15
_SETTLE_MAX = 2.0


@dataclass(frozen=True, slots=True)
class HubOptions:
    home: Path | None = None
    """A home file to import at start (replaces the registry's home)."""
    simulate: bool | None = None
    """Run the simulated home; None means: only with the embedded broker."""
    demo_if_empty: bool = True


class Hub:
    """The running hub. `async with Hub(config) as hub:` starts and stops everything in order."""

    def __init__(self, config: HearthConfig, options: HubOptions | None = None) -> None:
        self.config = config
        self.options = options or HubOptions()
        self.registry: Registry | None = None
        self.broker: EmbeddedBroker | None = None
        self.simulator: SimulatedHome | None = None
        self.client: MqttClient | None = None
        self.devices: DeviceManager | None = None
        self.executor: Executor | None = None

    async def __aenter__(self) -> Hub:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        self.registry = await asyncio.to_thread(self._open_registry)
        host, port = await self._broker_address()
        if self.options.simulate or (self.options.simulate is None and self.broker is not None):
            self.simulator = SimulatedHome(self.registry.load_home(), host, port, self.config.mqtt.base_topic)
            await asyncio.to_thread(self.simulator.start)
        mqtt = self.config.mqtt
        self.client = MqttClient(MqttOptions(host, port, mqtt.client_id, mqtt.username, mqtt.password,
                                             mqtt.keepalive, reconnect_grace=mqtt.reconnect_grace))
        await self.client.start()
        self.devices = DeviceManager(self.registry, self.client, mqtt.base_topic, mqtt.max_payload_bytes)
        await self.devices.start()
        if mqtt.discovery:
            await self.devices.publish_discovery(mqtt.discovery_prefix)
        self.executor = Executor(self.devices, self.config.executor)
        await self.settle()

    async def stop(self) -> None:
        if self.devices is not None:
            await self.devices.stop()
        if self.client is not None:
            await self.client.stop()
        if self.simulator is not None:
            await asyncio.to_thread(self.simulator.stop)
        if self.broker is not None:
            await asyncio.to_thread(self.broker.stop)
        if self.registry is not None:
            self.registry.close()
        self.devices = self.client = self.simulator = self.broker = self.registry = None

    async def settle(self) -> None:
        """Wait (bounded) until the retained device states stop arriving."""
        assert self.devices is not None
        waited, last = 0.0, -1
        while waited < _SETTLE_MAX and self.devices.stats.received != last:
            last = self.devices.stats.received
            await asyncio.sleep(_SETTLE_QUIET)
            waited += _SETTLE_QUIET

    @property
    def home(self) -> Home:
        assert self.devices is not None
        return self.devices.home

    def _open_registry(self) -> Registry:
        registry = Registry.open(self.config.storage.database)
        source = self.options.home or self.config.home
        if source is not None:
            registry.import_home(load_home(source))
        elif self.options.demo_if_empty and not registry.load_home().entities:
            _LOGGER.info("The registry is empty; loading the demo home")
            registry.import_home(load_home(DEMO_HOME))
        return registry

    async def _broker_address(self) -> tuple[str, int]:
        if self.config.mqtt.broker:
            return parse_broker_uri(self.config.mqtt.broker)
        self.broker = EmbeddedBroker()
        address = await asyncio.to_thread(self.broker.start)
        return address.host, address.port
