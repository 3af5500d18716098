"""Voice benchmarks, printed in one run: STT real-time factor, TTS first-chunk latency, wake word + VAD CPU
share, end of speech -> first TTS audio (p50/p90, with the stage breakdown), spoken-command accuracy per
acoustic condition and per voice with the share of commands that needed a second pass, resident memory.

    .venv/bin/python bench/voice_bench.py [--set NAME] [--voices joe,flite] [--conditions clean,noisy_10db]
        [--stt-model tiny.en|base|DIR] [--device auto|cpu|cuda] [--commands N] [--e2e 12]
        [--handler MODULE:FUNCTION] [--no-bias] [--no-command-words] [--no-rescue]
        [--second-model base|none|DIR] [--budget SECONDS|none] [--min-score LOGPROB|none] [--n-best N]
        [--no-sound-alike] [--early-commit P|none] [--torch-threads N] [--weights FILE ...] [--json]

Command sets live in bench/sets/voice/. Test speech is synthesised here: by default piper (joe) and Debian
flite take turns and every command is heard clean and with white noise at 10 dB SNR, as the sets were first
measured; `--voices joe-fast,kal,rms --conditions "clean,pink+reverb 10 dB,babble 5 dB"` uses the other
tuning voices and noises of `speech/sounds.py`. The reply callback is, in order: --handler (an async text ->
TextReply|str), else the intent resolver (llm.resolver) over the demo home when it imports and its weights
load, else a fixed reply of typical length. Accuracy compares the spoken command with the typed one: intents
from the resolver when present (resolver(transcript) == resolver(text)), transcripts otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speech import sounds
from speech.audio import resample
from speech.pipeline import HandleText, PipelineOptions, TextReply, VoicePipeline
from hub.core.seams import ReadingJudge
from speech.protocols import PIPELINE_RATE, AudioChunk, normalize_transcript
from speech.stt import WhisperOptions, WhisperStt
from speech.tts import PiperOptions, PiperTts
from speech.vad import Endpointer
from speech.wake import MicroWakeDetector
from speech.wavfile import WavSink, WavSource, read_wav

REPO = Path(__file__).resolve().parent.parent
DEMO_HOME = REPO / "devices" / "data" / "demo_home.yaml"

SETS = Path(__file__).resolve().parent / "sets" / "voice"
"""One file per command set, one command a line, written the way whisper writes them (digits, %), so
transcripts can be compared exactly. Each set was written before the changes it first measured
(docs/benchmarks.md tells which)."""
SET_NAMES = ("bench", "held-out", "unseen", "fresh", "last", "fifth", "sixth", "seventh", "eighth", "ninth",
             "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
             "eighteenth", "nineteenth")
LEGACY_VOICES = ("joe", "flite")
"""The voices the sets were first measured with: piper's joe without sampling noise and flite's default."""
LEGACY_CONDITIONS = ("clean", "noisy_10db")
"""Clean, and white noise at 10 dB SNR (`with_noise`), as the sets were first measured."""


def load_set(name: str) -> list[str]:
    lines = (SETS / f"{name}.txt").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


COMMANDS = load_set("bench")
REPLIES = load_set("replies")


# --- test speech ----------------------------------------------------------------------------------


class Voices:
    """Test speech as 16 kHz float32 without lead-in: 'joe' is piper without sampling noise and 'flite' flite's
    default voice (as the sets were first measured); any of `speech.sounds.TUNING_VOICES` works too.

    The voices speak in a child process, so their models (up to four piper voices) do not count in the resident
    memory measured here, which is the hub's: whisper, piper for replies, the wake word and the resolver."""

    def __init__(self, cache: Path | None = None) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self._cache = cache

    def speak(self, text: str, voice: str) -> np.ndarray:
        """The voice saying `text`; with a cache folder, said once and read back ever after, so that two builds
        (or two runs) are measured on the same audio: piper samples its voice afresh each time."""
        path = self._cache / voice / f"{hashlib.sha256(text.encode()).hexdigest()[:24]}.npy" if self._cache else None
        if path is not None and path.is_file():
            return np.load(path)
        samples = self._pool.submit(_speak, text, voice).result()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.save(path, samples.astype(np.float32))
        return samples

    def legacy(self, text: str, index: int) -> np.ndarray:
        """joe and flite in turn, as the sets were first measured."""
        return self.speak(text, LEGACY_VOICES[index % 2])

    def close(self) -> None:
        self._pool.shutdown()


