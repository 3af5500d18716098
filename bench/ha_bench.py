"""Home Assistant integration figures: Wyoming transcript → handled, Wyoming transcribe of a 2 s
command, and state sync Home Assistant → Hearth.

    python bench/ha_bench.py [--runs 50] [--no-homeassistant]

Each figure is printed next to a reference measured in the same run: the same work called in-process
(no protocol), and for state sync Home Assistant's own REST round trip. The Home Assistant part boots a
real Home Assistant core (installed into its own venv on first use, as the tests do).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.mqtt_bench import pct, start_broker
from devices.mqtt.broker import free_port
from hub.app import Hub, HubOptions
from hub.core.config import HearthConfig, MqttConfig, StorageConfig
from tests.conftest import DEMO_HOME


def line(label: str, times: list[float], reference: list[float] | None = None, unit: str = "ms") -> str:
    text = f"  {label:<34} p50 {pct(times, .5):8.1f} {unit}   p95 {pct(times, .95):8.1f} {unit}"
    if reference:
        text += f"   ×{pct(times, .5) / pct(reference, .5):.2f} of in-process"
    return text


async def wyoming_figures(hub: Hub, runs: int) -> None:
    from wyoming.asr import Transcribe, Transcript
    from wyoming.audio import AudioChunk, AudioStart, AudioStop
    from wyoming.client import AsyncTcpClient

    from hub.wyoming import Engines, WyomingServer

    engines = await asyncio.to_thread(Engines.load, [])
    port = free_port()
    server = WyomingServer(f"tcp://127.0.0.1:{port}", engines, hub.conversation)
    await server.start()
    await hub.conversation.resolver()
    sentences = ["turn on the kitchen lights", "turn off the kitchen lights"]
    direct, over = [], []
    for i in range(runs):
        t0 = time.perf_counter()
        await hub.conversation.handle(sentences[i % 2], source="bench")
        direct.append((time.perf_counter() - t0) * 1000)
    async with AsyncTcpClient("127.0.0.1", port) as client:
        for i in range(runs):
            t0 = time.perf_counter()
            await client.write_event(Transcript(text=sentences[i % 2]).event())
            await client.read_event()
            over.append((time.perf_counter() - t0) * 1000)
    print("Wyoming transcript → handled (resolver + executor + confirmed device state)")
    print(line("in-process conversation.handle", direct))
    print(line("over Wyoming (AsyncTcpClient)", over, direct))

    chunks = list(engines.tts.synthesize_stream("Turn on the kitchen lights and start the vacuum."))
    from speech.audio import to_pipeline_samples

    audio = np.concatenate([to_pipeline_samples(c.audio, c.rate, c.width, c.channels) for c in chunks])
    audio = np.concatenate([audio, np.zeros(max(0, 32000 - len(audio)), np.float32)])[:32000]  # 2.0 s
    pcm = (audio * 32767).astype("<i2").tobytes()
    local, remote = [], []
    for _ in range(max(5, runs // 5)):
        t0 = time.perf_counter()
        await asyncio.to_thread(engines.stt.transcribe, audio)
        local.append((time.perf_counter() - t0) * 1000)
    async with AsyncTcpClient("127.0.0.1", port) as client:
        for _ in range(max(5, runs // 5)):
            t0 = time.perf_counter()
            await client.write_event(Transcribe().event())
            await client.write_event(AudioStart(rate=16000, width=2, channels=1).event())
            for i in range(0, len(pcm), 4096):
                await client.write_event(AudioChunk(rate=16000, width=2, channels=1, audio=pcm[i:i + 4096]).event())
            await client.write_event(AudioStop().event())
            await client.read_event()
            remote.append((time.perf_counter() - t0) * 1000)
    print("Wyoming transcribe of a 2.0 s command (tiny.en int8)")
    print(line("in-process WhisperStt.transcribe", local))
    print(line("over Wyoming (audio sent → transcript)", remote, local))
    await server.stop()


async def state_sync(hub: Hub, mosquitto_port: int, runs: int) -> None:
    from devices.homeassistant import Credentials, HomeAssistantBridge
    from tests.ha.homeassistant import boot, ensure_installed

    hass = await asyncio.to_thread(ensure_installed)
    with tempfile.TemporaryDirectory() as tmp:
        ha = await asyncio.to_thread(boot, hass, Path(tmp), free_port())
        try:
            await asyncio.to_thread(ha.onboard)
            bridge = HomeAssistantBridge(Credentials(ha.url, ha.token), poll_interval=0.5)
            areas, entities = await bridge.fetch(hub.home)
            hub.registry.replace_source("homeassistant", areas, entities)
            hub.devices.reload()
            hub.devices.remote = bridge
            bridge.start_sync(hub.devices.apply_remote_state)
            porch = next(e.id for e in entities if e.attributes["ha_entity_id"] == "light.porch_light")
            sync, rest = [], []
            for i in range(runs):
                want = "on" if i % 2 == 0 else "off"
                t0 = time.perf_counter()
                await asyncio.to_thread(ha.call_service, "light", f"turn_{want}", entity_id="light.porch_light")
                rest.append((time.perf_counter() - t0) * 1000)
                while hub.devices.entity(porch).state != want:
                    await asyncio.sleep(0.005)
                sync.append((time.perf_counter() - t0) * 1000)
            await bridge.stop()
        finally:
            ha.stop()
    print(f"state sync Home Assistant → Hearth ({runs} changes, polling every 0.5 s)")
    print(line("HA service call (REST round trip)", rest))
    print(line("change visible in Hearth", sync) + f"   max {max(sync):.0f} ms")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-homeassistant", action="store_true", help="skip the state-sync part")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        port, broker = start_broker(Path(tmp))
        config = HearthConfig(mqtt=MqttConfig(broker=f"mqtt://127.0.0.1:{port}", discovery=False),
                              storage=StorageConfig(database=Path(tmp) / "bench.db"))
        try:
            async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
                await wyoming_figures(hub, args.runs)
                if not args.no_homeassistant:
                    await state_sync(hub, port, max(10, args.runs // 5))
        finally:
            broker.terminate() if hasattr(broker, "terminate") else broker.stop()


if __name__ == "__main__":
    asyncio.run(main())
