"""Dialogue state, one per requester (a conversation), kept in SQLite so it survives a restart.

A conversation remembers what the last turn acted on (its targets and their slots), the last intent with its
values, the question Hearth left open (a pending call with its choices or the value it lacks), the states
the last action changed (for undo and corrections) and where the speaker is. After `idle` seconds without a
turn its context is forgotten (the id stays valid; the area is kept).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from devices.registry import Registry
from hub.core.errors import HearthError
from hub.core.events import ToolCall

_LOGGER = logging.getLogger(__name__)

CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
"""What a conversation id may look like (the ids Hearth makes are 32 hex digits)."""
DEFAULT_IDLE = 300.0
"""Seconds without a turn after which a conversation's context is forgotten."""
FORGET_AFTER = 86400.0
"""Conversations idle this long are deleted (their ids become unknown)."""
TARGET_SLOTS = ("name", "area", "floor", "domain", "device_class")
"""The slots that say what a call acts on; every other slot is a value."""


class ConversationError(HearthError):
    """A conversation id that is malformed or unknown."""


@dataclass(frozen=True, slots=True)
class Question:
    """What Hearth asked and is waiting for: a pending call and the entity ids it could mean, or the name of
    the slot it lacks."""

    call: ToolCall
    choices: tuple[str, ...] = ()
    missing: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"call": self.call.to_dict(), "choices": list(self.choices), "missing": self.missing}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Question:
        return cls(ToolCall.from_dict(data["call"]), tuple(data.get("choices") or ()), data.get("missing"))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The states an action changed, as they were before it acted, with the call and what was said."""

    states: dict[str, dict[str, Any]]
    call: ToolCall
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"states": self.states, "call": self.call.to_dict(), "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        return cls(dict(data["states"]), ToolCall.from_dict(data["call"]), str(data.get("text", "")))


@dataclass(frozen=True, slots=True)
class DialogueState:
    targets: tuple[str, ...] = ()
    """Entity ids the last turn acted on or asked about."""
    target_slots: dict[str, Any] = field(default_factory=dict)
    """Those targets as slots ({name: Desk Lamp}), which a turn that names no target inherits."""
    call: ToolCall | None = None
    """The last call carried out (intent and values), which a turn that names only a target inherits."""
    question: Question | None = None
    choices: tuple[str, ...] = ()
    """The candidates of the last choice Hearth offered ('the other one' picks among them)."""
    undo: Snapshot | None = None
    area: str | None = None
    """Where the speaker is (an area name), when the requester says."""
    delayed: str | None = None
    """The timer id of the last delayed command this conversation scheduled ('cancel that')."""
    expired: bool = False
    """Set on load when the context was forgotten for idleness (not stored)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "targets": list(self.targets), "target_slots": self.target_slots,
            "call": self.call.to_dict() if self.call else None,
            "question": self.question.to_dict() if self.question else None,
            "choices": list(self.choices), "undo": self.undo.to_dict() if self.undo else None, "area": self.area,
            "delayed": self.delayed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DialogueState:
        call, question, undo = data.get("call"), data.get("question"), data.get("undo")
        return cls(
            tuple(data.get("targets") or ()), dict(data.get("target_slots") or {}),
            ToolCall.from_dict(call) if call else None, Question.from_dict(question) if question else None,
            tuple(data.get("choices") or ()), Snapshot.from_dict(undo) if undo else None, data.get("area"),
            data.get("delayed"),
        )

    def forgotten(self) -> DialogueState:
        """The context dropped for idleness; the speaker's area stays."""
        return DialogueState(area=self.area, expired=True)


def check_id(conversation_id: str) -> str:
    if not isinstance(conversation_id, str) or not CONVERSATION_ID.match(conversation_id):
        raise ConversationError(
            "A conversation id is 1 to 64 letters, digits or _.:- characters; leave it out to start a new one")
    return conversation_id


class ConversationStore:
    """Conversations in the registry's SQLite database (table `conversations`)."""

    def __init__(self, registry: Registry, idle: float = DEFAULT_IDLE,
                 clock: Callable[[], float] = time.time) -> None:
        self.registry = registry
        self.idle = idle
        self._clock = clock
        with registry._lock:
            registry.db.execute(
                "CREATE TABLE IF NOT EXISTS conversations (id TEXT PRIMARY KEY, source TEXT, created REAL, "
                "updated REAL, state TEXT)")
            registry.db.execute("DELETE FROM conversations WHERE updated < ?", [clock() - FORGET_AFTER])

    def create(self, source: str, conversation_id: str | None = None) -> str:
        """A new conversation (or an existing one under `conversation_id`, kept); its id."""
        cid = check_id(conversation_id) if conversation_id else uuid.uuid4().hex
        now = self._clock()
        with self.registry._lock:
            self.registry.db.execute(
                "INSERT OR IGNORE INTO conversations (id, source, created, updated, state) VALUES (?, ?, ?, ?, ?)",
                [cid, source, now, now, json.dumps(DialogueState().to_dict())])
        return cid

    def exists(self, conversation_id: str) -> bool:
        with self.registry._lock:
            row = self.registry.db.execute("SELECT 1 FROM conversations WHERE id = ?", [conversation_id]).fetchone()
        return row is not None

    def load(self, conversation_id: str) -> DialogueState:
        """The conversation's state, its context forgotten when idle too long; ConversationError when unknown."""
        check_id(conversation_id)
        with self.registry._lock:
            row = self.registry.db.execute(
                "SELECT updated, state FROM conversations WHERE id = ?", [conversation_id]).fetchone()
        if row is None:
            raise ConversationError(f"There is no conversation {conversation_id}; leave the id out to start one")
        state = DialogueState.from_dict(json.loads(row[1]))
        return state.forgotten() if self._clock() - row[0] > self.idle else state

    def save(self, conversation_id: str, state: DialogueState) -> None:
        with self.registry._lock:
            self.registry.db.execute(
                "UPDATE conversations SET updated = ?, state = ? WHERE id = ?",
                [self._clock(), json.dumps(replace(state, expired=False).to_dict()), conversation_id])
