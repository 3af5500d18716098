"""Request and response bodies of the HTTP API (they make up the OpenAPI document)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SESSION_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
Scalar = str | int | float | bool


class _Out(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, use_attribute_docstrings=True)


class ErrorBody(_Out):
    error: str
    """What was wrong, in a sentence."""
    detail: list[dict[str, Any]] | None = None
    outcome: dict[str, Any] | None = None


# --- requests ---------------------------------------------------------------------------------


class CommandRequest(_Body):
    intent: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z]+$",
                        examples=["HassTurnOn"])
    slots: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict, max_length=16,
                                                    examples=[{"name": "Kitchen Ceiling"}])
    session: str = Field("api", pattern=SESSION_PATTERN)
    """Risky actions ask first; HearthConfirm from the same session carries them out."""


class SayRequest(_Body):
    text: str = Field(min_length=1, max_length=1000, examples=["turn off the kitchen lights"])
    session: str = Field("dashboard", pattern=SESSION_PATTERN)
    conversation_id: str | None = Field(None, pattern=SESSION_PATTERN)
    """The conversation to continue (from an earlier reply); leave it out to start a new one."""
    area: str | None = Field(None, min_length=1, max_length=64)
    """Where the speaker is (an area's name or id): 'the lights' and 'in here' mean that room."""


ActionName = Literal[
    "turn_on", "turn_off", "toggle", "brightness", "color", "color_temp", "temperature", "position",
    "open", "close", "lock", "unlock", "play", "pause", "next", "previous", "volume", "mute", "unmute",
    "percentage", "start", "dock",
]


class ActionRequest(_Body):
    action: ActionName
    value: float | str | None = None
    """brightness, position, volume, percentage: 0-100; temperature: within the thermostat's range;
    color_temp: 1500-9000 kelvin; color: '#rrggbb' or a colour name."""
    session: str = Field("dashboard", pattern=SESSION_PATTERN)


class SceneCaptureRequest(_Body):
    name: str = Field(min_length=1, max_length=60, pattern=r"[A-Za-z0-9]")
    area: str | None = Field(None, max_length=60)


class AutomationUpdate(_Body):
    enabled: bool


class SpeakRequest(_Body):
    text: str = Field(min_length=1, max_length=500)


# --- responses --------------------------------------------------------------------------------


class EntityOut(_Out):
    id: str
    name: str
    domain: str
    area: str | None
    state: str
    attributes: dict[str, Any]
    device_class: str | None
    aliases: list[str]
    sensitive: bool


class FloorOut(_Out):
    id: str
    name: str
    level: int | None
    aliases: list[str]


class AreaOut(_Out):
    id: str
    name: str
    floor: str | None
    aliases: list[str]
    context_area: bool


class HomeOut(_Out):
    floors: list[FloorOut]
    areas: list[AreaOut]
    entities: list[EntityOut]


class MqttOut(_Out):
    topic: str
    payload: dict[str, Any]


class OutcomeOut(_Out):
    intent: str
    ok: bool
    response: str
    targets: list[str]
    mqtt: list[MqttOut]
    states: dict[str, Any]
    error: str | None = None
    needs_confirmation: bool = False
    request_id: str | None = None
    """With needs_confirmation: send HearthConfirm with slots {"request_id": this} to carry it out."""
    trace_id: str | None = None


class TraceOut(_Out):
    model_config = ConfigDict(extra="allow", use_attribute_docstrings=True)
    id: str
    at: float
    source: str
    transcript: str
    intents: list[dict[str, Any]]
    outcome: dict[str, Any]
    response: str
    timings_ms: dict[str, float]
    conversation_id: str | None = None
    """The conversation this turn belongs to: send it back with the next sentence."""
    context: dict[str, Any] | None = None
    """What the turn took from its conversation (previous targets, the question it answered, a learned name)."""


class LearnedOut(_Out):
    id: str
    kind: str
    phrase: str
    target: str
    where: str
    conversation_id: str
    at: float


class ListenOut(_Out):
    traces: list[dict[str, Any]]
    """One per command heard: transcript, intents, outcome, response, timings from the end of speech."""
    duration_s: float


class TimerOut(_Out):
    id: str
    kind: str
    name: str | None
    label: str | None
    duration: float
    due: float
    remaining: float | None
    state: str
    created: float
    area: str | None


class AutomationOut(_Out):
    id: str
    alias: str
    enabled: bool
    runs: int
    last_triggered: float | None
    last_error: str | None
    running: bool
    triggers: list[str]
    actions: list[str]
    source: str


class ListItemOut(_Out):
    id: int
    item: str
    complete: bool


class ListOut(_Out):
    name: str
    items: list[ListItemOut]


class FileListOut(_Out):
    folder: str | None
    names: list[str]
    total: int


class FileOut(_Out):
    name: str
    summary: str
    lines: int


class ProcessOut(_Out):
    name: str
    running: bool
    pid: int | None
    returncode: int | None
    started: float | None
    ended: float | None
    timed_out: bool
    stopped: bool
    output_tail: str


class HealthOut(_Out):
    """Without a token only `ok` and `version`; the rest needs a valid token."""

    ok: bool
    version: str
    uptime_s: float | None = None
    broker: dict[str, Any] | None = None
    models: dict[str, Any] | None = None
    entities: int | None = None
    dashboards: int | None = None
    errors: list[dict[str, Any]] | None = None
    """Recent warnings and errors."""
    error_count: int | None = None
