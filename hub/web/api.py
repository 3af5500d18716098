"""The HTTP API routes: everything the dashboard does, for scripts too (OpenAPI at /api/openapi.json)."""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hub.machine.errors import LocalError
from hub.machine.processes import ProcessStatus
from hub.core.home import Entity, Home
from hub import __version__
from hub.dialogue import ConversationError
from hub.core.errors import ExecutionError
from hub.core.events import Outcome, ToolCall
from hub.learned import LearnError
from hub.core.targets import temperature_range
from hub.traces import Trace
from hub.web import schemas, views
from hub.web.state import ApiError, WebState
from hub.web.voice import SpeechUnavailable
from scenes.capture import capture_scene
from speech.errors import AudioFormatError

_bearer = HTTPBearer(auto_error=False, description="The token printed by `hearth token`")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _state(request: Request) -> WebState:
    return request.app.state.web  # type: ignore[no-any-return]


def require_token(request: Request, credentials: Credentials) -> None:
    if not _state(request).authorized(credentials.credentials if credentials else None):
        raise ApiError(401, "a valid token is needed: send 'Authorization: Bearer <token>' (see `hearth token`)")


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": schemas.ErrorBody, "description": text} for code, text in (
        (400, "Malformed request (e.g. not JSON)"), (401, "Missing or wrong token"),
        (404, "No such thing"), (413, "Request body too large"), (422, "Invalid or impossible request"))}

router = APIRouter(prefix="/api", responses=_ERRORS)
secured = APIRouter(dependencies=[Depends(require_token)])
State = Annotated[WebState, Depends(_state)]
SessionQuery = Annotated[str, Query(pattern=schemas.SESSION_PATTERN)]


# --- health -------------------------------------------------------------------------------------


@router.get("/health", response_model=schemas.HealthOut, tags=["health"])
async def health(request: Request, state: State) -> Response:
    """Needs no token, and then says only whether the hub is up (ok) and its version; with a valid token
    (or when no token is required): the broker, models, uptime and recent errors."""
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    trusted = state.token is None or (scheme.lower() == "bearer" and state.authorized(presented.strip()))
    if not trusted:
        view = health_view(state, with_errors=False)
        return _json({"ok": view["ok"], "version": view["version"]})
    return _json(health_view(state, with_errors=True))


def health_view(state: WebState, with_errors: bool) -> dict[str, Any]:
    services = state.services
    connected = services.client.connected
    resolver = services.conversation.loaded_resolver
    models: dict[str, Any] = {
        "resolver": {"loaded": resolver is not None, "device": getattr(resolver, "device", None),
                     "mode": getattr(resolver, "mode", None)},
        **state.voice.status(),
    }
    torch = sys.modules.get("torch")
    if resolver is not None and torch is not None and hasattr(torch, "cuda"):  # imported by the resolver
        models["cuda_available"] = bool(torch.cuda.is_available())
    out: dict[str, Any] = {
        "ok": connected, "version": __version__, "uptime_s": round(time.time() - state.started, 1),
        "broker": {"connected": connected, "uri": services.broker_uri, "embedded": services.broker is not None},
        "models": models, "entities": len(services.home.entities),
        "dashboards": state.live.client_count, "error_count": state.error_count,
    }
    if with_errors:
        out["errors"] = list(state.errors)[::-1]
    return out


# --- entities -----------------------------------------------------------------------------------


@secured.get("/home", response_model=schemas.HomeOut, tags=["entities"])
async def home(state: State) -> Response:
    """Floors, areas and entities with their live state."""
    return _json(views.home_view(state.services.home))


