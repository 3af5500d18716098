"""The voice pipeline end to end on generated recordings: wake word, endpointing, whisper, reply, piper."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
import pytest

from hub.core.errors import ExecutionError
from speech.audio import float_to_int16, resample
from hub.core.seams import ReadingJudge
from speech.pipeline import ASK_AGAIN, UNSURE_BELOW, PipelineOptions, TextReply, VoicePipeline
from speech.protocols import AudioChunk, Transcript, normalize_transcript
from speech.stt import WhisperStt
from speech.tts import PiperTts
from speech.vad import Endpointer
from speech.wake import MicroWakeDetector
from speech.wavfile import WavSink, WavSource

from .conftest import DROWNED_SNR_DB, Speak, join, noise, silence, with_noise


class RecordingHandler:
    """Stands in for resolver + executor: records what it was given, answers with a fixed intent."""

    def __init__(self, error: Exception | None = None) -> None:
        self.texts: list[str] = []
        self.error = error

    async def __call__(self, text: str) -> TextReply:
        self.texts.append(text)
        if self.error is not None:
            raise self.error
        intents_at = time.perf_counter()
        intent = {"intent": "HassTurnOff", "slots": {"area": "Kitchen"}, "confidence": 0.9}
        return TextReply("Done.", trace={"intents": [intent], "outcome": {"ok": True}},
                         marks={"intents": intents_at, "executed": time.perf_counter()})

    @property
    def heard(self) -> list[str]:
        return [normalize_transcript(t) for t in self.texts]


class CountingStt:
    def __init__(self, stt: WhisperStt) -> None:
        self.stt, self.calls = stt, 0

    def transcribe(self, audio: np.ndarray, accept: Any = None) -> Transcript:
        self.calls += 1
        return self.stt.transcribe(audio, accept)


def _pipeline(stt: Any, tts: PiperTts | None, handler: RecordingHandler, wake: bool = True,
              sink: WavSink | None = None) -> VoicePipeline:
    return VoicePipeline(stt, handler, tts=tts, sink=sink, wake=MicroWakeDetector() if wake else None,
                         vad=Endpointer(), options=PipelineOptions(wake_required=wake))


async def test_several_wake_commands_reach_the_handler_without_the_wake_word(
        stt: WhisperStt, tts: PiperTts, joe: Speak, flite: Speak) -> None:
    audio = join(silence(1.0), joe("Hey Jarvis, turn off the kitchen lights."), silence(1.5),
                 flite("hey jarvis, open the garage door"), silence(1.5), noise(2.0, 0.03),
                 joe("Start the vacuum."), silence(1.0))  # the last has no wake word: ignored
    handler, sink = RecordingHandler(), WavSink()
    traces = await _pipeline(stt, tts, handler, sink=sink).run(WavSource.from_samples(audio))
    assert handler.heard == ["turn off the kitchen lights", "open the garage door"]
    assert [t["wake"]["word"] for t in traces] == ["hey_jarvis", "hey_jarvis"]
    for trace in traces:
        assert -2500 < trace["wake"]["at_ms"] < -800  # the wake word came before the command
        assert trace["intents"][0]["intent"] == "HassTurnOff" and trace["response"] == "Done."
        timings = trace["timings_ms"]
        assert list(timings)[:6] == ["speech_end", "endpoint", "transcript", "intents", "executed", "first_audio"]
        stages = [timings[k] for k in ("speech_end", "transcript", "intents", "executed", "first_audio", "spoken")]
        assert stages == sorted(stages) and stages[0] == 0
        assert timings["endpoint"] == pytest.approx(400, abs=40)
    assert sink.replies == 2 and len(sink.samples()) > tts.sample_rate  # both replies were spoken


async def test_without_wake_every_utterance_is_a_command(stt: WhisperStt, joe: Speak, flite: Speak) -> None:
    audio = join(silence(0.5), flite("lock the front door"), silence(1.2), joe("Open the garage door."),
                 silence(0.5))
    handler = RecordingHandler()
    traces = await _pipeline(stt, None, handler, wake=False).run(WavSource.from_samples(audio))
    assert handler.heard == ["lock the front door", "open the garage door"]
    assert all("wake" not in t and "first_audio" not in t["timings_ms"] for t in traces)


async def test_silence_and_noise_alone_cause_no_action(stt: WhisperStt, tts: PiperTts) -> None:
    audio = join(silence(2.0), noise(4.0, 0.02), noise(3.0, 0.15, seed=5), silence(1.0))
    for wake in (True, False):
        handler = RecordingHandler()
        assert await _pipeline(stt, tts, handler, wake=wake, sink=WavSink()).run(WavSource.from_samples(audio)) == []
        assert handler.texts == []


async def test_noisy_commands_at_10_db(biased_stt: WhisperStt, joe: Speak) -> None:
    audio = with_noise(join(silence(1.0), joe("Hey Jarvis, turn on the living room lamp."), silence(1.5),
                            joe("Hey Jarvis, set the bedroom lamp to 50%."), silence(1.0)), snr_db=10)
    handler = RecordingHandler()
    await _pipeline(biased_stt, None, handler).run(WavSource.from_samples(audio))
    assert handler.heard == ["turn on the living room lamp", "set the bedroom lamp to 50%"]


async def test_wake_word_without_a_command_times_out_then_listens_again(stt: WhisperStt, joe: Speak) -> None:
    audio = join(silence(0.5), joe("Hey Jarvis."), silence(7.0), joe("Hey Jarvis, open the garage door."),
                 silence(1.0))
    handler = RecordingHandler()
    await _pipeline(stt, None, handler).run(WavSource.from_samples(audio))
    assert handler.heard == ["open the garage door"]


async def test_a_pause_inside_a_command_keeps_it_whole(stt: WhisperStt, joe: Speak) -> None:
    first, second = joe("Turn off the kitchen lights"), joe("and start the vacuum.")
    first = first[:np.flatnonzero(np.abs(first) > 0.01)[-1]]
    audio = join(silence(0.5), first, silence(0.3), second, silence(1.0))
    handler, counting = RecordingHandler(), CountingStt(stt)
    await _pipeline(counting, None, handler, wake=False).run(WavSource.from_samples(audio))
    assert handler.heard == ["turn off the kitchen lights and start the vacuum"]
    assert counting.calls == 2  # a speculative transcription at the pause was dropped


async def test_a_clean_end_reuses_the_speculative_transcription(stt: WhisperStt, joe: Speak) -> None:
    handler, counting = RecordingHandler(), CountingStt(stt)
    audio = join(silence(0.5), joe("Open the garage door."), silence(1.0))
    await _pipeline(counting, None, handler, wake=False).run(WavSource.from_samples(audio))
    assert handler.heard == ["open the garage door"] and counting.calls == 1


async def test_a_handler_error_is_spoken_and_traced(stt: WhisperStt, tts: PiperTts, joe: Speak) -> None:
    handler, sink = RecordingHandler(ExecutionError("The garage door is not responding.")), WavSink()
    audio = join(silence(0.5), joe("Open the garage door."), silence(1.0))
    traces = await _pipeline(stt, tts, handler, wake=False, sink=sink).run(WavSource.from_samples(audio))
    assert traces[0]["error"] == traces[0]["response"] == "The garage door is not responding."
    assert sink.replies == 1


class StereoSource:
    """A 48 kHz stereo source, as a USB microphone might deliver."""

    source_name = "test"

    def __init__(self, samples_16k: np.ndarray) -> None:
        mono = float_to_int16(resample(samples_16k, 16000, 48000))
        self.frames = np.stack([mono, mono], axis=1)

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        for i in range(0, len(self.frames), 1440):
            yield AudioChunk(48000, 2, 2, self.frames[i:i + 1440].tobytes(), 1000 * i / 48000)

    async def close(self) -> None:
        return None


async def test_a_48khz_stereo_source_is_converted(stt: WhisperStt, joe: Speak) -> None:
    handler = RecordingHandler()
    audio = join(silence(1.0), joe("Hey Jarvis, open the garage door."), silence(1.5))
    traces = await _pipeline(stt, None, handler).run(StereoSource(audio))
    assert handler.heard == ["open the garage door"] and traces[0]["source"] == "test"


def test_wake_required_needs_a_detector(stt: WhisperStt) -> None:
    with pytest.raises(ValueError, match="wake detector"):
        VoicePipeline(stt, RecordingHandler(), vad=Endpointer())


class LiveSource:
    """Delivers audio in real time through a queue, like the microphone, and can discard what piled up."""

    source_name = "mic"

    def __init__(self, samples: np.ndarray) -> None:
        self.pcm = float_to_int16(samples)
        self.discarded_ms = 0.0

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        self.queue: asyncio.Queue[AudioChunk | None] = asyncio.Queue()
        feeder = asyncio.create_task(self._capture())
        while (chunk := await self.queue.get()) is not None:
            yield chunk
        await feeder

    async def _capture(self) -> None:
        started = time.perf_counter()
        for i in range(0, len(self.pcm), 512):
            await asyncio.sleep(max(0.0, started + (i + 512) / 16000 - time.perf_counter()))
            self.queue.put_nowait(AudioChunk.from_samples(self.pcm[i:i + 512], 16000, 1000 * i / 16000))
        self.queue.put_nowait(None)

    def discard_pending(self) -> None:
        while self.queue.qsize() > 0 and self.queue._queue[0] is not None:  # type: ignore[attr-defined]
            self.discarded_ms += self.queue.get_nowait().duration_ms  # type: ignore[union-attr]

    async def close(self) -> None:
        return None


class PlayingSink(WavSink):
    """Blocks for as long as the audio would take to play."""

    def write(self, chunk: AudioChunk) -> None:
        super().write(chunk)
        time.sleep(chunk.duration_ms / 1000)


async def test_a_live_source_does_not_hear_its_own_reply(stt: WhisperStt, tts: PiperTts, joe: Speak,
                                                          flite: Speak) -> None:
    command = joe("Open the garage door.")
    echo = 0.5 * joe("The garage door is open.")  # the reply, as the microphone picks it up
    audio = join(silence(0.5), command, silence(0.6), echo, silence(2.5), flite("lock the front door"), silence(1.0))
    handler = RecordingHandler()
    handler_reply = "The garage door is open."

    async def reply(text: str) -> TextReply:
        await handler(text)
        return TextReply(handler_reply)

    source = LiveSource(audio)
    pipeline = VoicePipeline(stt, reply, tts=tts, sink=PlayingSink(), vad=Endpointer(),
                             options=PipelineOptions(wake_required=False))
    traces = await pipeline.run(source)
    assert handler.heard == ["open the garage door", "lock the front door"]
    assert source.discarded_ms > 1000
    assert traces[0]["timings_ms"]["first_audio"] < traces[0]["timings_ms"]["spoken"]


class AskingHandler(RecordingHandler):
    """Asks back after the first command (a question), then answers plainly."""

    async def __call__(self, text: str) -> TextReply:
        self.texts.append(text)
        if len(self.texts) == 1:
            return TextReply("Which one: Floor Lamp or Desk Lamp?", follow_up=True)
        return TextReply("Done.")


async def test_after_a_question_the_answer_needs_no_wake_word(stt: WhisperStt, joe: Speak) -> None:
    audio = join(silence(0.5), joe("Hey Jarvis, turn on the lamp."), silence(1.5), joe("The floor lamp."),
                 silence(1.5), joe("Turn off the fan."), silence(1.0))  # no wake word, no question: ignored
    handler = AskingHandler()
    traces = await _pipeline(stt, None, handler).run(WavSource.from_samples(audio))
    assert handler.heard == ["turn on the lamp", "the floor lamp"]
    assert traces[0]["follow_up"] is True and "follow_up" not in traces[1]


async def test_the_follow_up_window_closes(stt: WhisperStt, joe: Speak) -> None:
    audio = join(silence(0.5), joe("Hey Jarvis, turn on the lamp."), silence(6.5), joe("The floor lamp."),
                 silence(1.0))
    handler = AskingHandler()
    await _pipeline(stt, None, handler).run(WavSource.from_samples(audio))
    assert handler.heard == ["turn on the lamp"]


# --- committing early at a pause -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def judge() -> ReadingJudge:
    """The resolver over the demo home, as the hub judges whisper's readings."""
    import torch

    from devices.homefile import DEMO_HOME, load_home
    from llm.resolver import Resolver
    torch.set_num_threads(1)
    home, resolver = load_home(DEMO_HOME), Resolver.load(device="cpu")
    return lambda reading: resolver.understands(reading, home)


