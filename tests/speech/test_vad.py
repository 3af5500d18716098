"""Silero endpointing: where speech starts and ends, silence and noise, splitting long recordings."""

from __future__ import annotations

import numpy as np
import pytest

from speech.audio import float_to_int16
from speech.protocols import AudioChunk, VadEventType
from speech.segmenter import split_utterances
from speech.stt import WhisperStt
from speech.vad import Endpointer, EndpointOptions, SileroVad

from .conftest import Speak, join, noise, silence, with_noise


@pytest.fixture(scope="module")
def endpointer() -> Endpointer:
    return Endpointer()


def _events(endpointer: Endpointer, samples: np.ndarray, chunk: int = 480) -> list:
    endpointer.reset()
    pcm = float_to_int16(samples)
    events = []
    for i in range(0, len(pcm), chunk):
        events += endpointer.process(AudioChunk.from_samples(pcm[i:i + chunk], 16000, 1000 * i / 16000))
    return events


def _speech_bounds_ms(samples: np.ndarray) -> tuple[float, float]:
    loud = np.flatnonzero(np.abs(samples) > 0.02)
    return 1000 * loud[0] / 16000, 1000 * loud[-1] / 16000


def test_streaming_probabilities_match_faster_whisper(joe: Speak) -> None:
    from faster_whisper.vad import get_vad_model
    audio = join(silence(0.3), joe("Turn off the kitchen lights."), silence(0.3))
    audio = audio[:len(audio) // 512 * 512]
    reference = get_vad_model()(audio).reshape(-1)
    vad = SileroVad()
    streamed = np.concatenate([vad.probabilities(audio[i:i + 700]) for i in range(0, len(audio), 700)])
    assert np.abs(streamed - reference[:len(streamed)]).max() < 1e-5 and len(streamed) == len(reference)


def test_one_command_gives_start_then_end_near_the_speech(endpointer: Endpointer, joe: Speak) -> None:
    speech = joe("Turn off the kitchen lights.")
    audio = join(silence(1.0), speech, silence(1.5))
    events = _events(endpointer, audio)
    kinds = [e.type for e in events]
    assert kinds == [VadEventType.SPEECH_START, VadEventType.SPEECH_PAUSE, VadEventType.SPEECH_END]
    first, last = _speech_bounds_ms(audio)
    start, pause, end = events
    assert first - 150 <= start.timestamp_ms <= first + 100
    assert last - 100 <= end.timestamp_ms <= last + 150  # no trailing word clipped
    assert end.decided_ms - end.timestamp_ms == pytest.approx(endpointer.options.min_silence_ms, abs=40)
    assert pause.timestamp_ms == end.timestamp_ms and pause.decided_ms < end.decided_ms


@pytest.mark.parametrize("make", [lambda: silence(5.0), lambda: noise(5.0, 0.02), lambda: noise(5.0, 0.1, seed=3)],
                         ids=["silence", "quiet-noise", "loud-noise"])
def test_silence_and_noise_alone_are_not_speech(endpointer: Endpointer, make) -> None:
    assert _events(endpointer, make()) == []


def test_a_click_is_too_short_to_be_an_utterance(endpointer: Endpointer) -> None:
    click = np.zeros(1600, np.float32)
    click[::8] = 0.9
    assert _events(endpointer, join(silence(1), click, silence(1))) == []


def test_several_commands_are_split_and_each_is_complete(stt: WhisperStt, joe: Speak, flite: Speak) -> None:
    audio = join(silence(0.8), joe("Turn off the kitchen lights."), silence(1.2),
                 flite("open the garage door"), silence(1.0), joe("Start the vacuum."), silence(0.3))
    utterances = split_utterances(audio)
    assert [stt.transcribe(u.samples).normalized for u in utterances] == [
        "turn off the kitchen lights", "open the garage door", "start the vacuum"]
    assert all(not u.forced for u in utterances)


def test_noisy_recording_still_splits(joe: Speak) -> None:
    audio = with_noise(join(silence(0.8), joe("Open the garage door."), silence(1.2), joe("Start the vacuum."),
                            silence(0.8)), snr_db=10)
    assert len(split_utterances(audio)) == 2


def test_a_short_pause_inside_a_command_does_not_end_it(joe: Speak) -> None:
    first, second = _trim(joe("Turn off the kitchen lights")), _trim(joe("and start the vacuum."))
    audio = join(silence(0.5), first, silence(0.3), second, silence(1.0))
    assert len(split_utterances(audio)) == 1
    assert len(split_utterances(join(silence(0.5), first, silence(0.6), second, silence(1.0)))) == 2


def _trim(samples: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return samples[loud[0]:loud[-1] + 1]


def test_an_endless_utterance_is_cut_at_the_maximum(joe: Speak) -> None:
    talk = np.concatenate([joe("Turn off the kitchen lights and start the vacuum")] * 4)  # no pauses
    utterances = split_utterances(talk, EndpointOptions(max_utterance_s=4.0))
    assert utterances[0].forced
    assert utterances[0].end_ms - utterances[0].start_ms <= 4000 + 40


def test_speech_after_a_pause_is_reported_as_resumed(endpointer: Endpointer, joe: Speak) -> None:
    first, second = joe("Turn off the kitchen lights"), joe("and start the vacuum.")
    first = first[:np.flatnonzero(np.abs(first) > 0.01)[-1]]
    audio = join(silence(0.5), first, silence(0.3), second, silence(1.0))
    kinds = [e.type for e in _events(endpointer, audio)]
    assert kinds[:3] == [VadEventType.SPEECH_START, VadEventType.SPEECH_PAUSE, VadEventType.SPEECH_RESUME]
    assert kinds[-1] is VadEventType.SPEECH_END and kinds.count(VadEventType.SPEECH_END) == 1
