"""A Wyoming server: Hearth's speech-to-text, text-to-speech, wake word and intent handling for
Home Assistant's Assist pipelines (the `wyoming` package's own server and event types)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event
from wyoming.handle import Handled, NotHandled
from wyoming.info import (
    AsrModel,
    AsrProgram,
    Attribution,
    Describe,
    HandleModel,
    HandleProgram,
    Info,
    TtsProgram,
    TtsVoice,
    WakeModel,
    WakeProgram,
)
from wyoming.server import AsyncEventHandler, AsyncServer
from wyoming.tts import Synthesize
from wyoming.wake import Detect, Detection, NotDetected

from hub import __version__
from hub.conversation import asks_back
from hub.core.logs import RateLimitedLogger
from hub.core.seams import Judgement
from hub.netjson import load_json
from hub.traces import Trace
from speech.wake import DEFAULT_WAKE_WORD, WAKE_PHRASES

if TYPE_CHECKING:
    from speech.protocols import SpeechToText, TextToSpeech

_LOGGER = logging.getLogger(__name__)
_BAD_INPUT = RateLimitedLogger(_LOGGER)
_HEARTH = Attribution(name="Hearth", url="https://example.invalid/hearth")
MAX_AUDIO_SECONDS = 30.0
"""A transcription request longer than this is refused (Assist commands are a few seconds)."""
_RATES = range(8000, 48001)
_WIDTHS = (1, 2, 4)
MAX_CHANNELS = 8
MAX_HEADER_BYTES = 64 * 1024
"""The JSON line of one event (asyncio's stream reader limit, which the server keeps)."""
MAX_DATA_BYTES = 64 * 1024
"""An event's separate JSON data (`data_length`)."""
MAX_PAYLOAD_BYTES = 1024 * 1024
"""An event's binary payload (`payload_length`): one audio chunk (a second of 48 kHz 16-bit stereo is 192 KB)."""
DEFAULT_URI = "tcp://127.0.0.1:10700"


class Assistant(Protocol):
    """What Wyoming needs of the hub (its `Conversation`): turns carried out, and readings weighed."""

    def understands(self, text: str) -> Judgement: ...

    async def handle(self, text: str, source: str = "text", session: str = "default") -> Trace: ...


@dataclass
class Engines:
    """Speech engines, loaded once and shared by every connection (one request at a time each)."""

    stt: SpeechToText | None
    """None: transcribe requests get an error event."""
    tts: TextToSpeech | None
    """None: synthesize requests get an error event."""
    wake_word: str = DEFAULT_WAKE_WORD
    stt_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    tts_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    def load(cls, names: list[str], wake_word: str = DEFAULT_WAKE_WORD) -> Engines:
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
                              description="Hearth wake word (microWakeWord's models and Hearth's own)",
                              models=[model(WakeModel, name=word, phrase=WAKE_PHRASES.get(word, word))
                                      for word in _offered_words(self.wake_word)])],
            handle=[HandleProgram(name="hearth", attribution=_HEARTH, installed=True, version=__version__,
                                  description="Hearth: understands and carries out home commands",
                                  models=[model(HandleModel, name="hearth-intents")], supports_home_control=True)],
        )


