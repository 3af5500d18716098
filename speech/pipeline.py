"""The voice pipeline: audio source -> wake word -> endpointing -> speech-to-text -> handle_text -> TTS -> sink.

One asyncio loop; whisper, piper and the audio sink run in worker threads. Each handled utterance yields a
trace dict whose timings count from the end of speech (0), as ARCHITECTURE.md describes.

The end of speech is placed on the wall clock as if the audio arrived in real time: the endpoint is decided
when the chunk holding the end of the trailing silence is processed, so speech ended (decided_ms - end_ms)
earlier ("endpoint" is that trailing silence). That is exact for a microphone or a WAV paced in real time.
Whisper starts speculatively at the first short pause (SPEECH_PAUSE). When its reading is a complete command
understood surely enough (`PipelineOptions.early_commit_at`) and speech has not resumed, the utterance is
committed there, before the endpoint's full window of silence (the trace's "early_commit"); otherwise the
pipeline keeps listening, and the result is reused when that pause turns out to be the end. A WAV read faster
than real time gets no head start from either, so its timings are an upper bound of what a person would feel.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

import numpy as np

from hub.core.errors import HearthError
from hub.core.seams import ReadingJudge
from speech.audio import StreamResampler, chunk_to_float
from speech.protocols import (
    PIPELINE_RATE,
    AudioChunk,
    AudioSink,
    AudioSource,
    SpeechToText,
    TextToSpeech,
    Transcript,
    Vad,
    VadEventType,
    WakeDetection,
    WakeDetector,
)

_LOGGER = logging.getLogger(__name__)

HALLUCINATIONS = frozenset({"", "you", "thank you", "thanks for watching", "bye", "so", "uh", "um", "hmm"})
"""What whisper tends to 'hear' in noise; such transcripts cause no action."""


@dataclass(frozen=True, slots=True)
class TextReply:
    """What handle_text returns: the words to speak, plus what it wants in the trace."""

    response: str
    trace: Mapping[str, Any] = field(default_factory=dict)
    """Merged into the trace, e.g. {"intents": [...], "outcome": {...}}."""
    marks: Mapping[str, float] = field(default_factory=dict)
    """Stage -> time.perf_counter() when it finished, e.g. {"intents": t1, "executed": t2}; the pipeline turns
    them into timings_ms from the end of speech."""
    follow_up: bool = False
    """The reply asks something: listen for the answer without the wake word (`PipelineOptions.follow_up_s`)."""


HandleText = Callable[[str], Awaitable["TextReply | str"]]

UNSURE_BELOW = -0.7
"""Whisper's mean log-probability per token under which a reading is too unsure to act on. Chosen on the
spoken dev sets (`sixteenth`, `seventeenth`: 302 utterances by the tuning voices, clean and in white, pink and
babble noise): at -0.7, 18 of 226 right readings would ask again and 41 of 69 wrong actions would not happen
(docs/benchmarks.md)."""
ASK_AGAIN = "Sorry, I didn't catch that. Could you say it again?"


@dataclass(frozen=True)
class PipelineOptions:
    wake_required: bool = True
    """False: every utterance is a command (push-to-talk style, or recordings without a wake word)."""
    wake_timeout_s: float = 6.0
    """After the wake word, how long to wait for the command to start."""
    speech_pad_ms: int = 250
    """Audio kept around the detected speech so no word is clipped."""
    follow_up_s: float = 5.0
    """After a reply that asks something, how long to listen for the answer without the wake word."""
    max_utterance_s: float = 15.0
    min_no_speech_prob: float = 0.6
    """A transcript whose no-speech probability reaches this (and is short) is treated as noise."""
    min_score: float | None = UNSURE_BELOW
    """A command whisper heard with a mean log-probability per token under this is not acted on: Hearth asks to
    hear it again (`Transcript.heard_surely`); None: act on whatever was heard."""
    early_commit_at: float | None = 0.8
    """A speculative reading (at a short pause) whose meaning is at least this probable (`Transcript.judgement`)
    is committed at once if speech has not resumed, without waiting for the endpoint; None: never early."""


class _State(str, Enum):
    WAIT_WAKE = "wait_wake"
    LISTEN = "listen"


@dataclass
class _Utterance:
    start_ms: float
    end_ms: float
    decided_ms: float
    decided_at: float
    """time.perf_counter() when the endpoint was decided."""
    samples: np.ndarray
    wake: WakeDetection | None
    forced: bool
    final: bool = True
    """False for a speculative cut at a pause (speech may still go on)."""
    early: bool = False
    """Committed at a pause, before the endpoint, on a sure reading (see `PipelineOptions.early_commit_at`)."""

    @property
    def key(self) -> tuple[float, float]:
        return self.start_ms, self.end_ms


@dataclass
class _Speculation:
    """A transcription started at a pause, and the cut it reads."""

    utterance: _Utterance
    task: asyncio.Task[Transcript]


class VoicePipeline:
    def __init__(self, stt: SpeechToText, handle_text: HandleText, *, tts: TextToSpeech | None = None,
                 sink: AudioSink | None = None, wake: WakeDetector | None = None, vad: Vad,
                 options: PipelineOptions | None = None,
                 on_trace: Callable[[dict[str, Any]], None] | None = None,
                 accept: ReadingJudge | None = None) -> None:
        """`accept` (blocking, called in the STT's worker thread) judges a reading: how surely the home
        understands it and what it means, so the recogniser can pick the best interpretation (see
        `WhisperStt.transcribe`) and a sure one can be committed early."""
        self.stt, self.handle_text, self.tts, self.sink = stt, handle_text, tts, sink
        self.accept = accept
        self.wake, self.vad = wake, vad
        self.options = options or PipelineOptions()
        if self.options.wake_required and wake is None:
            raise ValueError("wake_required needs a wake detector; pass wake= or set wake_required=False")
        self.on_trace = on_trace
        self.traces: list[dict[str, Any]] = []
        self._speculation: _Speculation | None = None
        self._follow_up = False
        self._asked_again = False
        """The last reply asked to hear a command again: a second unsure one does not keep listening."""

    async def run(self, source: AudioSource) -> list[dict[str, Any]]:
        """Process the source until it ends; returns (and reports through on_trace) one trace per command."""
        session = _Session(self)
        try:
            async for chunk in source.chunks():
                utterances = session.feed(chunk)
                if not utterances and (early := self._committed_early(session)) is not None:
                    utterances = [early]
                for utterance in utterances:
                    if not utterance.final:
                        self._speculate(utterance)
                        continue
                    self._follow_up = False
                    await self._handle(utterance, source.source_name)
                    session.after_utterance(follow_up=self._follow_up)
                    if discard := getattr(source, "discard_pending", None):
                        discard()  # a live source: skip what was heard while replying
                        session.restart_listening()
            if (last := session.flush()) is not None:
                await self._handle(last, source.source_name)
        finally:
            if self._speculation is not None:
                await asyncio.gather(self._speculation.task, return_exceptions=True)
            await source.close()
        return self.traces

    @property
    def speculating(self) -> bool:
        """A transcription started at a pause is still running."""
        return self._speculation is not None and not self._speculation.task.done()

    def _committed_early(self, session: _Session) -> _Utterance | None:
        """The utterance cut at the current pause, when its speculative reading is done, surely understood, and
        speech has not resumed since (the session is still in that pause); else None: keep listening."""
        speculation, sure_at = self._speculation, self.options.early_commit_at
        if speculation is None or sure_at is None or not speculation.task.done():
            return None
        if session.pause != speculation.utterance.key or speculation.task.exception() is not None:
            return None
        judgement = speculation.task.result().judgement
        if judgement is None or judgement.confidence < sure_at:
            return None
        _LOGGER.info("committed early at a pause: understood at %.2f", judgement.confidence)
        return session.commit_pause(speculation.utterance)

    def _speculate(self, utterance: _Utterance) -> None:
        """Speech paused: start transcribing now; if the pause turns out to be the end, the result is ready sooner."""
        if self._speculation is not None and not self._speculation.task.done():
            return  # one speculative transcription at a time
        task = asyncio.create_task(asyncio.to_thread(self.stt.transcribe, utterance.samples, self.accept))
        self._speculation = _Speculation(utterance, task)

    async def _transcribe(self, utterance: _Utterance) -> Transcript:
        speculation, self._speculation = self._speculation, None
        if speculation is not None:
            if speculation.utterance.key == utterance.key:
                return await speculation.task
            await asyncio.gather(speculation.task, return_exceptions=True)  # stale: speech went on after that pause
        return await asyncio.to_thread(self.stt.transcribe, utterance.samples, self.accept)

    async def _handle(self, utterance: _Utterance, source_name: str) -> None:
        speech_end_at = utterance.decided_at - (utterance.decided_ms - utterance.end_ms) / 1000.0
        since_end = lambda t: round(1000.0 * (t - speech_end_at), 1)
        transcript = await self._transcribe(utterance)
        transcript_at = time.perf_counter()
        if self._is_noise(transcript):
            _LOGGER.info("ignored %.0f ms of audio heard as %r", transcript.audio_ms, transcript.text)
            return
        trace: dict[str, Any] = {
            "id": uuid.uuid4().hex[:12], "source": source_name, "transcript": transcript.text,
            "audio": {"start_ms": round(utterance.start_ms, 1), "end_ms": round(utterance.end_ms, 1),
                      "forced_end": utterance.forced},
            "early_commit": utterance.early,
        }
        if transcript.judgement is not None:
            trace["understood"] = round(transcript.judgement.confidence, 3)
        if transcript.passes > 1:
            trace["stt_passes"] = transcript.passes
        if transcript.first_best is not None:
            trace["heard_first"] = transcript.first_best
        if transcript.score is not None:
            trace["heard_score"] = round(transcript.score, 3)
        if utterance.wake is not None:
            trace["wake"] = {"word": utterance.wake.word,
                             "at_ms": round(utterance.wake.timestamp_ms - utterance.end_ms, 1)}
        timings = {"speech_end": 0.0, "endpoint": round(utterance.decided_ms - utterance.end_ms, 1),
                   "transcript": since_end(transcript_at)}
        if utterance.wake is not None:
            self._asked_again = False  # woken anew: an unsure command may be asked again once more
        reply = await self._reply(transcript, trace)
        for stage, mark in reply.marks.items():
            timings[stage] = since_end(mark)
        timings.setdefault("executed", since_end(time.perf_counter()))
        trace.update(reply.trace)
        trace["response"] = reply.response
        self._follow_up = reply.follow_up
        if reply.follow_up:
            trace["follow_up"] = True
        first_audio_at, done_at = await self._speak(reply.response)
        if first_audio_at is not None:
            timings["first_audio"] = since_end(first_audio_at)
            timings["spoken"] = since_end(done_at)
        trace["timings_ms"] = timings
        self.traces.append(trace)
        if self.on_trace is not None:
            self.on_trace(trace)

    def _is_noise(self, transcript: Transcript) -> bool:
        text = transcript.normalized
        if text in HALLUCINATIONS:
            return True
        return transcript.no_speech_prob >= self.options.min_no_speech_prob and len(text.split()) <= 2

    async def _reply(self, transcript: Transcript, trace: dict[str, Any]) -> TextReply:
        """handle_text's reply to what was heard; a question instead when it was heard too unsurely to act on."""
        if not transcript.heard_surely(self.options.min_score):
            _LOGGER.info("heard %r too unsurely (%.2f per token): asking again", transcript.text, transcript.score)
            trace["unsure"] = True
            again, self._asked_again = self._asked_again, True
            return TextReply(ASK_AGAIN, follow_up=not again)  # twice in a row (a noisy room): wait for the wake word
        self._asked_again = False
        text = transcript.text
        try:
            reply = await self.handle_text(text)
        except HearthError as err:
            _LOGGER.exception("could not handle %r", text)
            trace["error"] = str(err)
            return TextReply(str(err))
        return reply if isinstance(reply, TextReply) else TextReply(str(reply))

    async def _speak(self, text: str) -> tuple[float | None, float]:
        """Synthesise in one worker thread while another plays; returns (first audio written at, done at)."""
        if self.tts is None or self.sink is None or not text.strip():
            return None, time.perf_counter()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[AudioChunk | BaseException | None] = asyncio.Queue()
        stop = threading.Event()
        producer = asyncio.create_task(asyncio.to_thread(_produce, self.tts, text, loop, queue, stop))
        first_at: float | None = None
        try:
            while (item := await queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                if first_at is None:
                    first_at = time.perf_counter()
                await asyncio.to_thread(self.sink.write, item)
            await asyncio.to_thread(self.sink.end)
        finally:
            stop.set()
            await producer
        return first_at, time.perf_counter()


def _produce(tts: TextToSpeech, text: str, loop: asyncio.AbstractEventLoop,
             queue: asyncio.Queue[AudioChunk | BaseException | None], stop: threading.Event) -> None:
    try:
        for chunk in tts.synthesize_stream(text):
            if stop.is_set():
                break
            loop.call_soon_threadsafe(queue.put_nowait, chunk)
    except Exception as err:  # noqa: BLE001 - handed to the loop and re-raised there
        loop.call_soon_threadsafe(queue.put_nowait, err)
    finally:
        loop.call_soon_threadsafe(queue.put_nowait, None)


class _Session:
    """The listening state machine over one source: which audio is kept, and when an utterance is complete."""

    def __init__(self, pipeline: VoicePipeline) -> None:
        self.pipeline = pipeline
        self.options = pipeline.options
        self.state = _State.WAIT_WAKE if self.options.wake_required else _State.LISTEN
        self.resampler: StreamResampler | None = None
        self.buffer: list[AudioChunk] = []
        self.listen_from_ms = 0.0
        self.speech_start_ms: float | None = None
        self.wake_detection: WakeDetection | None = None
        self.last_end_ms = 0.0
        self.listen_timeout_s = self.options.wake_timeout_s
        """How long LISTEN waits for speech to start: after the wake word, or after a question (follow-up)."""
        self.pause: tuple[float, float] | None = None
        """(start, end) of the speech before the pause the utterance is in now; None while speech goes on."""
        pipeline.vad.reset()
        if pipeline.wake is not None:
            pipeline.wake.reset()

    def feed(self, chunk: AudioChunk) -> list[_Utterance]:
        """Speculative cuts (final=False) and at most one finished utterance, last."""
        chunk = self._normalize(chunk)
        self.buffer.append(chunk)
        self.last_end_ms = chunk.end_ms
        self._trim(chunk.end_ms)
        if self.state is _State.WAIT_WAKE:
            self._watch_wake(chunk)
            return []
        return self._listen(chunk)

    def _normalize(self, chunk: AudioChunk) -> AudioChunk:
        if chunk.rate == PIPELINE_RATE and chunk.width == 2 and chunk.channels == 1:
            return chunk
        if self.resampler is None or self.resampler.rate != chunk.rate:
            self.resampler = StreamResampler(chunk.rate)
        return self.resampler.process(chunk)

    def _watch_wake(self, chunk: AudioChunk) -> None:
        assert self.pipeline.wake is not None
        detection = self.pipeline.wake.process(chunk)
        if detection is None:
            return
        self.state, self.wake_detection = _State.LISTEN, detection
        self.listen_timeout_s = self.options.wake_timeout_s
        self.listen_from_ms = detection.timestamp_ms  # the command starts after the wake word
        self.speech_start_ms, self.pause = None, None
        self.pipeline.vad.reset()

    def _listen(self, chunk: AudioChunk) -> list[_Utterance]:
        found: list[_Utterance] = []
        for event in self.pipeline.vad.process(chunk):
            if event.type is VadEventType.SPEECH_START:
                self.speech_start_ms = max(event.timestamp_ms, self.listen_from_ms)
            elif self.speech_start_ms is None:
                continue
            elif event.type is VadEventType.SPEECH_PAUSE:
                found.append(self._utterance(self.speech_start_ms, event.timestamp_ms, event.decided_ms, False, False))
                self.pause = found[-1].key
            elif event.type is VadEventType.SPEECH_RESUME:
                self.pause = None
            else:
                found.append(self._utterance(self.speech_start_ms, event.timestamp_ms, event.decided_ms, event.forced))
                self.speech_start_ms, self.pause = None, None
                return found
        if (self.options.wake_required and self.speech_start_ms is None
                and chunk.end_ms - self.listen_from_ms > 1000 * self.listen_timeout_s):
            _LOGGER.info("no command followed within %.1f s; waiting for the wake word", self.listen_timeout_s)
            self.after_utterance()
        elif (self.speech_start_ms is not None
              and chunk.end_ms - self.speech_start_ms > 1000 * self.options.max_utterance_s):
            found.append(self._utterance(self.speech_start_ms, chunk.end_ms, chunk.end_ms, True))
            self.speech_start_ms, self.pause = None, None
        return found

    def _utterance(self, start_ms: float, end_ms: float, decided_ms: float, forced: bool,
                   final: bool = True) -> _Utterance:
        pad = self.options.speech_pad_ms
        first_ms = max(self.listen_from_ms, start_ms - pad)
        samples = self._audio_between(first_ms, min(decided_ms, end_ms + pad))
        return _Utterance(start_ms, end_ms, decided_ms, time.perf_counter(), samples, self.wake_detection,
                          forced, final)

    def commit_pause(self, cut: _Utterance) -> _Utterance:
        """End the utterance at the current pause (`cut`, the speculative cut made there), now: the endpointer
        starts afresh, so speech after it is a new utterance."""
        self.speech_start_ms, self.pause = None, None
        self.pipeline.vad.reset()
        return replace(cut, decided_ms=self.last_end_ms, decided_at=time.perf_counter(), final=True, early=True)

    def after_utterance(self, follow_up: bool = False) -> None:
        """Back to waiting for the wake word (or, without one, straight on listening); after a question
        (`follow_up`), first listen for the answer without it for `follow_up_s`."""
        self.wake_detection = None
        self.speech_start_ms, self.pause = None, None
        self.listen_from_ms = self.last_end_ms
        if self.options.wake_required and follow_up:
            self.state, self.listen_timeout_s = _State.LISTEN, self.options.follow_up_s
            self.pipeline.vad.reset()
        elif self.options.wake_required:
            self.state = _State.WAIT_WAKE
            assert self.pipeline.wake is not None
            self.pipeline.wake.reset()

    def restart_listening(self) -> None:
        """After a gap in the stream: forget partial speech and start the endpointer afresh."""
        self.buffer.clear()
        self.pause = None
        self.pipeline.vad.reset()

    def flush(self) -> _Utterance | None:
        """The source ended mid-utterance: end it where the audio ends."""
        if self.state is _State.LISTEN and self.speech_start_ms is not None:
            start_ms, self.speech_start_ms = self.speech_start_ms, None
            return self._utterance(start_ms, self.last_end_ms, self.last_end_ms, True)
        return None

    def _audio_between(self, first_ms: float, last_ms: float) -> np.ndarray:
        parts = []
        for chunk in self.buffer:
            if chunk.end_ms <= first_ms or chunk.timestamp_ms >= last_ms:
                continue
            samples = chunk_to_float(chunk)
            lo = max(0, round((first_ms - chunk.timestamp_ms) * PIPELINE_RATE / 1000))
            hi = min(len(samples), round((last_ms - chunk.timestamp_ms) * PIPELINE_RATE / 1000))
            parts.append(samples[lo:hi])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    def _trim(self, now_ms: float) -> None:
        keep_ms = 1000 * self.options.max_utterance_s + 2 * self.options.speech_pad_ms + 1000
        oldest = now_ms - keep_ms
        if self.state is _State.WAIT_WAKE:
            oldest = now_ms - 2000
        while self.buffer and self.buffer[0].end_ms < oldest:
            self.buffer.pop(0)
