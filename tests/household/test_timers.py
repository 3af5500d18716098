"""Timers and alarms: the intents, firing on time, and surviving a SIGKILL of the daemon."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devices.registry import Registry
from hub.core.config import ExecutorConfig
from hub.core.events import ToolCall
from hub.executor import Executor
from hub.household.intents import register_timer_intents
from hub.household.timers import Timer, TimerService
from tests.conftest import DEMO_HOME, REPO, Mosquitto
from tests.scenes.test_engine import Listener, until, write_config


class NoDevices:
    home = None

    def entity(self, entity_id: str) -> None:
        return None


class Clock(list[float]):
    """An injected wall clock (`now[0]`) that counts how often the scheduler has looked at it."""

    reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self[0]

    async def looked_at(self) -> None:
        """Until the scheduler has begun a pass at the current time and finished it: whatever was due, fired."""
        seen = self.reads
        await until(lambda: self.reads >= seen + 3)


@pytest.fixture
async def timers(tmp_path: Path):
    now = Clock([dt.datetime(2026, 11, 22, 9, 0, 0).timestamp()])
    fired: list[tuple[Timer, float]] = []

    async def on_fire(timer: Timer, late: float) -> None:
        fired.append((timer, late))
    service = TimerService(Registry.open(tmp_path / "t.db"), on_fire, clock=now)
    executor = Executor(NoDevices(), ExecutorConfig())  # type: ignore[arg-type]
    register_timer_intents(executor, service, now=lambda: dt.datetime.fromtimestamp(now[0]))
    await service.start()
    yield executor, service, now, fired
    await service.stop()


async def say(executor: Executor, intent: str, **slots) -> str:
    return (await executor.execute(ToolCall(intent, slots))).response


async def test_timer_intents(timers) -> None:
    ex, service, now, fired = timers
    assert await say(ex, "HassStartTimer", minutes=5.5) == "Timer set for 5 minutes and 30 seconds"
    assert await say(ex, "HassStartTimer", minutes=10, name="pasta") == "Timer pasta set for 10 minutes"
    now[0] += 60
    assert await say(ex, "HassTimerStatus") == \
        "4 minutes and 30 seconds left on your timer and 9 minutes left on your pasta timer"
    assert await say(ex, "HassPauseTimer") == "You have 2 timers. Which one?"
    assert await say(ex, "HassPauseTimer", name="Pasta") == "Timer paused"
    now[0] += 120
    assert await say(ex, "HassIncreaseTimer", name="pasta", minutes=1) == "Added 1 minute. 10 minutes left"
    assert await say(ex, "HassUnpauseTimer", name="pasta") == "Timer resumed"
    assert await say(ex, "HassDecreaseTimer", start_minutes=5.5, minutes=2) == \
        "Removed 2 minutes. 30 seconds left"
    assert await say(ex, "HassCancelTimer", name="eggs") == "There is no timer like that"
    assert await say(ex, "HassStartTimer") == "For how long? Say for example five minutes"
    now[0] += 29
    await now.looked_at()
    assert fired == []
    now[0] += 1
    await until(lambda: len(fired) == 1)
    assert fired[0][0].duration == 210 and fired[0][1] == 0
    assert await say(ex, "HassCancelAllTimers") == "Cancelled 1 timer"
    assert await say(ex, "HassTimerStatus") == "There are no timers"


async def test_alarm_intents(timers) -> None:
    ex, service, now, fired = timers  # it is 09:00
    assert await say(ex, "HearthAlarmSet", time="07:30", label="Wake up") == "Alarm set for 7:30 AM tomorrow"
    assert await say(ex, "HearthAlarmSet", time="18:15") == "Alarm set for 6:15 PM"
    assert await say(ex, "HearthAlarmList") == "You have 2 alarms: 6:15 PM and 7:30 AM (Wake up)"
    assert await say(ex, "HearthAlarmSet", time="half past") == "'half past' is not a time like 07:30"
    assert await say(ex, "HearthAlarmCancel", label="wake up") == "Cancelled the alarm for 7:30 AM"
    now[0] += 9.25 * 3600
    await until(lambda: len(fired) == 1)
    assert fired[0][0].kind == "alarm"
    assert await say(ex, "HearthAlarmList") == "You have no alarms"


async def test_an_alarm_on_a_day_said_in_words(timers) -> None:
    ex, service, now, fired = timers  # Sunday 22 November 2026, 09:00
    assert await say(ex, "HearthAlarmSet", time="06:30", date="tomorrow") == "Alarm set for 6:30 AM tomorrow"
    assert await say(ex, "HearthAlarmSet", time="07:00", date="friday") == "Alarm set for 7:00 AM on Friday 27 November"
    assert await say(ex, "HearthAlarmSet", time="08:00", date="sunday") == "Alarm set for 8:00 AM on Sunday 29 November"
    assert await say(ex, "HearthAlarmSet", time="08:30", date="this sunday") == (
        "Alarm set for 8:30 AM on Sunday 29 November")
    assert await say(ex, "HearthAlarmSet", time="08:00", date="today") == "8:00 AM on 2026-11-22 has passed"
    assert await say(ex, "HearthAlarmSet", time="08:00", date="weekdays") == (
        "Alarms ring once: say which day rather than 'weekdays'")
    assert await say(ex, "HearthAlarmSet", time="08:00", date="7") == (
        "Which day is '7'? Say today, tomorrow, a weekday or a date like 2026-12-24")
    assert len(service.active("alarm")) == 4


async def test_clock_jump_back_does_not_lose_a_timer(timers) -> None:
    ex, service, now, fired = timers
    await say(ex, "HassStartTimer", seconds=30)
    now[0] -= 3600  # the clock is set back an hour: the timer is due at the same wall time
    await now.looked_at()
    assert fired == []
    now[0] += 3600 + 30
    await until(lambda: len(fired) == 1)


def serve(config: Path, tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "HEARTH_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-m", "hub", "--config", str(config), "serve", "--port", "0",
                             "--home", str(DEMO_HOME), "--simulate"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    while line.startswith("Dashboard:"):
        line = proc.stdout.readline()
    assert line.startswith("Hearth is serving"), (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc


async def test_timer_survives_sigkill_and_fires_on_time(tmp_path: Path, mosquitto: Mosquitto) -> None:
    config = write_config(tmp_path, mosquitto, [])
    outside = Listener(mosquitto, "hearth/event", "hearth/command/result")
    first = serve(config, tmp_path)
    try:
        outside.publish("hearth/command", json.dumps({"intent": "HassStartTimer", "slots": {"seconds": 8}}))
        await until(lambda: outside.payloads("hearth/command/result"))
        due = time.time() + 8
        result = json.loads(outside.payloads("hearth/command/result")[0])
        assert result["response"] == "Timer set for 8 seconds"
        outside.publish("hearth/command", b"{broken")
        await until(lambda: len(outside.payloads("hearth/command/result")) == 2)
        assert json.loads(outside.payloads("hearth/command/result")[1])["error"].startswith("command is not JSON")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    second = serve(config, tmp_path)
    try:
        await until(lambda: outside.payloads("hearth/event"), timeout=15)
        fired_at = time.time()
        event = json.loads(outside.payloads("hearth/event")[0])
        assert event["type"] == "timer_finished"
        assert abs(fired_at - due) < 0.5  # measured from the test; the daemon's own lateness is below
        assert 0 <= event["late_ms"] < 100
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=15) == 0
        outside.close()
