"""The speaker as an AudioSink (sounddevice / PortAudio)."""

from __future__ import annotations

import logging
from typing import Any

from speech.errors import AudioDeviceError
from speech.mic import find_device, import_sounddevice
from speech.protocols import AudioChunk

_LOGGER = logging.getLogger(__name__)


class SpeakerSink:
    """Plays 16-bit mono chunks; write() blocks while the device takes the audio, end() waits until it played."""

    def __init__(self, device: int | str | None = None) -> None:
        self.device = device
        self.info = find_device("output", device)
        self._stream: Any = None
        self._rate: int | None = None

    def write(self, chunk: AudioChunk) -> None:
        if self._stream is None or self._rate != chunk.rate:
            self._open(chunk.rate)
        self._stream.write(chunk.audio)

    def _open(self, rate: int) -> None:
        sd = import_sounddevice()
        self.end()
        try:
            self._stream = sd.RawOutputStream(device=self.device, samplerate=rate, channels=1, dtype="int16")
            self._stream.start()
        except sd.PortAudioError as err:
            raise AudioDeviceError(f"could not open the speaker at {rate} Hz: {err}") from None
        self._rate = rate

    def end(self) -> None:
        if self._stream is not None:
            self._stream.stop()  # returns once the buffered audio has played
            self._stream.close()
            self._stream = None
