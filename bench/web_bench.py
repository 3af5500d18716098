"""The dashboard's figures: GET /api/entities with 500 entities, WebSocket fan-out, first-load size.

    python bench/web_bench.py [--requests 300] [--rate 1000] [--seconds 5] [--clients 10]

Starts Mosquitto on a free loopback port (the embedded broker if it is missing) and a hub with a generated
500-entity home in a temporary registry, serving the dashboard on a free port in the hub's loop.

- GET /api/entities: p50/p95 over keep-alive HTTP from a client thread; the reference is a bare Starlette
  endpoint returning the same (pre-built) JSON, served by a second uvicorn in the same loop and process.
- Fan-out: z2m state messages published on MQTT at --rate per second go through the real device manager;
  --clients WebSocket clients (in a separate process) must each receive every resulting state change, in
  the order the manager applied them. Latency is manager-applied -> client-received (one host, one clock).
  The reference is the same clients fed the same number of messages by a bare Starlette WebSocket loop.
- First load: the bytes of /, app.js and style.css (what a browser fetches), raw and gzipped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import http.client
import itertools
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
import uvicorn
import yaml
from paho.mqtt.enums import CallbackAPIVersion
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.mqtt_bench import pct, start_broker
from hub.core.home import StateChanged
from hub.app import Hub, HubOptions
from hub.core.config import load_config
from hub.web import start_web
from hub.web.views import entity_view

ENTITIES = 500
AREAS = 20
TOKEN = "bench-token-0123456789abcdef"
BASE = "bench"


def write_home(folder: Path) -> Path:
    areas = [{"id": f"room_{a}", "name": f"Room {a}", "floor": "main"} for a in range(AREAS)]
    entities = [{"id": f"light.bench_{i:03d}", "name": f"Light {i:03d}", "area": f"room_{i % AREAS}",
                 "state": "off", "attributes": {"supported_color_modes": ["brightness"]}} for i in range(ENTITIES)]
    path = folder / "home.yaml"
    path.write_text(yaml.safe_dump({"floors": [{"id": "main", "name": "Main", "level": 0}],
                                    "areas": areas, "entities": entities}))
    return path


def write_config(folder: Path, port: int) -> Path:
    path = folder / "hearth.yaml"
    path.write_text(yaml.safe_dump({
        "mqtt": {"broker": f"mqtt://127.0.0.1:{port}", "base_topic": BASE, "discovery": False,
                 "client_id": "hearth-web-bench"},
        "storage": {"database": str(folder / "hearth.db")},
        "files": {"roots": {"files": str(folder / "files")}},
    }))
    return path


# --- GET latency ---------------------------------------------------------------------------------


def get_times(port: int, path: str, n: int, headers: dict[str, str]) -> tuple[list[float], int]:
    """n keep-alive GETs (after 20 warm-up ones); milliseconds each, and the body size."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    times, size = [], 0
    for i in range(n + 20):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status} {body[:200]!r}")
        if i >= 20:
            times.append((time.perf_counter() - start) * 1000)
        size = len(body)
    connection.close()
    return times, size


async def serve_reference(routes: list[Any]) -> tuple[uvicorn.Server, asyncio.Task[None], int]:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(Starlette(routes=routes), lifespan="off", log_level="warning", access_log=False,
                            timeout_graceful_shutdown=2)
    server = _InLoopServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    return server, task, sock.getsockname()[1]


