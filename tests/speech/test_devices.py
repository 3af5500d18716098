"""Microphone and speaker over a stand-in PortAudio (this machine has no sound card): chunking, timestamps,
rate fallback, discarding audio captured while replying, and the clear error when no device exists."""

from __future__ import annotations

import asyncio
import threading
import time
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from speech import mic, speaker
from speech.errors import AudioDeviceError
from speech.protocols import AudioChunk


class FakePortAudio:
    """What speech.mic/speaker use of sounddevice: devices, settings checks, raw streams."""

    class PortAudioError(Exception):
        pass

    def __init__(self, rates: tuple[int, ...] = (16000,), has_devices: bool = True) -> None:
        self.rates, self.has_devices = rates, has_devices
        self.written: list[tuple[int, bytes]] = []
        self.audio = np.zeros(0, np.int16)

    def query_devices(self, device: Any = None, kind: str = "input") -> dict[str, Any]:
        if not self.has_devices:
            raise self.PortAudioError("Error querying device -1")
        return {"name": "fake", "max_input_channels": 1, "max_output_channels": 2, "default_samplerate": 48000.0}

    def check_input_settings(self, device: Any = None, samplerate: int = 0, **_: Any) -> None:
        if samplerate not in self.rates:
            raise self.PortAudioError("Invalid sample rate")

    def RawInputStream(self, samplerate: int, blocksize: int, callback: Any, **_: Any) -> Any:
        audio, stop = self.audio, threading.Event()

        def capture() -> None:
            for i in range(0, len(audio), blocksize):
                time.sleep(0.002)
                if stop.is_set():
                    return
                callback(audio[i:i + blocksize].tobytes(), blocksize, None, None)

        thread = threading.Thread(target=capture, daemon=True)
        return SimpleNamespace(start=thread.start, stop=stop.set, close=lambda: None)

    def RawOutputStream(self, samplerate: int, **_: Any) -> Any:
        return SimpleNamespace(start=lambda: None, write=lambda data: self.written.append((samplerate, data)),
                               stop=lambda: None, close=lambda: None)


@pytest.fixture
def portaudio(monkeypatch: pytest.MonkeyPatch) -> FakePortAudio:
    fake = FakePortAudio()
    monkeypatch.setattr(mic, "import_sounddevice", lambda: fake)
    monkeypatch.setattr(speaker, "import_sounddevice", lambda: fake)
    return fake


async def test_microphone_chunks_are_timed_by_frames(portaudio: FakePortAudio) -> None:
    portaudio.audio = np.arange(16000, dtype=np.int16)
    source = mic.MicSource(chunk_ms=32)
    chunks = []
    async for chunk in source.chunks():
        chunks.append(chunk)
        if len(chunks) == 10:
            break
    await source.close()
    assert source.rate == 16000 and source.block == 512
    assert [c.timestamp_ms for c in chunks[:3]] == [0.0, 32.0, 64.0]
    assert np.array_equal(np.concatenate([c.samples() for c in chunks]), np.arange(5120, dtype=np.int16))


async def test_microphone_falls_back_to_the_device_rate(portaudio: FakePortAudio) -> None:
    portaudio.rates = (48000,)
    assert mic.MicSource().rate == 48000


async def test_discarding_skips_audio_but_keeps_stream_time(portaudio: FakePortAudio) -> None:
    portaudio.audio = np.zeros(16000 * 10, dtype=np.int16)  # captured in about 0.6 s
    source = mic.MicSource(chunk_ms=32)
    stream = source.chunks()
    first = await anext(stream)
    await asyncio.sleep(0.1)  # the capture thread keeps filling the queue meanwhile
    source.discard_pending()
    after = await anext(stream)
    await source.close()
    assert first.timestamp_ms == 0.0 and after.timestamp_ms >= 3 * 32.0


def test_no_device_is_a_clear_error(portaudio: FakePortAudio) -> None:
    portaudio.has_devices = False
    with pytest.raises(AudioDeviceError, match="no default audio input device.*--input-device"):
        mic.MicSource()
    with pytest.raises(AudioDeviceError, match="no 'USB' audio output device.*--output-device"):
        speaker.SpeakerSink("USB")


def test_speaker_opens_a_stream_per_rate(portaudio: FakePortAudio) -> None:
    sink = speaker.SpeakerSink()
    sink.write(AudioChunk.from_samples(np.ones(100, np.int16), 22050))
    sink.write(AudioChunk.from_samples(np.ones(50, np.int16), 22050))
    sink.end()
    sink.write(AudioChunk.from_samples(np.ones(10, np.int16), 16000))
    sink.end()
    assert [(rate, len(data)) for rate, data in portaudio.written] == [(22050, 200), (22050, 100), (16000, 20)]
