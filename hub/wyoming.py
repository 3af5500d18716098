"""A Wyoming server: Hearth's speech-to-text, text-to-speech, wake word and intent handling for
Home Assistant's Assist pipelines (the `wyoming` package's own server and event types)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import (
    AsrModel, AsrProgram, Attribution, Describe, HandleModel, HandleProgram, Info, TtsProgram, TtsVoice,
    WakeModel, WakeProgram,
)
from wyoming.server import AsyncEventHandler, AsyncServer
from wyoming.tts import Synthesize
from wyoming.wake import Detect, Detection, NotDetected

from hub import __version__
from hub.conversation import asks_back

_LOGGER = logging.getLogger(__name__)
_HEARTH = Attribution(name="Hearth", url="https://example.invalid/hearth")
MAX_AUDIO_SECONDS = 30.0
"""A transcription request longer than this is refused (Assist commands are a few seconds)."""
_RATES = range(8000, 96001)


@dataclass
class Engines:
    """Speech engines, loaded once and shared by every connection (one request at a time each)."""

    stt: Any
    tts: Any
    wake_word: str = "hey_jarvis"
    stt_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    tts_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    def load(cls, names: list[str], wake_word: str = "hey_jarvis") -> Engines:
        from speech.stt import WhisperOptions, WhisperStt
        from speech.tts import PiperTts

        stt = WhisperStt(WhisperOptions(names=tuple(names)))
        stt.warm_up()
        tts = PiperTts()
        tts.warm_up()
        return cls(stt, tts, wake_word)

    def info(self) -> Info:
        def model(kind: type, **extra: Any) -> Any:
            return kind(name=extra.pop("name"), attribution=_HEARTH, installed=True, description=None,
                        version=__version__, languages=["en"], **extra)
        return Info(
            asr=[AsrProgram(name="hearth-stt", attribution=_HEARTH, installed=True, version=__version__,
                            description="Hearth speech-to-text (faster-whisper)",
                            models=[model(AsrModel, name="tiny.en")])],
            tts=[TtsProgram(name="hearth-tts", attribution=_HEARTH, installed=True, version=__version__,
                            description="Hearth text-to-speech (piper)",
                            voices=[model(TtsVoice, name="en_US-joe-medium")])],
            wake=[WakeProgram(name="hearth-wake", attribution=_HEARTH, installed=True, version=__version__,
                              description="Hearth wake word (microWakeWord)",
                              models=[model(WakeModel, name=self.wake_word, phrase=self.wake_word.replace("_", " "))])],
            handle=[HandleProgram(name="hearth", attribution=_HEARTH, installed=True, version=__version__,
                                  description="Hearth: understands and carries out home commands",
                                  models=[model(HandleModel, name="hearth-intents")], supports_home_control=True)],
        )


class HearthEventHandler(AsyncEventHandler):
    """One client connection. A bad event gets an Error event; the server keeps serving others."""

    def __init__(self, engines: Engines, hub: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engines = engines
        self.hub = hub
        self._mode: str | None = None
        self._format: tuple[int, int, int] | None = None
        self._audio: list[np.ndarray] = []
        self._seconds = 0.0
        self._wake: Any = None

    async def handle_event(self, event: Event) -> bool:
        try:
            return await self._dispatch(event)
        except (ValueError, KeyError, TypeError) as err:
            _LOGGER.warning("Wyoming: bad %s event: %s", event.type, err)
            await self.write_event(Error(text=f"bad {event.type} event: {err}", code="bad-event").event())
            return True

    async def _dispatch(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(self.engines.info().event())
        elif Transcribe.is_type(event.type):
            self._mode = "transcribe"
        elif Detect.is_type(event.type):
            self._mode = "detect"
        elif AudioStart.is_type(event.type):
            await self._audio_start(AudioStart.from_event(event))
        elif AudioChunk.is_type(event.type):
            await self._audio_chunk(AudioChunk.from_event(event))
        elif AudioStop.is_type(event.type):
            await self._audio_stop()
        elif Synthesize.is_type(event.type):
            await self._synthesize(Synthesize.from_event(event).text)
        elif Transcript.is_type(event.type):
            await self._handle(Transcript.from_event(event).text)
        else:
            _LOGGER.debug("Wyoming: ignoring %s", event.type)
        return True

    # --- audio in ----------------------------------------------------------------------------

    async def _audio_start(self, start: AudioStart) -> None:
        if start.width not in (1, 2, 4) or not 1 <= start.channels <= 8 or start.rate not in _RATES:
            self._format = None
            await self.write_event(Error(
                text=f"unsupported audio: {start.rate} Hz, {8 * start.width}-bit, {start.channels} channels "
                     "(PCM 8–96 kHz, 8/16/32-bit, 1–8 channels)", code="audio-format").event())
            return
        self._format, self._audio, self._seconds = (start.rate, start.width, start.channels), [], 0.0
        if self._mode == "detect":
            from speech.wake import MicroWakeDetector, WakeOptions

            self._wake = MicroWakeDetector(WakeOptions(self.engines.wake_word))

    async def _audio_chunk(self, chunk: AudioChunk) -> None:
        from speech.audio import to_pipeline_samples
        from speech.protocols import AudioChunk as PipelineChunk

        if self._format is None:
            return  # refused at AudioStart (or none sent): drop quietly, the error was said once
        samples = to_pipeline_samples(chunk.audio, chunk.rate, chunk.width, chunk.channels)
        self._seconds += len(samples) / 16000
        if self._mode == "detect" and self._wake is not None:
            detection = self._wake.process(PipelineChunk.from_samples(samples, 16000))
            if detection is not None:
                await self.write_event(Detection(name=detection.word, timestamp=int(detection.timestamp_ms)).event())
                self._wake = None
            return
        if self._seconds > MAX_AUDIO_SECONDS:
            if self._audio:
                await self.write_event(Error(text=f"audio longer than {MAX_AUDIO_SECONDS:g} s",
                                             code="audio-too-long").event())
            self._audio = []
            return
        self._audio.append(samples)

    async def _audio_stop(self) -> None:
        if self._mode == "detect":
            if self._wake is not None:
                await self.write_event(NotDetected().event())
            self._wake = None
        elif self._audio and self._seconds <= MAX_AUDIO_SECONDS:
            audio = np.concatenate(self._audio)
            async with self.engines.stt_lock:
                transcript = await asyncio.to_thread(self.engines.stt.transcribe, audio,
                                                     self.hub.conversation.understands)
            await self.write_event(Transcript(text=transcript.text.strip()).event())
        self._audio, self._format, self._mode = [], None, None

    # --- text in ------------------------------------------------------------------------------

    async def _synthesize(self, text: str) -> None:
        if not text.strip():
            raise ValueError("nothing to say")
        async with self.engines.tts_lock:
            chunks = await asyncio.to_thread(lambda: list(self.engines.tts.synthesize_stream(text)))
        first = chunks[0]
        await self.write_event(AudioStart(rate=first.rate, width=first.width, channels=first.channels).event())
        for chunk in chunks:
            await self.write_event(AudioChunk(rate=chunk.rate, width=chunk.width, channels=chunk.channels,
                                              audio=chunk.audio).event())
        await self.write_event(AudioStop().event())

    async def _handle(self, text: str) -> None:
        trace = await self.hub.conversation.handle(text, source="wyoming", session=f"wyoming-{id(self)}")
        # The conversation is this connection's; a reply that asks something says so, so a satellite can
        # keep the microphone open for the answer (no wake word).
        context = {"conversation_id": trace.conversation_id, "continue_conversation": asks_back(trace.to_dict())}
        reply = (Handled(text=trace.response, context=context) if trace.intents
                 else NotHandled(text=trace.response, context=context))
        await self.write_event(reply.event())


class WyomingServer:
    """`hearth serve --wyoming tcp://127.0.0.1:10700`."""

    def __init__(self, uri: str, engines: Engines, hub: Any) -> None:
        self.uri, self.engines, self.hub = uri, engines, hub
        self._server = AsyncServer.from_uri(uri)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._server.start(partial(HearthEventHandler, self.engines, self.hub))
        _LOGGER.info("Wyoming server on %s", self.uri)

    async def stop(self) -> None:
        await self._server.stop()
