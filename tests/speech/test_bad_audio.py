"""Audio nobody should have to send, sent anyway: each gets a clear result in bounded time, never a hang."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import numpy as np
import pytest

from speech.audio import float_to_int16, resample
from speech.pipeline import PipelineOptions, VoicePipeline
from speech.protocols import AudioChunk
from speech.stt import WhisperStt
from speech.vad import Endpointer
from speech.wavfile import WavSource

from .conftest import Speak, join, silence
from .test_pipeline import RecordingHandler

COMMAND = "Open the garage door."


def _pipeline(stt: WhisperStt, handler: RecordingHandler) -> VoicePipeline:
    return VoicePipeline(stt, handler, vad=Endpointer(), options=PipelineOptions(wake_required=False))


async def _heard(stt: WhisperStt, audio: np.ndarray) -> tuple[list[str], float]:
    handler = RecordingHandler()
    t0 = time.perf_counter()
    await _pipeline(stt, handler).run(WavSource.from_samples(audio.astype(np.float32)))
    return handler.heard, time.perf_counter() - t0


@pytest.mark.parametrize("spoil", ["clipped", "dc offset", "very quiet", "very loud"])
async def test_a_spoiled_recording_is_still_heard(stt: WhisperStt, joe: Speak, spoil: str) -> None:
    speech = joe(COMMAND)
    spoiled = {"clipped": np.clip(speech * 8, -0.3, 0.3),
               "dc offset": np.clip(speech + 0.25, -1, 1),
               "very quiet": speech * 0.02,
               "very loud": np.clip(speech * 30, -1, 1)}[spoil]
    heard, seconds = await _heard(stt, join(silence(0.8), spoiled, silence(1.2)))
    assert heard == ["open the garage door"]
    assert seconds < 20


async def test_a_constant_offset_alone_is_no_speech(stt: WhisperStt) -> None:
    heard, seconds = await _heard(stt, np.full(16000 * 5, 0.4, np.float32))
    assert heard == [] and seconds < 20


class TelephoneSource:
    """8 kHz 16-bit mono, as a telephone line or an old satellite sends it."""

    source_name = "test"

    def __init__(self, samples: np.ndarray) -> None:
        self.frames = float_to_int16(resample(samples, 16000, 8000))

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        for i in range(0, len(self.frames), 256):
            yield AudioChunk(8000, 2, 1, self.frames[i:i + 256].tobytes(), 1000 * i / 8000)

    async def close(self) -> None:
        return None


async def test_8khz_telephone_audio_is_heard(stt: WhisperStt, joe: Speak) -> None:
    handler = RecordingHandler()
    await _pipeline(stt, handler).run(TelephoneSource(join(silence(0.8), joe(COMMAND), silence(1.2))))
    assert handler.heard == ["open the garage door"]


async def test_endless_talk_is_cut_into_bounded_pieces(stt: WhisperStt, joe: Speak) -> None:
    """Two minutes of one utterance with no pause (a radio left on): cut into pieces of at most
    `max_utterance_s`, each heard once; no hang. (A WAV over the length limit is refused: test_cli.)"""
    talk = joe("and then we went to the market and bought some bread and cheese and apples")
    audio = np.resize(talk, 16000 * 120).astype(np.float32)  # no pause long enough to end an utterance
    handler = RecordingHandler()
    t0 = time.perf_counter()
    await _pipeline(stt, handler).run(WavSource.from_samples(audio))
    assert 0 < len(handler.texts) <= 120 / Endpointer().options.max_utterance_s + 1
    assert time.perf_counter() - t0 < 120