class HearthEventHandler(AsyncEventHandler):
    """One client connection. A bad event gets an Error event; the server keeps serving others."""

    def __init__(self, engines: Engines, assistant: Assistant, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engines = engines
        self.assistant = assistant
        self._mode: str | None = None
        self._format: tuple[int, int, int] | None = None
        self._audio: list[np.ndarray] = []
        self._seconds = 0.0
        self._wake: Any = None
        self._wake_words: tuple[str, ...] = (engines.wake_word,)

    async def run(self) -> None:
        """Like the library's loop, but an event announcing more than the limits is refused, not buffered."""
        self._is_running = True
        try:
            while self._is_running:
                try:
                    event = await read_event(self.reader)
                except EventRefused as err:
                    _BAD_INPUT.warning("Wyoming: closing a connection: %s", err)
                    await self.write_event(Error(text=str(err), code="too-large").event())
                    break
                if event is None or not await self.handle_event(event):
                    break
        finally:
            await self.disconnect()
            self.writer.close()

    async def handle_event(self, event: Event) -> bool:
        try:
            return await self._dispatch(event)
        except (ValueError, KeyError, TypeError) as err:
            _BAD_INPUT.warning("Wyoming: bad %s event: %s", event.type, err)
            await self.write_event(Error(text=f"bad {event.type} event: {err}", code="bad-event").event())
            return True

    async def _dispatch(self, event: Event) -> bool:
        if Describe.is_type(event.type):
            await self.write_event(self.engines.info().event())
        elif Transcribe.is_type(event.type):
            self._mode = "transcribe"
        elif Detect.is_type(event.type):
            self._mode = "detect"
            self._wake_words = _wake_words(Detect.from_event(event).names, self.engines.wake_word)
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
        if start.width not in _WIDTHS or not 1 <= start.channels <= MAX_CHANNELS or start.rate not in _RATES:
            self._format = None
            await self.write_event(Error(
                text=f"unsupported audio: {start.rate} Hz, {8 * start.width}-bit, {start.channels} channels "
                     f"(PCM 8–48 kHz, 8/16/32-bit, 1–{MAX_CHANNELS} channels)", code="audio-format").event())
            return
        self._format, self._audio, self._seconds = (start.rate, start.width, start.channels), [], 0.0
        if self._mode == "detect":
            from speech.wake import MicroWakeDetector, WakeOptions

            first, *second = self._wake_words
            self._wake = await asyncio.to_thread(
                MicroWakeDetector, WakeOptions(first, second_word=second[0] if second else None))

    async def _audio_chunk(self, chunk: AudioChunk) -> None:
        """A chunk in the format its audio-start announced; anything else ends the utterance with an error.
        Converting and wake-word work run in a worker thread, never on the hub's event loop."""
        if self._format is None:
            return  # refused at AudioStart (or none sent): drop quietly, the error was said once
        rate, width, channels = self._format
        if (chunk.rate, chunk.width, chunk.channels) != self._format or len(chunk.audio) % (width * channels):
            await self._refuse(f"audio-chunk is {chunk.rate} Hz, {8 * chunk.width}-bit, {chunk.channels} channels, "
                               f"{len(chunk.audio)} bytes; audio-start said {rate} Hz, {8 * width}-bit, "
                               f"{channels} channels", "audio-format")
            return
        self._seconds += len(chunk.audio) / (rate * width * channels)
        if self._mode != "detect" and self._seconds > MAX_AUDIO_SECONDS:
            await self._refuse(f"audio longer than {MAX_AUDIO_SECONDS:g} s", "audio-too-long")
            return
        samples = await asyncio.to_thread(_pipeline_samples, chunk.audio, rate, width, channels)
        if self._mode == "detect" and self._wake is not None:
            await self._detect(samples)
            return
        self._audio.append(samples)

    async def _detect(self, samples: np.ndarray) -> None:
        from speech.protocols import AudioChunk as PipelineChunk

        detection = await asyncio.to_thread(self._wake.process, PipelineChunk.from_samples(samples, 16000))
        if detection is not None:
            await self.write_event(Detection(name=detection.word, timestamp=int(detection.timestamp_ms)).event())
            self._wake = None

    async def _refuse(self, text: str, code: str) -> None:
        """Drop the utterance (what came so far and what follows, until the next audio-start)."""
        _LOGGER.info("Wyoming: %s", text)
        self._format, self._audio, self._wake = None, [], None
        await self.write_event(Error(text=text, code=code).event())

    async def _audio_stop(self) -> None:
        if self._mode == "detect":
            if self._wake is not None:
                await self.write_event(NotDetected().event())
            self._wake = None
        elif self._audio and self._format is not None and self._seconds <= MAX_AUDIO_SECONDS:
            await self._transcribe(np.concatenate(self._audio))
        self._audio, self._format, self._mode = [], None, None

    async def _transcribe(self, audio: np.ndarray) -> None:
        stt = self.engines.stt
        if stt is None:
            await self.write_event(Error(text="this server has no speech-to-text", code="no-stt").event())
            return
        async with self.engines.stt_lock:
            transcript = await asyncio.to_thread(stt.transcribe, audio, self.assistant.understands)
        from speech.pipeline import UNSURE_BELOW

        text = transcript.text.strip()
        if not transcript.heard_surely(UNSURE_BELOW):
            _LOGGER.info("Wyoming: heard %r too unsurely (%.2f per token); nothing recognised", text, transcript.score)
            text = ""  # Home Assistant then says it did not understand, as for silence: nothing is acted on
        await self.write_event(Transcript(text=text).event())

    # --- text in ------------------------------------------------------------------------------

    async def _synthesize(self, text: str) -> None:
        if not text.strip():
            raise ValueError("nothing to say")
        tts = self.engines.tts
        if tts is None:
            await self.write_event(Error(text="this server has no text-to-speech", code="no-tts").event())
            return
        async with self.engines.tts_lock:
            chunks = await asyncio.to_thread(lambda: list(tts.synthesize_stream(text)))
        first = chunks[0]
        await self.write_event(AudioStart(rate=first.rate, width=first.width, channels=first.channels).event())
        for chunk in chunks:
            await self.write_event(AudioChunk(rate=chunk.rate, width=chunk.width, channels=chunk.channels,
                                              audio=chunk.audio).event())
        await self.write_event(AudioStop().event())

    async def _handle(self, text: str) -> None:
        trace = await self.assistant.handle(text, source="wyoming", session=f"wyoming-{id(self)}")
        # The conversation is this connection's; a reply that asks something says so, so a satellite can
        # keep the microphone open for the answer (no wake word).
        context = {"conversation_id": trace.conversation_id, "continue_conversation": asks_back(trace.to_dict())}
        reply = (Handled(text=trace.response, context=context) if trace.intents
                 else NotHandled(text=trace.response, context=context))
        await self.write_event(reply.event())


def _pipeline_samples(audio: bytes, rate: int, width: int, channels: int) -> np.ndarray:
    from speech.audio import to_pipeline_samples

    return to_pipeline_samples(audio, rate, width, channels)


class EventRefused(Exception):
    """An event over the size limits, or one that is not an event; the connection is closed."""


async def read_event(reader: asyncio.StreamReader) -> Event | None:
    """One Wyoming event, its announced data and payload lengths checked before anything is read."""
    try:
        line = await reader.readline()
    except ValueError:  # longer than the reader's limit
        raise EventRefused(f"an event header over {MAX_HEADER_BYTES} bytes") from None
    if not line:
        return None
    try:
        header = load_json(line, "event header")
        if not isinstance(header, dict) or not isinstance(header.get("type"), str):
            raise ValueError("an event header must be a JSON object with a type")
        data = header.get("data") or {}
        data_length = _length(header, "data_length", MAX_DATA_BYTES)
        payload_length = _length(header, "payload_length", MAX_PAYLOAD_BYTES)
        if data_length:
            extra = load_json(await reader.readexactly(data_length), "event data")
            if not isinstance(data, dict) or not isinstance(extra, dict):
                raise ValueError("event data must be a JSON object")
            data = {**data, **extra}
        payload = await reader.readexactly(payload_length) if payload_length else None
    except asyncio.IncompleteReadError:
        return None
    except ValueError as err:
        raise EventRefused(str(err)) from None
    if not isinstance(data, dict):
        raise EventRefused("event data must be a JSON object")
    return Event(type=header["type"], data=data, payload=payload)


def _length(header: dict[str, Any], key: str, limit: int) -> int:
    value = header.get(key) or 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise ValueError(f"{key} must be a whole number of bytes up to {limit}, not {value!r:.20}")
    return value


class WyomingServer:
    """`hearth serve --wyoming tcp://127.0.0.1:10700`."""

    def __init__(self, uri: str, engines: Engines, assistant: Assistant) -> None:
        self.uri, self.engines, self.assistant = uri, engines, assistant
        self._server = AsyncServer.from_uri(uri)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._server.start(partial(HearthEventHandler, self.engines, self.assistant))
        if self.uri.startswith("tcp://") and not self.uri.startswith(("tcp://127.", "tcp://localhost:",
                                                                      "tcp://[::1]")):
            _LOGGER.warning("Wyoming on %s is reachable from the network and needs no password: allow only "
                            "Home Assistant's address to its port in your firewall", self.uri)
        _LOGGER.info("Wyoming server on %s", self.uri)

    async def stop(self) -> None:
        await self._server.stop()


def _offered_words(default: str) -> list[str]:
    return [default, *(w for w in WAKE_PHRASES if w != default)]


def _wake_words(names: list[str] | None, default: str) -> tuple[str, ...]:
    """The wake words a Detect asks for: up to two of those offered (a satellite may have two, as in Home
    Assistant); none named means the default one. An unknown name is a ValueError (an Error event back)."""
    if not names:
        return (default,)
    offered = _offered_words(default)
    unknown = [n for n in names if n not in offered]
    if unknown:
        raise ValueError(f"unknown wake word {unknown[0]!r}; offered: {', '.join(offered)}")
    words = tuple(dict.fromkeys(names))
    if len(words) > 2:
        raise ValueError(f"at most two wake words at once, not {len(words)}")
    return words
