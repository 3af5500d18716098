"""ProcessRunner with real subprocesses: allowlist, no shell, timeout, stop, bounded output."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from hub.machine.errors import LocalError
from hub.machine.processes import OUTPUT_BYTES, ProcessRunner, process_key
from hub.core.config import ProcessConfig

PY = sys.executable


def _config(tmp_path: Path, **extra: ProcessConfig) -> dict[str, ProcessConfig]:
    return {
        "backup": ProcessConfig(argv=[PY, "-c", "print('backing up', flush=True)"], cwd=tmp_path),
        "music_player": ProcessConfig(
            argv=[PY, "-c", "import time; print('playing', flush=True); time.sleep(60)"],
            aliases=["tunes"]),
        **extra,
    }


async def test_start_runs_argv_in_cwd_and_captures_output(tmp_path: Path) -> None:
    script = "import os; print(os.getcwd()); import sys; print('oops', file=sys.stderr)"
    runner = ProcessRunner({"where": ProcessConfig(argv=[PY, "-c", script], cwd=tmp_path)})
    started = await runner.start("Where")
    assert started.running and started.pid
    done = await runner.wait("where")
    assert not done.running
    assert done.returncode == 0
    assert done.output_tail == f"{tmp_path}\noops\n"
    assert done.started is not None and done.ended is not None and done.ended >= done.started


async def test_arguments_are_never_interpreted_by_a_shell(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    argv = [PY, "-c", "import sys; print(sys.argv[1:])", f"; touch {marker}", "$(id)", "`id`", "|", "&&"]
    runner = ProcessRunner({"echo": ProcessConfig(argv=argv)})
    await runner.start("echo")
    status = await runner.wait("echo")
    assert status.output_tail == f"['; touch {marker}', '$(id)', '`id`', '|', '&&']\n"
    assert not marker.exists()


async def test_names_and_aliases_are_matched_loosely(tmp_path: Path) -> None:
    runner = ProcessRunner(_config(tmp_path))
    assert runner.resolve("The Music Player") == "music_player"
    assert runner.resolve("music-player") == "music_player"
    assert runner.resolve("TUNES") == "music_player"
    assert process_key("  The   Backup  process ") == "backup"


@pytest.mark.parametrize("name", ["rm -rf /", "backup; rm -rf /", "sh", "", "../backup", "backup2"])
async def test_a_process_not_in_the_allowlist_is_refused(tmp_path: Path, name: str) -> None:
    runner = ProcessRunner(_config(tmp_path))
    with pytest.raises(LocalError) as err:
        await runner.start(name)
    said = name.strip() or "That"
    assert str(err.value) == f"{said} is not a program I'm allowed to run; I can run backup or music player"
    assert all(not s.running and s.pid is None for s in runner.list())


async def test_nothing_configured() -> None:
    with pytest.raises(LocalError) as err:
        await ProcessRunner({}).start("backup")
    assert str(err.value) == "No programs are set up for me to run"


async def test_duplicate_alias_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="process alias 'Backup' names both backup and other"):
        ProcessRunner({"backup": ProcessConfig(argv=[PY]),
                       "other": ProcessConfig(argv=[PY], aliases=["Backup"])})


async def test_refuses_to_start_twice_then_stops(tmp_path: Path) -> None:
    runner = ProcessRunner(_config(tmp_path), grace=2.0)
    status = await runner.start("music player")
    with pytest.raises(LocalError) as err:
        await runner.start("tunes")
    assert str(err.value) == "music player is already running"
    assert runner.status("tunes").running
    stopped = await runner.stop("music player")
    assert not stopped.running and stopped.stopped
    assert stopped.returncode == -15
    with pytest.raises(ProcessLookupError):
        os.kill(status.pid or 0, 0)
    with pytest.raises(LocalError) as err:
        await runner.stop("music player")
    assert str(err.value) == "music player is not running"
    assert (await runner.start("music player")).running  # may start again once it has ended
    await runner.aclose()
    assert not runner.status("music player").running


async def test_stop_kills_a_process_that_ignores_sigterm(tmp_path: Path) -> None:
    script = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
              "print('ready', flush=True); time.sleep(60)")
    runner = ProcessRunner({"stubborn": ProcessConfig(argv=[PY, "-c", script])}, grace=0.5)
    await runner.start("stubborn")
    await _wait_for_output(runner, "stubborn", "ready")
    stopped = await runner.stop("stubborn")
    assert stopped.returncode == -9
    assert stopped.output_tail == "ready\n"


async def test_stop_also_ends_the_children_it_started(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    child = "import time; time.sleep(60)"
    script = (f"import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', {child!r}]); "
              f"open({str(pidfile)!r}, 'w').write(str(p.pid)); print('ready', flush=True); time.sleep(60)")
    runner = ProcessRunner({"parent": ProcessConfig(argv=[PY, "-c", script])}, grace=2.0)
    await runner.start("parent")
    await _wait_for_output(runner, "parent", "ready")
    child_pid = int(pidfile.read_text())
    await runner.stop("parent")
    for _ in range(100):
        try:
            os.kill(child_pid, 0)
        except ProcessLookupError:
            break
        await asyncio.sleep(0.02)
    else:
        pytest.fail("the child process outlived stop()")


async def test_timeout_ends_a_process(tmp_path: Path) -> None:
    runner = ProcessRunner({"slow": ProcessConfig(argv=[PY, "-c", "import time; time.sleep(60)"],
                                                  timeout=0.3)}, grace=1.0)
    await runner.start("slow")
    status = await asyncio.wait_for(runner.wait("slow"), 10)
    assert status.timed_out and not status.stopped
    assert status.returncode == -15
    assert status.ended is not None and status.started is not None
    assert 0.3 <= status.ended - status.started < 5


async def test_output_is_a_bounded_ring(tmp_path: Path) -> None:
    script = "import sys\nfor i in range(20000): sys.stdout.write(f'line {i:05}\\n')\nprint('END')"
    runner = ProcessRunner({"chatty": ProcessConfig(argv=[PY, "-c", script])})
    await runner.start("chatty")
    status = await runner.wait("chatty")
    assert status.output_tail.endswith("line 19999\nEND\n")
    assert len(status.output_tail) == 400
    run = runner._runs["chatty"]
    assert OUTPUT_BYTES <= run.output_bytes < OUTPUT_BYTES + 4096


async def test_a_missing_program_is_a_clear_error(tmp_path: Path) -> None:
    runner = ProcessRunner({"ghost": ProcessConfig(argv=[str(tmp_path / "no-such-program")])})
    with pytest.raises(LocalError) as err:
        await runner.start("ghost")
    assert str(err.value) == "I couldn't start ghost: No such file or directory"
    assert not runner.status("ghost").running


async def _wait_for_output(runner: ProcessRunner, name: str, text: str) -> None:
    for _ in range(500):
        if text in runner.status(name).output_tail:
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"{name} never printed {text!r}")