@secured.get("/entities", response_model=list[schemas.EntityOut], tags=["entities"])
async def entities(state: State, domain: Annotated[str | None, Query(max_length=32)] = None,
                   area: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """Every entity and its state; filter by domain and/or area id."""
    chosen = [views.entity_view(e) for e in state.services.home.entities
              if (domain is None or e.domain == domain) and (area is None or e.area_id == area)]
    return _json(chosen)


@secured.get("/entities/{entity_id}", response_model=schemas.EntityOut, tags=["entities"])
async def entity(state: State, entity_id: str) -> Response:
    return _json(views.entity_view(_entity(state, entity_id)))


@secured.post("/entities/{entity_id}/action", response_model=schemas.OutcomeOut, tags=["entities"])
async def entity_action(state: State, entity_id: str, body: schemas.ActionRequest) -> dict[str, Any]:
    """A dashboard control: turn on/off, brightness, colour, set-point, position, lock/unlock, media, vacuum.

    Unlocking and opening garage doors ask first (needs_confirmation); confirm with
    POST /api/command {"intent": "HearthConfirm", "session": <the same session>}.
    """
    target = _entity(state, entity_id)
    call = action_call(target, state.services.home, body.action, body.value)
    transcript = f"{target.name}: {body.action.replace('_', ' ')}" + (
        f" {body.value}" if body.value is not None else "")
    return await _execute(state, call, body.session, "dashboard", transcript)


def _entity(state: WebState, entity_id: str) -> Entity:
    found = state.services.devices.entity(entity_id)
    if found is None:
        raise ApiError(404, f"there is no entity '{entity_id}'")
    return found


_ACTIONS: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    # action: (intent, domains, value slot)
    "turn_on": ("HassTurnOn", ("light", "switch", "fan", "climate", "media_player"), None),
    "turn_off": ("HassTurnOff", ("light", "switch", "fan", "climate", "media_player"), None),
    "toggle": ("HassToggle", ("light", "switch", "fan", "cover", "lock"), None),
    "open": ("HassTurnOn", ("cover",), None), "close": ("HassTurnOff", ("cover",), None),
    "lock": ("HassTurnOn", ("lock",), None), "unlock": ("HassTurnOff", ("lock",), None),
    "brightness": ("HassLightSet", ("light",), "brightness"),
    "color": ("HassLightSet", ("light",), "color"),
    "color_temp": ("HassLightSet", ("light",), "temperature"),
    "temperature": ("HassClimateSetTemperature", ("climate",), "temperature"),
    "position": ("HassSetPosition", ("cover",), "position"),
    "play": ("HassMediaUnpause", ("media_player",), None), "pause": ("HassMediaPause", ("media_player",), None),
    "next": ("HassMediaNext", ("media_player",), None), "previous": ("HassMediaPrevious", ("media_player",), None),
    "volume": ("HassSetVolume", ("media_player",), "volume_level"),
    "mute": ("HassMediaPlayerMute", ("media_player",), None),
    "unmute": ("HassMediaPlayerUnmute", ("media_player",), None),
    "percentage": ("HassFanSetSpeed", ("fan",), "percentage"),
    "start": ("HassVacuumStart", ("vacuum",), None), "dock": ("HassVacuumReturnToBase", ("vacuum",), None),
}
_RANGES: dict[str, tuple[float, float, str]] = {
    "brightness": (1, 100, "percent"), "position": (0, 100, "percent"), "volume": (0, 100, "percent"),
    "percentage": (0, 100, "percent"), "color_temp": (1500, 9000, "kelvin"),
}


def action_call(entity: Entity, home: Home, action: str, value: float | str | None) -> ToolCall:
    """The intent a dashboard control means, with its value checked first (nothing is sent otherwise)."""
    intent, domains, slot = _ACTIONS[action]
    if entity.domain not in domains:
        raise ApiError(422, f"{entity.name} ({entity.domain}) has no '{action}' control")
    slots: dict[str, Any] = {"name": entity.name, "domain": entity.domain}
    area = home.area(entity.area_id)
    if area is not None:
        slots["area"] = area.name
    if slot is not None:
        slots[slot] = _action_value(entity, action, value)
    elif value is not None:
        raise ApiError(422, f"'{action}' takes no value")
    return ToolCall(intent, slots)


def _action_value(entity: Entity, action: str, value: float | str | None) -> float | str:
    if value is None:
        raise ApiError(422, f"'{action}' needs a value")
    if action == "color":
        from devices.colors import color_rgb

        try:
            color_rgb(str(value))
        except ValueError as err:
            raise ApiError(422, str(err)) from None
        return str(value)
    low, high, unit = _RANGES.get(action, (*temperature_range(entity), "degrees"))
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ApiError(422, f"'{action}' needs a number, not '{value}'") from None
    if not low <= number <= high:  # also false for NaN
        raise ApiError(422, f"'{action}' must be between {low:g} and {high:g} {unit}")
    return number if action == "temperature" else round(number)


