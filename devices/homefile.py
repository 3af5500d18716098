"""Read and write homes in Home Assistant's fixture YAML format (floors, areas, entities)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from hub.core.home import Area, Entity, Floor, Home, split_entity_id
from hub.core.yamlfile import Path_, YamlDocument, load_yaml, parse_yaml

DEMO_HOME = Path(__file__).parent / "data" / "demo_home.yaml"
_ENTITY_KEYS = {
    "id", "name", "area", "state", "attributes", "aliases", "device_class",
    "topic", "value_key", "sensitive", "source", "domain", "is_exposed",
}
"""Hearth's entity keys plus Home Assistant's fixture keys (`domain`, `is_exposed`)."""


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_") or "unnamed"


def load_home(path: Path) -> Home:
    """Load a home file; ConfigError names the file, line and key of the first problem."""
    return home_from_document(load_yaml(path))


def parse_home(text: str, source: str = "<string>") -> Home:
    return home_from_document(parse_yaml(text, source))


def dump_home(home: Home) -> str:
    return yaml.safe_dump(home.to_dict(), sort_keys=False, allow_unicode=True)


def home_from_document(doc: YamlDocument) -> Home:
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise doc.error((), "a home file is a mapping with 'floors', 'areas' and 'entities'")
    unknown = set(data) - {"floors", "areas", "entities", "language", "timers"}
    if unknown:
        raise doc.error((sorted(unknown)[0],), "unknown section (allowed: floors, areas, entities)")
    floors = tuple(_floor(doc, i, raw) for i, raw in enumerate(_list(doc, data, "floors")))
    _unique(doc, "floors", [f.id for f in floors])
    areas = tuple(_area(doc, i, raw, floors) for i, raw in enumerate(_list(doc, data, "areas")))
    _unique(doc, "areas", [a.id for a in areas])
    if sum(a.context_area for a in areas) > 1:
        raise doc.error(("areas",), "only one area can be the context_area")
    entities = tuple(_entity(doc, i, raw, areas) for i, raw in enumerate(_list(doc, data, "entities")))
    _unique(doc, "entities", [e.id for e in entities])
    return Home(floors, areas, entities)


def _list(doc: YamlDocument, data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise doc.error((key,), "must be a list")
    return value


def _unique(doc: YamlDocument, section: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, item_id in enumerate(ids):
        if item_id in seen:
            raise doc.error((section, i, "id"), f"duplicate id '{item_id}'")
        seen.add(item_id)


def _text(doc: YamlDocument, path: Path_, value: Any, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
        raise doc.error(path, "must be a non-empty string")
    return str(value).strip()


def _aliases(doc: YamlDocument, path: Path_, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise doc.error(path, "must be a list of names")
    return tuple(str(_text(doc, path + (i,), v)) for i, v in enumerate(value))


def _mapping(doc: YamlDocument, path: Path_, raw: Any, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise doc.error(path, "must be a mapping")
    extra = sorted(set(raw) - allowed)
    if extra:
        raise doc.error(path + (extra[0],), f"unknown key (allowed: {', '.join(sorted(allowed))})")
    return raw


def _floor(doc: YamlDocument, i: int, raw: Any) -> Floor:
    path: Path_ = ("floors", i)
    raw = _mapping(doc, path, raw, {"id", "name", "level", "aliases"})
    name = str(_text(doc, path + ("name",), raw.get("name")))
    level = raw.get("level")
    if level is not None and (not isinstance(level, int) or isinstance(level, bool)):
        raise doc.error(path + ("level",), "must be a whole number")
    floor_id = _text(doc, path + ("id",), raw.get("id"), required=False) or slugify(name)
    return Floor(floor_id, name, level, _aliases(doc, path + ("aliases",), raw.get("aliases")))


def _area(doc: YamlDocument, i: int, raw: Any, floors: tuple[Floor, ...]) -> Area:
    path: Path_ = ("areas", i)
    raw = _mapping(doc, path, raw, {"id", "name", "floor", "aliases", "context_area"})
    name = str(_text(doc, path + ("name",), raw.get("name")))
    area_id = _text(doc, path + ("id",), raw.get("id"), required=False) or slugify(name)
    floor_ref = _text(doc, path + ("floor",), raw.get("floor"), required=False)
    floor_id = None
    if floor_ref is not None:
        floor = next((f for f in floors if floor_ref in (f.id, f.name)), None)
        if floor is None:
            raise doc.error(path + ("floor",), f"no floor '{floor_ref}' in 'floors'")
        floor_id = floor.id
    context = raw.get("context_area", False)
    if not isinstance(context, bool):
        raise doc.error(path + ("context_area",), "must be true or false")
    return Area(area_id, name, floor_id, _aliases(doc, path + ("aliases",), raw.get("aliases")), context)


def _entity(doc: YamlDocument, i: int, raw: Any, areas: tuple[Area, ...]) -> Entity:
    path: Path_ = ("entities", i)
    raw = _mapping(doc, path, raw, _ENTITY_KEYS)
    entity_id = str(_text(doc, path + ("id",), raw.get("id")))
    try:
        split_entity_id(entity_id)
    except ValueError as err:
        raise doc.error(path + ("id",), str(err)) from err
    name = str(_text(doc, path + ("name",), raw.get("name")))
    area_ref = _text(doc, path + ("area",), raw.get("area"), required=False)
    area_id = None
    if area_ref is not None:
        area = next((a for a in areas if area_ref in (a.id, a.name)), None)
        if area is None:
            raise doc.error(path + ("area",), f"no area '{area_ref}' in 'areas'")
        area_id = area.id
    attributes = raw.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise doc.error(path + ("attributes",), "must be a mapping")
    sensitive = _flag(doc, path + ("sensitive",), raw.get("sensitive", False))
    exposed = _flag(doc, path + ("is_exposed",), raw.get("is_exposed", True))
    domain = raw.get("domain")
    if domain is not None and domain != entity_id.split(".", 1)[0]:
        raise doc.error(path + ("domain",), f"'{domain}' does not match the id '{entity_id}'")
    state = raw.get("state", "unknown")
    if isinstance(state, dict):  # HA's fixtures: {in: what is said, out: the state}
        state = state.get("out", state.get("in", "unknown"))
    if isinstance(state, bool):  # an unquoted on/off in YAML
        state = "on" if state else "off"
    return Entity(
        id=entity_id,
        name=name,
        area_id=area_id,
        aliases=_aliases(doc, path + ("aliases",), raw.get("aliases")),
        device_class=_text(doc, path + ("device_class",), raw.get("device_class"), required=False)
        or attributes.get("device_class"),
        state="unknown" if state is None else str(state),
        attributes=dict(attributes),
        topic=_text(doc, path + ("topic",), raw.get("topic"), required=False),
        value_key=_text(doc, path + ("value_key",), raw.get("value_key"), required=False),
        sensitive=sensitive,
        source=_text(doc, path + ("source",), raw.get("source"), required=False) or "mqtt",
        exposed=exposed,
    )


def _flag(doc: YamlDocument, path: Path_, value: Any) -> bool:
    if not isinstance(value, bool):
        raise doc.error(path, "must be true or false")
    return value
