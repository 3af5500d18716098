"""Where the shipped taggers live: one file per seed, read together as one (`llm.ensemble`). No torch here, so
the command line can name and check them before the model loads."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from llm.errors import WeightsError

DEFAULT_WEIGHTS = Path(__file__).parent / "weights" / "intent_tagger.safetensors"
SEEDS = (1234, 7, 99, 42, 2026)
"""The shipped members' seeds: `hearth train` fine-tunes one tagger per seed."""


def member_paths(first: Path, seeds: Sequence[int] = SEEDS) -> list[Path]:
    """Where each seed's member is written: the first at `first`, the others beside it as `<stem>.seed<N>`."""
    return [first if k == 0 else first.with_name(f"{first.stem}.seed{seed}{first.suffix}")
            for k, seed in enumerate(seeds)]


DEFAULT_MEMBERS = tuple(member_paths(DEFAULT_WEIGHTS))


def weight_paths(weights: Path | str | Sequence[Path | str] | None) -> list[Path]:
    """The files to read (the shipped members when none is given); WeightsError now for one that is missing."""
    if not weights:
        paths = list(DEFAULT_MEMBERS)
    elif isinstance(weights, (str, Path)):
        paths = [Path(weights)]
    else:
        paths = [Path(w) for w in weights]
    for path in paths:
        if not path.is_file():
            raise WeightsError(f"intent model weights {path} are missing: run `hearth train` to (re)create it")
    return paths
