"""Thin CLI layer for `hearth listen`, `hearth run` and `hearth speak`; hub/cli.py mounts these on its parser.

Each command is a pair: add_<cmd>_arguments(parser) and run_<cmd>(args, ...) -> exit code (it calls
asyncio.run); callers already inside a loop await listen()/run()/speak() instead. SpeechError (a HearthError)
propagates to the caller's edge.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from speech.errors import SpeechError
from speech.pipeline import HandleText, PipelineOptions, TextReply, VoicePipeline
from hub.core.seams import ReadingJudge
from speech.protocols import AudioSink
from speech.stt import WhisperOptions, WhisperStt
from speech.tts import PiperOptions, PiperTts
from speech.vad import Endpointer, EndpointOptions
from speech.wake import BUILTIN_WAKE_WORDS, DEFAULT_WAKE_WORD, HEARTH_WAKE_WORDS, MicroWakeDetector, WakeOptions
from speech.wavfile import MAX_WAV_SECONDS, WavSink, WavSource

_LOGGER = logging.getLogger(__name__)
EXIT_OK, EXIT_FAILED = 0, 1


async def echo_handle_text(text: str) -> TextReply:
    """A stand-in for the resolver: repeats what it heard (demos, benchmarks without llm/)."""
    return TextReply(f"You said: {text}")


# --- arguments ----------------------------------------------------------------------------------


def _bounded(value: str, noun: str, ok: Callable[[float], bool], must: str, none_ok: bool) -> float | None:
    """A number that `ok` accepts, or none where `none_ok`; else a clear argparse error."""
    if none_ok and value.strip().lower() == "none":
        return None
    or_none = " or none" if none_ok else ""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not {noun}{or_none}") from None
    if not ok(number):
        raise argparse.ArgumentTypeError(must + ("," + or_none if none_ok else ""))
    return number


def _budget(value: str) -> float | None:
    """--stt-budget: seconds (> 0), or none."""
    return _bounded(value, "a number of seconds", lambda s: 0 < s < 600,
                    "the budget must be between 0 and 600 seconds", none_ok=True)


def _window(value: str) -> float:
    """--stt-window: seconds whisper's encoder hears of a command, 1 to 30."""
    seconds = _bounded(value, "a number of seconds", lambda s: 1 <= s <= 30,
                       "the window must be between 1 and 30 seconds", none_ok=False)
    assert seconds is not None
    return seconds


def _min_score(value: str) -> float | None:
    """--stt-min-score: a mean log-probability per token, -5 to 0, or none."""
    return _bounded(value, "a log-probability", lambda s: -5 <= s <= 0,
                    "the minimum score must be between -5 and 0 (a log-probability)", none_ok=True)


def _add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("speech")
    group.add_argument("--no-wake", action="store_true", help="treat every utterance as a command (no wake word)")
    group.add_argument("--wake-word", default=DEFAULT_WAKE_WORD, metavar="WORD",
                       help=f"{', '.join(BUILTIN_WAKE_WORDS + HEARTH_WAKE_WORDS)}, a microWakeWord .json or a "
                            "`hearth train-wake` .safetensors (default: %(default)s)")
    group.add_argument("--second-wake-word", metavar="WORD",
                       help="a second wake word listened for at the same time (e.g. okay_nabu)")
    group.add_argument("--wake-cutoff", type=float, metavar="P",
                       help="wake probability cutoff, 0-1 (default: the model's own; see bench/wake_bench.py)")
    group.add_argument("--stt-model", metavar="MODEL",
                       help="whisper model: tiny.en (default, bundled), base, or a CTranslate2 folder")
    group.add_argument("--second-model", default=WhisperOptions.second_model, metavar="MODEL",
                       help="whisper model asked about doubtful readings (default: base; none: off)")
    group.add_argument("--stt-device", default="auto", choices=("auto", "cpu", "cuda"))
    group.add_argument("--beam-size", type=int, default=1)
    group.add_argument("--stt-budget", type=_budget, default=WhisperOptions.budget_s, metavar="SECONDS",
                       help="compute per utterance for hearing a doubtful one again (default: %(default)s; none: no limit)")
    group.add_argument("--stt-window", type=_window, default=WhisperOptions.window_s, metavar="SECONDS",
                       help="what whisper's encoder hears of a command, padded with silence (default: %(default)s; 30: "
                            "whisper's own window, slower)")
    group.add_argument("--stt-min-score", type=_min_score, default=PipelineOptions.min_score, metavar="LOGPROB",
                       help="ask again, rather than act, when whisper heard a command under this mean log-probability "
                            "per token (default: %(default)s; none: act on whatever was heard)")
    group.add_argument("--endpoint-silence-ms", type=int, default=EndpointOptions.min_silence_ms,
                       help="trailing silence that ends a command (default: %(default)s)")
    group.add_argument("--voice", type=Path, help="piper .onnx voice (default: en_US-joe-medium)")


