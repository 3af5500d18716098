"""Command round trip and state ingestion: the hub next to a bare paho-mqtt client doing the same work.

    python bench/mqtt_bench.py [--round-trips 300] [--updates 20000]

Starts its own Mosquitto on a free loopback port (falls back to the embedded broker when Mosquitto is
not installed) and the simulated demo home. Prints p50/p95 and rates, and the hub's figures as
differences and ratios against the bare client measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.homefile import DEMO_HOME
from devices.mqtt.broker import free_port
from devices.mqtt.client import set_nodelay
from hub.app import Hub, HubOptions
from hub.core.config import HearthConfig, MqttConfig, StorageConfig
from hub.core.events import ToolCall

BASE = "zigbee2mqtt"
LIGHTS = ["Kitchen Ceiling", "Counter Lights", "Hallway Light", "Bedroom Light", "Bathroom Light"]
PUBLISHER = """
# A minimal MQTT 3.1.1 load generator on a raw socket: N QoS 1 PUBLISH packets encoded up front,
# so the figure measured is the subscriber's capacity, not a Python client's publishing speed.
import json, socket, struct, sys, threading
port, n, lights, prefix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(","), sys.argv[4]
def varint(n):
    out = bytearray()
    while True:
        byte, n = n % 128, n // 128
        out.append(byte | (0x80 if n else 0))
        if not n: return bytes(out)
def packet(kind, body): return bytes([kind]) + varint(len(body)) + body
def string(s): b = s.encode(); return struct.pack("!H", len(b)) + b
sock = socket.create_connection(("127.0.0.1", port)); sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
sock.sendall(packet(0x10, string("MQTT") + bytes([4, 2]) + struct.pack("!H", 60) + string("bench-load")))
assert sock.recv(4)[:1] == b"\\x20"
data = b"".join(packet(0x32, string(prefix + "/" + lights[i % len(lights)]) + struct.pack("!H", i % 65535 + 1)
                       + json.dumps({"state": "ON", "brightness": 1 + i % 250, "seq": i}).encode())
                for i in range(n))
acked = [0]
def read():
    buf = b""
    while acked[0] < n:
        buf += sock.recv(65536)
        acked[0] += len(buf) // 4; buf = buf[len(buf) // 4 * 4:]
reader = threading.Thread(target=read); reader.start()
sys.stdin.readline()
sock.sendall(data); reader.join(60)
print("done", acked[0], flush=True)
"""


def start_broker(workdir: Path) -> tuple[int, object]:
    port = free_port()
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if Path(binary).exists():
        conf = workdir / "mosquitto.conf"
        conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                        "max_queued_messages 1000000\nmax_inflight_messages 0\nset_tcp_nodelay true\n")
        proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return port, proc
            time.sleep(0.05)
        raise SystemExit("mosquitto did not start")
    from devices.mqtt.broker import EmbeddedBroker
    broker = EmbeddedBroker(port)
    broker.start()
    print("(Mosquitto not installed: using the embedded amqtt broker)")
    return port, broker


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def hub_round_trips(hub: Hub, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        outcome = await hub.executor.execute(ToolCall("HassToggle", {"name": "Hallway Light"}))
        times.append((time.perf_counter() - start) * 1000)
        assert outcome.ok, outcome.response
    return times


def bare_round_trips(port: int, n: int) -> list[float]:
    """The same work with plain paho: publish /set, wait for the device's state showing the change."""
    got = threading.Condition()
    last: dict[str, str] = {}

    def on_message(client: paho.Client, userdata: object, msg: paho.MQTTMessage) -> None:
        with got:
            last["state"] = json.loads(msg.payload)["state"]
            got.notify_all()

    client = paho.Client(CallbackAPIVersion.VERSION2)
    client.on_message = on_message
    client.on_connect = lambda c, *a: set_nodelay(c)  # the same socket option the hub uses
    client.connect("127.0.0.1", port)
    client.subscribe(f"{BASE}/Hallway Light", qos=1)
    client.loop_start()
    time.sleep(0.3)
    times = []
    for _ in range(n):
        with got:
            want = "OFF" if last.get("state") == "ON" else "ON"
        start = time.perf_counter()
        client.publish(f"{BASE}/Hallway Light/set", json.dumps({"state": want}), qos=1).wait_for_publish(5)
        with got:
            assert got.wait_for(lambda want=want: last.get("state") == want, timeout=5)
        times.append((time.perf_counter() - start) * 1000)
    client.loop_stop()
    client.disconnect()
    return times


