"""Lists (Home Assistant's shopping and to-do lists): SQLite rows, mirrored to plain-text files.

Lists are found by name case-insensitively ("shopping", "my shopping list" and "Shopping List" are
one list) and created on the first item added. Every change is one transaction; afterwards the list
is written to `<mirror_root>/lists/<name>.txt` (one item per line, done ones as "[x] item"),
atomically, so a reader never sees half a file.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from devices.registry import Registry
from hub.household.errors import HouseholdError

_LOGGER = logging.getLogger(__name__)

DEFAULT_LIST = "Shopping List"
MAX_ITEM_CHARS = 200
MAX_NAME_CHARS = 80
MIRROR_FOLDER = "lists"
_UNSAFE_FILENAME = re.compile(r"[^\w \-']")


class ListError(HouseholdError):
    """A list request could not be carried out; the message is fit to be spoken."""


@dataclass(frozen=True, slots=True)
class ListItem:
    id: int
    item: str
    complete: bool


@dataclass(frozen=True, slots=True)
class ListChange:
    list_name: str
    item: str
    changed: bool
    """False when nothing had to change (the item was already there, or already done)."""


class ListStore:
    """HA-style lists over the registry's `lists` and `list_items` tables. Blocking: run in a thread."""

    def __init__(self, registry: Registry, mirror_root: Path | None = None) -> None:
        self.registry = registry
        self.mirror_root = mirror_root

    # --- changes ----------------------------------------------------------------------------

    def add(self, name: str | None, item: str) -> ListChange:
        """Add an item (reopening it when it was checked off); the list is created if need be."""
        text = clean_item(item)
        with self.registry._lock:
            with self.registry._transaction():
                list_id, list_name = self._list(name, create=True)
                found = self._find(list_id, text)
                if found and any(not i.complete for i in found):
                    return ListChange(list_name, text, False)
                if found:
                    self._execute("UPDATE list_items SET complete = 0, created = ? WHERE id = ?",
                                  (time.time(), found[0].id))
                else:
                    self._execute("INSERT INTO list_items (list_id, item, complete, created) "
                                  "VALUES (?, ?, 0, ?)", (list_id, text, time.time()))
            self._mirror(list_id, list_name)
        return ListChange(list_name, text, True)

    def remove(self, name: str | None, item: str) -> ListChange:
        """Remove one item (an open one before a checked-off one)."""
        text = clean_item(item)
        with self.registry._lock:
            with self.registry._transaction():
                list_id, list_name, found = self._on_list(name, text)
                chosen = min(found, key=lambda i: i.complete)
                self._execute("DELETE FROM list_items WHERE id = ?", (chosen.id,))
            self._mirror(list_id, list_name)
        return ListChange(list_name, chosen.item, True)

    def complete(self, name: str | None, item: str) -> ListChange:
        """Check off an open item."""
        text = clean_item(item)
        with self.registry._lock:
            with self.registry._transaction():
                list_id, list_name, found = self._on_list(name, text)
                open_items = [i for i in found if not i.complete]
                if not open_items:
                    return ListChange(list_name, found[0].item, False)
                self._execute("UPDATE list_items SET complete = 1 WHERE id = ?", (open_items[0].id,))
            self._mirror(list_id, list_name)
        return ListChange(list_name, open_items[0].item, True)

    def _on_list(self, name: str | None, text: str) -> tuple[str, str, list[ListItem]]:
        """(list id, list name, the matching items); ListError when the item is not there."""
        list_id, list_name = self._existing(name)
        found = self._find(list_id, text)
        if not found:
            raise ListError(f"{text} is not on {spoken_list(list_name)}")
        return list_id, list_name, found

    # --- queries ----------------------------------------------------------------------------

    def items(self, name: str | None, include_complete: bool = False) -> tuple[str, list[ListItem]]:
        """(the list's name, its items oldest first). The default list exists even when empty."""
        with self.registry._lock:
            row = self._lookup(name)
            if row is None:
                if list_key(name or DEFAULT_LIST) == list_key(DEFAULT_LIST):
                    return DEFAULT_LIST, []
                raise ListError(f"You don't have a list called {_said(name)}")
            items = self._items(row[0])
        return row[1], [i for i in items if include_complete or not i.complete]

    def names(self) -> list[str]:
        with self.registry._lock:
            rows = self.registry.db.execute("SELECT name FROM lists ORDER BY name").fetchall()
        return [r[0] for r in rows]

    # --- helpers (called with the registry lock held) ---------------------------------------

    def _execute(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        return self.registry.db.execute(sql, params).fetchall()

    def _lookup(self, name: str | None) -> tuple[str, str] | None:
        key = list_key(name or DEFAULT_LIST)
        for list_id, list_name in self._execute("SELECT id, name FROM lists ORDER BY name"):
            if list_key(str(list_name)) == key:
                return str(list_id), str(list_name)
        return None

    def _list(self, name: str | None, create: bool) -> tuple[str, str]:
        row = self._lookup(name)
        if row is not None or not create:
            if row is None:
                raise ListError(f"You don't have a list called {_said(name)}")
            return row
        list_name = clean_list_name(name)
        list_id = uuid.uuid4().hex
        self._execute("INSERT INTO lists (id, name) VALUES (?, ?)", (list_id, list_name))
        _LOGGER.info("Created list %s", list_name)
        return list_id, list_name

    def _existing(self, name: str | None) -> tuple[str, str]:
        return self._list(name, create=False)

    def _items(self, list_id: str) -> list[ListItem]:
        rows = self._execute("SELECT id, item, complete FROM list_items WHERE list_id = ? "
                             "ORDER BY created, id", (list_id,))
        return [ListItem(int(r[0]), str(r[1]), bool(r[2])) for r in rows]  # type: ignore[call-overload]

    def _find(self, list_id: str, text: str) -> list[ListItem]:
        key = text.casefold()
        return [i for i in self._items(list_id) if i.item.casefold() == key]

    def _mirror(self, list_id: str, list_name: str) -> None:
        """Write the list's text file atomically; a failure is logged and never loses the change."""
        if self.mirror_root is None:
            return
        try:
            write_mirror(self.mirror_root, list_name, self._items(list_id))
        except (OSError, ListError) as err:
            _LOGGER.warning("Could not mirror list %s: %s", list_name, err)


def write_mirror(mirror_root: Path, list_name: str, items: list[ListItem]) -> Path:
    """`<mirror_root>/lists/<name>.txt`, written via a temp file and os.replace."""
    root = mirror_root.expanduser()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = root / MIRROR_FOLDER
    folder.mkdir(mode=0o700, exist_ok=True)
    if not folder.resolve().is_relative_to(root.resolve()) or folder.is_symlink():
        raise ListError(f"{folder} leads outside {root}; not writing lists there")
    path = folder / f"{mirror_filename(list_name)}.txt"
    text = "".join(f"[x] {i.item}\n" if i.complete else f"{i.item}\n" for i in items)
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def list_key(name: str) -> str:
    """'My Shopping List' -> 'shopping': how list names are compared."""
    words = name.casefold().replace("’", "'").split()
    while words and words[0] in ("my", "the", "our"):
        words = words[1:]
    if len(words) > 1 and words[-1] == "list":
        words = words[:-1]
    return " ".join(words)


def clean_list_name(name: str | None) -> str:
    """The name a new list is stored under: the default's proper name, else as said (without 'my')."""
    if name is None or list_key(name) == list_key(DEFAULT_LIST):
        return DEFAULT_LIST
    words = " ".join(str(name).split()).split(" ")
    while len(words) > 1 and words[0].casefold() in ("my", "the", "our"):
        words = words[1:]
    text = " ".join(words)
    if not list_key(text):
        raise ListError("Which list? Say its name")
    if len(text) > MAX_NAME_CHARS or any(ord(c) < 32 for c in text):
        raise ListError("That list name is too long or has control characters")
    return text


def clean_item(item: str | None) -> str:
    text = " ".join(str(item or "").split())
    if not text:
        raise ListError("Which item? Say what to put on the list")
    if len(text) > MAX_ITEM_CHARS:
        raise ListError(f"That item is too long; keep it under {MAX_ITEM_CHARS} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise ListError("That item has control characters in it")
    return text


def mirror_filename(list_name: str) -> str:
    """A list name made safe as a file name: no separators, no leading dot."""
    safe = _UNSAFE_FILENAME.sub("_", list_name).strip(" .") or "list"
    return safe.lstrip(".")


def spoken_list(list_name: str) -> str:
    """'Shopping List' -> 'your shopping list', 'Groceries' -> 'your groceries list'."""
    lowered = list_name.lower()
    return f"your {lowered}" if lowered.split()[-1] == "list" else f"your {lowered} list"


def _said(name: str | None) -> str:
    return " ".join(str(name or DEFAULT_LIST).split())
