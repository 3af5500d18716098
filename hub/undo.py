"""Undo: the states an action changed, recorded before it acted, put back through the executor.

Putting states back is an intent of its own (`HearthRestore`, slots {"states": {entity_id: {state,
attributes}}}), so it goes through the executor like any other call: a restore that would unlock a door or
open the garage asks first, and the trace shows what was sent.
"""

from __future__ import annotations

import functools
from typing import Any

from hub.core.home import DeviceCommand, Entity, Home
from hub.core.events import Outcome, ToolCall
from hub.core.intents import IntentSpec
from hub.core.responses import join_names
from hub.core.targets import Targets
from hub.executor import DeviceIntent, Executor

RESTORE = "HearthRestore"


def snapshot(home: Home) -> dict[str, dict[str, Any]]:
    """Every entity's state and attributes now (entities are frozen, so this is cheap and safe to keep)."""
    return {e.id: {"state": e.state, "attributes": dict(e.attributes)} for e in home.entities}


def changed_before(before: dict[str, dict[str, Any]], home: Home, ids: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """Of `ids`, those whose state differs now from `before`: their states before."""
    out = {}
    for entity_id in ids:
        entity, old = home.entity(entity_id), before.get(entity_id)
        if entity is not None and old is not None and (
                entity.state != old["state"] or entity.attributes != old["attributes"]):
            out[entity_id] = old
    return out


def restore_commands(entity: Entity, before: dict[str, Any]) -> list[DeviceCommand]:
    """Commands that bring `entity` back to `before` ({state, attributes})."""
    state, attrs = str(before.get("state")), dict(before.get("attributes") or {})
    domain = entity.domain
    if domain == "light":
        if state != "on":
            return [DeviceCommand(entity.id, "turn_off")]
        data: dict[str, Any] = {}
        if "brightness" in attrs:
            data["brightness_pct"] = round(int(attrs["brightness"]) * 100 / 254)
        if "color_temp_kelvin" in attrs:
            data["color_temp_kelvin"] = int(attrs["color_temp_kelvin"])
        return [DeviceCommand(entity.id, "turn_on", data)]
    if domain == "fan" and attrs.get("percentage"):
        return [DeviceCommand(entity.id, "set_percentage", {"percentage": int(attrs["percentage"])})]
    if domain == "cover" and "current_position" in attrs:
        return [DeviceCommand(entity.id, "set_cover_position", {"position": int(attrs["current_position"])})]
    if domain == "cover":
        return [DeviceCommand(entity.id, "open_cover" if state == "open" else "close_cover")]
    if domain == "lock":
        return [DeviceCommand(entity.id, "lock" if state == "locked" else "unlock")]
    if domain == "climate":
        commands = [DeviceCommand(entity.id, "turn_off" if state == "off" else "turn_on")]
        if "temperature" in attrs:
            commands.append(DeviceCommand(entity.id, "set_temperature", {"temperature": attrs["temperature"]}))
        return commands
    if domain == "media_player":
        commands = [DeviceCommand(entity.id, "media_play" if state == "playing" else "media_pause")]
        if "volume_level" in attrs:
            commands.append(DeviceCommand(entity.id, "volume_set", {"volume_level": attrs["volume_level"]}))
        return commands
    if domain == "vacuum":
        return [DeviceCommand(entity.id, "start" if state == "cleaning" else "return_to_base")]
    return [DeviceCommand(entity.id, "turn_on" if state == "on" else "turn_off")]


def register_restore(executor: Executor) -> None:
    """Teach the executor `HearthRestore`."""
    executor.install(RESTORE_INTENTS, executor)


async def _restore(executor: Executor, call: ToolCall, confirmed: bool) -> Outcome:
    states = call.slots.get("states")
    if not isinstance(states, dict) or not states:
        return Outcome(call.intent, False, "There is nothing to undo", error="nothing to undo")
    home = executor.backend.home
    entities = tuple(e for e in (home.entity(i) for i in states) if e is not None)
    if not entities:
        return Outcome(call.intent, False, "Those devices are gone", error="no such entities")
    commands = [c for e in entities for c in restore_commands(e, states[e.id])]
    targets = Targets(entities, None, None, by_name=True)
    done = f"Put {join_names([e.name for e in entities])} back as {'it was' if len(entities) == 1 else 'they were'}"
    return await executor.run(call, targets, commands, confirmed, done)


RESTORE_INTENTS: tuple[DeviceIntent, ...] = (
    IntentSpec(RESTORE, lambda ex, _: functools.partial(_restore, ex), ("states",)),
)
