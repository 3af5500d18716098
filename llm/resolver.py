"""Text -> [ToolCall]: the tagger finds clauses and spans (`llm.decode`), `llm.slots` turns them
into Home Assistant slots with the home's own names (`llm.entities`) and numbers as numbers.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import torch

from hub.core.home import Home
from hub.core.events import ToolCall
from hub.core.seams import NOT_UNDERSTOOD, Judgement, Meaning
from llm.decode import Clause, decode, word_starts
from llm.ensemble import Tagger, build_ensemble, read_words
from llm.entities import HomeNames
from llm.members import weight_paths
from llm.slips import mend
from llm.slots import grounded, tool_calls
from llm.tokenizer import WordPiece

_LOGGER = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.7
"""Mean probability of a clause's intent (the members' average) below which the clause is dropped (no guessing);
chosen on the dev sets by right answers minus twice the wrong actions (`llm/weights/README.md`)."""
_PAUSE = re.compile(r"(?<!\d),|,(?!\d)")
"""A comma, except inside a number ("1,000"): whisper writes one where the speaker pauses ("Turn off, the
kitchen lights."); the tagger was trained without them (`llm.data.generate._style`), so they become spaces,
the same length, and spans keep their places in the text."""
_TAGGED = 64
"""Taggings remembered (see `Resolver.tag`)."""
MAX_CHARS = 1000
"""Longer lines are cut here before tokenizing (the tokenizer also truncates to 64 tokens)."""


def meaning_of(calls: list[ToolCall]) -> Meaning:
    """Calls as a hashable key: their intents and slots, not their confidences."""
    return tuple((c.intent, json.dumps(c.slots, sort_keys=True, default=str)) for c in calls)


class Resolver:
    """The IntentResolver: load once, then `resolve(text, home)` per utterance."""

    def __init__(
        self,
        model: Tagger,
        tokenizer: WordPiece,
        device: str,
        mode: str,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.mode = mode
        self.threshold = threshold
        self._names: tuple[int, HomeNames] | None = None
        self._tagged: dict[str, list[Clause]] = {}
        """The last few taggings by text: `resolve`, `understands` and the conversation's context read the
        same utterance's clauses, and a forward pass is the costly part."""

    @classmethod
    def load(
        cls,
        weights_path: Path | str | Sequence[Path | str] | None = None,
        device: str = "auto",
        mode: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> Resolver:
        """`weights_path`: one file, or several read as one (`llm.ensemble`); default the shipped members.
        device 'auto' picks CUDA (fp16) when present, else CPU (int8); `mode` overrides
        ('int8', 'fp32', 'fp16'). WeightsError names a missing or corrupt file."""
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device not in ("cpu", "cuda") and not device.startswith("cuda:"):
            raise ValueError(f"device must be auto, cpu or cuda, not {device!r}")
        mode = mode or ("int8" if device == "cpu" else "fp16")
        if mode not in ("int8", "fp32", "fp16") or (mode == "int8" and device != "cpu"):
            raise ValueError(f"mode {mode!r} is not available on {device} (int8: cpu; fp16/fp32: any)")
        paths = weight_paths(weights_path)
        t0 = time.perf_counter()
        model = build_ensemble(paths, mode, device)
        resolver = cls(model, WordPiece.load(), device, mode, threshold)
        resolver.tag("turn on the kitchen light")  # warm-up: the first forward pass is slow
        _LOGGER.info("loaded %s (%s on %s) in %.2f s", [str(p) for p in paths], mode, device, time.perf_counter() - t0)
        return resolver

    def resolve(self, text: str, home: Home) -> list[ToolCall]:
        return tool_calls(self.tag(text), self._home_names(home), self.threshold)

    def understands(self, text: str, home: Home, awaiting_answer: bool = False) -> Judgement:
        """How surely `text` is understood and what it means: not understood unless it resolves to calls on the
        home's own devices, areas and floors with the slots their intents need, a yes or no only when a
        question is open (see `llm.slots.grounded`); else the least confident call's confidence (> 0) and the
        calls as a `meaning` key."""
        calls = self.resolve(text, home)
        if not grounded(calls, self._home_names(home), awaiting_answer):
            return NOT_UNDERSTOOD
        return Judgement(max(min(c.confidence for c in calls), 1e-6), meaning_of(calls))

    def _home_names(self, home: Home) -> HomeNames:
        if self._names is None or self._names[0] != id(home) or self._names[1].home is not home:
            self._names = (id(home), HomeNames(home))
        return self._names[1]

    def tag(self, text: str) -> list[Clause]:
        """Clauses in spoken order with their spans (before entity resolution); fresh copies each call."""
        clauses = self._tagged.get(text)
        if clauses is None:
            clauses = self._tag(text)
            if len(self._tagged) >= _TAGGED:
                self._tagged.pop(next(iter(self._tagged)), None)
            self._tagged[text] = clauses
        return [replace(c, spans=list(c.spans), intents=dict(c.intents)) for c in clauses]

    def _tag(self, text: str) -> list[Clause]:
        text = _PAUSE.sub(" ", mend(" ".join(text[:MAX_CHARS].split())))
        if not text.strip():
            return []
        enc = self.tokenizer.encode(text)
        if len(enc.ids) <= 2:
            return []
        words = word_starts(enc.word_ids)
        intent_p, slot_p = read_words(self.model, torch.tensor([enc.ids], device=self.device),
                                      torch.tensor([w[0] for w in words]))
        return decode(text, enc.offsets, words, intent_p, slot_p)
