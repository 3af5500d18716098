"""The guard around the files roots: every spoken name is checked for traversal, shell metacharacters,
control characters and hidden parts before it is used, and every path is resolved (symlinks included) and
must stay inside its root, so nothing outside the roots is ever read, written or listed."""

from __future__ import annotations

import os
from pathlib import Path

from hub.machine.errors import LocalError

FORBIDDEN_CHARS = frozenset(";|&$`<>*?!(){}[]\\'\"~#%^=")
"""Refused anywhere in a spoken file name: shell metacharacters, globs, quotes, home (`~user`)."""
MAX_NAME_CHARS = 255
O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
"""Open flags that never follow a swapped-in symlink and never block on a swapped-in FIFO."""


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


def spoken_variants(parts: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The name as given, then as said ('my todo file' -> 'todo') when that differs."""
    words = parts[-1].split()
    while len(words) > 1 and words[0].casefold() in ("my", "the", "our"):
        words = words[1:]
    if len(words) > 1 and words[-1].casefold() == "file":
        words = words[:-1]
    spoken = (*parts[:-1], " ".join(words))
    return [parts] if spoken == parts else [parts, spoken]



def contained(path: Path, root: Path) -> Path | None:
    """path with every symlink resolved, or None when it does not exist or leads outside root."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real == root or real.is_relative_to(root) else None


def matching_entries(directory: Path, part: str, stems: bool) -> list[str]:
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


def listed_name(entry: os.DirEntry[str], root: Path) -> str | None:
    if entry.name.startswith("."):
        return None
    real = contained(Path(entry.path), root)
    if real is None:
        return None
    if real.is_dir():
        return f"{entry.name}/"
    return entry.name if real.is_file() else None
