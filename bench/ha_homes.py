"""Generated homes (hub.core.home.Home) of any size, from the vocabulary of `llm.data.homes`, for the intent
benchmark and the HA-style proxy evaluation. Every name is unique; each home has HA's newer kinds too
(valves, lawn mowers, weather, to-do lists)."""

from __future__ import annotations

import random

from devices.homefile import slugify
from hub.core.home import Area, Entity, Floor, Home
from llm.data.homes import AREA_ALIASES, AREAS, DEVICE_NOUNS, FLOORS

EXTRA_NOUNS = {
    "valve": ("Water Valve", "Sprinkler Valve", "Gas Valve", "Irrigation"),
    "lawn_mower": ("Lawn Mower", "Mower", "Robot Mower"),
    "todo": ("Shopping List", "Chores", "Groceries", "To-do"),
    "weather": ("Forecast Home", "Weather Station"),
}
_SHARE = {"light": 30, "switch": 12, "fan": 5, "cover": 10, "lock": 4, "vacuum": 2, "media_player": 8,
          "climate": 4, "sensor": 10, "scene": 4, "valve": 3, "lawn_mower": 1}
"""Relative share of each domain among the generated devices."""


def generated_home(seed: int, entities: int = 60) -> Home:
    """A home of about `entities` entities (at least one of each domain), reproducible from `seed`."""
    rng = random.Random(seed)
    floors = tuple(Floor(slugify(n), n, i) for i, n in enumerate(rng.sample(FLOORS, rng.randint(1, 3))))
    n_areas = max(4, min(len(AREAS), entities // 10))
    areas = tuple(Area(slugify(n), n, rng.choice(floors).id, tuple(AREA_ALIASES.get(n, ())[:1]), i == 0)
                  for i, n in enumerate(rng.sample(AREAS, n_areas)))
    out: dict[str, Entity] = {}
    names: set[str] = set()
    domains = [d for d, share in _SHARE.items() for _ in range(share)]
    for todo in EXTRA_NOUNS["todo"][:2]:
        _add(out, names, Entity(f"todo.{slugify(todo)}", todo, state="0"))
    _add(out, names, Entity("weather.forecast_home", "Forecast Home", state="sunny",
                            attributes={"temperature": 17, "temperature_unit": "°C"}))
    for domain in list(_SHARE) + [rng.choice(domains) for _ in range(entities * 3)]:
        if len(out) >= entities and all(any(e.domain == d for e in out.values()) for d in _SHARE):
            break
        area = rng.choice(areas)
        noun = rng.choice(DEVICE_NOUNS.get(domain) or EXTRA_NOUNS[domain])
        name = noun if rng.random() < 0.2 else f"{area.name} {noun}"
        _add(out, names, _entity(domain, name, area.id if domain != "scene" else None))
    return Home(floors, areas, tuple(out.values()))


def _add(out: dict[str, Entity], names: set[str], entity: Entity) -> None:
    key = entity.name.casefold()
    if key in names or entity.id in out:
        return
    names.add(key)
    out[entity.id] = entity


def _entity(domain: str, name: str, area_id: str | None) -> Entity:
    entity_id = f"{domain}.{slugify(name)}"
    if domain == "sensor":
        return Entity(entity_id, name, area_id, device_class="temperature", state="20")
    if domain == "cover":
        return Entity(entity_id, name, area_id, device_class="blind", state="open")
    if domain == "scene":
        return Entity(entity_id, name, area_id, attributes={"entities": {}})
    return Entity(entity_id, name, area_id, state="off")
