"""The REST bridge to Home Assistant (homeassistant-api): import its home, keep states in sync,
call its services for its entities, and hand it the intents Hearth does not own."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.errors import DeviceError
from hub.core.home import Area, DeviceCommand, Entity, Home
from devices.z2m import command_payload

_LOGGER = logging.getLogger(__name__)
SOURCE = "homeassistant"
DOMAINS = ("light", "switch", "fan", "cover", "lock", "climate", "media_player", "vacuum", "sensor",
           "binary_sensor", "scene")
AREAS_TEMPLATE = (
    "{% set ns = namespace(items=[]) %}{% for a in areas() %}"
    "{% set ns.items = ns.items + [{'id': a, 'name': area_name(a), 'entities': area_entities(a)}] %}"
    "{% endfor %}{{ ns.items | tojson }}"
)
_KEEP_ATTRIBUTES = ("brightness", "color_temp_kelvin", "rgb_color", "temperature", "current_temperature",
                    "min_temp", "max_temp", "current_position", "percentage", "volume_level",
                    "is_volume_muted", "unit_of_measurement", "supported_color_modes", "device_class")


class HomeAssistantError(DeviceError):
    """Home Assistant could not be reached, refused the token, or refused a call."""


@dataclass(frozen=True, slots=True)
class Credentials:
    url: str
    token: str

    def save(self, path: Path) -> None:
        """Write with mode 0600, atomically."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps({"url": self.url, "token": self.token}).encode())
        finally:
            os.close(fd)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Credentials | None:
        if not path.exists():
            return None
        data = json.loads(path.read_text())
        return cls(data["url"].rstrip("/"), data["token"])


class HomeAssistantBridge:
    """One Home Assistant. Its entities carry source='homeassistant' and attribute ha_entity_id."""

    def __init__(self, credentials: Credentials, poll_interval: float = 0.5, timeout: float = 10.0) -> None:
        self.credentials = credentials
        self.poll_interval = poll_interval
        self.timeout = timeout
        self.connected = False
        self._task: asyncio.Task[None] | None = None

    def _client(self) -> Any:
        from homeassistant_api import AsyncClient

        return AsyncClient(f"{self.credentials.url}/api", self.credentials.token,
                           global_request_kwargs={"timeout": self.timeout})

    async def _call(self, operation: str, /, *args: Any, **kwargs: Any) -> Any:
        """Call the client's `operation`; positional-only, so `method=` can pass through to `request`."""
        from homeassistant_api.errors import HomeassistantAPIError

        try:
            async with self._client() as client:
                return await getattr(client, operation)(*args, **kwargs)
        except HomeassistantAPIError as err:
            _LOGGER.debug("Home Assistant refused %s: %r", operation, err)
            reason = "the token was refused" if "401" in str(err) or "Unauthorized" in type(err).__name__ else str(err)
            raise HomeAssistantError(f"Home Assistant at {self.credentials.url} said no: {reason}") from None
        except Exception as err:  # OSError, timeouts, and niquests' own connection errors
            if not isinstance(err, (OSError, asyncio.TimeoutError)) and not type(err).__module__.startswith(
                    ("niquests", "urllib3")):
                raise
            _LOGGER.debug("Home Assistant unreachable (%s): %r", operation, err)
            raise HomeAssistantError(f"cannot reach Home Assistant at {self.credentials.url}") from None

    # --- import ------------------------------------------------------------------------------

    async def fetch(self, existing: Home) -> tuple[list[Area], list[Entity]]:
        """Home Assistant's areas and entities, mapped onto the home (ids that collide get an ha_ prefix)."""
        states = await self._call("get_states")
        areas_raw = json.loads(await self._call("get_rendered_template", AREAS_TEMPLATE))
        areas, area_of = _map_areas(areas_raw, existing)
        taken = {e.id for e in existing.entities if e.source != SOURCE}
        entities = []
        for state in states:
            domain = state.entity_id.split(".", 1)[0]
            if domain not in DOMAINS:
                continue
            entity_id = state.entity_id
            if entity_id in taken:
                entity_id = f"{domain}.ha_{state.entity_id.split('.', 1)[1]}"
            attributes = {k: v for k, v in state.attributes.items() if k in _KEEP_ATTRIBUTES}
            attributes["ha_entity_id"] = state.entity_id
            entities.append(Entity(
                id=entity_id, name=str(state.attributes.get("friendly_name") or state.entity_id),
                area_id=area_of.get(state.entity_id), device_class=state.attributes.get("device_class"),
                state=state.state, attributes=_json_safe(attributes), source=SOURCE))
        return areas, entities

    # --- commands and intents ------------------------------------------------------------------

    async def send(self, entity: Entity, command: DeviceCommand) -> dict[str, Any]:
        """Call the service; returns what was sent (for the trace)."""
        ha_id = entity.attributes.get("ha_entity_id", entity.id)
        data = {"entity_id": ha_id, **command.data}
        if entity.domain == "scene" and command.service == "activate":
            command = DeviceCommand(entity.id, "turn_on", command.data)
        await self._call("trigger_service", entity.domain, command.service, **data)
        return {"service": f"{entity.domain}.{command.service}", **data}

    @staticmethod
    def expectation(entity: Entity, command: DeviceCommand) -> dict[str, Any]:
        try:
            _, expect = command_payload(entity, command)
        except ValueError:
            return {}
        return {"state": expect["state"]} if "state" in expect else {}

    async def handle_intent(self, intent: str, slots: dict[str, Any]) -> str:
        """Hand an intent to Home Assistant's /api/intent/handle; returns its spoken response."""
        from http import HTTPMethod

        reply = await self._call("request", "intent/handle", method=HTTPMethod.POST,
                                 json={"name": intent, "data": slots})
        speech = (reply or {}).get("speech", {}).get("plain", {}).get("speech")
        return str(speech or "Done")

    # --- state sync ----------------------------------------------------------------------------

    def start_sync(self, on_state: Callable[[str, str, dict[str, Any]], None]) -> None:
        self._task = asyncio.create_task(self._sync(on_state), name="hearth-ha-sync")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _sync(self, on_state: Callable[[str, str, dict[str, Any]], None]) -> None:
        """Poll /api/states; on failure keep trying (Home Assistant restarts) without duplicating anything."""
        while True:
            try:
                states = await self._call("get_states")
                if not self.connected:
                    _LOGGER.info("Home Assistant at %s is reachable", self.credentials.url)
                self.connected = True
                for state in states:
                    attributes = {k: v for k, v in state.attributes.items() if k in _KEEP_ATTRIBUTES}
                    on_state(state.entity_id, state.state, _json_safe(attributes))
            except HomeAssistantError as err:
                if self.connected:
                    _LOGGER.warning("Lost Home Assistant: %s; retrying", err)
                self.connected = False
            await asyncio.sleep(self.poll_interval)


def _map_areas(raw: list[dict[str, Any]], existing: Home) -> tuple[list[Area], dict[str, str]]:
    """HA areas onto Hearth's: an area of the same name is the same area."""
    by_name = {a.name.casefold(): a for a in existing.areas}
    areas, area_of = [], {}
    for item in raw:
        area = by_name.get(str(item["name"]).casefold()) or Area(str(item["id"]), str(item["name"]))
        if area.name.casefold() not in by_name:
            areas.append(area)
        for entity_id in item.get("entities") or []:
            area_of[entity_id] = area.id
    return areas, area_of


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(value, default=str))


async def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True
