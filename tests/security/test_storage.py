"""The data folder and database are private (hole 6), also when they were made before, with looser modes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from devices.registry import Registry
from hub.core.config import load_config
from hub.core.errors import ConfigError


def test_an_existing_open_data_folder_and_database_are_tightened(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)
    database = data / "hearth.db"
    Registry.open(database).close()
    os.chmod(database, 0o644)
    monkeypatch.setenv("HEARTH_DATA_DIR", str(data))
    registry = Registry.open(database)
    registry.db["probe"].insert({"a": 1})
    try:
        assert stat.S_IMODE(data.stat().st_mode) == 0o700
        for name in ("hearth.db", "hearth.db-wal", "hearth.db-shm"):
            assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name
    finally:
        registry.close()


def test_a_new_database_folder_is_private(tmp_path: Path) -> None:
    Registry.open(tmp_path / "new" / "hearth.db").close()
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new" / "hearth.db").stat().st_mode) == 0o600


def test_broker_credentials_in_the_uri_are_refused_and_not_echoed(tmp_path: Path) -> None:
    config = tmp_path / "hearth.yaml"
    config.write_text("mqtt:\n  broker: mqtt://hearth:s3cret-pw@127.0.0.1:1883\n")
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    message = str(refused.value)
    assert "mqtt.username and mqtt.password" in message and f"{config}:2" in message
    assert "s3cret" not in message
