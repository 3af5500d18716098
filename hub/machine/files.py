"""The local machine under guard: files inside configured roots, and allow-listed processes.

Files are addressed the way people say them ("notes", "todo", "work/plan.md"). Every name is checked
for traversal and shell metacharacters, every path is resolved (symlinks included) and must stay
inside its root, so nothing outside the roots is ever read, written or listed. Processes are named
config entries: argv lists started with `create_subprocess_exec` (never a shell), with a timeout and
a bounded buffer of their output.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import os
import signal
import stat
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hub.core.config import FilesConfig, ProcessConfig
from hub.core.errors import HearthError

_LOGGER = logging.getLogger(__name__)

FORBIDDEN_CHARS = frozenset(";|&$`<>*?!(){}[]\\'\"~#%^=")
"""Refused anywhere in a spoken file name: shell metacharacters, globs, quotes, home (`~user`)."""
MAX_NAME_CHARS = 255
MAX_LISTED = 100
"""A listing returns at most this many names (and the total count)."""
ROOT_MODE = 0o700
FILE_MODE = 0o600
OUTPUT_BYTES = 64 * 1024
"""Each process keeps the last this-many bytes of its stdout + stderr."""
TAIL_CHARS = 400
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
"""Never follow a swapped-in symlink; never block on a swapped-in FIFO."""


class LocalError(HearthError):
    """A file or process request was refused or failed; the message is fit to be spoken."""


# --- files --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file found inside a root: `path` has every symlink resolved and lies inside `root`."""

    root: str
    path: Path
    display: str
    """How to say it: the path relative to its root, e.g. 'notes.txt' or 'work/plan.md'."""


@dataclass(frozen=True, slots=True)
class FileSummary:
    name: str
    summary: str
    """At most summary_chars characters of text, whitespace collapsed, plus '…and N more lines'."""
    lines: int


@dataclass(frozen=True, slots=True)
class FileListing:
    folder: str | None
    """The folder listed, relative to its root; None for the top of the roots."""
    names: tuple[str, ...]
    """Sorted; folders end in '/'. Hidden entries and symlinks leading outside are left out."""
    total: int


