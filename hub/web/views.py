"""Hub objects as the JSON the API and the live feed send (one shape for both)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import time
from typing import Any

from hub.core.home import Entity, Home
from hub.household.lists import ListError, ListStore
from hub.household.timers import Timer, TimerService
from scenes.engine import AutomationEngine


def entity_view(entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id, "name": entity.name, "domain": entity.domain, "area": entity.area_id,
        "state": entity.state, "attributes": entity.attributes, "device_class": entity.device_class,
        "aliases": list(entity.aliases), "sensitive": entity.sensitive,
    }


def home_view(home: Home) -> dict[str, Any]:
    return {
        "floors": [f.to_dict() for f in sorted(home.floors, key=lambda f: (f.level is None, f.level or 0))],
        "areas": [a.to_dict() for a in home.areas],
        "entities": [entity_view(e) for e in home.entities],
    }


def timer_view(timer: Timer, now: float | None = None) -> dict[str, Any]:
    now = time.time() if now is None else now
    return {"id": timer.id, "kind": timer.kind, "name": timer.name, "label": timer.label,
            "duration": timer.duration, "due": timer.due, "remaining": round(timer.left(now), 3),
            "state": timer.state, "created": timer.created, "area": timer.area}


def timers_view(timers: TimerService) -> list[dict[str, Any]]:
    now = timers.clock()
    # `remaining` changes every moment; the live feed compares the rest (the browser counts down itself)
    return [{**timer_view(t, now), "remaining": None if t.state == "running" else t.left(now)}
            for t in timers.active()]


def automation_view(engine: AutomationEngine, automation_id: str) -> dict[str, Any]:
    automation = engine.automations[automation_id]
    run = engine.state[automation_id]
    return {
        "id": automation.id, "alias": automation.alias, "enabled": run.enabled, "runs": run.runs,
        "last_triggered": run.last_triggered, "last_error": run.last_error, "running": run.running,
        "triggers": [describe(t) for t in automation.triggers],
        "actions": [describe(a) for a in automation.actions], "source": automation.source,
    }


def automations_view(engine: AutomationEngine) -> list[dict[str, Any]]:
    return [automation_view(engine, automation_id) for automation_id in sorted(engine.automations)]


def describe(item: Any) -> str:
    """A trigger or action in one line: 'StateTrigger entity_id=lock.front_door to_state=unlocked'."""
    if not dataclasses.is_dataclass(item):
        return str(item)
    fields = []
    for f in dataclasses.fields(item):
        value = getattr(item, f.name)
        if value in (None, (), {}, "") or f.name == "source" or (f.name == "for_seconds" and not value):
            continue
        if isinstance(value, dt.time):
            value = value.strftime("%H:%M:%S")
        fields.append(f"{f.name}={value}")
    return " ".join([type(item).__name__, *fields])


def lists_view(lists: ListStore) -> list[dict[str, Any]]:
    """Every list with its items (blocking SQLite: call from a worker thread)."""
    out = []
    for name in lists.names():
        try:
            list_name, items = lists.items(name, include_complete=True)
        except ListError:
            continue
        out.append({"name": list_name, "items": [
            {"id": i.id, "item": i.item, "complete": i.complete} for i in items]})
    return out


def dumps(data: Any) -> str:
    """Strict JSON (a device reporting NaN or Infinity must not make a response unparseable)."""
    try:
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str)
    except ValueError:
        return json.dumps(_finite(data), separators=(",", ":"), ensure_ascii=False, allow_nan=False, default=str)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
