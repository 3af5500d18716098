"""MQTT trigger → first action message, with 1 and with 1,000 automations loaded; timer firing accuracy.

    python bench/automation_bench.py [--runs 200] [--timers 20]

Starts Mosquitto on a free loopback port (the embedded broker if Mosquitto is missing) and the
simulated demo home. The reference is a bare paho client that answers the same trigger with the
same message from its callback, measured in the same run. Loop protection (an automation triggered
10 times in 2 s is switched off) is turned off here, since the benchmark triggers that fast on purpose.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as paho
import yaml
from paho.mqtt.enums import CallbackAPIVersion

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.mqtt_bench import pct, start_broker
from devices.homefile import DEMO_HOME
from devices.mqtt.client import set_nodelay
from hub.app import Hub, HubOptions
from hub.core.config import load_config
from hub.core.events import ToolCall


def automations(count: int) -> list[dict]:
    return [{"id": f"a{i}", "trigger": {"platform": "mqtt", "topic": f"bench/button/{i}",
                                        "payload_json": {"action": "single"}},
             "action": {"intent": "HassToggle", "slots": {"name": "Hallway Light"}}} for i in range(count)]


class Probe:
    """Publishes triggers and times the first `/set` message that answers each."""

    def __init__(self, port: int, answer_topic: str) -> None:
        self.got = threading.Event()
        self.client = paho.Client(CallbackAPIVersion.VERSION2)
        self.client.on_connect = lambda c, *a: set_nodelay(c)
        self.client.on_message = lambda c, u, m: self.got.set()
        self.client.connect("127.0.0.1", port)
        self.client.subscribe(answer_topic, qos=1)
        self.client.loop_start()
        time.sleep(0.3)

    def round_trip(self, topic: str) -> float:
        self.got.clear()
        start = time.perf_counter()
        self.client.publish(topic, json.dumps({"action": "single"}), qos=1)
        if not self.got.wait(5):
            raise SystemExit(f"no answer to {topic}")
        return (time.perf_counter() - start) * 1000

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def bare_responder(port: int) -> paho.Client:
    client = paho.Client(CallbackAPIVersion.VERSION2)

    def on_message(c: paho.Client, u: object, m: paho.MQTTMessage) -> None:
        if json.loads(m.payload).get("action") == "single":
            c.publish("bare/answer/set", json.dumps({"state": "TOGGLE"}), qos=1)
    client.on_connect = lambda c, *a: set_nodelay(c)
    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.subscribe("bare/button", qos=1)
    client.loop_start()
    return client


async def trigger_latency(port: int, tmp: Path, count: int, runs: int) -> list[float]:
    path = tmp / f"hearth-{count}.yaml"
    path.write_text(yaml.safe_dump({
        "mqtt": {"broker": f"mqtt://127.0.0.1:{port}", "discovery": False, "client_id": f"bench{count}"},
        "storage": {"database": str(tmp / f"bench-{count}.db")}, "automations": automations(count)}))
    async with Hub(load_config(path), HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        assert len(hub.automations.automations) == count
        hub.automations.loop_window = 0  # we trigger at a loop's rate on purpose
        probe = Probe(port, "zigbee2mqtt/Hallway Light/set")
        topic = f"bench/button/{count // 2}"
        times = []
        for _ in range(runs):
            times.append(await asyncio.to_thread(probe.round_trip, topic))
            while hub.automations.state[f"a{count // 2}"].running:
                await asyncio.sleep(0.001)
            await asyncio.sleep(0.02)
        probe.close()
    return times


async def timer_accuracy(port: int, tmp: Path, count: int) -> tuple[list[float], list[float]]:
    path = tmp / "hearth-timers.yaml"
    path.write_text(yaml.safe_dump({"mqtt": {"broker": f"mqtt://127.0.0.1:{port}", "discovery": False,
                                             "client_id": "bench-timers"},
                                    "storage": {"database": str(tmp / "timers.db")}}))
    events: list[tuple[float, dict]] = []
    watcher = paho.Client(CallbackAPIVersion.VERSION2)
    watcher.on_message = lambda c, u, m: events.append((time.time(), json.loads(m.payload)))
    watcher.connect("127.0.0.1", port)
    watcher.subscribe("hearth/event", qos=1)
    watcher.loop_start()
    async with Hub(load_config(path), HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        due = {}
        for i in range(count):
            outcome = await hub.executor.execute(ToolCall("HassStartTimer", {"seconds": 1 + i * 0.1}))
            due[outcome.targets[0]] = time.time() + 1 + i * 0.1
        while len(events) < count:
            await asyncio.sleep(0.05)
    watcher.loop_stop()
    own = [e["late_ms"] for _, e in events]
    observed = [(at - due[e["id"]]) * 1000 for at, e in events]
    return own, observed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--timers", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        port, broker = start_broker(tmp)
        try:
            bare = bare_responder(port)
            probe = Probe(port, "bare/answer/set")
            reference = [probe.round_trip("bare/button") for _ in range(args.runs)]
            probe.close()
            bare.loop_stop()
            one = await trigger_latency(port, tmp, 1, args.runs)
            thousand = await trigger_latency(port, tmp, 1000, args.runs)
            own, observed = await timer_accuracy(port, tmp, args.timers)
        finally:
            broker.terminate() if hasattr(broker, "terminate") else broker.stop()
    print(f"MQTT trigger in → first action message out ({args.runs} runs each)")
    for label, times in (("bare paho echo", reference), ("1 automation", one), ("1,000 automations", thousand)):
        print(f"  {label:<18} p50 {pct(times, .5):6.2f} ms   p95 {pct(times, .95):6.2f} ms   "
              f"×{pct(times, .5) / pct(reference, .5):.2f} of bare p50")
    print(f"timers: {args.timers} timers of 1–{1 + (args.timers - 1) * 0.1:.1f} s")
    print(f"  lateness seen by the hub       p50 {pct(own, .5):6.1f} ms   max {max(own):6.1f} ms")
    print(f"  lateness seen on MQTT (event)  p50 {pct(observed, .5):6.1f} ms   max {max(observed):6.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