class HeldSource:
    """Delivers audio as fast as it is asked for, but from `hold_from_ms` on holds each chunk while a speculative
    transcription runs: as if whisper finished before more audio came in. Waits with a deadline."""

    source_name = "test"

    def __init__(self, samples: np.ndarray, pipeline: VoicePipeline, hold_from_ms: float = 0.0) -> None:
        self.pcm, self.pipeline, self.hold_from_ms = float_to_int16(samples), pipeline, hold_from_ms

    async def chunks(self) -> AsyncIterator[AudioChunk]:
        for i in range(0, len(self.pcm), 512):
            at_ms = 1000 * i / 16000
            if at_ms >= self.hold_from_ms:
                await asyncio.sleep(0)  # a speculation started by the last chunk gets going
                deadline = time.monotonic() + 120
                while self.pipeline.speculating:
                    assert time.monotonic() < deadline, "the speculative transcription did not finish"
                    await asyncio.sleep(0.01)
            yield AudioChunk.from_samples(self.pcm[i:i + 512], 16000, at_ms)

    async def close(self) -> None:
        return None


class JudgedStt(CountingStt):
    """Counts calls and keeps each transcript."""

    def __init__(self, stt: WhisperStt) -> None:
        super().__init__(stt)
        self.transcripts: list[Transcript] = []

    def transcribe(self, audio: np.ndarray, accept: Any = None) -> Transcript:
        transcript = super().transcribe(audio, accept)
        self.transcripts.append(transcript)
        return transcript


