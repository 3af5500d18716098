"""Timers and alarms that survive a restart: due times in SQLite, fired by one scheduler task."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from devices.registry import Registry
from hub.core.responses import join_names
from hub.household.errors import HouseholdError

_LOGGER = logging.getLogger(__name__)
_POLL = 0.5
"""Longest sleep between looks at the wall clock, so a clock jump is noticed within this."""

FireCallback = Callable[["Timer", float], Awaitable[None]]
"""(timer, lateness in seconds)."""


@dataclass(frozen=True, slots=True)
class Timer:
    id: str
    kind: str
    """'timer' or 'alarm'."""
    name: str | None
    label: str | None
    duration: float
    due: float
    """Wall-clock epoch seconds (meaningless while paused)."""
    remaining: float | None
    state: str
    """running, paused, fired, cancelled."""
    created: float
    area: str | None = None
    fired_at: float | None = None
    command: str | None = None
    """What to do when it fires (HA's delayed command: "turn off the lights in 10 minutes")."""

    def left(self, now: float) -> float:
        return self.remaining if self.state == "paused" and self.remaining is not None else max(0.0, self.due - now)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class TimerService:
    """Owns every timer and alarm. Runs on the event loop; SQLite writes are small and synchronous."""

    def __init__(self, registry: Registry, on_fire: FireCallback,
                 clock: Callable[[], float] = time.time) -> None:
        self.registry = registry
        self.on_fire = on_fire
        self.clock = clock
        self._timers: dict[str, Timer] = {}
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        with self.registry._lock:
            rows = list(self.registry.db["timers"].rows_where("state in ('running', 'paused')"))
        self._timers = {r["id"]: Timer(**r) for r in rows}
        overdue = sum(1 for t in self._timers.values() if t.state == "running" and t.due <= self.clock())
        if overdue:
            _LOGGER.warning("%d timers fell due while Hearth was not running; firing them now", overdue)
        self._task = asyncio.create_task(self._run(), name="hearth-timers")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def active(self, kind: str | None = None) -> list[Timer]:
        timers = [t for t in self._timers.values() if kind is None or t.kind == kind]
        return sorted(timers, key=lambda t: t.left(self.clock()))

    # --- changes -----------------------------------------------------------------------------

    def start_timer(self, seconds: float, name: str | None = None, area: str | None = None,
                    command: str | None = None) -> Timer:
        if not 1 <= seconds <= 7 * 86400:
            raise HouseholdError("A timer can run from one second to a week")
        now = self.clock()
        timer = Timer(uuid.uuid4().hex[:12], "timer", name, None, seconds, now + seconds, None, "running",
                      now, area, command=command)
        return self._save(timer)

    def set_alarm(self, at: dt.datetime, label: str | None = None) -> Timer:
        due = at.timestamp()
        now = self.clock()
        if due <= now:
            raise HouseholdError("That time has already passed")
        alarm = Timer(uuid.uuid4().hex[:12], "alarm", None, label, due - now, due, None, "running", now)
        return self._save(alarm)

    def schedule_command(self, seconds: float, name: str) -> Timer:
        """A delayed command (kind 'command'): fires like a timer; what it runs is kept by its owner."""
        if not 1 <= seconds <= 7 * 86400:
            raise HouseholdError("A command can wait from one second to a week")
        now = self.clock()
        timer = Timer(uuid.uuid4().hex[:12], "command", name, None, seconds, now + seconds, None, "running", now)
        return self._save(timer)

    def cancel(self, timer: Timer) -> Timer:
        return self._save(replace(timer, state="cancelled"))

    def pause(self, timer: Timer) -> Timer:
        if timer.state != "running":
            raise HouseholdError("That timer is already paused")
        return self._save(replace(timer, state="paused", remaining=timer.left(self.clock())))

    def unpause(self, timer: Timer) -> Timer:
        if timer.state != "paused":
            raise HouseholdError("That timer is not paused")
        left = timer.remaining or 0.0
        return self._save(replace(timer, state="running", due=self.clock() + left, remaining=None))

    def add(self, timer: Timer, seconds: float) -> Timer:
        left = timer.left(self.clock()) + seconds
        if left < 1:
            raise HouseholdError("That would leave no time on the timer")
        if timer.state == "paused":
            return self._save(replace(timer, remaining=left, duration=timer.duration + seconds))
        return self._save(replace(timer, due=timer.due + seconds, duration=timer.duration + seconds))

    def _save(self, timer: Timer) -> Timer:
        with self.registry._lock, self.registry._transaction():
            self.registry.db.table("timers").upsert(timer.to_dict(), pk="id")
        if timer.state in ("running", "paused"):
            self._timers[timer.id] = timer
        else:
            self._timers.pop(timer.id, None)
        self._changed.set()
        return timer

    # --- the scheduler -----------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            now = self.clock()
            due = [t for t in self._timers.values() if t.state == "running" and t.due <= now]
            for timer in sorted(due, key=lambda t: t.due):
                await self._fire(timer, now)
            upcoming = [t.due for t in self._timers.values() if t.state == "running"]
            wait = min([_POLL] + [max(0.0, d - self.clock()) for d in upcoming])
            self._changed.clear()
            try:
                async with asyncio.timeout(wait):  # not wait_for: in 3.11 it can swallow a cancel
                    await self._changed.wait()
            except TimeoutError:
                pass

    async def _fire(self, timer: Timer, now: float) -> None:
        late = now - timer.due
        try:
            await self.on_fire(timer, late)
        except Exception:  # a failing announcement must not stop the other timers
            _LOGGER.exception("Announcing timer %s failed", timer.id)
        self._save(replace(timer, state="fired", fired_at=now))


def describe_duration(seconds: float) -> str:
    """3723 -> '1 hour, 2 minutes and 3 seconds'."""
    seconds = round(seconds)
    parts = []
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count != 1 else ''}")
    if not parts:
        return "0 seconds"
    return join_names(parts)
