"""The Wyoming server under hostile input (hole 3): a chunk in another format than its audio-start, huge
announced lengths, nested JSON. Real sockets on 127.0.0.1; no speech models are needed for any of it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import requests
from wyoming.asr import Transcribe
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import async_read_event, async_write_event
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize

from devices.mqtt.broker import free_port
from hub.app import Hub, HubOptions
from hub.web.app import start_web
from hub.wyoming import MAX_AUDIO_SECONDS, Engines, WyomingServer
from tests.conftest import DEMO_HOME, Mosquitto, hub_config

TOKEN = "limits-test-token-0123456789"


@pytest.fixture
async def served(tmp_path: Path, mosquitto: Mosquitto) -> AsyncIterator[tuple[int, str]]:
    """A hub with Wyoming (engines never reached by these tests) and the web server: (wyoming port, web url)."""
    async with Hub(hub_config(tmp_path, mosquitto.uri), HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        port = free_port()
        wyoming = WyomingServer(f"tcp://127.0.0.1:{port}", Engines(stt=None, tts=None), hub.conversation)
        await wyoming.start()
        web = await start_web(hub.services, "127.0.0.1", 0, TOKEN)
        try:
            yield port, web.url
        finally:
            await web.stop()
            await wyoming.stop()


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


async def probe(url: str) -> float:
    """Seconds /api/health takes to answer (the hub's event loop serves it)."""
    started = time.perf_counter()
    answer = await asyncio.to_thread(requests.get, url + "/api/health", timeout=10)
    assert answer.status_code == 200
    return time.perf_counter() - started


async def replies(reader: asyncio.StreamReader, quiet: float = 1.0) -> list:
    out = []
    while True:
        try:
            event = await asyncio.wait_for(async_read_event(reader), quiet)
        except TimeoutError:
            return out
        if event is None:
            return out
        out.append(event)


async def test_a_chunk_in_another_format_is_refused_and_the_hub_keeps_answering(served) -> None:
    port, url = served
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    before = rss_mb()
    for event in (Transcribe(), AudioStart(rate=16000, width=2, channels=1)):
        await async_write_event(event.event(), writer)
    await async_write_event(AudioChunk(rate=1, width=2, channels=1, audio=bytes(8192)).event(), writer)
    latency = await probe(url)
    (error,) = await replies(reader)
    assert Error.from_event(error).code == "audio-format"
    assert "audio-start said 16000 Hz" in Error.from_event(error).text
    assert latency < 0.2, f"/api/health took {latency * 1000:.0f} ms"
    assert rss_mb() - before < 50
    # the utterance is dropped: later chunks in the right format are ignored until a new audio-start
    await async_write_event(AudioChunk(rate=16000, width=2, channels=1, audio=bytes(3200)).event(), writer)
    await async_write_event(AudioStop().event(), writer)
    assert await replies(reader) == []
    writer.close()


@pytest.mark.parametrize("rate", [1, 7999, 48001, 10**9])
async def test_audio_start_rates_outside_8_to_48_khz_are_refused(served, rate: int) -> None:
    port, _ = served
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await async_write_event(AudioStart(rate=rate, width=2, channels=1).event(), writer)
    (error,) = await replies(reader)
    assert Error.from_event(error).code == "audio-format"
    writer.close()


@pytest.mark.parametrize("header", [
    b'{"type": "audio-chunk", "data_length": 67108864}\n',
    b'{"type": "audio-chunk", "payload_length": 67108864}\n',
    b'{"type": "audio-chunk", "payload_length": -5}\n',
    b'{"type": "describe", "data": ' + b"[" * 5000 + b"]" * 5000 + b"}\n",
    b'{"type": "describe", "data": {"a": 1}, "data_length": 2}\n[]',
])
async def test_oversized_or_malformed_events_close_the_connection_with_an_error(served, header: bytes) -> None:
    port, url = served
    before = rss_mb()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(header)  # refused on the announcement alone, before any of it is read
    await writer.drain()
    (error,) = await replies(reader)
    assert Error.from_event(error).code == "too-large"
    assert await reader.read() == b""  # closed
    assert rss_mb() - before < 20
    assert await probe(url) < 0.2
    reader2, writer2 = await asyncio.open_connection("127.0.0.1", port)
    await async_write_event(Describe().event(), writer2)
    (info,) = await replies(reader2)
    assert Info.is_type(info.type)  # still serving others
    writer.close()
    writer2.close()


async def test_buffered_audio_is_bounded(served) -> None:
    port, _ = served
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for event in (Transcribe(), AudioStart(rate=48000, width=2, channels=2)):
        await async_write_event(event.event(), writer)
    second = bytes(48000 * 2 * 2)
    for _ in range(int(MAX_AUDIO_SECONDS) + 1):
        await async_write_event(AudioChunk(rate=48000, width=2, channels=2, audio=second).event(), writer)
    (error,) = await replies(reader, quiet=3)
    assert Error.from_event(error).code == "audio-too-long"
    writer.close()


async def test_a_server_without_speech_engines_answers_with_an_error_not_a_crash(served) -> None:
    port, url = served
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    for event in (Transcribe(), AudioStart(rate=16000, width=2, channels=1),
                  AudioChunk(rate=16000, width=2, channels=1, audio=bytes(3200)), AudioStop(),
                  Synthesize(text="hello")):
        await async_write_event(event.event(), writer)
    answers = [await asyncio.wait_for(async_read_event(reader), 10) for _ in range(2)]
    assert [(Error.from_event(a).code, Error.from_event(a).text) for a in answers] == [
        ("no-stt", "this server has no speech-to-text"), ("no-tts", "this server has no text-to-speech")]
    await async_write_event(Describe().event(), writer)
    info = await asyncio.wait_for(async_read_event(reader), 10)
    assert info is not None and Info.is_type(info.type)  # the connection still serves
    writer.close()
