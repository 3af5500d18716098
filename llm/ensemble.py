"""Several taggers fine-tuned alike from different seeds, read as one: their probabilities averaged.

One fine-tuning run's mistakes depend on its seed (the sentences sampled for it, its heads' start, the order it
saw them in). The members' average is right more often than any one of them, and less sure where they disagree,
so the confidence gate asks there instead of acting. Each member's own calibration temperature is applied before
averaging. What it bought and what it costs are measured in `llm/weights/README.md`.

Reading one sentence (`read_words`), the first member is asked first; the others are asked only when it is unsure
of some word (`ALONE_AT`). On the dev sets that left right and wrong actions as they were while the first member
read 43% of the sentences alone (docs/benchmarks.md, session 27).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import torch

from llm.checkpoint import build_model
from llm.model import IntentTagger

ALONE_AT = 0.8
"""The first member's reading of a sentence stands alone when every word's most probable tag, in both tag sets, is
at least this probable; otherwise all the members are asked and averaged. Chosen on the dev sets (0.7, 0.8 and 0.9
scored alike; 0.8 is the middle)."""


class Tagger(Protocol):
    """What the resolver needs of a model: per-token probabilities of both tag sets."""

    def predict(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]: ...


class Ensemble(torch.nn.Module):
    """Members' `predict` averaged, intent tags and slot tags alike; `read_words` asks the first member first."""

    def __init__(self, members: Sequence[IntentTagger], alone_at: float | None = ALONE_AT) -> None:
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.registered = torch.nn.ModuleList(members)  # so that .to() and .half() reach every member
        self.members: tuple[IntentTagger, ...] = tuple(members)
        self.alone_at = alone_at
        """See `ALONE_AT`; None: every member reads every sentence."""

    @torch.no_grad()
    def predict(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        intents, slots = zip(*(m.predict(input_ids, attention_mask) for m in self.members), strict=True)
        return torch.stack(intents).mean(0), torch.stack(slots).mean(0)

    @torch.no_grad()
    def read_words(self, input_ids: torch.Tensor, firsts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """`read_words` for an ensemble: the first member alone when it is sure of every word (`alone_at`),
        else the members' mean."""
        mask = torch.ones_like(input_ids)
        first = _at(self.members[0].predict(input_ids, mask), firsts)
        if self.alone_at is not None and sureness(first) >= self.alone_at:
            return first
        rest = [_at(m.predict(input_ids, mask), firsts) for m in self.members[1:]]
        intents, slots = zip(first, *rest, strict=True)
        return torch.stack(intents).mean(0), torch.stack(slots).mean(0)


def read_words(model: Tagger, input_ids: torch.Tensor, firsts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One sentence's (`input_ids`, shape (1, T)) probabilities of both tag sets at its words' first tokens
    (`firsts`): (words, intent tags) and (words, slot tags), fp32 on the CPU."""
    if isinstance(model, Ensemble):
        return model.read_words(input_ids, firsts)
    return _at(model.predict(input_ids, torch.ones_like(input_ids)), firsts)


def sureness(probs: tuple[torch.Tensor, torch.Tensor]) -> float:
    """How sure a reading is of its least sure word: the smallest top probability over the words of both tag
    sets (as `read_words` returns them)."""
    return min(float(p.max(-1).values.min()) for p in probs)


def _at(probs: tuple[torch.Tensor, torch.Tensor], firsts: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    intents, slots = probs
    return intents[0].float().cpu()[firsts], slots[0].float().cpu()[firsts]


def build_ensemble(paths: Sequence[Path], mode: str = "int8", device: str = "cpu") -> Tagger:
    """One member per file; one file is that model alone. The members share one copy of the frozen embeddings
    (all read from the same backbone package), so each further member costs only its encoder and heads."""
    members = [build_model(path, mode, device) for path in paths]
    if len(members) == 1:
        return members[0]
    for member in members[1:]:
        member.embeddings = members[0].embeddings
    return Ensemble(members)
