"""The device manager: live state from zigbee2mqtt topics, commands out, confirmations back."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devices.errors import DeviceError
from hub.core.home import DeviceCommand, Entity, Home, StateChanged
from devices.mqtt.client import MqttClient
from devices.mqtt.discovery import assistant_discovery, discovery_config, discovery_topic, scene_discovery
from devices.registry import Registry, StateWrite
from devices.z2m import Expectation, PayloadError, command_payload, parse_state, satisfied, set_topic
from hub.core.logs import RateLimitedLogger

_LOGGER = logging.getLogger(__name__)
_BAD_STATE = RateLimitedLogger(_LOGGER, burst=20)
_FLUSH_INTERVAL = 0.1
_FLUSH_BATCH = 1000
_SUFFIXES = ("/set", "/get")

StateListener = Callable[[StateChanged], None]


@dataclass(slots=True)
class IngestStats:
    received: int = 0
    applied: int = 0
    malformed: int = 0
    oversized: int = 0
    unknown: int = 0
    persisted: int = 0

    def to_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.__slots__}  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class CommandResult:
    topic: str
    payload: dict[str, Any]
    entity: Entity
    """The entity as confirmed by the device."""


@dataclass(slots=True)
class _Waiter:
    expect: Expectation
    future: asyncio.Future[Entity] = field(repr=False)


class DeviceManager:
    """Owns the live copy of the home. Runs on the event loop; SQLite writes go to a thread."""

    def __init__(self, registry: Registry, client: MqttClient, base_topic: str = "zigbee2mqtt",
                 max_payload_bytes: int = 64 * 1024) -> None:
        self.registry = registry
        self.client = client
        self.base_topic = base_topic
        self.max_payload_bytes = max_payload_bytes
        self.stats = IngestStats()
        self._home = registry.load_home()
        self._entities: dict[str, Entity] = {e.id: e for e in self._home.entities}
        self._by_topic: dict[str, list[str]] = {}
        self._waiters: dict[str, list[_Waiter]] = {}
        self._listeners: list[StateListener] = []
        self._pending: dict[str, StateWrite] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.remote: Any = None
        """The Home Assistant bridge for entities with source 'homeassistant' (None: not connected)."""
        self._index_topics()

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._unsubscribe = self.client.subscribe(f"{self.base_topic}/#", self._on_message)
        self._flusher = asyncio.create_task(self._flush_loop(), name="hearth-state-flush")

    async def stop(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()
        if self._flusher:
            self._flusher.cancel()
            await asyncio.gather(self._flusher, return_exceptions=True)
        await self.flush()

    def reload(self) -> None:
        """Re-read the registry (after an import)."""
        self._home = self.registry.load_home()
        self._entities = {e.id: e for e in self._home.entities}
        self._index_topics()

    def _index_topics(self) -> None:
        self._by_topic = {}
        self._by_ha_id = {e.attributes.get("ha_entity_id", e.id): e.id for e in self._entities.values()
                          if e.source == "homeassistant"}
        for entity in self._entities.values():
            if entity.domain != "scene" and entity.source == "mqtt":
                topic = f"{self.base_topic}/{entity.friendly_name}"
                self._by_topic.setdefault(topic, []).append(entity.id)

    # --- reading -----------------------------------------------------------------------------

    @property
    def home(self) -> Home:
        return Home(self._home.floors, self._home.areas, tuple(self._entities.values()))

    def entity(self, entity_id: str) -> Entity | None:
        return self._entities.get(entity_id)

    def add_listener(self, listener: StateListener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # --- ingestion ---------------------------------------------------------------------------

    def _on_message(self, topic: str, payload: bytes, retained: bool) -> None:
        if topic.endswith(_SUFFIXES):
            return
        if topic.endswith("/availability"):
            self._on_availability(topic.removesuffix("/availability"), payload)
            return
        self.stats.received += 1
        entity_ids = self._by_topic.get(topic)
        if not entity_ids:
            self.stats.unknown += 1
            return
        if len(payload) > self.max_payload_bytes:
            self.stats.oversized += 1
            _LOGGER.warning("Dropped %d-byte state on %s (limit %d)", len(payload), topic,
                            self.max_payload_bytes)
            return
        data = _decode(payload)
        if data is None:
            self.stats.malformed += 1
            _BAD_STATE.warning("Malformed state on %s: %.80r", topic, payload)
            return
        for entity_id in entity_ids:
            self._apply(entity_id, data)

    def _apply(self, entity_id: str, data: dict[str, Any]) -> None:
        old = self._entities[entity_id]
        try:
            state, attributes = parse_state(old, data)
        except PayloadError as err:
            self.stats.malformed += 1
            _BAD_STATE.warning("Rejected state: %s", err)
            return
        self.stats.applied += 1
        new = old.with_state(state, attributes)
        self._entities[entity_id] = new
        self._pending[entity_id] = StateWrite(entity_id, state, attributes, time.time())
        self._resolve_waiters(new)
        if new.state != old.state or new.attributes != old.attributes:
            event = StateChanged(entity_id, old, new)
            for listener in list(self._listeners):
                listener(event)

    def apply_remote_state(self, ha_entity_id: str, state: str, attributes: dict[str, Any]) -> None:
        """A state from Home Assistant's API for one of its entities."""
        entity_id = self._by_ha_id.get(ha_entity_id)
        if entity_id is None:
            return
        old = self._entities[entity_id]
        merged = {**old.attributes, **attributes}
        if old.state == state and old.attributes == merged:
            return
        new = old.with_state(state, merged)
        self._entities[entity_id] = new
        self._pending[entity_id] = StateWrite(entity_id, state, merged, time.time())
        self._resolve_waiters(new)
        event = StateChanged(entity_id, old, new)
        for listener in list(self._listeners):
            listener(event)

    def _on_availability(self, topic: str, payload: bytes) -> None:
        text = payload.decode("utf-8", "replace").strip()
        data = _decode(payload)
        online = (data or {}).get("state", text) == "online"
        for entity_id in self._by_topic.get(topic, []):
            entity = self._entities[entity_id]
            self._entities[entity_id] = entity.with_state(
                entity.state, {**entity.attributes, "available": online})

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(_FLUSH_INTERVAL)
            try:
                await self.flush()
            except Exception:  # keep ingesting; the next flush retries the same rows
                _LOGGER.exception("Writing states to the registry failed")

    async def flush(self) -> None:
        """Persist pending state updates (one transaction per batch)."""
        while self._pending:
            batch = list(self._pending.values())[:_FLUSH_BATCH]
            written = await asyncio.to_thread(self.registry.write_states, batch)
            for write in batch:
                if self._pending.get(write.entity_id) is write:
                    del self._pending[write.entity_id]
            self.stats.persisted += written

    # --- commands ----------------------------------------------------------------------------

    async def send(self, command: DeviceCommand, timeout: float) -> CommandResult:
        """Publish `command` to the device and wait (bounded) for its confirmed state."""
        entity = self._entities.get(command.entity_id)
        if entity is None:
            raise DeviceError(f"there is no device '{command.entity_id}'")
        if entity.source == "homeassistant":
            return await self._send_remote(entity, command, timeout)
        try:
            payload, expect = command_payload(entity, command)
        except ValueError as err:
            raise DeviceError(str(err)) from err
        topic = set_topic(self.base_topic, entity)
        waiter = _Waiter(expect, asyncio.get_running_loop().create_future())
        self._waiters.setdefault(entity.id, []).append(waiter)
        try:
            await self.client.publish(topic, payload, qos=1)
            async with asyncio.timeout(timeout):
                confirmed = await waiter.future
        except TimeoutError as err:
            raise DeviceError(f"{entity.name} did not confirm the change in {timeout:g} seconds") from err
        finally:
            self._waiters[entity.id].remove(waiter)
        return CommandResult(topic, payload, confirmed)

    async def _send_remote(self, entity: Entity, command: DeviceCommand, timeout: float) -> CommandResult:
        if self.remote is None:
            raise DeviceError(f"{entity.name} lives in Home Assistant, which is not connected")
        waiter = _Waiter(self.remote.expectation(entity, command), asyncio.get_running_loop().create_future())
        self._waiters.setdefault(entity.id, []).append(waiter)
        try:
            sent = await self.remote.send(entity, command)
            if not waiter.expect:
                return CommandResult("homeassistant", sent, entity)
            async with asyncio.timeout(timeout):
                confirmed = await waiter.future
        except TimeoutError as err:
            raise DeviceError(f"{entity.name} did not confirm the change in {timeout:g} seconds") from err
        finally:
            self._waiters[entity.id].remove(waiter)
        return CommandResult("homeassistant", sent, confirmed)

    def _resolve_waiters(self, entity: Entity) -> None:
        for waiter in self._waiters.get(entity.id, ()):
            if not waiter.future.done() and satisfied(entity, waiter.expect):
                waiter.future.set_result(entity)

    def discovery_configs(self, prefix: str) -> dict[str, dict[str, Any]]:
        """Every retained discovery config Hearth should have on the broker, by topic."""
        configs = assistant_discovery(prefix)
        for entity in self._entities.values():
            topic, config = discovery_topic(prefix, entity), discovery_config(self.base_topic, entity)
            if entity.domain == "scene":
                topic, config = scene_discovery(prefix, entity)
            if topic and config:
                configs[topic] = config
        return configs

    async def publish_discovery(self, prefix: str, settle: float = 0.3) -> tuple[int, int]:
        """Publish retained Home Assistant discovery, and clear Hearth's retained configs for entities
        that no longer exist. Returns (published, removed)."""
        seen: set[str] = set()

        def remember(topic: str, payload: bytes, retained: bool) -> None:
            if retained and payload:
                seen.add(topic)

        unsubscribe = self.client.subscribe(f"{prefix}/+/hearth/+/config", remember)
        await asyncio.sleep(settle)  # the broker sends what it retains right after subscribing
        unsubscribe()
        configs = self.discovery_configs(prefix)
        for topic, config in configs.items():
            await self.client.publish(topic, config, retain=True)
        stale = sorted(seen - set(configs))
        for topic in stale:
            await self.client.publish(topic, b"", retain=True)  # an empty retained message deletes it
        if stale:
            _LOGGER.info("Removed %d stale discovery configs", len(stale))
        return len(configs), len(stale)


def _decode(payload: bytes) -> dict[str, Any] | None:
    """A JSON object, or None for anything else (NaN and Infinity are not JSON, and not a reading)."""
    try:
        data = json.loads(payload, parse_constant=_not_a_number)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _not_a_number(name: str) -> Any:
    raise ValueError(f"{name} is not a number")
