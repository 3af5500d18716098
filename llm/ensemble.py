"""Several taggers fine-tuned alike from different seeds, read as one: their probabilities averaged.

One fine-tuning run's mistakes depend on its seed (the sentences sampled for it, its heads' start, the order it
saw them in). The members' average is right more often than any one of them, and less sure where they disagree,
so the confidence gate asks there instead of acting. Each member's own calibration temperature is applied before
averaging. What it bought and what it costs are measured in `llm/weights/README.md`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import torch

from llm.checkpoint import build_model
from llm.model import IntentTagger


class Tagger(Protocol):
    """What the resolver needs of a model: per-token probabilities of both tag sets."""

    def predict(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]: ...


class Ensemble(torch.nn.Module):
    """Members' `predict` averaged: intent tags and slot tags alike."""

    def __init__(self, members: Sequence[IntentTagger]) -> None:
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one member")
        self.registered = torch.nn.ModuleList(members)  # so that .to() and .half() reach every member
        self.members: tuple[IntentTagger, ...] = tuple(members)

    @torch.no_grad()
    def predict(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        intents, slots = zip(*(m.predict(input_ids, attention_mask) for m in self.members), strict=True)
        return torch.stack(intents).mean(0), torch.stack(slots).mean(0)


def build_ensemble(paths: Sequence[Path], mode: str = "int8", device: str = "cpu") -> Tagger:
    """One member per file; one file is that model alone. The members share one copy of the frozen embeddings
    (all read from the same backbone package), so each further member costs only its encoder and heads."""
    members = [build_model(path, mode, device) for path in paths]
    if len(members) == 1:
        return members[0]
    for member in members[1:]:
        member.embeddings = members[0].embeddings
    return Ensemble(members)