@lru_cache(maxsize=1)
def _legacy_joe() -> PiperTts:
    return PiperTts(PiperOptions(noise_scale=0.0, noise_w_scale=0.0))


def _speak(text: str, voice: str) -> np.ndarray:
    """One voice's speech, in the voices' child process."""
    if voice == "flite" and shutil.which("flite") is not None:
        with tempfile.TemporaryDirectory(prefix="voice_bench_") as folder:
            path = Path(folder) / "say.wav"
            subprocess.run(["flite", "-t", text, "-o", str(path)], check=True, capture_output=True)
            return read_wav(path).to_pipeline()
    if voice in ("joe", "flite"):
        tts = _legacy_joe()
        samples = np.concatenate([c.samples() for c in tts.synthesize_stream(text)])
        samples = samples[tts.sample_rate * tts.options.lead_in_ms // 1000:]
        return resample(samples.astype(np.float32) / 32768.0, tts.sample_rate, PIPELINE_RATE)
    return sounds.speak(text, voice)


def with_noise(samples: np.ndarray, snr_db: float, seed: int) -> np.ndarray:
    loud = samples[np.abs(samples) > 0.02]
    power = float(np.mean(loud ** 2)) if len(loud) else 1e-4
    noise = np.random.default_rng(seed).standard_normal(len(samples)).astype(np.float32)
    return np.clip(samples + noise * np.sqrt(power / 10 ** (snr_db / 10)), -1, 1).astype(np.float32)


def pad(samples: np.ndarray, before: float = 0.3, after: float = 0.3) -> np.ndarray:
    return np.concatenate([np.zeros(int(before * PIPELINE_RATE), np.float32), samples,
                           np.zeros(int(after * PIPELINE_RATE), np.float32)])


# --- the reply callback -----------------------------------------------------------------------------


async def typical_reply(text: str) -> TextReply:
    """Without the resolver: a reply as long as Home Assistant's usual ones."""
    return TextReply("Turned off the lights.")


class Replier:
    """Chooses the callback and, with the resolver, the reference intents of typed commands."""

    def __init__(self, handler: str | None, no_rescue: bool = False, device: str = "auto",
                 weights: list[Path] | None = None) -> None:
        self.no_rescue, self.device, self.weights = no_rescue, device, weights
        self.kind, self.names = "a fixed reply (no resolver)", ()  # type: tuple[str, tuple[str, ...]]
        self.resolve: Callable[[str], list[dict[str, Any]]] | None = None
        self.understands: ReadingJudge | None = None
        self.handle_text: HandleText = typical_reply
        if handler:
            module, _, function = handler.partition(":")
            self.handle_text, self.kind = getattr(importlib.import_module(module), function), handler
        self._load_home_and_resolver(use_resolver=handler is None)

    def _load_home_and_resolver(self, use_resolver: bool) -> None:
        try:
            from devices.homefile import load_home
            home = load_home(DEMO_HOME)
            self.names = tuple(home.spoken_names())  # as the hub biases whisper
        except Exception as err:  # noqa: BLE001 - the bench runs without the foundation too
            print(f"(demo home not loaded: {err})", file=sys.stderr)
            return
        if not use_resolver:
            return
        try:
            from llm.resolver import Resolver
            resolver = Resolver.load(self.weights, device=self.device)
        except Exception as err:  # noqa: BLE001
            print(f"(resolver not available, replying 'Turned off the lights.': {err})", file=sys.stderr)
            return
        self.resolve = lambda text: [c.to_dict() | {"confidence": None} for c in resolver.resolve(text, home)]
        self.understands = None if self.no_rescue else (lambda text: resolver.understands(text, home))
        self.handle_text = self._resolver_reply
        self.kind = f"llm.resolver, {resolver.mode} on {resolver.device} (no executor)"

    async def _resolver_reply(self, text: str) -> TextReply:
        assert self.resolve is not None
        intents = await asyncio.to_thread(self.resolve, text)
        at = time.perf_counter()
        response = ", ".join(i["intent"] for i in intents) or "Sorry, I did not understand."
        return TextReply(response, trace={"intents": intents}, marks={"intents": at})


# --- measurements -----------------------------------------------------------------------------------


Condition = Callable[[np.ndarray, int], np.ndarray]


def make_conditions(names: list[str], voices: Voices) -> dict[str, Condition]:
    """Each condition by name: "clean" and "noisy_10db" (white noise, as the sets were first measured), or one of
    `speech.sounds.conditions` (pink + reverb, babble...), seeded by the command's index."""
    known: dict[str, Condition] = {"clean": lambda x, i: x, "noisy_10db": lambda x, i: with_noise(x, 10, seed=i)}
    needs_babble = any(n.startswith("babble") for n in names)  # its voices cost a model load and memory
    babble = [voices.speak(reply, v) for v in ("kal", "rms", "joe-slow") for reply in REPLIES] if needs_babble else []
    for name, condition in sounds.conditions(babble).items():
        known.setdefault(name, lambda x, i, c=condition: c(x, np.random.default_rng(i)))  # type: ignore[misc]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown condition {unknown[0]!r}; known: {', '.join(known)}")
    return {name: known[name] for name in names}


def measure_accuracy(stt: WhisperStt, voices: Voices, replier: Replier, commands: list[str],
                     voice_names: tuple[str, ...] = LEGACY_VOICES,
                     conditions: dict[str, Condition] | None = None, dump: TextIO | None = None,
                     min_score: float | None = PipelineOptions.min_score) -> dict[str, Any]:
    """Each command spoken by the voices in turn and heard in every condition: exact transcripts and intents per
    condition and per voice, STT time per condition, how often a second model listened (`Transcript.passes`).
    With `dump`, every utterance's n-best readings from both models go there as JSON lines (outside the timing),
    so the choice among them can be replayed offline."""
    conditions = conditions or make_conditions(list(LEGACY_CONDITIONS), voices)
    first = next(iter(conditions))
    audio_s = stt_s = 0.0
    ms: dict[str, list[float]] = {c: [] for c in conditions}
    exact, intents_ok, rescued, second_asked, unsure, otherwise = ({c: 0 for c in conditions} for _ in range(6))
    by_voice: dict[str, int] = {}
    totals: dict[str, int] = {}
    misses: list[str] = []
    for index, text in enumerate(commands):
        voice = voice_names[index % len(voice_names)]
        clean = pad(voices.speak(text, voice))
        reference = replier.resolve(text) if replier.resolve else None
        for label, condition in conditions.items():
            audio = condition(clean, index)
            started = time.perf_counter()
            heard_as = stt.transcribe(audio, replier.understands)
            heard, elapsed = heard_as.text, time.perf_counter() - started
            if dump is not None:
                _dump_readings(dump, stt, audio, text, voice, label, heard)
            rescued[label] += heard_as.first_best is not None
            second_asked[label] += heard_as.passes > 1
            ms[label].append(1000 * elapsed)
            if label == first:
                audio_s, stt_s = audio_s + len(audio) / PIPELINE_RATE, stt_s + elapsed
            said_right = normalize_transcript(heard) == normalize_transcript(text)
            exact[label] += said_right
            sure = heard_as.heard_surely(min_score)  # else the pipeline asks again: no intents
            unsure[label] += not sure
            if reference is None:
                right = said_right
            else:
                got = replier.resolve(heard) if sure else []  # type: ignore[misc]
                right = _same_intents(got, reference)
                otherwise[label] += bool(got) and not right
            intents_ok[label] += right
            if not right and len(misses) < 12:
                misses.append(f"{label}/{voice}: {text!r} -> {heard!r}")
            key = f"{label}/{voice}"
            totals[key] = totals.get(key, 0) + 1
            by_voice[key] = by_voice.get(key, 0) + int(right)
    n = len(commands)
    result: dict[str, Any] = {
        "commands": n, "voices": list(voice_names), "conditions": list(conditions),
        "stt_rtf": round(stt_s / audio_s, 3),
        "stt_ms": {c: {"p50": round(statistics.median(v)), "p90": round(float(np.percentile(v, 90)))}
                   for c, v in ms.items()},
        "transcript_exact": {k: round(v / n, 3) for k, v in exact.items()}, "misses": misses,
        "exact_by_voice": {k: f"{v}/{totals[k]}" for k, v in sorted(by_voice.items())},
        "alternative_chosen": rescued, "second_opinion_asked": second_asked, "asked_again": unsure,
        "min_score": min_score,
    }
    if replier.resolve is not None:
        result["intents_exact"] = {k: round(v / n, 3) for k, v in intents_ok.items()}
        result["acted_otherwise"] = otherwise
    return result


def _dump_readings(dump: TextIO, stt: WhisperStt, audio: np.ndarray, text: str, voice: str, condition: str,
                   heard: str) -> None:
    as_list = lambda readings: [[r.text, r.score, r.log_prob] for r in readings]
    line = {"text": text, "voice": voice, "condition": condition, "heard": heard,
            "first": as_list(stt.n_best(audio)), "second": as_list(stt.second.n_best(audio)) if stt.second else []}
    dump.write(json.dumps(line) + "\n")
    dump.flush()


def _same_intents(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    strip = lambda calls: [(c["intent"], json.dumps(c["slots"], sort_keys=True)) for c in calls]
    return strip(a) == strip(b)


def measure_tts(rounds: int = 3) -> dict[str, Any]:
    tts = PiperTts()  # the voice as shipped (sampling noise on)
    tts.warm_up()
    first_ms, sentences = [], []
    for _ in range(rounds):
        for reply in REPLIES:
            started = time.perf_counter()
            stream = tts.synthesize_stream(reply)
            next(stream)
            first_ms.append(1000 * (time.perf_counter() - started))
            sentences.append(1 + sum(1 for _ in stream))
    return {"first_chunk_p50_ms": round(statistics.median(first_ms), 1),
            "first_chunk_p90_ms": round(float(np.percentile(first_ms, 90)), 1),
            "replies": len(first_ms), "max_sentences": max(sentences)}


def measure_wake_vad_cpu(voices: Voices, seconds: float = 60.0) -> dict[str, Any]:
    parts, total = [], 0
    index = 0
    while total < seconds * PIPELINE_RATE:
        parts += [voices.legacy("Hey Jarvis, " + COMMANDS[index % len(COMMANDS)], index),
                  np.zeros(int(1.5 * PIPELINE_RATE), np.float32)]
        total += len(parts[-2]) + len(parts[-1])
        index += 1
    audio = (np.clip(np.concatenate(parts), -1, 1) * 32767).astype(np.int16)
    wake, vad = MicroWakeDetector(), Endpointer()
    chunk = 512
    started = time.process_time()
    for i in range(0, len(audio), chunk):
        piece = AudioChunk.from_samples(audio[i:i + chunk], PIPELINE_RATE, 1000 * i / PIPELINE_RATE)
        if wake.process(piece):
            wake.reset()
        vad.process(piece)
    cpu = time.process_time() - started
    duration = len(audio) / PIPELINE_RATE
    return {"audio_s": round(duration, 1), "cpu_s": round(cpu, 3), "share_of_one_core": round(cpu / duration, 4)}


async def measure_end_to_end(stt: WhisperStt, tts: PiperTts, voices: Voices, replier: Replier,
                             count: int, options: PipelineOptions | None = None) -> dict[str, Any]:
    parts = [np.zeros(PIPELINE_RATE, np.float32)]
    for index, text in enumerate(COMMANDS[:count]):
        parts += [voices.legacy("Hey Jarvis, " + text, index), np.zeros(int(1.8 * PIPELINE_RATE), np.float32)]
    source = WavSource.from_samples(np.concatenate(parts), realtime=True)
    pipeline = VoicePipeline(stt, replier.handle_text, tts=tts, sink=WavSink(), wake=MicroWakeDetector(),
                             vad=Endpointer(), options=options or PipelineOptions(wake_required=True),
                             accept=replier.understands)
    traces = await pipeline.run(source)
    stages = ["endpoint", "transcript", "intents", "executed", "first_audio"]
    p50 = {s: round(statistics.median(t["timings_ms"][s] for t in traces if s in t["timings_ms"]))
           for s in stages if any(s in t["timings_ms"] for t in traces)}
    firsts = [t["timings_ms"]["first_audio"] for t in traces if "first_audio" in t["timings_ms"]]
    return {"commands": count, "handled": len(traces), "first_audio_p50_ms": p50.get("first_audio"),
            "first_audio_p90_ms": round(float(np.percentile(firsts, 90))) if firsts else None,
            "first_audio_ms": sorted(firsts), "early_commits": sum(bool(t.get("early_commit")) for t in traces),
            "second_passes": sum(t.get("stt_passes", 1) > 1 for t in traces),
            "stage_p50_ms": p50, "handler": replier.kind}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- report -----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stt-model", default=None, help="tiny.en (default), base, or a CTranslate2 folder")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="where whisper and the resolver run (auto: CUDA when present)")
    parser.add_argument("--set", choices=SET_NAMES, default="bench",
                        help="a command set in bench/sets/voice (bench: the 50 the STT choices were made on)")
    parser.add_argument("--voices", default=",".join(LEGACY_VOICES),
                        help="comma-separated voices taking turns: joe, flite, or " + ", ".join(sounds.TUNING_VOICES))
    parser.add_argument("--conditions", default=",".join(LEGACY_CONDITIONS),
                        help="comma-separated: clean, noisy_10db (white), 'white 10 dB', 'pink+reverb 10 dB', "
                             "'babble 5 dB'")
    parser.add_argument("--commands", type=int, help="the first N of the set (default: all)")
    parser.add_argument("--e2e", type=int, default=12, help="commands in the real-time end-to-end run")
    parser.add_argument("--handler", help="MODULE:FUNCTION, an async text -> TextReply|str")
    parser.add_argument("--no-bias", action="store_true", help="do not bias whisper toward the demo home's names")
    parser.add_argument("--no-command-words", action="store_true", help="only the home's names in whisper's prompt")
    parser.add_argument("--second-model", help="whisper model asked about doubtful readings (default: base; none: off)")
    parser.add_argument("--budget", metavar="SECONDS",
                        help="compute budget per utterance for hearing it again (default: WhisperOptions's; none: off)")
    parser.add_argument("--min-score", metavar="LOGPROB",
                        help="ask again under this mean log-probability per token (default: PipelineOptions's; "
                             "none: act on whatever was heard)")
    parser.add_argument("--window", type=float, metavar="SECONDS",
                        help="what whisper's encoder hears of a command (default: WhisperOptions's)")
    parser.add_argument("--n-best", type=int, help="readings whisper's beam search returns (default: WhisperOptions's)")
    parser.add_argument("--no-sound-alike", action="store_true",
                        help="do not weigh readings with the home's names for words that sound like them")
    parser.add_argument("--early-commit", metavar="P",
                        help="commit at a pause a reading understood at least this surely (default: "
                             "PipelineOptions's; none: never early)")
    parser.add_argument("--no-rescue", action="store_true",
                        help="take whisper's first reading even when the resolver does not understand it")
    parser.add_argument("--torch-threads", type=int,
                        help="torch.set_num_threads for the resolver (1 avoids spin-waiting when cores are busy)")
    parser.add_argument("--dump", type=Path, help="write every utterance's n-best readings here (JSON lines)")
    parser.add_argument("--audio-cache", type=Path, metavar="DIR",
                        help="keep the test voices' audio here and reuse it: runs compare on the same audio")
    parser.add_argument("--weights", type=Path, nargs="+",
                        help="the resolver's weights: one file, or several read as one (default: the shipped members)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.torch_threads:
        import torch
        torch.set_num_threads(args.torch_threads)

    replier = Replier(args.handler, args.no_rescue, args.device, args.weights)
    started = time.perf_counter()
    words: dict[str, Any] = {"command_words": ()} if args.no_command_words else {}
    if args.second_model is not None:
        words["second_model"] = None if args.second_model == "none" else args.second_model
    if args.budget is not None:
        words["budget_s"] = None if args.budget == "none" else float(args.budget)
    if args.n_best is not None:
        words["n_best"] = args.n_best
    if args.window is not None:
        words["window_s"] = args.window
    if args.no_sound_alike:
        words["sound_alike"] = False
    min_score = PipelineOptions.min_score if args.min_score is None else (
        None if args.min_score == "none" else float(args.min_score))
    pipeline_options = PipelineOptions(wake_required=True, min_score=min_score) if args.early_commit is None else \
        PipelineOptions(wake_required=True, min_score=min_score,
                        early_commit_at=None if args.early_commit == "none" else float(args.early_commit))
    stt = WhisperStt(WhisperOptions(model=args.stt_model, device=args.device, names=() if args.no_bias else replier.names, **words))
    stt.warm_up()
    tts = PiperTts()
    tts.warm_up()
    loaded_s = time.perf_counter() - started
    rss_loaded = rss_mb()
    voices = Voices(args.audio_cache)

    report: dict[str, Any] = {
        "machine": f"{os.cpu_count()} CPU cores", "stt_model": stt.model_path,
        "stt_name": args.stt_model or "tiny.en", "stt_device": stt.device,
        "second_model": stt.second.model_path if stt.second else None, "n_best": stt.options.n_best,
        "sound_alike": stt.options.sound_alike,
        "compute_type": stt.compute_type, "biased_names": len(stt.options.names),
        "command_words": len(stt.options.command_words), "load_s": round(loaded_s, 2),
        "rss_after_load_mb": round(rss_loaded),
    }
    commands = load_set(args.set)
    report["command_set"] = args.set
    conditions = make_conditions([c.strip() for c in args.conditions.split(",") if c.strip()], voices)
    voice_names = tuple(v.strip() for v in args.voices.split(",") if v.strip())
    with open(args.dump, "w") if args.dump else nullcontext() as dump:
        report["accuracy"] = measure_accuracy(stt, voices, replier, commands[:args.commands], voice_names, conditions,
                                              dump, min_score)
    report["tts"] = measure_tts()
    report["wake_vad"] = measure_wake_vad_cpu(voices)
    report["end_to_end"] = asyncio.run(measure_end_to_end(stt, tts, voices, replier, args.e2e, pipeline_options))
    report["rss_peak_mb"] = round(rss_mb())
    voices.close()
    print(json.dumps(report, indent=2) if args.json else format_report(report))
    return 0


def format_report(r: dict[str, Any]) -> str:
    acc, e2e = r["accuracy"], r["end_to_end"]
    lines = [
        (f"voice bench — {r['machine']}, whisper {r['stt_name']} {r['compute_type']} on {r['stt_device']}, "
         f"{r['biased_names']} names{'' if r['command_words'] else ' (no command words)'} in the prompt, "
         f"{r['command_set']} commands, second opinion: {Path(r['second_model']).name if r['second_model'] else 'none'}"),
        f"{'figure':<44}{'measured':>14}   target",
        f"{'end of speech -> first audio, p50':<44}{str(e2e['first_audio_p50_ms']) + ' ms':>14}   <= 1000 ms",
        f"{'  p90':<44}{str(e2e['first_audio_p90_ms']) + ' ms':>14}",
    ]
    for stage, ms in e2e["stage_p50_ms"].items():
        lines.append(f"{'    ' + stage + ' (p50, from speech end)':<44}{str(ms) + ' ms':>14}")
    first = acc["conditions"][0]
    lines += [
        f"{'STT real-time factor, ' + r['stt_name'] + ' (' + first + ')':<44}{acc['stt_rtf']:>14}   <= 0.2",
        f"{'TTS first chunk, p50 / p90':<44}{str(r['tts']['first_chunk_p50_ms']) + ' / ' + str(r['tts']['first_chunk_p90_ms']) + ' ms':>14}   <= 150 ms",
        f"{'wake word + VAD, share of one core':<44}{100 * r['wake_vad']['share_of_one_core']:>13.2f}%   < 5%",
        f"{'resident memory after loading / peak':<44}{str(r['rss_after_load_mb']) + ' / ' + str(r['rss_peak_mb']) + ' MB':>14}   <= 1200 MB",
        f"end-to-end: {e2e['handled']}/{e2e['commands']} commands handled, replies from {e2e['handler']}; "
        f"committed early {e2e['early_commits']}/{e2e['handled']}, heard by a second model {e2e['second_passes']}/"
        f"{e2e['handled']}; first audio (ms): {', '.join(str(round(v)) for v in e2e['first_audio_ms'])}",
        "",
        f"{acc['commands']} commands, voices in turn: {', '.join(acc['voices'])}",
        f"(heard under {acc['min_score']} per token: asked again; acted otherwise: on other intents than the "
        "typed command's)",
        "| condition | intents exact | acted otherwise | asked again | transcripts exact | STT p50 / p90 | second pass "
        "| alternative taken |",
        "|---|---|---|---|---|---|---|---|",
    ]
    n = acc["commands"]
    for c in acc["conditions"]:
        intents = f"{100 * acc['intents_exact'][c]:.0f}%" if "intents_exact" in acc else "-"
        acted = f"{acc['acted_otherwise'][c]}/{n}" if "acted_otherwise" in acc else "-"
        lines.append(f"| {c} | {intents} | {acted} | {acc['asked_again'][c]}/{n} | "
                     f"{100 * acc['transcript_exact'][c]:.0f}% | "
                     f"{acc['stt_ms'][c]['p50']} / {acc['stt_ms'][c]['p90']} ms | "
                     f"{acc['second_opinion_asked'][c]}/{n} | {acc['alternative_chosen'][c]}/{n} |")
    lines += [
        "",
        "| voice | " + " | ".join(acc["conditions"]) + " |",
        "|---|" + "---|" * len(acc["conditions"]),
    ]
    for voice in acc["voices"]:
        cells = [acc["exact_by_voice"].get(f"{c}/{voice}", "-") for c in acc["conditions"]]
        lines.append(f"| {voice} | " + " | ".join(cells) + " |")
    what = "intent" if "intents_exact" in acc else "transcript"
    lines += ["", f"{what} misses: " + ("; ".join(acc["misses"]) or "none")]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
