"""The microphone as an AudioSource (sounddevice / PortAudio)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

from speech.errors import AudioDeviceError
from speech.protocols import PIPELINE_RATE, AudioChunk

_LOGGER = logging.getLogger(__name__)

_QUEUE_CHUNKS = 400
"""About 13 s of 32 ms chunks; older audio is dropped if the pipeline falls that far behind."""


def import_sounddevice() -> Any:
    try:
        import sounddevice
    except OSError as err:  # the module loads libportaudio when imported
        raise AudioDeviceError(f"PortAudio is not installed ({err}); install libportaudio2") from None
    return sounddevice


def find_device(kind: str, device: int | str | None) -> dict[str, Any]:
    """The PortAudio device to use ('input' or 'output'); AudioDeviceError when there is none."""
    sd = import_sounddevice()
    try:
        info = sd.query_devices(device, kind=kind)
    except (sd.PortAudioError, ValueError) as err:
        which = f"'{device}'" if device is not None else "default"
        raise AudioDeviceError(
            f"no {which} audio {kind} device ({err}); connect one, choose another with "
            f"--{kind}-device, or use a WAV file") from None
    if int(info.get(f"max_{kind}_channels", 0)) < 1:
        raise AudioDeviceError(f"audio device '{info.get('name')}' has no {kind} channels")
    return dict(info)


class MicSource:
    """Captures 16-bit mono audio; asks for 16 kHz and falls back to the device's own rate (the pipeline
    resamples)."""

    source_name = "mic"

    def __init__(self, device: int | str | None = None, chunk_ms: int = 32) -> None:
        self.device = device
        self.info = find_device("input", device)
        self.rate = self._pick_rate()
        self.block = self.rate * chunk_ms // 1000
        self._stream: Any = None
        self._queue: asyncio.Queue[bytes] | None = None
        self._frames = 0

    def _pick_rate(self) -> int:
        sd = import_sounddevice()
        try:
            sd.check_input_settings(self.device, samplerate=PIPELINE_RATE, channels=1, dtype="int16")
            return PIPELINE_RATE
        except (sd.PortAudioError, ValueError):
            return int(self.info["default_samplerate"])

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        sd = import_sounddevice()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[bytes] = asyncio.Queue()

        def on_audio(data: Any, frames: int, _time: Any, status: Any) -> None:
            if status:
                _LOGGER.debug("microphone status: %s", status)
            try:
                loop.call_soon_threadsafe(_put_bounded, queue, bytes(data))
            except RuntimeError:  # the loop closed while PortAudio was still delivering
                pass

        try:
            self._stream = sd.RawInputStream(device=self.device, samplerate=self.rate, channels=1,
                                             dtype="int16", blocksize=self.block, callback=on_audio)
            self._stream.start()
        except sd.PortAudioError as err:
            raise AudioDeviceError(f"could not open the microphone: {err}") from None
        self._queue, self._frames = queue, 0
        while True:
            data = await queue.get()
            yield AudioChunk(self.rate, 2, 1, data, 1000.0 * self._frames / self.rate)
            self._frames += len(data) // 2

    def discard_pending(self) -> None:
        """Drop what was captured while Hearth was busy (its own reply, mostly): half-duplex."""
        dropped = 0
        while self._queue is not None and not self._queue.empty():
            dropped += len(self._queue.get_nowait()) // 2
        self._frames += dropped
        if dropped:
            _LOGGER.debug("discarded %.0f ms captured while replying", 1000 * dropped / self.rate)

    async def close(self) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None


def _put_bounded(queue: asyncio.Queue[bytes], data: bytes) -> None:
    if queue.qsize() >= _QUEUE_CHUNKS:
        queue.get_nowait()
        _LOGGER.warning("pipeline fell behind the microphone; dropped 1 chunk")
    queue.put_nowait(data)
