"""The Wyoming server, driven by the `wyoming` library's own async TCP client (what Home Assistant uses)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info
from wyoming.tts import Synthesize
from wyoming.wake import Detect, Detection, NotDetected

from devices.mqtt.broker import free_port
from hub.app import Hub, HubOptions
from hub.wyoming import Engines, WyomingServer
from speech.pipeline import UNSURE_BELOW
from tests.conftest import DEMO_HOME, Mosquitto, hub_config
from tests.speech.conftest import DROWNED_SNR_DB, join, silence, with_noise


@pytest.fixture
async def server(tmp_path: Path, mosquitto: Mosquitto, stt, tts) -> AsyncIterator[tuple[str, Hub]]:
    config = hub_config(tmp_path, mosquitto.uri)
    async with Hub(config, HubOptions(home=DEMO_HOME, simulate=True)) as hub:
        uri = f"tcp://127.0.0.1:{free_port()}"
        wyoming = WyomingServer(uri, Engines(stt, tts), hub.conversation)
        await wyoming.start()
        try:
            yield uri, hub
        finally:
            await wyoming.stop()


def client(uri: str) -> AsyncTcpClient:
    _, _, rest = uri.partition("://")
    host, _, port = rest.partition(":")
    return AsyncTcpClient(host, int(port))


REQUESTS = {"describe", "transcribe", "synthesize", "transcript", "detect"}
"""Events the server answers (once each, with one of ENDS)."""
ENDS = {"info", "transcript", "handled", "not-handled", "audio-stop", "detection", "not-detected", "error"}


async def ask(uri: str, *events, deadline: float = 60.0) -> list:
    """Send events and collect the replies until every request has had its last one (an `ENDS` event), or
    fail at the deadline: no quiet-period guessing, so a slow machine waits instead of losing a reply."""
    wanted = sum(e.event().type in REQUESTS for e in events)
    async with client(uri) as c:
        for event in events:
            await c.write_event(event.event())
        replies: list = []
        async with asyncio.timeout(deadline):
            while sum(r.type in ENDS for r in replies) < wanted:
                reply = await c.read_event()
                assert reply is not None, f"the server closed the connection after {replies}"
                replies.append(reply)
        return replies


def audio_events(samples: np.ndarray, rate: int = 16000, channels: int = 1) -> list:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    if channels == 2:
        pcm = np.repeat(pcm, 2)
    data = pcm.tobytes()
    step = 2048
    return [AudioStart(rate=rate, width=2, channels=channels),
            *[AudioChunk(rate=rate, width=2, channels=channels, audio=data[i:i + step])
              for i in range(0, len(data), step)],
            AudioStop()]


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    positions = np.linspace(0, len(samples) - 1, int(len(samples) * rate / 16000))
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


async def test_describe(server) -> None:
    uri, _ = server
    (reply,) = await ask(uri, Describe())
    info = Info.from_event(reply)
    assert [p.name for p in info.asr] == ["hearth-stt"] and info.asr[0].models[0].name == "tiny.en"
    assert info.tts[0].voices[0].name == "en_US-joe-medium"
    assert info.wake[0].models[0].name == "hey_jarvis"
    phrases = {model.name: model.phrase for model in info.wake[0].models}
    assert phrases["okay_nabu"] == "Okay Nabu" and phrases["hey_jarvis_hearth"] == "Hey Jarvis"
    assert info.handle[0].name == "hearth" and info.handle[0].supports_home_control


async def test_transcribe_any_rate_and_channels(server, joe) -> None:
    uri, _ = server
    speech = joe("Turn on the kitchen lights.")
    (reply,) = await ask(uri, Transcribe(language="en"), *audio_events(speech))
    assert Transcript.from_event(reply).text.lower() == "turn on the kitchen lights."
    (reply,) = await ask(uri, Transcribe(), *audio_events(resample(speech, 44100), 44100, channels=2))
    assert Transcript.from_event(reply).text.lower() == "turn on the kitchen lights."


async def test_speech_heard_too_unsurely_is_no_transcript(server, joe, stt) -> None:
    """Whisper's reading of a command drowned in noise is under the hub's gate: Home Assistant is told nothing
    was recognised (and says so), rather than handed words to act on."""
    uri, hub = server
    drowned = join(silence(0.5), with_noise(joe("Turn off the kitchen lights."), DROWNED_SNR_DB - 5), silence(1.2))
    heard = await asyncio.to_thread(stt.transcribe, drowned, hub.conversation.understands)
    assert heard.text.strip() and heard.score < UNSURE_BELOW  # words, unsurely
    (reply,) = await ask(uri, Transcribe(language="en"), *audio_events(drowned))
    assert Transcript.from_event(reply).text == ""


async def test_synthesize(server) -> None:
    uri, _ = server
    replies = await ask(uri, Synthesize(text="The kitchen lights are on. Good night."))
    assert AudioStart.is_type(replies[0].type) and AudioStop.is_type(replies[-1].type)
    chunks = [AudioChunk.from_event(e) for e in replies[1:-1]]
    assert chunks and {c.rate for c in chunks} == {22050}
    assert sum(len(c.audio) for c in chunks) / 2 / 22050 > 1.0  # more than a second of speech


async def test_handle_transcript_executes(server) -> None:
    uri, hub = server
    (reply,) = await ask(uri, Transcript(text="turn on the kitchen lights"))
    assert Handled.from_event(reply).text == "Turned on the lights in the Kitchen."
    assert hub.devices.entity("light.kitchen_ceiling").state == "on"
    (reply,) = await ask(uri, Transcript(text="blorp fizzle wob"))
    assert NotHandled.is_type(reply.type)
    assert hub.traces.recent(1, source="wyoming")[0]["transcript"] == "blorp fizzle wob"


async def test_a_question_keeps_the_conversation_open(server) -> None:
    uri, hub = server
    (asked, answered) = await ask(uri, Transcript(text="set the thermostat"), Transcript(text="22 degrees"))
    question, answer = Handled.from_event(asked), Handled.from_event(answered)
    assert question.text.startswith("To what temperature?") and question.context["continue_conversation"] is True
    assert answer.context == {"conversation_id": question.context["conversation_id"], "continue_conversation": False}
    assert hub.devices.entity("climate.thermostat").attributes["temperature"] == 22


async def test_wake_word(server, joe) -> None:
    uri, _ = server
    quiet = np.zeros(16000, dtype=np.float32)
    replies = await ask(uri, Detect(names=["hey_jarvis"]), *audio_events(np.concatenate([quiet, joe("Hey Jarvis."), quiet])))
    assert Detection.from_event(replies[0]).name == "hey_jarvis"
    replies = await ask(uri, Detect(), *audio_events(np.concatenate([quiet, joe("Good morning."), quiet])))
    assert NotDetected.is_type(replies[0].type)


async def test_a_satellite_with_two_wake_words(server, joe) -> None:
    uri, _ = server
    quiet = np.zeros(16000, dtype=np.float32)
    both = Detect(names=["hey_jarvis", "okay_nabu"])
    replies = await ask(uri, both, *audio_events(np.concatenate([quiet, joe("Okay Nabu."), quiet])))
    assert Detection.from_event(replies[0]).name == "okay_nabu"
    replies = await ask(uri, both, *audio_events(np.concatenate([quiet, joe("Hey Jarvis."), quiet])))
    assert Detection.from_event(replies[0]).name == "hey_jarvis"
    (reply,) = await ask(uri, Detect(names=["hey_toaster"]))
    assert "unknown wake word 'hey_toaster'" in Error.from_event(reply).text


async def test_bad_input_leaves_server_serving(server, joe) -> None:
    uri, _ = server
    (reply,) = await ask(uri, Transcribe(), AudioStart(rate=16000, width=3, channels=1))
    assert Error.from_event(reply).code == "audio-format"
    (reply,) = await ask(uri, Synthesize(text="   "))
    assert Error.from_event(reply).code == "bad-event"
    host, port = uri.removeprefix("tcp://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b'{"type": "transcribe", "data_length": 99999}\n{garbage')  # cut off mid-event
    await writer.drain()
    writer.close()
    reader2, writer2 = await asyncio.open_connection(host, int(port))
    writer2.write(b"this is not json\n")
    await writer2.drain()
    writer2.close()
    (reply,) = await ask(uri, Describe())  # still serving
    assert Info.is_type(reply.type)