async def test_a_sure_reading_at_a_pause_is_committed_early(stt: WhisperStt, joe: Speak, judge: ReadingJudge) -> None:
    audio = join(silence(0.5), joe("Open the garage door."), silence(1.5))
    handler, counting = RecordingHandler(), JudgedStt(stt)
    pipeline = VoicePipeline(counting, handler, vad=Endpointer(), options=PipelineOptions(wake_required=False),
                             accept=judge)
    traces = await pipeline.run(HeldSource(audio, pipeline))
    assert handler.heard == ["open the garage door"] and counting.calls == 1
    judgement = counting.transcripts[0].judgement
    assert judgement is not None and judgement.confidence >= pipeline.options.early_commit_at  # type: ignore[operator]
    trace = traces[0]
    assert trace["early_commit"] is True and trace["understood"] == round(judgement.confidence, 3)
    assert trace["timings_ms"]["endpoint"] < Endpointer().options.min_silence_ms  # before the endpoint's window


async def test_speech_that_resumes_after_a_sure_reading_is_not_committed(stt: WhisperStt, joe: Speak,
                                                                         judge: ReadingJudge) -> None:
    first, second = joe("Turn off the kitchen lights"), joe("and start the vacuum.")
    first = first[:np.flatnonzero(np.abs(first) > 0.01)[-1]]
    audio = join(silence(0.5), first, silence(0.3), second, silence(1.0))
    handler, counting = RecordingHandler(), JudgedStt(stt)
    pipeline = VoicePipeline(counting, handler, vad=Endpointer(), options=PipelineOptions(wake_required=False),
                             accept=judge)
    resumed_ms = 1000 * (0.5 + 0.3) + 1000 * len(first) / 16000 + 250  # the second part has been heard
    traces = await pipeline.run(HeldSource(audio, pipeline, hold_from_ms=resumed_ms))
    speculative = counting.transcripts[0]
    assert speculative.normalized == "turn off the kitchen lights"  # read at the pause, and surely understood:
    assert speculative.judgement is not None
    assert speculative.judgement.confidence >= pipeline.options.early_commit_at  # type: ignore[operator]
    assert handler.heard == ["turn off the kitchen lights and start the vacuum"]  # but speech went on: one command
    assert len(traces) == 1 and traces[0]["audio"]["end_ms"] > resumed_ms  # cut after the resumed speech
    assert counting.calls == 2  # read at the first pause, and again at the end (when that pause is sure, early)


