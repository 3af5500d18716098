"""The web dashboard and HTTP API, served by uvicorn inside the hub's own asyncio loop.

`start_web(hub.services, host, port, token)` is the one entry point (`hearth serve`, `hearth demo`, tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket

from hub import __version__
from hub.core.errors import HearthError
from hub.services import HubServices
from hub.web import api
from hub.web.live import LiveFeed
from hub.web.state import ApiError, BodyTooLarge, WebState
from hub.web.voice import VoiceService

_LOGGER = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
MAX_JSON_BYTES = 64 * 1024
"""Any request body but an upload."""
UPLOAD_PATHS = ("/api/listen",)
CSP = ("default-src 'self'; img-src 'self' data:; media-src 'self' blob:; connect-src 'self'; "
       "style-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


# --- the app ------------------------------------------------------------------------------------


def create_app(services: HubServices, token: str | None, host: str | None = None) -> FastAPI:
    """The FastAPI app for a started hub's services; token None means no token is asked for (loopback only)."""

    app = FastAPI(title="Hearth", version=__version__, openapi_url="/api/openapi.json",
                  docs_url=None, redoc_url=None,
                  description="Hearth's HTTP API: every call but /api/health needs "
                              "`Authorization: Bearer <token>` (print it with `hearth token`).")
    state = WebState(services, token, VoiceService(services))
    state.live = LiveFeed(services, lambda: api.health_view(state, with_errors=False))
    app.state.web = state
    app.include_router(api.router)
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)
    http = services.config.http
    app.add_middleware(BodyLimit, upload_limit=http.max_upload_bytes)
    names = {*LOOPBACK, http.host, *http.allowed_hosts, *([host] if host else [])}
    app.add_middleware(HostCheck, hosts=frozenset(n.lower().strip("[]") for n in names) - {"0.0.0.0", "::"})
    app.add_api_websocket_route("/api/ws", _websocket)
    app.add_api_route("/", _index, include_in_schema=False)
    app.add_api_route("/api/docs", _docs, include_in_schema=False)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


