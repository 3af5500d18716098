"""Files inside configured roots, addressed the way people say them ("notes", "todo", "work/plan.md").

Every name and path goes through `hub.machine.sandbox` first; reads and appends open the file without
following symlinks and check the opened descriptor is a regular file still inside its root.
"""

from __future__ import annotations

import builtins
import contextlib
import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hub.core.config import FilesConfig
from hub.core.responses import join_names
from hub.machine.errors import LocalError
from hub.machine.sandbox import O_NOFOLLOW, check_name, contained, listed_name, matching_entries, spoken_variants

_LOGGER = logging.getLogger(__name__)

MAX_LISTED = 100
"""A listing returns at most this many names (and the total count)."""
ROOT_MODE = 0o700
FILE_MODE = 0o600


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
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | O_NOFOLLOW
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
                shown = listed_name(entry, root)
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
        for parts in spoken_variants(check_name(name)):
            for root_name, rel in self._candidates(parts):
                found.extend(self._match_file(root_name, rel))
            if found:
                break
        if not found:
            raise _NotFound(f"I couldn't find a file called {name.strip()}")
        if len(found) > 1:
            shown = [f"{f.root}/{f.display}" if len(self._roots) > 1 else f.display for f in found]
            raise LocalError(f"{name.strip()} could mean {join_names(sorted(shown), 'or')}; say which one")
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
        for entry in matching_entries(directory, parts[-1], stems=True):
            real = contained(directory / entry, root)
            if real is not None and real.is_file():
                matches.append(LocalFile(root_name, real, real.relative_to(root).as_posix()))
        # one file reached through two names (a symlink inside the root) is still one file
        unique = {m.path: m for m in matches}
        return list(unique.values())

    def _walk(self, root: Path, folders: tuple[str, ...]) -> Path | None:
        """Follow folder names down from root (case-insensitively), checking containment each step."""
        directory = root
        for part in folders:
            names = matching_entries(directory, part, stems=False)
            nxt = [p for p in (contained(directory / n, root) for n in names) if p and p.is_dir()]
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
        parts = spoken_variants(check_name(name))[-1]
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
            fd = os.open(found.path, os.O_RDONLY | O_NOFOLLOW)
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
    """No such file under the allowed folders (told apart from other refusals)."""


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


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"