async def test_a_command_heard_too_unsurely_is_asked_again_not_acted_on(stt: WhisperStt, joe: Speak,
                                                                        judge: ReadingJudge) -> None:
    """Whisper's reading of a command drowned in noise scores under `UNSURE_BELOW` per token: the pipeline asks
    to hear it again and the handler never sees it. The same audio with the gate off reaches the handler, and a
    clean command is acted on with the gate on."""
    drowned = join(silence(0.5), with_noise(joe("Turn off the kitchen lights."), DROWNED_SNR_DB), silence(1.2))
    clean = join(silence(0.5), joe("Open the garage door."), silence(1.2))

    async def run(audio: np.ndarray, min_score: float | None) -> tuple[RecordingHandler, list[dict[str, Any]]]:
        handler = RecordingHandler()
        pipeline = VoicePipeline(stt, handler, vad=Endpointer(), accept=judge,
                                 options=PipelineOptions(wake_required=False, min_score=min_score))
        return handler, await pipeline.run(WavSource.from_samples(audio))

    handler, traces = await run(drowned, UNSURE_BELOW)
    assert handler.texts == [] and len(traces) == 1
    assert traces[0]["unsure"] is True and traces[0]["heard_score"] < UNSURE_BELOW
    assert traces[0]["response"] == ASK_AGAIN and traces[0]["follow_up"] is True
    handler, traces = await run(drowned, None)
    assert len(handler.texts) == 1 and "unsure" not in traces[0]
    handler, traces = await run(clean, UNSURE_BELOW)
    assert handler.heard == ["open the garage door"] and traces[0]["heard_score"] >= UNSURE_BELOW


