"""The registry: floors, areas, entities and their live state in SQLite (WAL, migrations)."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from hub.core.home import Area, Entity, Floor, Home

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StateWrite:
    entity_id: str
    state: str
    attributes: dict[str, Any]
    at: float


def _migrate_1(db: sqlite_utils.Database) -> None:
    db.table("floors").create({"id": str, "name": str, "level": int, "aliases": str}, pk="id")
    db.table("areas").create(
        {"id": str, "name": str, "floor_id": str, "aliases": str, "context_area": int}, pk="id"
    )
    db.table("entities").create(
        {
            "id": str, "domain": str, "name": str, "area_id": str, "aliases": str,
            "device_class": str, "topic": str, "value_key": str, "sensitive": int,
            "state": str, "attributes": str, "updated_at": float,
        },
        pk="id",
    )
    db.table("entities").create_index(["domain"])
    db.table("entities").create_index(["area_id"])


def _migrate_2(db: sqlite_utils.Database) -> None:
    """Home-OS state: timers and alarms, lists, automation run state, request traces."""
    db.table("timers").create(
        {"id": str, "kind": str, "name": str, "area": str, "label": str, "duration": float,
         "due": float, "remaining": float, "state": str, "created": float, "fired_at": float},
        pk="id",
    )
    db.table("timers").create_index(["state", "due"])
    db.table("lists").create({"id": str, "name": str}, pk="id")
    db.table("list_items").create(
        {"id": int, "list_id": str, "item": str, "complete": int, "created": float}, pk="id",
        foreign_keys=[("list_id", "lists", "id")],
    )
    db.table("automations").create(
        {"id": str, "enabled": int, "last_triggered": float, "last_error": str, "runs": int}, pk="id"
    )
    db.table("traces").create({"id": str, "at": float, "source": str, "data": str}, pk="id")
    db.table("traces").create_index(["at"])


def _migrate_3(db: sqlite_utils.Database) -> None:
    """Entities owned by Home Assistant live beside Hearth's own."""
    db.table("entities").add_column("source", str, not_null_default="mqtt")


def _migrate_4(db: sqlite_utils.Database) -> None:
    """Home Assistant's "Expose to Assist" per entity; a timer's delayed command."""
    db.table("entities").add_column("exposed", int, not_null_default=1)
    db.table("timers").add_column("command", str)


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_migrate_1, _migrate_2, _migrate_3, _migrate_4)
"""Schema steps; index + 1 is the user_version after each. Append, never edit."""


def _private_file(path: Path) -> None:
    """Every transcript and the text of files read aloud end up here: the file is 0600, and a folder
    Hearth makes for it 0700 (the data folder is tightened to 0700 when it already exists)."""
    from hub.core.config import data_dir

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.parent.resolve() == data_dir().resolve() and path.parent.stat().st_mode & 0o077:
        os.chmod(path.parent, 0o700)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)