_PAGE_HEADERS = {"Cache-Control": "no-cache", "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                 "Referrer-Policy": "no-referrer"}


async def _index(request: Request) -> FileResponse:
    return FileResponse(STATIC / "index.html", headers=_PAGE_HEADERS)


async def _docs(request: Request) -> FileResponse:
    """A local reader of the OpenAPI document (Swagger UI would load from a CDN)."""
    return FileResponse(STATIC / "docs.html", headers=_PAGE_HEADERS)


async def _websocket(websocket: WebSocket) -> None:
    state: WebState = websocket.app.state.web
    await state.live.serve(websocket, state.authorized(websocket.query_params.get("token")))


# --- errors -------------------------------------------------------------------------------------


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    body = {"error": message, **{k: v for k, v in extra.items() if v is not None}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(jsonable_encoder(body), status_code=status, headers=headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    if exc.status_code == 404 and not isinstance(exc, ApiError):
        message = f"there is no {request.url.path}"
    response = _error(exc.status_code, message, outcome=getattr(exc, "outcome", None))
    if exc.headers and exc.status_code != 401:
        response.headers.update(exc.headers)
    if exc.status_code == 405:
        allowed = _allowed_methods(request)
        response = _error(405, f"{request.method} is not allowed on {request.url.path}; use {', '.join(allowed)}")
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves on this path (Starlette's own 405 names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.routes:
        regex, route_methods = getattr(route, "path_regex", None), getattr(route, "methods", None)
        if regex is not None and route_methods and regex.match(request.url.path):
            methods |= set(route_methods)
    return sorted(methods)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return _error(400, "the request body is not valid JSON")
    details = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
               for e in errors]
    first = details[0] if details else {"loc": [], "msg": "invalid request"}
    where = ".".join(str(p) for p in first["loc"] if p != "body") or "request"
    return _error(422, f"{where}: {first['msg']}", detail=details)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    _LOGGER.exception("%s %s failed", request.method, request.url.path)
    return _error(500, "internal error; see the hub's log")


class BodyLimit:
    """Refuses bodies over the limit (by Content-Length, and while streaming) with 413."""

    def __init__(self, app: ASGIApp, upload_limit: int) -> None:
        self.app = app
        self.upload_limit = upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope["path"] in UPLOAD_PATHS else MAX_JSON_BYTES
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _error(413, str(BodyTooLarge(limit).detail))(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)


class HostCheck:
    """Refuses (421) a request whose Host is not a name this hub answers to, and a WebSocket whose Origin
    names another site: a web page elsewhere cannot reach the API by DNS rebinding or cross-site."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        host = _hostname(headers.get(b"host", b"").decode("latin-1"))
        origin = headers.get(b"origin")
        reason = None
        if host not in self.hosts:
            reason = "this hub does not answer to that Host name (http.allowed_hosts)"
        elif scope["type"] == "websocket" and origin is not None and \
                _hostname(urlsplit(origin.decode("latin-1")).netloc) not in self.hosts:
            reason = "WebSocket from another site"
        if reason is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": reason})
        else:
            await _error(421, reason)(scope, receive, send)


def _hostname(netloc: str) -> str:
    """'Hearth.lan:8321' -> 'hearth.lan'; '[::1]:80' -> '::1'."""
    netloc = netloc.strip().lower()
    if netloc.startswith("["):
        return netloc[1:].partition("]")[0]
    return netloc.rpartition(":")[0] if netloc.count(":") == 1 else netloc


# --- recent errors for the Health page ---------------------------------------------------------


class _RecentErrors(logging.Handler):
    def __init__(self, state: WebState) -> None:
        super().__init__(logging.WARNING)
        self.state = state

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed log call must not break logging
            message = str(record.msg)
        self.state.errors.append({"at": record.created, "level": record.levelname, "logger": record.name,
                                  "message": message[:500]})
        self.state.error_count += 1


# --- serving ------------------------------------------------------------------------------------


class _InLoopServer(uvicorn.Server):
    """uvicorn without signal handlers: the hub's owner decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class WebServer:
    host: str
    port: int
    app: FastAPI
    _server: _InLoopServer
    _task: asyncio.Task[None]
    _cleanup: list[Callable[[], Awaitable[None] | None]]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        self._server.should_exit = True
        for cleanup in self._cleanup:
            result = cleanup()
            if result is not None:
                await result
        try:
            async with asyncio.timeout(5):
                await asyncio.shield(self._task)
        except TimeoutError:
            self._server.force_exit = True
            await asyncio.gather(self._task, return_exceptions=True)


async def start_web(services: HubServices, host: str, port: int, token: str | None) -> WebServer:
    """Serve the dashboard and API for a started hub's services on host:port (0 picks a free port).

    token None serves without a token, which is refused on anything but loopback.
    Raises HearthError when the address cannot be used.
    """
    if token is None and host not in LOOPBACK:
        raise HearthError(f"refusing to serve on {host} without a token")
    if token is not None and len(token) < 16:
        raise HearthError("the API token must be at least 16 characters")
    sock = _bind(host, port)
    app = create_app(services, token, host)
    state: WebState = app.state.web
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False,
                            timeout_graceful_shutdown=3, ws_max_size=64 * 1024)
    server = _InLoopServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="hearth-web")
    while not server.started:
        if task.done():
            sock.close()
            raise HearthError(f"the web server did not start on {host}:{port}: {task.exception()!r}")
        await asyncio.sleep(0.01)
    recent = _RecentErrors(state)
    logging.getLogger().addHandler(recent)
    state.live.start()
    actual = sock.getsockname()[1]
    _LOGGER.info("Dashboard on http://%s:%d/", host, actual)
    cleanup: list[Callable[[], Awaitable[None] | None]] = [
        state.live.stop, lambda: logging.getLogger().removeHandler(recent)]
    return WebServer(host, actual, app, server, task, cleanup)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise HearthError(f"cannot serve the dashboard on {host}:{port}: {err.strerror or err}") from None
    sock.set_inheritable(True)
    return sock