async def test_a_second_unsure_command_in_a_row_goes_back_to_waiting_for_the_wake_word(stt: WhisperStt, joe: Speak,
                                                                                     judge: ReadingJudge) -> None:
    """In a noisy room, asking again must not become a loop: after the second unsure command in a row the
    pipeline waits for the wake word, so a third one without it is not even transcribed. Woken again, it asks
    again once more."""
    drowned = with_noise(joe("Turn off the kitchen lights."), DROWNED_SNR_DB - 5)
    audio = join(silence(0.5), joe("Hey Jarvis."), silence(0.3), drowned, silence(1.2), drowned, silence(1.2),
                 drowned, silence(1.2))
    handler = RecordingHandler()
    pipeline = VoicePipeline(stt, handler, vad=Endpointer(), wake=MicroWakeDetector(), accept=judge,
                             options=PipelineOptions(wake_required=True))
    traces = await pipeline.run(WavSource.from_samples(audio))
    assert handler.texts == [] and [t["unsure"] for t in traces] == [True, True]
    assert all(t["heard_score"] < UNSURE_BELOW for t in traces)
    assert traces[0]["follow_up"] is True and "follow_up" not in traces[1]
    woken = await pipeline.run(WavSource.from_samples(join(silence(0.5), joe("Hey Jarvis."), silence(0.3), drowned,
                                                           silence(1.2))))
    assert len(traces) == 3 and woken[-1]["unsure"] is True and woken[-1]["follow_up"] is True