# --- commands, say, listen --------------------------------------------------------------------


@secured.post("/command", response_model=schemas.OutcomeOut, tags=["commands"])
async def command(state: State, body: schemas.CommandRequest) -> dict[str, Any]:
    """Run one structured intent (Home Assistant's vocabulary), e.g. {"intent": "HassTurnOn",
    "slots": {"name": "Kitchen Ceiling"}}. A risky action answers needs_confirmation; send
    {"intent": "HearthConfirm"} (or HearthDeny) with the same session."""
    if body.intent not in state.services.executor.intents:
        raise ApiError(422, f"unknown intent '{body.intent}'; known: {', '.join(sorted(state.services.executor.intents))}")
    call = ToolCall(body.intent, dict(body.slots))
    transcript = f"{body.intent} {json.dumps(body.slots, ensure_ascii=False)}" if body.slots else body.intent
    return await _execute(state, call, body.session, "api", transcript)


async def _execute(state: WebState, call: ToolCall, session: str, source: str, transcript: str) -> dict[str, Any]:
    started = time.perf_counter()
    outcome: Outcome = await state.services.executor.execute(call, session=session)
    trace = Trace(source, transcript, intents=[call.to_dict()], outcomes=[outcome.to_dict()],
                  response=outcome.response, ok=outcome.ok or outcome.needs_confirmation,
                  timings_ms={"received": 0.0, "executed": round((time.perf_counter() - started) * 1000, 2)})
    state.services.traces.add(trace.to_dict())
    result = {**outcome.to_dict(), "trace_id": trace.id}
    if not outcome.ok and not outcome.needs_confirmation and not outcome.targets:
        raise ApiError(422, outcome.response, outcome=result)  # refused before anything was sent
    return result


@secured.post("/say", response_model=schemas.TraceOut, tags=["commands"],
               responses={404: {"model": schemas.ErrorBody, "description": "No such conversation"}})
async def say(state: State, body: schemas.SayRequest) -> dict[str, Any]:
    """Understand and carry out a sentence; the trace (intents, outcome, response, timings) comes back."""
    try:
        cid = state.services.conversation.begin(body.conversation_id, "dashboard")
    except ConversationError as err:
        raise ApiError(404, str(err)) from None
    trace = await state.services.conversation.handle(body.text, source="dashboard", conversation_id=cid, area=body.area)
    return trace.to_dict()


@secured.get("/learned", response_model=list[schemas.LearnedOut], tags=["conversation"])
async def learned(state: State) -> list[dict[str, Any]]:
    """Names and corrections Hearth learned, with where and when."""
    return [item.to_dict() for item in state.services.conversation.learned.all()]


@secured.delete("/learned/{item_id}", response_model=schemas.LearnedOut, tags=["conversation"],
                responses={404: {"model": schemas.ErrorBody, "description": "Nothing learned has that id"}})
async def forget_learned(state: State, item_id: str) -> dict[str, Any]:
    """Forget one learned name or correction."""
    try:
        return state.services.conversation.learned.forget(item_id).to_dict()
    except LearnError as err:
        raise ApiError(404, str(err)) from None


@secured.post("/listen", response_model=schemas.ListenOut, tags=["commands"],
              responses={415: {"model": schemas.ErrorBody, "description": "Not a PCM WAV file"},
                         503: {"model": schemas.ErrorBody, "description": "Speech engines not available"}})
async def listen(state: State, audio: Annotated[UploadFile, File(description="a PCM WAV recording")],
                 session: SessionQuery = "dashboard") -> dict[str, Any]:
    """Run a WAV recording (any rate, mono or stereo, 8-32 bit PCM) through the voice pipeline; one trace
    per command heard (no wake word needed)."""
    head = await audio.read(12)
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise ApiError(415, "the upload is not a WAV file (it does not start with a RIFF/WAVE header)")
    with tempfile.TemporaryDirectory(prefix="hearth-listen-") as folder:
        path = Path(folder) / "upload.wav"
        await asyncio.to_thread(_save_upload, audio, head, path)
        try:
            traces, duration = await state.voice.listen(path, session, max_seconds=120)
        except AudioFormatError as err:
            raise ApiError(415, str(err).replace(str(path), "the upload")) from None
        except SpeechUnavailable as err:
            raise ApiError(503, str(err)) from None
    return {"traces": traces, "duration_s": round(duration, 3)}


