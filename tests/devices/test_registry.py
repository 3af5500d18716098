"""The SQLite registry: WAL, migrations, atomic imports, crash safety."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devices.homefile import DEMO_HOME, load_home
from devices.registry import MIGRATIONS, Registry, StateWrite


def test_import_and_load(tmp_path: Path) -> None:
    registry = Registry.open(tmp_path / "h.db")
    home = load_home(DEMO_HOME)
    registry.import_home(home)
    assert registry.load_home().entity("light.living_room_lamp") == home.entity("light.living_room_lamp")
    assert registry.schema_version == len(MIGRATIONS)
    mode = registry.db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    registry.close()


def test_states_batch_and_reopen(tmp_path: Path) -> None:
    registry = Registry.open(tmp_path / "h.db")
    registry.import_home(load_home(DEMO_HOME))
    writes = [StateWrite("light.hallway", "on", {"brightness": 12}, 1.0),
              StateWrite("lock.front_door", "unlocked", {}, 1.0)]
    assert registry.write_states(writes) == 2
    registry.close()
    again = Registry.open(tmp_path / "h.db").load_home()
    assert again.entity("light.hallway").attributes == {"brightness": 12}
    assert again.entity("lock.front_door").state == "unlocked"


def test_failed_import_leaves_previous_home(tmp_path: Path) -> None:
    registry = Registry.open(tmp_path / "h.db")
    home = load_home(DEMO_HOME)
    registry.import_home(home)
    broken = type(home)(home.floors, home.areas, (*home.entities, home.entities[0]))  # duplicate pk
    with pytest.raises(sqlite3.IntegrityError):  # a duplicate entity id fails the import
        registry.import_home(broken)
    after = registry.load_home()
    assert sorted(after.entities, key=lambda e: e.id) == sorted(home.entities, key=lambda e: e.id)
    assert sorted(after.areas, key=lambda a: a.id) == sorted(home.areas, key=lambda a: a.id)


WRITER = """
import sys, time
from pathlib import Path

import pytest
from devices.registry import Registry, StateWrite
from devices.homefile import DEMO_HOME, load_home
r = Registry.open(Path(sys.argv[1]))
r.import_home(load_home(DEMO_HOME))
print("ready", flush=True)
i = 0
while True:
    i += 1
    r.write_states([StateWrite("light.hallway", "on", {"brightness": i % 255, "n": i}, time.time()),
                    StateWrite("switch.coffee_maker", "on", {"n": i}, time.time())])
"""


def test_survives_sigkill_mid_write(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE,
                            cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout.readline().strip() == b"ready"
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    home = Registry.open(db).load_home()
    assert len(home.entities) == len(load_home(DEMO_HOME).entities)
    hallway, coffee = home.entity("light.hallway"), home.entity("switch.coffee_maker")
    assert hallway.attributes["n"] == coffee.attributes["n"]  # both rows of a batch, or neither
