"""Allow-listed processes: named config entries whose argv lists are started with `create_subprocess_exec`
(never a shell), in a process group of their own, with a timeout and a bounded buffer of their output."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections import deque
from dataclasses import dataclass

from hub.core.config import ProcessConfig
from hub.core.responses import join_names
from hub.machine.errors import LocalError

_LOGGER = logging.getLogger(__name__)

OUTPUT_BYTES = 64 * 1024
"""Each process keeps the last this-many bytes of its stdout + stderr."""
TAIL_CHARS = 400


@dataclass(frozen=True, slots=True)
class ProcessStatus:
    name: str
    running: bool
    pid: int | None = None
    returncode: int | None = None
    started: float | None = None
    """Wall-clock time (epoch seconds) of the last start."""
    ended: float | None = None
    timed_out: bool = False
    stopped: bool = False
    """True when the last run ended because someone asked it to stop."""
    output_tail: str = ""

    @property
    def spoken_name(self) -> str:
        return spoken_process_name(self.name)


class _Run:
    """One started process, its supervisor task and the tail of its output."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.started = time.time()
        self.ended: float | None = None
        self.output: deque[bytes] = deque()
        self.output_bytes = 0
        self.timed_out = False
        self.stopped = False
        self.task: asyncio.Task[None] | None = None

    def keep(self, chunk: bytes) -> None:
        self.output.append(chunk)
        self.output_bytes += len(chunk)
        while self.output_bytes - len(self.output[0]) >= OUTPUT_BYTES:
            self.output_bytes -= len(self.output.popleft())

    def tail(self, chars: int = TAIL_CHARS) -> str:
        data = b"".join(self.output)[-OUTPUT_BYTES:]
        return data.decode("utf-8", errors="replace")[-chars:]

    @property
    def running(self) -> bool:
        return self.ended is None


class ProcessRunner:
    """Starts and stops only the processes named in config; never through a shell."""

    def __init__(self, config: dict[str, ProcessConfig], grace: float = 5.0) -> None:
        self.config = dict(config)
        self.grace = grace
        self._names: dict[str, str] = {}
        for name, entry in self.config.items():
            for said in (name, *entry.aliases):
                key = process_key(said)
                if self._names.setdefault(key, name) != name:
                    raise ValueError(f"process alias '{said}' names both {self._names[key]} and {name}")
        self._runs: dict[str, _Run] = {}

    def resolve(self, name: str) -> str:
        """The configured name that `name` (a name or alias, any case) means; LocalError otherwise."""
        configured = self._names.get(process_key(name)) if isinstance(name, str) else None
        if configured is not None:
            return configured
        if not self.config:
            raise LocalError("No programs are set up for me to run")
        allowed = join_names([spoken_process_name(n) for n in sorted(self.config)], "or")
        raise LocalError(f"{str(name).strip() or 'That'} is not a program I'm allowed to run; "
                         f"I can run {allowed}")

    async def start(self, name: str) -> ProcessStatus:
        key = self.resolve(name)
        run = self._runs.get(key)
        if run is not None and run.running:
            raise LocalError(f"{spoken_process_name(key)} is already running")
        entry = self.config[key]
        try:
            process = await asyncio.create_subprocess_exec(
                *entry.argv, cwd=entry.cwd, stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as err:
            _LOGGER.warning("Could not start %s (%s): %s", key, entry.argv[0], err)
            raise LocalError(f"I couldn't start {spoken_process_name(key)}: "
                             f"{err.strerror or err}".rstrip()) from None
        run = _Run(process)
        run.task = asyncio.create_task(self._supervise(key, run, entry.timeout), name=f"process-{key}")
        self._runs[key] = run
        _LOGGER.info("Started %s (pid %d): %s", key, process.pid, entry.argv)
        return self.status(key)

    async def stop(self, name: str) -> ProcessStatus:
        """Terminate the process (and its process group), then kill it after the grace period."""
        key = self.resolve(name)
        run = self._runs.get(key)
        if run is None or not run.running:
            raise LocalError(f"{spoken_process_name(key)} is not running")
        run.stopped = True
        await self._terminate(run)
        if run.task is not None:
            await run.task
        return self.status(key)

    def status(self, name: str) -> ProcessStatus:
        key = self.resolve(name)
        run = self._runs.get(key)
        if run is None:
            return ProcessStatus(key, False)
        return ProcessStatus(
            key, run.running, run.process.pid, run.process.returncode if not run.running else None,
            run.started, run.ended, run.timed_out, run.stopped, run.tail(),
        )

    def list(self) -> tuple[ProcessStatus, ...]:
        return tuple(self.status(name) for name in sorted(self.config))

    async def wait(self, name: str) -> ProcessStatus:
        """Wait until the process has ended (on its own, by timeout or by stop)."""
        key = self.resolve(name)
        run = self._runs.get(key)
        if run is not None and run.task is not None:
            await asyncio.shield(run.task)
        return self.status(key)

    async def aclose(self) -> None:
        """Stop everything still running (hub shutdown)."""
        for key, run in list(self._runs.items()):
            if run.running:
                _LOGGER.info("Stopping %s at shutdown", key)
                run.stopped = True
                await self._terminate(run)
            if run.task is not None:
                await run.task

    async def _supervise(self, key: str, run: _Run, timeout: float) -> None:
        pump = asyncio.create_task(self._pump(run))
        try:
            await asyncio.wait_for(run.process.wait(), timeout)
        except TimeoutError:
            _LOGGER.warning("%s ran past its %g s timeout; stopping it", key, timeout)
            run.timed_out = True
            await self._terminate(run)
        try:  # a grandchild that left the process group may hold the pipe open
            await asyncio.wait_for(pump, self.grace)
        except TimeoutError:
            pump.cancel()
        run.ended = time.time()
        _LOGGER.info("%s (pid %d) exited with %s", key, run.process.pid, run.process.returncode)

    async def _pump(self, run: _Run) -> None:
        stream = run.process.stdout
        if stream is None:
            return
        while chunk := await stream.read(4096):
            run.keep(chunk)

    async def _terminate(self, run: _Run) -> None:
        process = run.process
        if process.returncode is None:
            _signal_group(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), self.grace)
                return
            except TimeoutError:
                _LOGGER.warning("pid %d ignored SIGTERM for %g s; killing it", process.pid, self.grace)
        if process.returncode is None:
            _signal_group(process.pid, signal.SIGKILL)
            await process.wait()


def _signal_group(pid: int, sig: signal.Signals) -> None:
    """Signal the process group we created for `pid` (start_new_session: pgid == pid)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def process_key(name: str) -> str:
    """'The Music_Player' -> 'music player': how process names and aliases are compared."""
    text = " ".join(name.casefold().replace("_", " ").replace("-", " ").split())
    return text.removeprefix("the ").removesuffix(" process").strip()


def spoken_process_name(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").split())
