"""What Hearth learned from the people it talks with, in SQLite (table `learned`), listed and removable.

Two kinds, both mapping words to one of the home's own devices or scenes:
- **alias**: "call the floor lamp the reading light" — the words name that device from then on (the text is
  rewritten to the device's own name before the resolver reads it);
- **phrase**: after a correction ("no, I meant the floor lamp"), the whole sentence that was misunderstood
  acts on the intended device the next time it is said.
Nothing learned widens what a requester may do: it only chooses among the home's existing names, and the
call still goes through the executor (and its confirmation for risky actions).
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from hub.core.home import Home, normalize_name
from devices.registry import Registry
from hub.core.errors import HearthError
from llm.entities import domain_of

KINDS = ("alias", "phrase")


class LearnError(HearthError):
    """Something that cannot be learned (an alias already naming something else, an unknown target)."""


@dataclass(frozen=True, slots=True)
class Learned:
    id: str
    kind: str
    """'alias' or 'phrase'."""
    phrase: str
    """The words, normalised (lower case, no articles)."""
    target: str
    """The entity id they mean."""
    where: str
    """The conversation's source (text, dashboard, mqtt, wyoming, ...) it was learned in."""
    conversation_id: str
    at: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def phrase_key(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s%']", " ", normalize_name(text)).split())


class LearnedStore:
    """Learned items, read from SQLite only when they changed (here, or in another process: `hearth learned
    forget` while the hub runs), so every turn can consult them for nothing."""

    def __init__(self, registry: Registry, clock: Callable[[], float] = time.time) -> None:
        self.registry = registry
        self._clock = clock
        self._cache: tuple[int, list[Learned]] | None = None
        with registry._lock:
            registry.db.execute(
                "CREATE TABLE IF NOT EXISTS learned (id TEXT PRIMARY KEY, kind TEXT, phrase TEXT, target TEXT, "
                "\"where\" TEXT, conversation_id TEXT, at REAL, UNIQUE (kind, phrase))")

    def add(self, kind: str, phrase: str, target: str, where: str, conversation_id: str) -> Learned:
        if kind not in KINDS:
            raise LearnError(f"kind must be one of {', '.join(KINDS)}, not {kind}")
        key = phrase_key(phrase)
        if not key:
            raise LearnError("There are no words to learn")
        item = Learned(uuid.uuid4().hex[:12], kind, key, target, where, conversation_id, self._clock())
        with self.registry._lock:
            self.registry.db.execute("DELETE FROM learned WHERE kind = ? AND phrase = ?", [kind, key])
            self._cache = None
            self.registry.db.execute(
                "INSERT INTO learned (id, kind, phrase, target, \"where\", conversation_id, at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", list(item.to_dict().values()))
        return item

    def all(self) -> list[Learned]:
        with self.registry._lock:
            version = int(self.registry.db.execute("PRAGMA data_version").fetchone()[0])
            if self._cache is not None and self._cache[0] == version:
                return list(self._cache[1])
            rows = self.registry.db.execute(
                "SELECT id, kind, phrase, target, \"where\", conversation_id, at FROM learned ORDER BY at").fetchall()
            items = [Learned(*row) for row in rows]
            self._cache = (version, items)
        return list(items)

    def forget(self, item_id: str) -> Learned:
        found = [i for i in self.all() if i.id == item_id or i.phrase == phrase_key(item_id)]
        if not found:
            raise LearnError(f"Nothing learned is called {item_id}")
        with self.registry._lock:
            self._cache = None
            self.registry.db.execute("DELETE FROM learned WHERE id = ?", [found[0].id])
        return found[0]

    def phrase(self, text: str) -> Learned | None:
        key = phrase_key(text)
        return next((i for i in self.all() if i.kind == "phrase" and i.phrase == key), None)

    def rewrite(self, text: str, home: Home) -> tuple[str, list[Learned]]:
        """`text` with each learned alias replaced by the name of the device it means; the aliases used."""
        used: list[Learned] = []
        items = self.all()
        if not items:
            return text, used
        for item in items:
            entity = home.entity(item.target)
            if item.kind != "alias" or entity is None:
                continue
            pattern = re.compile(r"\b" + r"\s+".join(map(re.escape, item.phrase.split())) + r"\b", re.IGNORECASE)
            if pattern.search(text):
                text = pattern.sub(entity.name, text)
                used.append(item)
        return text, used


def check_alias(alias: str, home: Home) -> str:
    """The alias as stored; LearnError when it already names a device, area or floor of the home."""
    key = phrase_key(alias)
    taken = {phrase_key(n) for e in home.entities for n in e.names()}
    taken |= {phrase_key(n) for a in home.areas for n in (a.name, *a.aliases)}
    taken |= {phrase_key(n) for f in home.floors for n in (f.name, *f.aliases)}
    if not key:
        raise LearnError("Which words should I learn?")
    if key in taken:
        raise LearnError(f"{alias} already names something in this home")
    if domain_of(key) is not None or domain_of(key.removeprefix("the ")) is not None:
        raise LearnError(f"{alias} is a kind of device, so it cannot name one")
    return key
