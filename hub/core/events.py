"""Messages that cross the pipeline's seams: tool calls, outcomes, traces."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hub.core.errors import ExecutionError


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One intent in Home Assistant's vocabulary with its slots, e.g. HassTurnOn {area: Kitchen}."""

    intent: str
    slots: dict[str, Any] = field(default_factory=dict)
    confidence: float = 1.0
    stage: str = ""
    """Which stage of understanding gave it: "templates" (HA's sentences) or "transformer"; "" when not said."""
    response_key: str = ""
    """The response HA's matched sentence names ("hello", "how_many", ...); "" when none or not a template."""
    assumed: tuple[str, ...] = ()
    """Slots filled from where the speaker is rather than said (the satellite's area, as Home Assistant's
    templates fill it): a preference, which the executor widens when nothing there fits."""
    every: bool = False
    """All of a kind were asked for ("lock all the doors", "close the garage doors"): a kind with no place means
    every such device, where the executor would otherwise ask which lock, valve or garage door."""

    def to_dict(self) -> dict[str, Any]:
        out = {"intent": self.intent, "slots": dict(self.slots), "confidence": round(self.confidence, 4)}
        return out | ({"stage": self.stage} if self.stage else {}) | (
            {"response_key": self.response_key} if self.response_key else {}) | (
            {"assumed": list(self.assumed)} if self.assumed else {}) | ({"every": True} if self.every else {})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToolCall:
        return cls(str(data["intent"]), dict(data.get("slots") or {}), float(data.get("confidence", 1.0)),
                   str(data.get("stage") or ""), str(data.get("response_key") or ""),
                   tuple(str(s) for s in data.get("assumed") or ()), data.get("every") is True)

    def text(self, key: str) -> str | None:
        """The slot as one line of text (whitespace collapsed); None when it is missing, blank or not one value."""
        value = self.slots.get(key)
        if value is None or isinstance(value, (dict, list, tuple)):
            return None
        return " ".join(str(value).split()) or None

    def required_text(self, key: str, question: str) -> str:
        """The slot as text; when it was not said, ExecutionError(question) asks for it."""
        value = self.text(key)
        if value is None:
            raise ExecutionError(question)
        return value


@dataclass(frozen=True, slots=True)
class MqttMessage:
    topic: str
    payload: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "payload": self.payload}


@dataclass(frozen=True, slots=True)
class Outcome:
    """What executing one tool call did, and what to say about it."""

    intent: str
    ok: bool
    response: str
    targets: tuple[str, ...] = ()
    mqtt: tuple[MqttMessage, ...] = ()
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Confirmed new state of each target: {entity_id: {"state": ..., "attributes": {...}}}."""
    error: str | None = None
    needs_confirmation: bool = False
    choices: tuple[str, ...] = ()
    """When the target was ambiguous: the entity ids it could mean (Hearth asked "Which one: ...?")."""
    missing: str | None = None
    """When a value the intent needs was not said: that slot's name (Hearth asked for it)."""
    request_id: str | None = None
    """With needs_confirmation: the id a HearthConfirm/HearthDeny for this question carries (slot request_id)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "intent": self.intent, "ok": self.ok, "targets": list(self.targets),
            "mqtt": [m.to_dict() for m in self.mqtt], "states": self.states,
            "response": self.response,
        }
        if self.error:
            out["error"] = self.error
        if self.needs_confirmation:
            out["needs_confirmation"] = True
        if self.choices:
            out["choices"] = list(self.choices)
        if self.missing:
            out["missing"] = self.missing
        if self.request_id:
            out["request_id"] = self.request_id
        return out
