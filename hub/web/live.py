"""The live feed: one WebSocket per dashboard, pushing state changes, traces, timers and more, in order.

Every frame is a JSON list of messages (several when a client falls behind for a moment). Each message
carries `seq`, one counter for the whole feed, so a client can tell that nothing was lost or reordered.
A client that falls too far behind is closed (code 4408) rather than silently skipped: it reconnects and
starts again from a fresh snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from hub.core.home import StateChanged
from hub.services import HubServices
from hub.web import views

_LOGGER = logging.getLogger(__name__)
MAX_QUEUED = 20_000
"""Messages a client may have waiting before it is dropped (and told to reconnect)."""
MAX_BATCH = 500
"""Messages sent in one frame at most."""
WATCH_INTERVAL = 0.5
"""How often timers, automations, lists and health are compared with what clients last saw."""
CLOSE_BAD_TOKEN = 4401
CLOSE_TOO_SLOW = 4408


class _Client:
    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.dropped = False


class LiveFeed:
    """Fans hub events out to every connected WebSocket. Runs on the hub's loop."""

    def __init__(self, services: HubServices, health: Callable[[], dict[str, Any]]) -> None:
        self.services = services
        self.health = health
        self.seq = 0
        self.sent = 0
        self._clients: set[_Client] = set()
        self._unsubscribe: list[Callable[[], None]] = []
        self._watcher: asyncio.Task[None] | None = None
        self._last: dict[str, str] = {}
        self._values: dict[str, Any] = {}
        """What was last pushed of each watched view: new clients get it in their snapshot."""

    @property
    def client_count(self) -> int:
        return len(self._clients)

    def start(self) -> None:
        self._unsubscribe.append(self.services.devices.add_listener(self._on_state))
        listeners = self.services.traces.listeners
        listeners.append(self._on_trace)
        self._unsubscribe.append(lambda: listeners.remove(self._on_trace))
        self._watcher = asyncio.create_task(self._watch(), name="hearth-web-watch")

    async def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            with contextlib.suppress(ValueError):
                unsubscribe()
        self._unsubscribe.clear()
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)
        for client in list(self._clients):
            client.queue.put_nowait(None)

    # --- producing ---------------------------------------------------------------------------

    def publish(self, kind: str, **fields: Any) -> None:
        """Send one message to every client (encoded once)."""
        self.seq += 1
        text = views.dumps({"type": kind, "seq": self.seq, **fields})
        for client in list(self._clients):
            if client.queue.qsize() >= MAX_QUEUED:
                self._drop(client)
            else:
                client.queue.put_nowait(text)

    def _on_state(self, event: StateChanged) -> None:
        self.publish("state", entity=views.entity_view(event.new))

    def _on_trace(self, trace: dict[str, Any]) -> None:
        self.publish("trace", trace=trace)

    def _drop(self, client: _Client) -> None:
        if not client.dropped:
            client.dropped = True
            _LOGGER.warning("A dashboard fell %d messages behind; asking it to reconnect", MAX_QUEUED)
            self._clients.discard(client)
            client.queue.put_nowait(None)

    async def _watch(self) -> None:
        """Push timers, automations, lists and health whenever they differ from what was last sent."""
        while True:
            try:
                await self.refresh()
            except Exception:  # keep watching; a broken view is logged, not fatal
                _LOGGER.exception("Refreshing the dashboard views failed")
            await asyncio.sleep(WATCH_INTERVAL)

    async def refresh(self) -> None:
        services = self.services
        current: dict[str, Any] = {"timers": views.timers_view(services.timers),
                                   "automations": views.automations_view(services.automations),
                                   "health": self.health()}
        current["lists"] = await asyncio.to_thread(views.lists_view, services.lists)
        for kind, value in current.items():
            digest = json.dumps(value, sort_keys=True, default=str)
            if kind == "health":
                digest = json.dumps({k: v for k, v in value.items() if k != "uptime_s"}, sort_keys=True)
            if self._last.get(kind) != digest:
                self._last[kind], self._values[kind] = digest, value
                self.publish(kind, **{kind: value})

    # --- serving -----------------------------------------------------------------------------

    async def serve(self, websocket: WebSocket, authorized: bool) -> None:
        await websocket.accept()
        if not authorized:
            await websocket.send_text(json.dumps([{"type": "error", "error": "wrong or missing token"}]))
            await websocket.close(CLOSE_BAD_TOKEN, "wrong or missing token")
            return
        client = _Client(websocket)
        snapshot = self._snapshot()  # built and registered without awaiting: no event can slip between
        self._clients.add(client)
        client.queue.put_nowait(snapshot)
        sender = asyncio.create_task(self._send(client))
        try:
            while True:
                message = await websocket.receive()
                if message["type"] == "websocket.disconnect":
                    break
        except WebSocketDisconnect:
            pass
        finally:
            self._clients.discard(client)
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)

    def _snapshot(self) -> str:
        self.seq += 1
        services = self.services
        message = {"type": "snapshot", "seq": self.seq, "now": time.time(), "home": views.home_view(services.home),
                   "timers": views.timers_view(services.timers),
                   "automations": views.automations_view(services.automations),
                   "lists": self._values.get("lists", []), "health": self._values.get("health")}
        return views.dumps(message)

    async def _send(self, client: _Client) -> None:
        websocket = client.websocket
        try:
            while True:
                batch = [await client.queue.get()]
                while len(batch) < MAX_BATCH and not client.queue.empty():
                    batch.append(client.queue.get_nowait())
                closing = None in batch
                texts = [t for t in batch if t is not None]
                if texts:
                    await websocket.send_text("[" + ",".join(texts) + "]")
                    self.sent += len(texts)
                if closing:
                    code = CLOSE_TOO_SLOW if client.dropped else 1001
                    if websocket.application_state == WebSocketState.CONNECTED:
                        await websocket.close(code)
                    return
        except (WebSocketDisconnect, RuntimeError, OSError):
            self._clients.discard(client)