class _InLoopServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def fetch(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().read()
    finally:
        connection.close()


# --- fan-out --------------------------------------------------------------------------------------


def run_clients(url: str, count: int, total: int, ready: Any, results: Any) -> None:
    """In a separate process: `count` clients, each collecting `total` state messages."""
    import websockets

    async def one() -> list[tuple[Any, ...]]:
        """(seq, entity id, brightness, received at, sent at (the reference only))."""
        async with websockets.connect(url, max_size=None) as ws:
            first = json.loads(await ws.recv())
            assert first[0]["type"] in ("snapshot", "state"), first[0]["type"]
            ready.put(1)
            got: list[tuple[Any, ...]] = []
            while len(got) < total:
                frame = await ws.recv()
                now = time.time()
                for message in json.loads(frame):
                    if message["type"] == "state":
                        entity = message["entity"]
                        got.append((message["seq"], entity["id"], entity["attributes"]["brightness"], now,
                                    message.get("at")))
            return got

    async def main() -> list[Any]:
        async with asyncio.timeout(120):
            return await asyncio.gather(*(one() for _ in range(count)))

    try:
        results.put(asyncio.run(main()))
    except Exception as err:  # noqa: BLE001 - reported to the parent
        results.put(f"{type(err).__name__}: {err}")


def publish_states(port: int, total: int, rate: int) -> float:
    """z2m state messages, `rate` per second; each changes one light's brightness. Returns seconds taken."""
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id="web-bench-publisher")
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    start = time.perf_counter()
    for k in range(total):
        due = start + k / rate
        ahead = due - time.perf_counter()
        if ahead > 0.002:
            time.sleep(ahead)
        payload = json.dumps({"state": "ON", "brightness": 1 + (k // ENTITIES) % 254})
        client.publish(f"{BASE}/Light {k % ENTITIES:03d}", payload, qos=0)
    took = time.perf_counter() - start
    client.loop_stop()
    client.disconnect()
    return took


async def fan_out(url: str, port: int, clients: int, total: int, rate: int,
                  applied: list[tuple[str, int, float]] | None) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    ready, results = context.Queue(), context.Queue()
    process = context.Process(target=run_clients, args=(url, clients, total, ready, results))
    process.start()
    for _ in range(clients):
        await asyncio.to_thread(ready.get, True, 60)
    await asyncio.sleep(0.3)
    took = await asyncio.to_thread(publish_states, port, total, rate) if applied is not None else None
    got = await asyncio.to_thread(results.get, True, 180)
    await asyncio.to_thread(process.join, 10)
    if isinstance(got, str):
        raise SystemExit(f"WebSocket clients failed: {got}")
    return {"got": got, "took": took}


def check_fan_out(expected: list[tuple[str, int, float]], got: list[list[tuple[Any, ...]]]) -> dict[str, Any]:
    want = [(entity_id, level) for entity_id, level, _ in expected]
    applied_at = {(entity_id, level): at for entity_id, level, at in expected}
    complete = sum(1 for client in got if [(e, b) for _, e, b, *_ in client] == want)
    ordered = sum(1 for client in got if all(a[0] < b[0] for a, b in itertools.pairwise(client)))
    latencies = [(now - applied_at[(e, b)]) * 1000 for client in got for _, e, b, now, _ in client
                 if (e, b) in applied_at]
    return {"complete": complete, "ordered": ordered, "latencies": latencies}


def reference_routes(total: int, rate: int, clients: int) -> list[Any]:
    """A bare Starlette WebSocket that sends `total` state-shaped messages at `rate`, one frame each."""
    entity = entity_view(_bench_entity())
    connected: list[WebSocket] = []
    everyone = asyncio.Event()

    async def feed(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text(json.dumps([{"type": "snapshot", "seq": 0}]))
        connected.append(websocket)
        if len(connected) == clients:
            everyone.set()
        await everyone.wait()
        await asyncio.sleep(0.3)
        start = time.perf_counter()
        for k in range(total):
            ahead = start + k / rate - time.perf_counter()
            if ahead > 0.002:
                await asyncio.sleep(ahead)
            body = {**entity, "id": f"light.bench_{k % ENTITIES:03d}",
                    "attributes": {"brightness": 1 + (k // ENTITIES) % 254}}
            message = {"type": "state", "seq": k + 1, "at": time.time(), "entity": body}
            await websocket.send_text(json.dumps([message]))
        await websocket.receive()

    return [WebSocketRoute("/ws", feed)]


def _bench_entity() -> Any:
    from hub.core.home import Entity

    return Entity("light.bench_000", "Light 000", "room_0", state="on", attributes={"brightness": 1})


# --- main -----------------------------------------------------------------------------------------


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rate", type=int, default=1000, help="state changes per second")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args()
    total = int(args.rate * args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port, broker = start_broker(folder)
        try:
            config = load_config(write_config(folder, port))
            options = HubOptions(home=write_home(folder), simulate=False, demo_if_empty=False)
            async with Hub(config, options) as hub:
                web = await start_web(hub.services, "127.0.0.1", 0, TOKEN)
                try:
                    await run_all(hub, web.port, port, args, total)
                finally:
                    await web.stop()
        finally:
            broker.terminate() if hasattr(broker, "terminate") else broker.stop()  # type: ignore[attr-defined]


async def run_all(hub: Hub, web_port: int, mqtt_port: int, args: argparse.Namespace, total: int) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    prebuilt = [entity_view(e) for e in hub.home.entities]
    assert len(prebuilt) == ENTITIES
    ref_routes = [Route("/entities", lambda request: JSONResponse(prebuilt)),
                  *reference_routes(total, args.rate, args.clients)]
    ref_server, ref_task, ref_port = await serve_reference(ref_routes)
    try:
        ours, size = await asyncio.to_thread(get_times, web_port, "/api/entities", args.requests, auth)
        bare, bare_size = await asyncio.to_thread(get_times, ref_port, "/entities", args.requests, {})
        print(f"GET /api/entities, {ENTITIES} entities ({size / 1024:.0f} KB JSON), {args.requests} keep-alive requests")
        print(f"  Hearth (FastAPI, token check)   p50 {pct(ours, .5):6.2f} ms   p95 {pct(ours, .95):6.2f} ms   target p50 <= 5 ms")
        print(f"  bare Starlette, same JSON       p50 {pct(bare, .5):6.2f} ms   p95 {pct(bare, .95):6.2f} ms   ({bare_size / 1024:.0f} KB)")

        applied: list[tuple[str, int, float]] = []
        assert hub.devices is not None

        def record(event: StateChanged) -> None:
            applied.append((event.entity_id, int(event.new.attributes["brightness"]), time.time()))

        unsubscribe = hub.devices.add_listener(record)
        url = f"ws://127.0.0.1:{web_port}/api/ws?token={TOKEN}"
        result = await fan_out(url, mqtt_port, args.clients, total, args.rate, applied)
        unsubscribe()
        checked = check_fan_out(applied, result["got"])
        lat = checked["latencies"]
        print(f"Fan-out: {total} state changes published at {args.rate}/s on MQTT "
              f"({total / result['took']:.0f}/s achieved) -> device manager -> {args.clients} WebSocket clients")
        print(f"  state changes applied by the manager: {len(applied)} of {total}")
        print(f"  clients that got every change, in the manager's order: {checked['complete']} of {args.clients}"
              f" (seq strictly increasing: {checked['ordered']} of {args.clients})")
        print(f"  applied -> received latency   p50 {pct(lat, .5):6.2f} ms   p95 {pct(lat, .95):6.2f} ms   "
              f"max {max(lat):6.1f} ms")
        ref = await fan_out(f"ws://127.0.0.1:{ref_port}/ws", mqtt_port, args.clients, total, args.rate, None)
        ref_ok = sum(1 for client in ref["got"] if [s for s, *_ in client] == list(range(1, total + 1)))
        ref_lat = [(now - sent) * 1000 for client in ref["got"] for *_, now, sent in client]
        print(f"  reference: a bare Starlette WebSocket loop sending the same {total} messages at {args.rate}/s to "
              f"{args.clients} clients, one frame each: {ref_ok} of {args.clients} complete and in order")
        print(f"  reference sent -> received latency   p50 {pct(ref_lat, .5):6.2f} ms   p95 {pct(ref_lat, .95):6.2f} ms"
              f"   max {max(ref_lat):6.1f} ms")
    finally:
        ref_server.should_exit = True
        await asyncio.wait_for(ref_task, 10)

    pieces = [await asyncio.to_thread(fetch, web_port, path) for path in ("/", "/static/app.js", "/static/style.css")]
    raw = sum(len(p) for p in pieces)
    zipped = sum(len(gzip.compress(p)) for p in pieces)
    print(f"Dashboard first load: {raw / 1024:.1f} KB in {len(pieces)} files (gzipped {zipped / 1024:.1f} KB); "
          f"target <= 300 KB; nothing from a CDN")


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn", force=True)
    threading.current_thread().name = "bench"
    asyncio.run(main())
