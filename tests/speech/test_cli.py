"""`listen`, `run` and `speak` as the hub's CLI will call them."""

from __future__ import annotations

import argparse
import io
import json
import wave
from pathlib import Path

import numpy as np
import pytest

from speech.audio import float_to_int16, resample
from speech.cli import (
    add_listen_arguments,
    add_run_arguments,
    add_speak_arguments,
    format_trace,
    listen,
    run,
    run_speak,
)
from speech.errors import AudioDeviceError, AudioFormatError
from speech.pipeline import PipelineOptions, TextReply
from speech.wavfile import read_wav

from .conftest import Speak, join, silence


def _args(add: object, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add(parser)  # type: ignore[operator]
    return parser.parse_args(argv)


def _write_stereo_44k(path: Path, samples_16k: np.ndarray) -> Path:
    mono = float_to_int16(resample(samples_16k, 16000, 44100))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(44100)
        wav.writeframes(np.stack([mono, mono], axis=1).tobytes())
    return path


async def test_listen_prints_one_json_trace_per_command_and_writes_the_replies(
        tmp_path: Path, joe: Speak, flite: Speak) -> None:
    wav = _write_stereo_44k(tmp_path / "two.wav", join(
        silence(0.7), joe("Hey Jarvis, turn off the kitchen lights."), silence(1.5),
        flite("hey jarvis, open the garage door"), silence(0.7)))
    heard: list[str] = []

    async def handle_text(text: str) -> TextReply:
        heard.append(text)
        return TextReply(f"Okay: {text}", trace={"intents": []})

    out = io.StringIO()
    args = _args(add_listen_arguments, ["--wav", str(wav), "--json", "--out", str(tmp_path / "reply.wav")])
    assert await listen(args, handle_text, names=["Kitchen", "Garage Door"], out=out) == 0
    traces = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [t["transcript"].lower().rstrip(".") for t in traces] == [
        "turn off the kitchen lights", "open the garage door"]
    assert [t["source"] for t in traces] == ["wav", "wav"] and all("first_audio" in t["timings_ms"] for t in traces)
    assert len(heard) == 2
    reply = read_wav(tmp_path / "reply.wav")
    assert reply.rate == 22050 and reply.duration_s > 2.0


async def test_listen_on_a_corrupt_file_raises_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt ")
    with pytest.raises(AudioFormatError, match="bad.wav: not a readable PCM WAV"):
        await listen(_args(add_listen_arguments, ["--wav", str(tmp_path / "bad.wav")]), _never)


async def test_listen_refuses_a_recording_over_the_limit(tmp_path: Path) -> None:
    from speech.wavfile import write_wav
    write_wav(tmp_path / "long.wav", np.zeros(8000 * 61, np.int16), 8000)
    with pytest.raises(AudioFormatError, match="limit is 1.0 min"):
        await listen(_args(add_listen_arguments, ["--wav", str(tmp_path / "long.wav"), "--max-seconds", "60"]),
                     _never)


async def test_run_without_an_audio_device_says_so() -> None:
    import sounddevice
    try:
        sounddevice.query_devices(kind="input")
        pytest.skip("this machine has a microphone")
    except sounddevice.PortAudioError:
        pass
    with pytest.raises(AudioDeviceError, match="no default audio input device"):
        await run(_args(add_run_arguments, []), _never)


def test_speak_writes_a_wav(tmp_path: Path) -> None:
    args = _args(add_speak_arguments, ["The kitchen lights are off.", "--out", str(tmp_path / "s.wav")])
    assert run_speak(args) == 0
    audio = read_wav(tmp_path / "s.wav")
    assert audio.rate == 22050 and 1.0 < audio.duration_s < 4.0


def test_human_readable_trace() -> None:
    text = format_trace({"transcript": "turn off the kitchen lights", "wake": {"word": "hey_jarvis", "at_ms": -1240},
                         "intents": [{"intent": "HassTurnOff", "slots": {"area": "Kitchen", "domain": "light"}}],
                         "response": "Turned off the lights",
                         "timings_ms": {"speech_end": 0, "transcript": 290.4, "first_audio": 420}}, False)
    assert text.splitlines() == [
        '[hey_jarvis at -1240 ms] "turn off the kitchen lights"',
        "  intent:   HassTurnOff {area=Kitchen, domain=light}",
        "  response: Turned off the lights",
        "  timings:  speech_end 0 ms · transcript 290 ms · first_audio 420 ms",
    ]


async def _never(text: str) -> str:
    raise AssertionError(f"handle_text should not be called (got {text!r})")


def test_the_stt_budget_is_seconds_or_none(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    assert parser.parse_args([]).stt_budget == 1.2
    assert parser.parse_args(["--stt-budget", "none"]).stt_budget is None
    assert parser.parse_args(["--stt-budget", "0.8"]).stt_budget == 0.8
    with pytest.raises(SystemExit):
        parser.parse_args(["--stt-budget", "soon"])
    assert "'soon' is not a number of seconds or none" in capsys.readouterr().err


@pytest.mark.parametrize(("said", "error"), [("soon", "'soon' is not a number of seconds"),
                                             ("45", "between 1 and 30 seconds")])
def test_the_stt_window_is_seconds_up_to_whispers_own(capsys: pytest.CaptureFixture[str], said: str,
                                                      error: str) -> None:
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    assert parser.parse_args(["--stt-window", "8"]).stt_window == 8.0
    with pytest.raises(SystemExit):
        parser.parse_args(["--stt-window", said])
    assert error in capsys.readouterr().err


@pytest.mark.parametrize(("said", "error"), [("low", "'low' is not a log-probability or none"),
                                             ("0.5", "between -5 and 0")])
def test_the_stt_min_score_is_a_log_probability_or_none(capsys: pytest.CaptureFixture[str], said: str,
                                                        error: str) -> None:
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    assert parser.parse_args([]).stt_min_score == PipelineOptions.min_score
    assert parser.parse_args(["--stt-min-score", "-1.2"]).stt_min_score == -1.2
    assert parser.parse_args(["--stt-min-score", "none"]).stt_min_score is None
    with pytest.raises(SystemExit):
        parser.parse_args(["--stt-min-score", said])
    assert error in capsys.readouterr().err