def _save_upload(audio: UploadFile, head: bytes, path: Path) -> None:
    with open(path, "wb") as out:
        out.write(head)
        while chunk := audio.file.read(1 << 16):
            out.write(chunk)


@secured.post("/speak", tags=["commands"], response_class=Response,
              responses={200: {"content": {"audio/wav": {}}, "description": "16-bit mono WAV"},
                         503: {"model": schemas.ErrorBody, "description": "Speech engines not available"}})
async def speak(state: State, body: schemas.SpeakRequest) -> Response:
    """Synthesise text (e.g. a reply) with the hub's voice."""
    try:
        audio = await state.voice.speak(body.text)
    except SpeechUnavailable as err:
        raise ApiError(503, str(err)) from None
    return Response(audio, media_type="audio/wav")


# --- scenes and automations -------------------------------------------------------------------


@secured.get("/scenes", response_model=list[schemas.EntityOut], tags=["scenes"])
async def scenes(state: State) -> Response:
    return _json([views.entity_view(e) for e in state.services.home.entities if e.domain == "scene"])


@secured.post("/scenes/{scene_id}/activate", response_model=schemas.OutcomeOut, tags=["scenes"])
async def activate_scene(state: State, scene_id: str,
                         session: SessionQuery = "dashboard") -> dict[str, Any]:
    scene = state.services.devices.entity(f"scene.{scene_id}")
    if scene is None:
        raise ApiError(404, f"there is no scene '{scene_id}'")
    call = ToolCall("HassTurnOn", {"name": scene.name, "domain": "scene"})
    return await _execute(state, call, session, "dashboard", f"Activate scene {scene.name}")


@secured.post("/scenes", response_model=schemas.EntityOut, status_code=201, tags=["scenes"],
              responses={409: {"model": schemas.ErrorBody, "description": "A scene with that name exists"}})
async def capture(state: State, body: schemas.SceneCaptureRequest) -> dict[str, Any]:
    """Capture the current states (of one area, if given) as a new scene."""
    services = state.services
    try:
        scene = capture_scene(services.home, body.name.strip(), body.area)
    except ExecutionError as err:
        raise ApiError(422, str(err)) from None
    if services.devices.entity(f"scene.{scene.id}") is not None:
        raise ApiError(409, f"there is already a scene 'scene.{scene.id}'")
    entity_ = scene.to_entity()
    await services.devices.flush()  # reload() re-reads states: write the pending ones first
    services.registry.upsert_entities([entity_])
    services.devices.reload()
    state.live.publish("home", home=views.home_view(services.home))
    return views.entity_view(entity_)


@secured.get("/automations", response_model=list[schemas.AutomationOut], tags=["automations"])
async def automations(state: State) -> list[dict[str, Any]]:
    return views.automations_view(state.services.automations)


@secured.put("/automations/{automation_id}", response_model=schemas.AutomationOut, tags=["automations"])
async def set_automation(state: State, automation_id: str, body: schemas.AutomationUpdate) -> dict[str, Any]:
    """Enable or disable an automation (kept across restarts)."""
    engine = state.services.automations
    if automation_id not in engine.automations:
        raise ApiError(404, f"there is no automation '{automation_id}'")
    engine.set_enabled(automation_id, body.enabled)
    await state.live.refresh()
    return views.automation_view(engine, automation_id)


# --- timers, lists, files, processes ----------------------------------------------------------


@secured.get("/timers", response_model=list[schemas.TimerOut], tags=["timers"])
async def timers(state: State) -> list[dict[str, Any]]:
    """Running and paused timers and alarms; `remaining` in seconds."""
    return [views.timer_view(t) for t in state.services.timers.active()]