def run_publisher(port: int, n: int, prefix: str = BASE) -> tuple[subprocess.Popen[str], float]:
    proc = subprocess.Popen([sys.executable, "-c", PUBLISHER, str(port), str(n), ",".join(LIGHTS), prefix],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    start = time.perf_counter()
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return proc, start


async def hub_ingest(hub: Hub, port: int, n: int) -> tuple[float, int]:
    stats = hub.devices.stats
    await hub.settle()  # nothing else in flight
    before = stats.applied
    proc, start = run_publisher(port, n)
    while stats.applied - before < n:
        await asyncio.sleep(0.001)
        if time.perf_counter() - start > 120:
            break
    elapsed = time.perf_counter() - start
    proc.wait()
    await hub.devices.flush()
    return elapsed, stats.applied - before


def bare_ingest(port: int, n: int) -> tuple[float, int]:
    count = [0]
    done = threading.Event()

    def on_message(client: paho.Client, userdata: object, msg: paho.MQTTMessage) -> None:
        json.loads(msg.payload)
        count[0] += 1
        if count[0] >= n:
            done.set()

    client = paho.Client(CallbackAPIVersion.VERSION2)
    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.subscribe("bare/#", qos=1)  # its own topics, so the hub is not busy with them meanwhile
    client.loop_start()
    time.sleep(0.5)
    proc, start = run_publisher(port, n, "bare")
    done.wait(120)
    elapsed = time.perf_counter() - start
    proc.wait()
    client.loop_stop()
    return elapsed, count[0]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--round-trips", type=int, default=300)
    parser.add_argument("--updates", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port, broker = start_broker(Path(tmp))
        config = HearthConfig(mqtt=MqttConfig(broker=f"mqtt://127.0.0.1:{port}", discovery=False),
                              storage=StorageConfig(database=Path(tmp) / "bench.db"))
        try:
            async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
                await hub_round_trips(hub, 20)  # warm up
                bare = await asyncio.to_thread(bare_round_trips, port, args.round_trips)
                ours = await hub_round_trips(hub, args.round_trips)
                bare_t, bare_n = await asyncio.to_thread(bare_ingest, port, args.updates)
                hub_t, hub_n = await hub_ingest(hub, port, args.updates)
                lost = args.updates - hub_n
                last = {LIGHTS[i % len(LIGHTS)]: 1 + i % 250 for i in range(args.updates)}
                wrong = [name for name, brightness in last.items()
                         if next(e for e in hub.home.entities if e.name == name).attributes["brightness"]
                         != brightness]
                assert not wrong, f"final state differs from the last update for {wrong}"
                persisted = hub.devices.stats.persisted
        finally:
            broker.terminate() if hasattr(broker, "terminate") else broker.stop()
    report(ours, bare, (hub_t, hub_n), (bare_t, bare_n), args.updates, lost, persisted)


def report(ours: list[float], bare: list[float], hub_ing: tuple[float, int], bare_ing: tuple[float, int],
           n: int, lost: int, persisted: int) -> None:
    p50, p95 = pct(ours, 0.5), pct(ours, 0.95)
    b50, b95 = pct(bare, 0.5), pct(bare, 0.95)
    print(f"command round trip (executor → broker → simulated device → confirmed state), {len(ours)} runs")
    print(f"  hub          p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   mean {statistics.mean(ours):6.2f} ms")
    print(f"  bare paho    p50 {b50:6.2f} ms   p95 {b95:6.2f} ms   mean {statistics.mean(bare):6.2f} ms")
    print(f"  hub overhead p50 {p50 - b50:+6.2f} ms   (×{p50 / b50:.2f} of bare)")
    hub_rate, bare_rate = hub_ing[1] / hub_ing[0], bare_ing[1] / bare_ing[0]
    print(f"state ingestion, {n} updates over QoS 1 from another process")
    print(f"  hub          {hub_rate:8.0f} updates/s   applied {hub_ing[1]}   lost {lost}   "
          f"rows persisted {persisted}")
    print(f"  bare paho    {bare_rate:8.0f} updates/s   received {bare_ing[1]}")
    print(f"  hub / bare   ×{hub_rate / bare_rate:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
