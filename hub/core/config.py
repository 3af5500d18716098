"""hearth.yaml: one validated configuration with sane defaults (no file needed for the demo)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from hub.core.yamlfile import YamlDocument, format_path, load_yaml

CONFIG_ENV = "HEARTH_CONFIG"
DEFAULT_CONFIG_NAME = "hearth.yaml"


def data_dir() -> Path:
    base = os.environ.get("HEARTH_DATA_DIR") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "hearth"
    )
    return Path(base)


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


SAFE_COMMAND_INTENTS = (
    "HassTurnOn", "HassTurnOff", "HassToggle", "HassLightSet", "HearthBrightnessStep",
    "HassClimateSetTemperature", "HassClimateGetTemperature", "HassGetState", "HassSetPosition",
    "HassFanSetSpeed", "HassVacuumStart", "HassVacuumReturnToBase", "HassMediaPause", "HassMediaUnpause",
    "HassMediaNext", "HassMediaPrevious", "HassMediaPlayerMute", "HassMediaPlayerUnmute", "HassSetVolume",
    "HassSetVolumeRelative", "HassStartTimer", "HassCancelTimer", "HassCancelAllTimers", "HassIncreaseTimer",
    "HassDecreaseTimer", "HassPauseTimer", "HassUnpauseTimer", "HassTimerStatus", "HearthAlarmSet",
    "HearthAlarmCancel", "HearthAlarmList", "HassListAddItem", "HassListCompleteItem", "HassListRemoveItem",
    "HassShoppingListAddItem", "HearthListQuery",
)
"""What `hearth/command` runs by default: device control and timers/lists; no files, processes, hand-over."""


class MqttConfig(_Section):
    broker: str | None = None
    """mqtt://HOST:PORT of an existing broker; None starts an embedded one on 127.0.0.1 that requires the
    generated credentials (`hearth mqtt-credentials`). Put a username and password in `username`/`password`,
    not in the URI."""
    username: str | None = None
    password: str | None = None
    client_id: str = "hearth"
    base_topic: str = "zigbee2mqtt"
    discovery_prefix: str = "homeassistant"
    discovery: bool = True
    keepalive: int = Field(30, ge=5, le=3600)
    max_payload_bytes: int = Field(64 * 1024, ge=256, le=16 * 1024 * 1024)
    reconnect_grace: float = Field(3.0, ge=0, le=60)
    """How long a command waits for a lost broker to come back before it is reported failed."""
    command_intents: list[str] = Field(default_factory=lambda: list(SAFE_COMMAND_INTENTS))
    """The intents `hearth/command` runs; add HearthFileRead, HearthProcessStart, ... to allow them."""
    allow_risky: bool = False
    """Whether `hearth/command` may unlock, open a garage, delete or stop (each still asks, by request id)."""

    @field_validator("broker")
    @classmethod
    def _check_broker(cls, value: str | None) -> str | None:
        if value is not None:
            parse_broker_uri(value)
        return value

    @field_validator("base_topic", "discovery_prefix")
    @classmethod
    def _check_topic(cls, value: str) -> str:
        if not value or any(c in value for c in "#+\0") or value.startswith("/") or value.endswith("/"):
            raise ValueError("must be a plain topic without wildcards or leading/trailing '/'")
        return value


class ExecutorConfig(_Section):
    confirm_timeout: float = Field(3.0, gt=0, le=60)
    """Seconds to wait for a device to report the commanded state."""
    confirmation_window: float = Field(30.0, gt=0, le=600)
    """Seconds a risky action waits for a spoken yes/no."""
    brightness_step: int = Field(10, ge=1, le=100)
    volume_step: int = Field(10, ge=1, le=100)


class StorageConfig(_Section):
    database: Path = Field(default_factory=lambda: data_dir() / "hearth.db")


class ConversationConfig(_Section):
    idle: float = Field(300.0, gt=0, le=86400)
    """Seconds without a turn after which a conversation forgets its context (targets, question, undo)."""


class FilesConfig(_Section):
    roots: dict[str, Path] = Field(default_factory=lambda: {"files": Path("~/hearth-files").expanduser()})
    """Named folders the voice may read, append to, list and (with confirmation) delete in."""
    max_file_bytes: int = Field(1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    summary_chars: int = Field(400, ge=40, le=10_000)


class ProcessConfig(_Section):
    argv: list[str] = Field(min_length=1)
    """The program and its arguments; never run through a shell."""
    timeout: float = Field(600.0, gt=0, le=86_400)
    cwd: Path | None = None
    aliases: list[str] = Field(default_factory=list)


class SceneConfig(_Section):
    name: str
    area: str | None = None
    aliases: list[str] = Field(default_factory=list)
    entities: dict[str, Any]
    """{entity_id: state or {state: on, brightness: 120, color: red, position: 30, ...}}"""


class HttpConfig(_Section):
    enabled: bool = True
    host: str = "127.0.0.1"
    port: int = Field(8321, ge=0, le=65535)
    require_token: bool = True
    """Every API call and the WebSocket need the token (except /api/health). Off only on loopback."""
    max_upload_bytes: int = Field(10 * 1024 * 1024, ge=1024, le=200 * 1024 * 1024)
    allowed_hosts: list[str] = Field(default_factory=list)
    """Host names (besides loopback and `host`) the dashboard may be reached by, e.g. hearth.lan;
    a request naming any other Host, or a WebSocket from another Origin, is refused (DNS rebinding)."""

    @model_validator(mode="after")
    def _check_exposure(self) -> HttpConfig:
        if not self.require_token and self.host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"refusing to serve on {self.host} without a token: set require_token: true")
        return self


class HearthConfig(_Section):
    mqtt: MqttConfig = MqttConfig()
    executor: ExecutorConfig = ExecutorConfig()
    storage: StorageConfig = StorageConfig()
    http: HttpConfig = HttpConfig()
    conversation: ConversationConfig = ConversationConfig()
    files: FilesConfig = FilesConfig()
    processes: dict[str, ProcessConfig] = Field(default_factory=dict)
    scenes: dict[str, SceneConfig] = Field(default_factory=dict)
    automations: list[Any] = Field(default_factory=list)
    """Validated one by one by scenes.loader, so one broken automation does not stop the rest."""
    automations_file: Path | None = None
    home: Path | None = None
    """A home file (Home Assistant fixture YAML) imported at start."""
    custom_sentences: Path | None = None
    """Home Assistant's `custom_sentences` folder (`<language>/*.yaml` inside): sentences tried first."""
    intent_weights: list[Path] = Field(default_factory=list)
    """The Transformer's weight files, read as one (`llm.ensemble`); none: the shipped members. One file reads
    a little less surely, and faster only on the sentences the first member is unsure of."""
    log_level: str = "WARNING"
    source: Path | None = None
    """The file this configuration was read from (set by load_config)."""

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()