@secured.delete("/timers/{timer_id}", response_model=schemas.TimerOut, tags=["timers"])
async def cancel_timer(state: State, timer_id: str) -> dict[str, Any]:
    found = next((t for t in state.services.timers.active() if t.id == timer_id), None)
    if found is None:
        raise ApiError(404, f"there is no running timer or alarm '{timer_id}'")
    cancelled = state.services.timers.cancel(found)
    await state.live.refresh()
    return views.timer_view(cancelled)


@secured.get("/lists", response_model=list[schemas.ListOut], tags=["lists"])
async def lists(state: State) -> list[dict[str, Any]]:
    return await asyncio.to_thread(views.lists_view, state.services.lists)


@secured.get("/files", response_model=schemas.FileListOut, tags=["files"])
async def files(state: State, folder: Annotated[str | None, Query(max_length=255)] = None) -> dict[str, Any]:
    """What is in the configured file roots (or one folder of them)."""
    try:
        listing = await asyncio.to_thread(state.services.files.list, folder)
    except LocalError as err:
        raise ApiError(404, str(err)) from None
    return {"folder": listing.folder, "names": list(listing.names), "total": listing.total}


@secured.get("/files/read", response_model=schemas.FileOut, tags=["files"])
async def read_file(state: State, name: Annotated[str, Query(min_length=1, max_length=255)]) -> dict[str, Any]:
    """The start of a text file inside the roots (the summary the voice would read)."""
    try:
        found = await asyncio.to_thread(state.services.files.read, name)
    except LocalError as err:
        raise ApiError(404, str(err)) from None
    return {"name": found.name, "summary": found.summary, "lines": found.lines}


@secured.get("/processes", response_model=list[schemas.ProcessOut], tags=["processes"])
async def processes(state: State) -> list[dict[str, Any]]:
    """The programs the config allows, and whether they run."""
    return [_process_view(p) for p in state.services.processes.list()]


@secured.post("/processes/{name}/start", response_model=schemas.OutcomeOut, tags=["processes"])
async def start_process(state: State, name: str, session: SessionQuery = "dashboard") -> dict[str, Any]:
    """Start a configured program."""
    return await _process(state, name, "HearthProcessStart", session)


@secured.post("/processes/{name}/stop", response_model=schemas.OutcomeOut, tags=["processes"])
async def stop_process(state: State, name: str, session: SessionQuery = "dashboard") -> dict[str, Any]:
    """Stop a running program; like by voice, this asks first (needs_confirmation)."""
    return await _process(state, name, "HearthProcessStop", session)


async def _process(state: WebState, name: str, intent: str, session: str) -> dict[str, Any]:
    if name not in state.services.processes.config:
        raise ApiError(404, f"there is no configured process '{name}'")
    verb = "Start" if intent == "HearthProcessStart" else "Stop"
    return await _execute(state, ToolCall(intent, {"process": name}), session, "dashboard", f"{verb} {name}")


def _process_view(status: ProcessStatus) -> dict[str, Any]:
    return {"name": status.name, "running": status.running, "pid": status.pid, "returncode": status.returncode,
            "started": status.started, "ended": status.ended, "timed_out": status.timed_out,
            "stopped": status.stopped, "output_tail": status.output_tail}


# --- traces -------------------------------------------------------------------------------------


@secured.get("/traces", response_model=list[schemas.TraceOut], tags=["traces"])
async def traces(state: State, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 source: Annotated[str | None, Query(max_length=32)] = None,
                 q: Annotated[str | None, Query(max_length=200)] = None) -> list[dict[str, Any]]:
    """Recent request traces, newest first; filter by source and by text anywhere in the trace."""
    return await asyncio.to_thread(state.services.traces.recent, limit, source, q)


@secured.get("/traces/{trace_id}", response_model=schemas.TraceOut, tags=["traces"])
async def trace(state: State, trace_id: str) -> dict[str, Any]:
    found = await asyncio.to_thread(state.services.traces.get, trace_id)
    if found is None:
        raise ApiError(404, f"there is no trace '{trace_id}'")
    return found


def _json(data: Any) -> Response:
    """Already-shaped data, sent without a second validation pass (the hot paths: entities, home)."""
    return Response(views.dumps(data), media_type="application/json")


router.include_router(secured)
