"""Automations as data: triggers, conditions and actions (Home Assistant's shape, Hearth's names)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from devices.homefile import slugify
from hub.core.home import Entity


@dataclass(frozen=True, slots=True)
class MqttTrigger:
    topic: str
    """A topic filter; + and # wildcards allowed."""
    payload: str | None = None
    """Fire only when the payload equals this text."""
    json: dict[str, Any] | None = None
    """Fire only when the payload is a JSON object whose fields equal these values (dotted keys)."""


@dataclass(frozen=True, slots=True)
class TimeTrigger:
    at: dt.time


@dataclass(frozen=True, slots=True)
class IntervalTrigger:
    seconds: float


@dataclass(frozen=True, slots=True)
class StateTrigger:
    entity_id: str
    from_state: str | None = None
    to_state: str | None = None
    for_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class PhraseTrigger:
    phrases: tuple[str, ...]


Trigger = MqttTrigger | TimeTrigger | IntervalTrigger | StateTrigger | PhraseTrigger


@dataclass(frozen=True, slots=True)
class StateCondition:
    entity_id: str
    state: str


@dataclass(frozen=True, slots=True)
class TimeCondition:
    after: dt.time | None = None
    before: dt.time | None = None

    def holds(self, now: dt.time) -> bool:
        after, before = self.after or dt.time.min, self.before or dt.time.max
        if after <= before:
            return after <= now < before
        return now >= after or now < before  # a window across midnight


Condition = StateCondition | TimeCondition


@dataclass(frozen=True, slots=True)
class IntentAction:
    intent: str
    slots: dict[str, Any] = field(default_factory=dict)
    confirm: bool = True
    """False (`confirm: false` in YAML) acknowledges that this action unlocks, opens, deletes or stops
    without anyone saying yes; otherwise such an action is refused."""
    source: str = field(default="", compare=False)
    """file:line of the action, for messages (not part of what the action is)."""


@dataclass(frozen=True, slots=True)
class SceneAction:
    scene: str
    confirm: bool = True
    """As IntentAction.confirm."""
    source: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class DelayAction:
    seconds: float


@dataclass(frozen=True, slots=True)
class SpeakAction:
    text: str


@dataclass(frozen=True, slots=True)
class PublishAction:
    topic: str
    payload: str
    retain: bool = False


Action = IntentAction | SceneAction | DelayAction | SpeakAction | PublishAction


@dataclass(frozen=True, slots=True)
class Automation:
    id: str
    alias: str
    triggers: tuple[Trigger, ...]
    conditions: tuple[Condition, ...] = ()
    actions: tuple[Action, ...] = ()
    enabled: bool = True
    source: str = ""
    """file:line it was defined at, for messages."""


@dataclass(frozen=True, slots=True)
class Scene:
    id: str
    name: str
    entities: dict[str, Any]
    area: str | None = None
    aliases: tuple[str, ...] = ()

    @classmethod
    def named(cls, name: str, entities: dict[str, Any], area: str | None = None,
              aliases: tuple[str, ...] = ()) -> Scene:
        return cls(slugify(name), name, entities, area, aliases)

    def to_entity(self) -> Entity:
        return Entity(id=f"scene.{self.id}", name=self.name, area_id=self.area, aliases=self.aliases,
                      state="scening", attributes={"entities": dict(self.entities)})

    @classmethod
    def from_entity(cls, entity: Entity) -> Scene:
        return cls(entity.object_id, entity.name, dict(entity.attributes.get("entities") or {}),
                   entity.area_id, entity.aliases)
