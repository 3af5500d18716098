"""Request traces: what was heard, understood, done and said, with timings; persisted in SQLite."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devices.registry import Registry

KEEP = 5000
"""Traces kept; older ones are dropped as new ones arrive."""


@dataclass(slots=True)
class Trace:
    source: str
    """text, wav, mic, wyoming, mqtt, dashboard."""
    transcript: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    at: float = field(default_factory=time.time)
    intents: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    response: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    wake: dict[str, Any] | None = None
    ok: bool = True
    conversation_id: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    """What the turn took from its conversation (previous targets, the question it answered, what was learned)."""
    marks: dict[str, float] = field(default_factory=dict)
    """Stage -> time.perf_counter() when it finished (for the voice pipeline's timings)."""

    def to_dict(self) -> dict[str, Any]:
        targets = [t for o in self.outcomes for t in o.get("targets", [])]
        mqtt = [m for o in self.outcomes for m in o.get("mqtt", [])]
        out: dict[str, Any] = {
            "id": self.id, "at": self.at, "source": self.source, "transcript": self.transcript,
            "intents": self.intents,
            "outcome": {"ok": self.ok, "targets": targets, "mqtt": mqtt, "steps": self.outcomes},
            "response": self.response, "timings_ms": self.timings_ms,
        }
        if self.wake is not None:
            out["wake"] = self.wake
        if self.conversation_id is not None:
            out["conversation_id"] = self.conversation_id
        if self.context:
            out["context"] = self.context
        return out


class TraceStore:
    """Append-only trace log with listeners (the dashboard's Activity feed)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.listeners: list[Callable[[dict[str, Any]], None]] = []
        self._count = 0

    def add(self, trace: dict[str, Any]) -> None:
        row = {"id": trace["id"], "at": trace["at"], "source": trace["source"], "data": json.dumps(trace)}
        with self.registry._lock, self.registry._transaction():
            self.registry.db.table("traces").insert(row, replace=True)
            self._count += 1
            if self._count % 100 == 0:
                self.registry.db.execute(
                    "DELETE FROM traces WHERE id NOT IN (SELECT id FROM traces ORDER BY at DESC LIMIT ?)", [KEEP])
        for listener in list(self.listeners):
            listener(trace)

    def recent(self, limit: int = 50, source: str | None = None, text: str | None = None) -> list[dict[str, Any]]:
        where, args = [], []
        if source:
            where.append("source = ?")
            args.append(source)
        if text:
            where.append("data LIKE ?")
            args.append(f"%{text}%")
        sql = "SELECT data FROM traces" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY at DESC LIMIT ?"
        with self.registry._lock:
            rows = self.registry.db.execute(sql, [*args, max(1, min(limit, 500))]).fetchall()
        return [json.loads(r[0]) for r in rows]

    def get(self, trace_id: str) -> dict[str, Any] | None:
        with self.registry._lock:
            row = self.registry.db.execute("SELECT data FROM traces WHERE id = ?", [trace_id]).fetchone()
        return json.loads(row[0]) if row else None