def add_listen_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--wav", type=Path, required=True, metavar="FILE",
                        help="16-bit PCM WAV, any rate, mono or stereo; several commands separated by silence")
    parser.add_argument("--out", type=Path, metavar="REPLY.wav", help="write the spoken replies to a WAV")
    parser.add_argument("--json", action="store_true", help="print one JSON trace per command")
    parser.add_argument("--realtime", action="store_true", help="feed the file at the speed of a microphone")
    parser.add_argument("--no-speak", action="store_true", help="do not synthesise the replies")
    parser.add_argument("--max-seconds", type=float, default=MAX_WAV_SECONDS,
                        help="refuse longer recordings (default: %(default)s)")
    _add_engine_arguments(parser)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input-device", metavar="DEVICE", help="microphone: PortAudio index or name")
    parser.add_argument("--output-device", metavar="DEVICE", help="speaker: PortAudio index or name")
    parser.add_argument("--json", action="store_true", help="print one JSON trace per command")
    _add_engine_arguments(parser)


def add_speak_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", help="what to say")
    parser.add_argument("--out", type=Path, metavar="FILE.wav", help="write a WAV instead of playing it")
    parser.add_argument("--output-device", metavar="DEVICE", help="speaker: PortAudio index or name")
    parser.add_argument("--voice", type=Path, help="piper .onnx voice (default: en_US-joe-medium)")


# --- commands -----------------------------------------------------------------------------------


def run_listen(args: argparse.Namespace, handle_text: HandleText, names: Sequence[str] = (),
               accept: ReadingJudge | None = None) -> int:
    return asyncio.run(listen(args, handle_text, names, accept=accept))


async def listen(args: argparse.Namespace, handle_text: HandleText, names: Sequence[str] = (),
                 out: TextIO | None = None, accept: ReadingJudge | None = None) -> int:
    """Run the voice pipeline over a WAV and print its traces; EXIT_OK even when nothing was said."""
    out = out or sys.stdout
    source = WavSource(args.wav, realtime=args.realtime, max_seconds=args.max_seconds)
    sink = WavSink(args.out)  # replies are synthesised (and timed) even when not saved
    pipeline = await asyncio.to_thread(build_pipeline, args, handle_text, names, sink, not args.no_speak, accept)
    pipeline.on_trace = lambda trace: print(format_trace(trace, args.json), file=out, flush=True)
    traces = await pipeline.run(source)
    sink.save()
    if not traces:
        print(f"No command heard in {args.wav}", file=sys.stderr)
    return EXIT_OK


def run_run(args: argparse.Namespace, handle_text: HandleText, names: Sequence[str] = (),
            accept: ReadingJudge | None = None) -> int:
    try:
        return asyncio.run(run(args, handle_text, names, accept=accept))
    except KeyboardInterrupt:
        return EXIT_OK


