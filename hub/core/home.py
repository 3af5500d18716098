"""Floors, areas and entities: the home as Home Assistant models it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

DOMAINS = (
    "light", "switch", "climate", "cover", "lock", "fan", "vacuum",
    "media_player", "sensor", "binary_sensor", "scene",
    "valve", "todo", "weather", "lawn_mower",
)

_ENTITY_ID = re.compile(r"^([a-z_]+)\.([A-Za-z0-9_]+)$")
"""Object ids as Home Assistant's fixtures write them, capitals included (`sensor.price_per_kW`)."""


def normalize_name(name: str) -> str:
    """Case- and punctuation-insensitive form used to compare spoken names."""
    name = name.casefold().replace("'s", "s").replace("_", " ")
    return " ".join(re.sub(r"[^\w\s]", " ", name).split())


def split_entity_id(entity_id: str) -> tuple[str, str]:
    """'light.kitchen' -> ('light', 'kitchen'); ValueError for anything else."""
    match = _ENTITY_ID.match(entity_id)
    if not match:
        raise ValueError(f"'{entity_id}' is not an entity id like 'light.kitchen'")
    return match.group(1), match.group(2)


@dataclass(frozen=True, slots=True)
class Floor:
    id: str
    name: str
    level: int | None = None
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "level": self.level, "aliases": list(self.aliases)}


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    name: str
    floor_id: str | None = None
    aliases: tuple[str, ...] = ()
    context_area: bool = False
    """The area the speaking satellite stands in ("turn on the lights in here")."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "name": self.name, "floor": self.floor_id,
            "aliases": list(self.aliases), "context_area": self.context_area,
        }


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    area_id: str | None = None
    aliases: tuple[str, ...] = ()
    device_class: str | None = None
    state: str = "unknown"
    attributes: dict[str, Any] = field(default_factory=dict)
    topic: str | None = None
    """zigbee2mqtt friendly name override (defaults to the entity name)."""
    value_key: str | None = None
    """For sensors sharing one device: the key of the state JSON this entity reads."""
    sensitive: bool = False
    """Opening or unlocking it needs spoken confirmation."""
    source: str = "mqtt"
    """Who owns the device: 'mqtt' (zigbee2mqtt, through Hearth) or 'homeassistant' (through its API)."""
    exposed: bool = True
    """Home Assistant's "Expose to Assist": an unexposed entity is never targeted by voice or text."""

    @property
    def domain(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def object_id(self) -> str:
        return self.id.split(".", 1)[1]

    @property
    def friendly_name(self) -> str:
        return self.topic or self.name

    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def with_state(self, state: str, attributes: dict[str, Any]) -> Entity:
        return replace(self, state=state, attributes=attributes)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "name": self.name, "area": self.area_id, "state": self.state,
            "attributes": dict(self.attributes),
        }
        if self.aliases:
            out["aliases"] = list(self.aliases)
        if self.device_class:
            out["device_class"] = self.device_class
        if self.topic:
            out["topic"] = self.topic
        if self.value_key:
            out["value_key"] = self.value_key
        if self.sensitive:
            out["sensitive"] = True
        if self.source != "mqtt":
            out["source"] = self.source
        if not self.exposed:
            out["is_exposed"] = False
        return out


@dataclass(frozen=True, slots=True)
class Home:
    floors: tuple[Floor, ...] = ()
    areas: tuple[Area, ...] = ()
    entities: tuple[Entity, ...] = ()

    def area(self, area_id: str | None) -> Area | None:
        return next((a for a in self.areas if a.id == area_id), None)

    def floor(self, floor_id: str | None) -> Floor | None:
        return next((f for f in self.floors if f.id == floor_id), None)

    def entity(self, entity_id: str) -> Entity | None:
        return next((e for e in self.entities if e.id == entity_id), None)

    def exposed(self) -> Home:
        """The home as voice and text see it: without the entities not exposed to Assist."""
        if all(e.exposed for e in self.entities):
            return self
        return replace(self, entities=tuple(e for e in self.entities if e.exposed))

    def context_area(self) -> Area | None:
        return next((a for a in self.areas if a.context_area), None)

    def spoken_names(self) -> list[str]:
        """Every name and alias of its entities and areas, sorted: what speech-to-text should expect."""
        named = [*((e.name, *e.aliases) for e in self.entities), *((a.name, *a.aliases) for a in self.areas)]
        return sorted({n for names in named for n in names})

    def to_dict(self) -> dict[str, Any]:
        return {
            "floors": [f.to_dict() for f in self.floors],
            "areas": [a.to_dict() for a in self.areas],
            "entities": [e.to_dict() for e in self.entities],
        }


@dataclass(frozen=True, slots=True)
class DeviceCommand:
    """A Home Assistant style service call on one entity, e.g. light.turn_on {brightness_pct: 50}."""

    entity_id: str
    service: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "service": self.service, "data": dict(self.data)}


@dataclass(frozen=True, slots=True)
class StateChanged:
    entity_id: str
    old: Entity | None
    new: Entity