class FileRoots:
    """Read, append to, list and delete files strictly inside `config.roots`."""

    def __init__(self, config: FilesConfig) -> None:
        if not config.roots:
            raise ValueError("files.roots must name at least one folder")
        self.config = config
        self._roots = {name: Path(path).expanduser() for name, path in config.roots.items()}

    # --- public operations (blocking: call them through asyncio.to_thread) ------------------

    def read(self, name: str) -> FileSummary:
        with _speakable(name):
            found = self.find(name)
            text = _decode(self._read_bytes(found), found.display)
        summary, lines = summarize(text, self.config.summary_chars)
        return FileSummary(found.display, summary, lines)

    def append(self, name: str, text: str) -> LocalFile:
        """Append `text` as one line; a missing file is created (with .txt when no suffix is given)."""
        line = _clean_text(text)
        with _speakable(name):
            return self._append(name, line)

    def _append(self, name: str, line: str) -> LocalFile:
        try:
            found = self.find(name)
        except _NotFound:
            found = self._new_file(name)
        existing = self._read_bytes(found, missing_ok=True)
        if existing:
            _decode(existing, found.display)
        payload = (b"\n" if existing and not existing.endswith(b"\n") else b"") + line.encode() + b"\n"
        if len(existing) + len(payload) > self.config.max_file_bytes:
            raise LocalError(f"{found.display} would grow past the {_size(self.config.max_file_bytes)}"
                             " limit, so I didn't add to it")
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _O_NOFOLLOW
        fd = os.open(found.path, flags, FILE_MODE)
        try:
            self._check_fd(fd, found)
            os.write(fd, payload)
        finally:
            os.close(fd)
        return found

    def list(self, folder: str | None = None) -> FileListing:
        with _speakable(folder or "your files"):
            return self._list(folder)

    def _list(self, folder: str | None) -> FileListing:
        if folder is None or not folder.strip():
            if len(self._roots) > 1:
                names = sorted(f"{n}/" for n in self._roots)
                return FileListing(None, tuple(names), len(names))
            root_name = next(iter(self._roots))
            directory, display = self._root(root_name), None
        else:
            root_name, directory, display = self._find_folder(folder)
        root = self._root(root_name)
        names = []
        with os.scandir(directory) as entries:
            for entry in entries:
                shown = _listed_name(entry, root)
                if shown is not None:
                    names.append(shown)
        names.sort(key=str.casefold)
        return FileListing(display, tuple(names[:MAX_LISTED]), len(names))

    def delete(self, name: str) -> LocalFile:
        with _speakable(name):
            found = self.find(name)
            os.unlink(found.path)
        _LOGGER.info("Deleted %s in root %s", found.path, found.root)
        return found

    # --- resolution -------------------------------------------------------------------------

    def find(self, name: str) -> LocalFile:
        """The one existing regular file that `name` means; LocalError when none, several, or unsafe."""
        found: list[LocalFile] = []
        for parts in _spoken_variants(check_name(name)):
            for root_name, rel in self._candidates(parts):
                found.extend(self._match_file(root_name, rel))
            if found:
                break
        if not found:
            raise _NotFound(f"I couldn't find a file called {name.strip()}")
        if len(found) > 1:
            shown = [f"{f.root}/{f.display}" if len(self._roots) > 1 else f.display for f in found]
            raise LocalError(f"{name.strip()} could mean {_join(sorted(shown), 'or')}; say which one")
        return found[0]

    def _candidates(self, parts: tuple[str, ...]) -> builtins.list[tuple[str, tuple[str, ...]]]:
        """(root, parts) to try: every root, or only the named one ('work/plan' with a root 'work')."""
        if len(self._roots) > 1 and len(parts) > 1:
            for root_name in self._roots:
                if root_name.casefold() == parts[0].casefold():
                    return [(root_name, parts[1:])]
        return [(root_name, parts) for root_name in self._roots]

    def _match_file(self, root_name: str, parts: tuple[str, ...]) -> builtins.list[LocalFile]:
        root = self._root(root_name)
        directory = self._walk(root, parts[:-1])
        if directory is None:
            return []
        matches = []
        for entry in _matching_entries(directory, parts[-1], stems=True):
            real = _contained(directory / entry, root)
            if real is not None and real.is_file():
                matches.append(LocalFile(root_name, real, real.relative_to(root).as_posix()))
        # one file reached through two names (a symlink inside the root) is still one file
        unique = {m.path: m for m in matches}
        return list(unique.values())

    def _walk(self, root: Path, folders: tuple[str, ...]) -> Path | None:
        """Follow folder names down from root (case-insensitively), checking containment each step."""
        directory = root
        for part in folders:
            names = _matching_entries(directory, part, stems=False)
            nxt = [p for p in (_contained(directory / n, root) for n in names) if p and p.is_dir()]
            if len(nxt) != 1:
                return None
            directory = nxt[0]
        return directory

    def _find_folder(self, folder: str) -> tuple[str, Path, str]:
        parts = check_name(folder)
        if len(self._roots) > 1 and len(parts) == 1:
            for root_name in self._roots:
                if root_name.casefold() == parts[0].casefold():
                    return root_name, self._root(root_name), root_name
        found = []
        for root_name, rel in self._candidates(parts):
            root = self._root(root_name)
            directory = self._walk(root, rel)
            if directory is not None:
                found.append((root_name, directory, directory.relative_to(root).as_posix()))
        if not found and len(parts) == 1:  # "list my files" with a single root named "files"
            found = [(n, self._root(n), n) for n in self._roots if n.casefold() == parts[0].casefold()]
        if len(found) != 1:
            raise LocalError(f"I couldn't find a folder called {folder.strip()}" if not found else
                             f"There is more than one folder called {folder.strip()}")
        return found[0]

    def _new_file(self, name: str) -> LocalFile:
        parts = _spoken_variants(check_name(name))[-1]
        root_name, rel = self._candidates(parts)[0]
        root = self._root(root_name)
        directory = self._walk(root, rel[:-1])
        if directory is None:
            raise LocalError(f"There is no folder called {'/'.join(rel[:-1])}")
        filename = rel[-1] if Path(rel[-1]).suffix else f"{rel[-1]}.txt"
        path = directory / filename
        if path.is_symlink() or path.exists():
            raise LocalError(f"{filename} exists but isn't a file I can write to")
        return LocalFile(root_name, path, path.relative_to(root).as_posix())

    def _root(self, root_name: str) -> Path:
        """The root's real path, created (mode 0700) on first use."""
        path = self._roots[root_name]
        if not path.exists():
            path.mkdir(mode=ROOT_MODE, parents=True, exist_ok=True)
            _LOGGER.info("Created files root %s", path)
        real = path.resolve()
        if not real.is_dir():
            raise LocalError(f"The files folder {root_name} is not a folder")
        return real

    # --- guarded I/O -----------------------------------------------------------------------

    def _read_bytes(self, found: LocalFile, missing_ok: bool = False) -> bytes:
        limit = self.config.max_file_bytes
        try:
            fd = os.open(found.path, os.O_RDONLY | _O_NOFOLLOW)
        except FileNotFoundError:
            if missing_ok:
                return b""
            raise LocalError(f"{found.display} has gone") from None
        try:
            info = self._check_fd(fd, found)
            if info.st_size > limit:
                raise LocalError(f"{found.display} is too big to read ({_size(info.st_size)}; "
                                 f"the limit is {_size(limit)})")
            chunks, total = [], 0
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
                total += len(chunk)
                if total > limit:
                    raise LocalError(f"{found.display} is too big to read (the limit is {_size(limit)})")
            return b"".join(chunks)
        finally:
            os.close(fd)

    def _check_fd(self, fd: int, found: LocalFile) -> os.stat_result:
        """The opened file must be a regular file, still inside its root (no swapped-in symlink)."""
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LocalError(f"{found.display} is not a regular file")
        proc_link = Path(f"/proc/self/fd/{fd}")
        if proc_link.exists():
            opened = Path(os.readlink(proc_link))
            if not opened.is_relative_to(self._root(found.root)):
                raise LocalError(f"{found.display} is outside your files")
        return info


