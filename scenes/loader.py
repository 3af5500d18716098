"""Automations from YAML: each one validated alone, so one broken automation does not stop the rest."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

from devices.homefile import slugify
from hub.core.errors import ConfigError
from hub.core.yamlfile import Path_, YamlDocument, load_yaml
from scenes.models import (
    Action, Automation, Condition, DelayAction, IntentAction, IntervalTrigger, MqttTrigger, PhraseTrigger,
    PublishAction, SceneAction, SpeakAction, StateCondition, StateTrigger, TimeCondition, TimeTrigger, Trigger,
)

_LOGGER = logging.getLogger(__name__)
_KEYS = {"id", "alias", "trigger", "triggers", "condition", "conditions", "action", "actions", "enabled",
         "description"}


def load_automation_file(path: Path, key: str | None = None) -> tuple[list[Automation], list[str]]:
    """Automations from a YAML file (a list, or a mapping's `key` list); returns them and the errors."""
    doc = load_yaml(path)
    data = doc.data
    prefix: Path_ = ()
    if key is not None:
        data = (data or {}).get(key) if isinstance(data, dict) else None
        prefix = (key,)
    if data is None:
        return [], []
    if not isinstance(data, list):
        return [], [str(doc.error(prefix, "must be a list of automations"))]
    return automations_from(doc, data, prefix)


def automations_from(doc: YamlDocument, items: list[Any], prefix: Path_) -> tuple[list[Automation], list[str]]:
    loaded: list[Automation] = []
    errors: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(items):
        path = prefix + (index,)
        try:
            automation = parse_automation(doc, path, raw)
            if automation.id in seen:
                raise doc.error(path + ("id",), f"duplicate automation id '{automation.id}'")
            seen.add(automation.id)
            loaded.append(automation)
        except ConfigError as err:
            _LOGGER.error("Skipped automation: %s", err)
            errors.append(str(err))
    return loaded, errors


def parse_automation(doc: YamlDocument, path: Path_, raw: Any) -> Automation:
    if not isinstance(raw, dict):
        raise doc.error(path, "an automation is a mapping with trigger and action")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise doc.error(path + (unknown[0],), f"unknown key (allowed: {', '.join(sorted(_KEYS))})")
    alias = str(raw.get("alias") or raw.get("id") or "")
    if not alias:
        raise doc.error(path, "needs an id or an alias")
    triggers = _many(doc, path, raw, "trigger", _trigger)
    if not triggers:
        raise doc.error(path + ("trigger",), "needs at least one trigger")
    actions = _many(doc, path, raw, "action", _action)
    if not actions:
        raise doc.error(path + ("action",), "needs at least one action")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise doc.error(path + ("enabled",), "must be true or false")
    line = doc.line_of(path)
    return Automation(
        id=str(raw.get("id") or slugify(alias)), alias=alias, triggers=tuple(triggers),
        conditions=tuple(_many(doc, path, raw, "condition", _condition)), actions=tuple(actions),
        enabled=enabled, source=f"{doc.source}:{line}" if line else doc.source,
    )


def _many(doc: YamlDocument, path: Path_, raw: dict[str, Any], key: str, parse: Any) -> list[Any]:
    name = key if key in raw else f"{key}s"
    value = raw.get(name)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    base = path + (name,)
    return [parse(doc, base + (i,) if isinstance(value, list) else base, item) for i, item in enumerate(items)]


def _mapping(doc: YamlDocument, path: Path_, raw: Any, kind: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise doc.error(path, f"a {kind} must be a mapping")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise doc.error(path + (unknown[0],), f"unknown key for this {kind} (allowed: {', '.join(sorted(allowed))})")
    return raw


def _trigger(doc: YamlDocument, path: Path_, raw: Any) -> Trigger:
    raw = _mapping(doc, path, raw, "trigger", {"platform", "trigger", "topic", "payload", "payload_json",
                                              "at", "seconds", "minutes", "hours", "entity_id", "from", "to",
                                              "for", "phrase", "phrases"})
    platform = raw.get("platform") or raw.get("trigger")
    if platform == "mqtt":
        topic = _required(doc, path, raw, "topic")
        if "#" in topic[:-1] or not topic.strip():
            raise doc.error(path + ("topic",), "'#' may only end a topic filter")
        match = raw.get("payload_json")
        if match is not None and not isinstance(match, dict):
            raise doc.error(path + ("payload_json",), "must be a mapping of field: value")
        payload = raw.get("payload")
        return MqttTrigger(topic, None if payload is None else str(payload), match)
    if platform == "time":
        return TimeTrigger(_time(doc, path + ("at",), _required(doc, path, raw, "at")))
    if platform in ("interval", "time_pattern"):
        seconds = _duration(doc, path, {k: raw[k] for k in ("hours", "minutes", "seconds") if k in raw})
        if seconds < 1:
            raise doc.error(path, "an interval must be at least 1 second")
        return IntervalTrigger(seconds)
    if platform == "state":
        for_seconds = _duration(doc, path + ("for",), raw["for"]) if "for" in raw else 0.0
        return StateTrigger(_required(doc, path, raw, "entity_id"), _opt(raw.get("from")), _opt(raw.get("to")),
                            for_seconds)
    if platform in ("phrase", "conversation"):
        phrases = raw.get("phrases", raw.get("phrase"))
        phrases = [phrases] if isinstance(phrases, str) else phrases
        if not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
            raise doc.error(path + ("phrases",), "must be a phrase or a list of phrases")
        return PhraseTrigger(tuple(phrases))
    raise doc.error(path + ("platform",), f"unknown trigger platform {platform!r} "
                    "(mqtt, time, interval, state, phrase)")


def _condition(doc: YamlDocument, path: Path_, raw: Any) -> Condition:
    raw = _mapping(doc, path, raw, "condition", {"condition", "entity_id", "state", "after", "before"})
    kind = raw.get("condition")
    if kind == "state":
        return StateCondition(_required(doc, path, raw, "entity_id"), str(_required(doc, path, raw, "state")))
    if kind == "time":
        after = _time(doc, path + ("after",), raw["after"]) if "after" in raw else None
        before = _time(doc, path + ("before",), raw["before"]) if "before" in raw else None
        if after is None and before is None:
            raise doc.error(path, "a time condition needs after, before or both")
        return TimeCondition(after, before)
    raise doc.error(path + ("condition",), f"unknown condition {kind!r} (state, time)")


def _action(doc: YamlDocument, path: Path_, raw: Any) -> Action:
    raw = _mapping(doc, path, raw, "action", {"intent", "slots", "scene", "delay", "speak", "publish", "confirm"})
    kinds = [k for k in ("intent", "scene", "delay", "speak", "publish") if k in raw]
    if len(kinds) != 1:
        raise doc.error(path, "an action is exactly one of: intent, scene, delay, speak, publish")
    kind = kinds[0]
    confirm = _confirm(doc, path, raw, kind)
    source = f"{doc.source}:{doc.line_of(path)}"
    if kind == "intent":
        intent, slots = raw["intent"], raw.get("slots") or {}
        if not isinstance(intent, str) or not re.fullmatch(r"(Hass|Hearth)[A-Za-z]+", intent):
            raise doc.error(path + ("intent",), "must be an intent name like HassTurnOn")
        if not isinstance(slots, dict):
            raise doc.error(path + ("slots",), "must be a mapping of slot: value")
        return IntentAction(intent, dict(slots), confirm, source)
    if kind == "scene":
        return SceneAction(str(raw["scene"]), confirm, source)
    if kind == "delay":
        return DelayAction(_duration(doc, path + ("delay",), raw["delay"]))
    if kind == "speak":
        return SpeakAction(str(raw["speak"]))
    publish = raw["publish"]
    if not isinstance(publish, dict) or "topic" not in publish:
        raise doc.error(path + ("publish",), "needs topic and payload")
    payload = publish.get("payload", "")
    if isinstance(payload, (dict, list)):
        import json
        payload = json.dumps(payload)
    return PublishAction(str(publish["topic"]), str(payload), bool(publish.get("retain", False)))


def _confirm(doc: YamlDocument, path: Path_, raw: dict[str, Any], kind: str) -> bool:
    """`confirm: false` acknowledges a risky intent or scene action; nothing else is accepted."""
    if "confirm" not in raw:
        return True
    if kind not in ("intent", "scene"):
        raise doc.error(path + ("confirm",), "only an intent or scene action takes confirm")
    if raw["confirm"] is not False:
        raise doc.error(path + ("confirm",), "the only value is false (it lets this action unlock, open, "
                                             "delete or stop without anyone saying yes)")
    return False


def _required(doc: YamlDocument, path: Path_, raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise doc.error(path + (key,), "is required")
    return str(value)


def _opt(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _time(doc: YamlDocument, path: Path_, value: Any) -> dt.time:
    if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 07:30 as base-60 486
        value = (f"{value // 60:02d}:{value % 60:02d}" if value < 1440
                 else f"{value // 3600:02d}:{value % 3600 // 60:02d}:{value % 60:02d}")
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        raise doc.error(path, f"'{value}' is not a time like 07:30") from None


def _duration(doc: YamlDocument, path: Path_, value: Any) -> float:
    """Seconds from 90, '00:01:30' or {minutes: 1, seconds: 30}."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    if isinstance(value, dict):
        try:
            total = sum(float(value.get(k, 0)) * m for k, m in (("hours", 3600), ("minutes", 60), ("seconds", 1)))
        except (TypeError, ValueError):
            total = -1
        if total >= 0 and set(value) <= {"hours", "minutes", "seconds"}:
            return total
    if isinstance(value, str) and re.fullmatch(r"\d+:\d{2}(:\d{2})?", value):
        parts = [int(p) for p in value.split(":")] + [0]
        return float(parts[0] * 3600 + parts[1] * 60 + parts[2])
    raise doc.error(path, f"'{value}' is not a duration (seconds, 'HH:MM:SS' or hours/minutes/seconds)")