async def run(args: argparse.Namespace, handle_text: HandleText, names: Sequence[str] = (),
              out: TextIO | None = None, accept: ReadingJudge | None = None) -> int:
    """Listen on the microphone until interrupted; speak each reply on the speaker."""
    from speech.mic import MicSource
    from speech.speaker import SpeakerSink

    out = out or sys.stdout
    source = MicSource(_device(args.input_device))
    sink = SpeakerSink(_device(args.output_device))
    pipeline = await asyncio.to_thread(build_pipeline, args, handle_text, names, sink, True, accept)
    pipeline.on_trace = lambda trace: print(format_trace(trace, args.json), file=out, flush=True)
    wake = "" if args.no_wake else f" for '{args.wake_word}'"
    print(f"Listening{wake} on {source.info['name']} ({source.rate} Hz); Ctrl+C stops.", file=sys.stderr)
    await pipeline.run(source)
    return EXIT_OK


def run_speak(args: argparse.Namespace) -> int:
    return asyncio.run(speak(args))


async def speak(args: argparse.Namespace) -> int:
    tts = PiperTts(PiperOptions(voice=str(args.voice) if args.voice else None))
    if args.out:
        seconds = await asyncio.to_thread(tts.synthesize_wav, args.text, args.out)
        print(f"Wrote {seconds:.2f} s to {args.out}", file=sys.stderr)
        return EXIT_OK
    from speech.speaker import SpeakerSink
    sink: AudioSink = SpeakerSink(_device(args.output_device))
    for chunk in tts.synthesize_stream(args.text):
        await asyncio.to_thread(sink.write, chunk)
    await asyncio.to_thread(sink.end)
    return EXIT_OK


# --- helpers ------------------------------------------------------------------------------------


def build_pipeline(args: argparse.Namespace, handle_text: HandleText, names: Sequence[str],
                   sink: AudioSink | None, speak_replies: bool, accept: ReadingJudge | None = None) -> VoicePipeline:
    """Load the engines the arguments ask for (blocking: call from a worker thread inside a loop)."""
    second = None if args.second_model in (None, "none") else args.second_model
    stt = WhisperStt(WhisperOptions(model=args.stt_model, device=args.stt_device, beam_size=args.beam_size,
                                    names=tuple(names), second_model=second, budget_s=args.stt_budget,
                                    window_s=args.stt_window))
    tts = PiperTts(PiperOptions(voice=str(args.voice) if args.voice else None)) if speak_replies else None
    stt.warm_up()
    if tts is not None:
        tts.warm_up()
    wake = None if args.no_wake else MicroWakeDetector(WakeOptions(
        word=args.wake_word, second_word=args.second_wake_word, probability_cutoff=args.wake_cutoff))
    vad = Endpointer(EndpointOptions(min_silence_ms=args.endpoint_silence_ms))
    return VoicePipeline(stt, handle_text, tts=tts, sink=sink, wake=wake, vad=vad,
                         options=PipelineOptions(wake_required=not args.no_wake, min_score=args.stt_min_score),
                         accept=accept)


def _device(value: str | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value.isdigit() else value


def format_trace(trace: dict[str, Any], as_json: bool) -> str:
    if as_json:
        return json.dumps(trace, ensure_ascii=False)
    wake = trace.get("wake")
    lines = [(f"[{wake['word']} at {wake['at_ms']:.0f} ms] " if wake else "") + f"\"{trace['transcript']}\""]
    for intent in trace.get("intents") or []:
        slots = ", ".join(f"{k}={v}" for k, v in (intent.get("slots") or {}).items())
        lines.append(f"  intent:   {intent.get('intent')} {{{slots}}}")
    if "outcome" in trace:
        lines.append(f"  outcome:  {json.dumps(trace['outcome'], ensure_ascii=False)}")
    lines.append(f"  response: {trace.get('response', '')}")
    timings = trace.get("timings_ms", {})
    lines.append("  timings:  " + " · ".join(f"{k} {v:.0f} ms" for k, v in timings.items()))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry (python -m speech.cli listen|run|speak), replying with echo_handle_text."""
    parser = argparse.ArgumentParser(prog="python -m speech.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    add_listen_arguments(commands.add_parser("listen"))
    add_run_arguments(commands.add_parser("run"))
    add_speak_arguments(commands.add_parser("speak"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        if args.command == "speak":
            return run_speak(args)
        runner = run_listen if args.command == "listen" else run_run
        return runner(args, echo_handle_text)
    except SpeechError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