class Registry:
    """SQLite-backed registry. Thread-safe: calls are serialised by a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _private_file(path)
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        for suffix in ("-wal", "-shm"):  # SQLite gives them the database's mode; older ones are tightened
            sidecar = path.with_name(path.name + suffix)
            if sidecar.exists() and sidecar.stat().st_mode & 0o077:
                os.chmod(sidecar, 0o600)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=5000")
        self.db = sqlite_utils.Database(conn)
        self._lock = threading.RLock()
        self._migrate()

    @classmethod
    def open(cls, path: Path) -> Registry:
        return cls(path)

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._lock:
            version = self.schema_version
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                with self._transaction():
                    step(self.db)
                    self.db.execute(f"PRAGMA user_version = {number}")
                _LOGGER.info("Registry %s migrated to schema %d", self.path, number)

    def _transaction(self) -> Any:
        return _Transaction(self.db.conn)

    def import_home(self, home: Home) -> None:
        """Replace floors, areas and entities with `home`, atomically."""
        now = time.time()
        with self._lock, self._transaction():
            for table in ("entities", "areas", "floors"):
                self.db.execute(f"DELETE FROM {table}")
            self.db.table("floors").insert_all(_floor_row(f) for f in home.floors)
            self.db.table("areas").insert_all(_area_row(a) for a in home.areas)
            self.db.table("entities").insert_all(_entity_row(e, now) for e in home.entities)

    def load_home(self) -> Home:
        with self._lock:
            floors = tuple(_floor(r) for r in self.db["floors"].rows_where(order_by="level, name"))
            areas = tuple(_area(r) for r in self.db["areas"].rows_where(order_by="name"))
            entities = tuple(_entity(r) for r in self.db["entities"].rows_where(order_by="id"))
        return Home(floors, areas, entities)

    def upsert_entities(self, entities: Iterable[Entity]) -> None:
        """Add or replace entities (scenes from config, captured scenes), atomically."""
        now = time.time()
        with self._lock, self._transaction():
            self.db.table("entities").upsert_all((_entity_row(e, now) for e in entities), pk="id")

    def replace_source(self, source: str, areas: Iterable[Area], entities: Iterable[Entity]) -> None:
        """Swap in one source's entities (e.g. everything imported from Home Assistant), adding its
        areas where the home has none of that id; atomically, so a failed import changes nothing."""
        now = time.time()
        with self._lock, self._transaction():
            self.db.execute("DELETE FROM entities WHERE source = ?", [source])
            self.db.table("areas").insert_all((_area_row(a) for a in areas), ignore=True)
            self.db.table("entities").insert_all(_entity_row(e, now) for e in entities)

    def write_states(self, writes: Iterable[StateWrite]) -> int:
        """Store a batch of state updates in one transaction; returns how many were written."""
        rows = [(w.state, json.dumps(w.attributes), w.at, w.entity_id) for w in writes]
        if not rows:
            return 0
        with self._lock, self._transaction():
            self.db.conn.executemany(
                "UPDATE entities SET state = ?, attributes = ?, updated_at = ? WHERE id = ?", rows
            )
        return len(rows)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error, so a crash never leaves half a write."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _floor_row(f: Floor) -> dict[str, Any]:
    return {"id": f.id, "name": f.name, "level": f.level, "aliases": json.dumps(f.aliases)}


def _area_row(a: Area) -> dict[str, Any]:
    return {"id": a.id, "name": a.name, "floor_id": a.floor_id, "aliases": json.dumps(a.aliases),
            "context_area": int(a.context_area)}


def _entity_row(e: Entity, now: float) -> dict[str, Any]:
    return {
        "id": e.id, "domain": e.domain, "name": e.name, "area_id": e.area_id,
        "aliases": json.dumps(e.aliases), "device_class": e.device_class, "topic": e.topic,
        "value_key": e.value_key, "sensitive": int(e.sensitive), "state": e.state,
        "attributes": json.dumps(e.attributes), "updated_at": now, "source": e.source,
        "exposed": int(e.exposed),
    }


def _floor(r: dict[str, Any]) -> Floor:
    return Floor(r["id"], r["name"], r["level"], tuple(json.loads(r["aliases"] or "[]")))


def _area(r: dict[str, Any]) -> Area:
    return Area(r["id"], r["name"], r["floor_id"], tuple(json.loads(r["aliases"] or "[]")),
                bool(r["context_area"]))


def _entity(r: dict[str, Any]) -> Entity:
    return Entity(
        id=r["id"], name=r["name"], area_id=r["area_id"],
        aliases=tuple(json.loads(r["aliases"] or "[]")), device_class=r["device_class"],
        state=r["state"], attributes=json.loads(r["attributes"] or "{}"), topic=r["topic"],
        value_key=r["value_key"], sensitive=bool(r["sensitive"]), source=r.get("source") or "mqtt",
        exposed=bool(r.get("exposed", 1)),
    )
