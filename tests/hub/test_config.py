"""hearth.yaml: defaults without a file, errors that name file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.core.config import HearthConfig, load_config
from hub.core.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hearth.yaml"
    path.write_text(text)
    return path


def test_no_file_gives_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HEARTH_CONFIG", raising=False)
    config = load_config(None)
    assert config.mqtt.broker is None
    assert config.mqtt.base_topic == "zigbee2mqtt"
    assert config.executor.confirm_timeout == 3.0


def test_valid_file_and_relative_home(tmp_path: Path) -> None:
    path = write(tmp_path, "mqtt:\n  broker: mqtt://127.0.0.1:1884\n  base_topic: z2m\nhome: home.yaml\n")
    config = load_config(path)
    assert config.mqtt.broker == "mqtt://127.0.0.1:1884"
    assert config.mqtt.base_topic == "z2m"
    assert config.home == tmp_path / "home.yaml"
    assert isinstance(config, HearthConfig)


@pytest.mark.parametrize(("text", "message"), [
    ("mqtt:\n  broker: mqtt://h:1883\n  keepalive: 2\n", ":3: mqtt.keepalive: Input should be greater than or equal to 5"),
    ("mqtt:\n  brokr: mqtt://h\n", ":2: mqtt.brokr: unknown key"),
    ("executor:\n  confirm_timeout: soon\n", ":2: executor.confirm_timeout: Input should be a valid number"),
    ("mqtt:\n  broker: http://example\n", ":2: mqtt.broker: 'http://example' is not a broker URI"),
    ("mqtt:\n  base_topic: 'z2m/#'\n", ":2: mqtt.base_topic: must be a plain topic"),
    ("mqtt: [1, 2\n", ":2: invalid YAML"),
    ("- just\n- a list\n", ":1: the configuration must be a mapping"),
    ("log_level: LOUD\n", ":1: log_level: must be one of DEBUG"),
    ("mqtt:\n  broker: a\n  broker: b\n", ":3: duplicate key 'broker'"),
])
def test_errors_name_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.yaml")
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def test_intent_weights_are_read_beside_the_file_and_a_missing_one_is_named(tmp_path: Path) -> None:
    (tmp_path / "mine.safetensors").write_bytes(b"x")
    config = load_config(write(tmp_path, "intent_weights: [mine.safetensors]\n"))
    assert config.intent_weights == [tmp_path / "mine.safetensors"]
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, "intent_weights:\n  - mine.safetensors\n  - gone.safetensors\n"))
    assert f":3: intent_weights[1]: no weights file {tmp_path / 'gone.safetensors'}" in str(err.value)