def parse_broker_uri(uri: str) -> tuple[str, int]:
    """'mqtt://127.0.0.1:1883' -> ('127.0.0.1', 1883); ValueError says what is allowed."""
    parsed = urlparse(uri)
    if parsed.scheme not in ("mqtt", "tcp") or not parsed.hostname:
        raise ValueError(f"'{_redacted(uri)}' is not a broker URI like mqtt://127.0.0.1:1883")
    if parsed.username is not None or parsed.password is not None:
        raise ValueError("put the broker's username and password in mqtt.username and mqtt.password, "
                         "not in the URI")
    try:
        port = parsed.port or 1883
    except ValueError as err:
        raise ValueError(f"'{_redacted(uri)}' has an invalid port") from err
    return parsed.hostname, port


def _redacted(uri: str) -> str:
    """The URI without anything before an '@' in its network location (credentials are never echoed)."""
    scheme, sep, rest = uri.partition("://")
    netloc, slash, path = rest.partition("/")
    return f"{scheme}{sep}{netloc.rpartition('@')[2]}{slash}{path}" if sep else uri.rpartition("@")[2]


def find_config(explicit: Path | None) -> Path | None:
    """The config file to use: --config, $HEARTH_CONFIG, ./hearth.yaml, or none."""
    if explicit is not None:
        return explicit
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    local = Path(DEFAULT_CONFIG_NAME)
    return local if local.is_file() else None


def load_config(path: Path | None = None) -> HearthConfig:
    """Load and validate hearth.yaml; errors name the file, line and key."""
    path = find_config(path)
    if path is None:
        return HearthConfig()
    doc = load_yaml(path)
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise doc.error((), "the configuration must be a mapping of sections")
    config = config_from_document(doc, data).model_copy(update={"source": path})
    for key in ("home", "automations_file", "custom_sentences"):
        value = getattr(config, key)
        if value is not None and not value.is_absolute():
            config = config.model_copy(update={key: path.parent / value})
    weights = [w if w.is_absolute() else path.parent / w for w in config.intent_weights]
    for k, file in enumerate(weights):
        if not file.is_file():
            raise doc.error(("intent_weights", k), f"no weights file {file} (`hearth train --out FILE` makes one)")
    return config.model_copy(update={"intent_weights": weights})


def config_from_document(doc: YamlDocument, data: dict[str, Any]) -> HearthConfig:
    try:
        return HearthConfig.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        raise doc.error(loc, message) from None


__all__ = ["HearthConfig", "MqttConfig", "ExecutorConfig", "StorageConfig", "load_config",
           "parse_broker_uri", "format_path"]
