"""Scene capture: a scene made of the current states of the home's controllable devices."""

from __future__ import annotations

from typing import Any

from hub.core.errors import ExecutionError
from hub.core.home import Home, normalize_name
from scenes.models import Scene


def capture_scene(home: Home, name: str, area: str | None = None) -> Scene:
    """A scene of the current states of the controllable entities (of one area, if given)."""
    area_id = None
    if area:
        match = [a for a in home.areas if normalize_name(area) in {normalize_name(n) for n in (a.name, a.id, *a.aliases)}]
        if not match:
            raise ExecutionError(f"There is no area called {area}")
        area_id = match[0].id
    members: dict[str, Any] = {}
    for e in home.entities:
        if e.domain not in ("light", "switch", "fan", "cover", "media_player", "climate") or (
                area_id and e.area_id != area_id):
            continue
        wanted: dict[str, Any] = {"state": e.state}
        if e.domain == "light" and e.state == "on" and "brightness" in e.attributes:
            wanted["brightness"] = e.attributes["brightness"]
        if e.domain == "cover" and "current_position" in e.attributes:
            wanted["position"] = e.attributes["current_position"]
        if e.domain == "climate" and "temperature" in e.attributes:
            wanted["temperature"] = e.attributes["temperature"]
        members[e.id] = wanted
    if not members:
        raise ExecutionError("There is nothing to capture there")
    return Scene.named(name, members, area_id)
