"""Delayed commands ("turn off the lights in 10 minutes", "close the garage at 10 pm").

The waiting is a timer of kind 'command' (`hub.household.timers`: it survives a restart, shows with the timers
and can be cancelled); what it runs — the calls, the conversation they belong to — is kept here, in SQLite
(table `delayed_commands`). When it fires, the calls go through the executor in that conversation's session,
so a risky one asks then, and a yes in that conversation carries it out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devices.registry import Registry
from hub.core.events import ToolCall
from llm.numbers import parse_number, parse_time


@dataclass(frozen=True, slots=True)
class Delayed:
    timer_id: str
    conversation_id: str
    calls: tuple[ToolCall, ...]
    text: str


class DelayedStore:
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        with registry._lock:
            registry.db.execute(
                "CREATE TABLE IF NOT EXISTS delayed_commands (timer_id TEXT PRIMARY KEY, conversation_id TEXT, "
                "calls TEXT, text TEXT)")

    def add(self, item: Delayed) -> None:
        calls = json.dumps([c.to_dict() for c in item.calls])
        with self.registry._lock:
            self.registry.db.execute("INSERT OR REPLACE INTO delayed_commands VALUES (?, ?, ?, ?)",
                                     [item.timer_id, item.conversation_id, calls, item.text])

    def pop(self, timer_id: str) -> Delayed | None:
        with self.registry._lock:
            row = self.registry.db.execute(
                "SELECT conversation_id, calls, text FROM delayed_commands WHERE timer_id = ?", [timer_id]).fetchone()
            self.registry.db.execute("DELETE FROM delayed_commands WHERE timer_id = ?", [timer_id])
        if row is None:
            return None
        calls = tuple(ToolCall.from_dict(c) for c in json.loads(row[1]))
        return Delayed(timer_id, row[0], calls, row[2])


_CLOCK = re.compile(r"\d:\d\d|\b(am|pm|a\.m\.|p\.m\.|o'clock|noon|midnight)\b", re.IGNORECASE)
"""What a clock time said after 'at' has: 10:30, 10 pm, seven o'clock, noon."""


def delay_seconds(slots: dict[str, Any], now: Callable[[], dt.datetime] = dt.datetime.now) -> float | None:
    """Seconds to wait for a HearthDelay's slots: {amount, unit} or {time} (the next such clock time)."""
    if "time" in slots:
        if not _CLOCK.search(str(slots["time"])):
            return None  # "at 10 percent", "at maximum": a level, not a time
        clock = parse_time(str(slots["time"]))
        if clock is None:
            return None
        hour, minute = (int(p) for p in clock.split(":"))
        start = now()
        at = start.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if at <= start:
            at += dt.timedelta(days=1)
        return (at - start).total_seconds()
    amount = parse_number(str(slots.get("amount", "")))
    if amount is None or amount <= 0:
        return None
    return float(amount) * float(slots.get("unit", 1))