class _NotFound(LocalError):
    pass


def check_name(name: str) -> tuple[str, ...]:
    """Split a spoken file name or relative path into safe parts; LocalError says what is wrong."""
    if not isinstance(name, str) or not name.strip():
        raise LocalError("Which file? Say its name")
    text = name.strip()
    if len(text) > MAX_NAME_CHARS:
        raise LocalError("That file name is too long")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise LocalError("That file name has control characters in it")
    if text.startswith("~"):
        raise LocalError("I can only use files inside your files folder, not home folders")
    bad = sorted({c for c in text if c in FORBIDDEN_CHARS})
    if bad:
        raise LocalError(f"File names can't contain {' '.join(bad)}")
    if text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":"):
        raise LocalError("Say a file name inside your files folder, not a full path")
    parts = tuple(p.strip() for p in text.split("/") if p.strip() not in ("", "."))
    if any(p == ".." for p in parts):
        raise LocalError("I can't go outside your files folder")
    if not parts:
        raise LocalError("Which file? Say its name")
    if any(p.startswith(".") for p in parts):
        raise LocalError("Hidden files are off limits")
    return parts


def _spoken_variants(parts: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The name as given, then as said ('my todo file' -> 'todo') when that differs."""
    words = parts[-1].split()
    while len(words) > 1 and words[0].casefold() in ("my", "the", "our"):
        words = words[1:]
    if len(words) > 1 and words[-1].casefold() == "file":
        words = words[:-1]
    spoken = (*parts[:-1], " ".join(words))
    return [parts] if spoken == parts else [parts, spoken]


def summarize(text: str, limit: int) -> tuple[str, int]:
    """(spoken summary of at most `limit` characters plus '…and N more lines', non-blank line count)."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return "", 0
    said: list[str] = []
    used = 0
    for line in lines:
        piece = line if line[-1] in ".!?:;," else f"{line}."
        room = limit - used - (1 if said else 0)
        if len(piece) <= room:
            said.append(piece)
            used += len(piece) + (1 if len(said) > 1 else 0)
            continue
        if not said:  # the first line alone is too long: cut it at a word
            cut = line[:limit].rsplit(" ", 1)[0] if " " in line[:limit] else line[:limit]
            said.append(cut.rstrip(" ,;:") + "…")
        break
    remaining = len(lines) - len(said)
    summary = " ".join(said)
    if remaining:
        summary += f" …and {remaining} more line{'s' if remaining != 1 else ''}"
    return summary, len(lines)


@contextlib.contextmanager
def _speakable(name: str) -> Iterator[None]:
    """Turn an unexpected OSError (permissions, a file swapped mid-way) into a spoken LocalError."""
    try:
        yield
    except OSError as err:
        _LOGGER.warning("File operation on %r failed: %s", name, err)
        reason = (err.strerror or str(err)).lower()
        raise LocalError(f"I couldn't use {str(name).strip()}: {reason}") from None


def _decode(data: bytes, display: str) -> str:
    if b"\0" in data:
        raise LocalError(f"{display} is not a text file, so I won't read it out")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise LocalError(f"{display} is not a text file, so I won't read it out") from None


def _clean_text(text: str) -> str:
    line = " ".join(str(text or "").split())
    if not line:
        raise LocalError("What should I add? Say the text")
    if "\0" in line or any(ord(c) < 32 for c in line):
        raise LocalError("That text has control characters in it")
    return line


def _contained(path: Path, root: Path) -> Path | None:
    """path with every symlink resolved, or None when it does not exist or leads outside root."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real == root or real.is_relative_to(root) else None


def _matching_entries(directory: Path, part: str, stems: bool) -> list[str]:
    """Entry names in `directory` that `part` means: exact name, else case-insensitive name, else
    (for files) case-insensitive stem ('notes' -> 'notes.txt'). Hidden entries never match."""
    try:
        names = [n for n in os.listdir(directory) if not n.startswith(".")]
    except OSError:
        return []
    if part in names:
        return [part]
    wanted = part.casefold()
    same = [n for n in names if n.casefold() == wanted]
    if same or not stems:
        return same
    return [n for n in names if Path(n).stem.casefold() == wanted]


def _listed_name(entry: os.DirEntry[str], root: Path) -> str | None:
    if entry.name.startswith("."):
        return None
    real = _contained(Path(entry.path), root)
    if real is None:
        return None
    if real.is_dir():
        return f"{entry.name}/"
    return entry.name if real.is_file() else None


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def _join(names: list[str], word: str = "and") -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {word} " + names[-1]


# --- processes ----------------------------------------------------------------------------------


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
        allowed = _join([spoken_process_name(n) for n in sorted(self.config)], "or")
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
