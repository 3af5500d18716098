"""Speech for the HTTP API: a WAV upload through the voice pipeline, and replies as WAV audio.

The engines (whisper, piper, Silero) load once, lazily, in a worker thread; requests that need them are
served one at a time (the engines are not re-entrant and the CPU is small).
"""

from __future__ import annotations

import asyncio
import io
import logging
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from hub.core.errors import HearthError
from hub.services import HubServices

if TYPE_CHECKING:
    from speech.stt import WhisperStt
    from speech.tts import PiperTts

_LOGGER = logging.getLogger(__name__)
_Engine = TypeVar("_Engine")


class SpeechUnavailable(HearthError):
    """The speech engines cannot be loaded here (package or model missing)."""


class VoiceService:
    def __init__(self, services: HubServices) -> None:
        self.services = services
        self._stt: WhisperStt | None = None
        self._tts: PiperTts | None = None
        self._load_lock = asyncio.Lock()
        self._run_lock = asyncio.Lock()
        self.failure: str | None = None

    def status(self) -> dict[str, Any]:
        stt, tts = self._stt, self._tts
        return {
            "stt": {"loaded": stt is not None, "device": getattr(stt, "device", None),
                    "compute_type": getattr(stt, "compute_type", None)},
            "tts": {"loaded": tts is not None, "device": ("cuda" if tts.options.use_cuda else "cpu") if tts else None},
            "error": self.failure,
        }

    async def _speech_to_text(self) -> WhisperStt:
        """Whisper, loaded on first use (in a worker thread)."""
        async with self._load_lock:
            if self._stt is None:
                self._stt = await self._load("stt", self._load_stt)
            return self._stt

    async def _text_to_speech(self) -> PiperTts:
        """Piper, loaded on first use (in a worker thread)."""
        async with self._load_lock:
            if self._tts is None:
                self._tts = await self._load("tts", self._load_tts)
            return self._tts

    async def _load(self, kind: str, load: Callable[[], _Engine]) -> _Engine:
        try:
            return await asyncio.to_thread(load)
        except (ImportError, OSError, RuntimeError, HearthError) as err:
            self.failure = f"speech engines not available: {err}"
            _LOGGER.exception("Loading the %s engine failed", kind)
            raise SpeechUnavailable(self.failure) from err

    def _load_stt(self) -> WhisperStt:
        from speech.stt import WhisperOptions, WhisperStt

        stt = WhisperStt(WhisperOptions(names=tuple(self.services.home.spoken_names())))
        stt.warm_up()
        return stt

    def _load_tts(self) -> PiperTts:
        from speech.tts import PiperOptions, PiperTts

        return PiperTts(PiperOptions())

    async def listen(self, path: Path, session: str, max_seconds: float) -> tuple[list[dict[str, Any]], float]:
        """Run every command in the WAV at `path` through the pipeline; (traces, duration in seconds)."""
        from speech.pipeline import PipelineOptions, TextReply, VoicePipeline
        from speech.vad import Endpointer
        from speech.wavfile import WavSource

        source = await asyncio.to_thread(WavSource, path, max_seconds=max_seconds)
        duration = len(source.samples) / 16000
        stt = await self._speech_to_text()
        conversation = self.services.conversation
        await conversation.resolver()  # it weighs whisper's readings (WhisperStt.transcribe)

        async def handle_text(text: str) -> TextReply:
            trace = await conversation.handle(text, source="dashboard", session=session)
            data = trace.to_dict()
            return TextReply(trace.response, trace={"intents": trace.intents, "outcome": data["outcome"],
                                                    "trace_id": trace.id})

        async with self._run_lock:
            vad = await asyncio.to_thread(Endpointer)
            pipeline = VoicePipeline(stt, handle_text, vad=vad, options=PipelineOptions(wake_required=False),
                                     accept=conversation.understands)
            traces = await pipeline.run(source)
        return traces, duration

    async def speak(self, text: str) -> bytes:
        """The reply as a 16-bit mono WAV."""
        tts = await self._text_to_speech()
        async with self._run_lock:
            samples = await asyncio.to_thread(tts.synthesize, text)
        return wav_bytes(samples, tts.sample_rate)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """int16 mono samples as a WAV file's bytes."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()
