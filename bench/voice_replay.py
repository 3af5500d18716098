"""Replay the choice among saved readings: what each variant of the decoding path would have picked, with no
audio decoded again. The readings come from `bench/voice_bench.py --dump FILE` (every utterance's n-best from
the first and the second model); the resolver judges them over the demo home, as the bench does.

    .venv/bin/python bench/voice_replay.py FILE [--by-voice]

Prints, per variant and per condition, how many utterances resolve to the typed command's intents and how
many the second model would have been asked about.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from speech.stt import Reading, WhisperOptions, choose


@dataclass(frozen=True)
class Variant:
    name: str
    second: bool = True
    sound_alike: bool = True
    n_best: int = WhisperOptions.n_best
    doubtful_below: float = WhisperOptions.doubtful_below


VARIANTS = (
    Variant("as shipped: n-best, second model when doubtful, sound-alikes"),
    Variant("no sound-alikes", sound_alike=False),
    Variant("no second model", second=False),
    Variant("no second model, no sound-alikes", second=False, sound_alike=False),
    Variant("second model always", doubtful_below=1.01),
    Variant("whisper's best reading only (n-best 1), no second model", second=False, n_best=1),
)


class Judge:
    """The resolver over the demo home, each text resolved and judged once."""

    def __init__(self) -> None:
        import torch

        from devices.homefile import DEMO_HOME, load_home
        from llm.resolver import Resolver
        from speech.soundalike import SoundsLike
        torch.set_num_threads(1)
        self.home, self.resolver = load_home(DEMO_HOME), Resolver.load(device="cpu")
        sounds = SoundsLike(self.home.spoken_names())
        self.understands = cache(lambda text: self.resolver.understands(text, self.home))
        self.intents = cache(lambda text: [(c.intent, json.dumps(c.slots, sort_keys=True))
                                           for c in self.resolver.resolve(text, self.home)])
        self.named: Callable[[str], str] = cache(lambda text: sounds.mend(text)[0])


def replay(lines: list[dict[str, Any]], variant: Variant, judge: Judge) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """(right, total, asked the second model) by condition and by condition/voice."""
    right, total, second = Counter[str](), Counter[str](), Counter[str]()
    named = judge.named if variant.sound_alike else None
    for line in lines:
        readings = [Reading(text, score, log_prob) for text, score, log_prob in line["first"][:variant.n_best]]
        choice = choose(readings, judge.understands, named=named)
        if variant.second and line["second"] and (choice is None or choice.judgement.confidence < variant.doubtful_below):
            second[line["condition"]] += 1
            more = [Reading(text, score, log_prob, 1) for text, score, log_prob in line["second"][:variant.n_best]]
            choice = choose([*readings, *more], judge.understands, (1.0, WhisperOptions.second_weight), named)
        heard = choice.reading.text if choice else readings[0].text
        ok = judge.intents(heard) == judge.intents(line["text"])
        for key in (line["condition"], f"{line['condition']}/{line['voice']}"):
            right[key] += ok
            total[key] += 1
    return right, total, second


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", type=Path, help="a file written by bench/voice_bench.py --dump")
    parser.add_argument("--by-voice", action="store_true", help="also print each condition per voice")
    args = parser.parse_args()
    lines = [json.loads(line) for line in args.dump.read_text().splitlines() if line.strip()]
    conditions = list(dict.fromkeys(line["condition"] for line in lines))
    judge = Judge()
    print(f"{len(lines)} utterances; intents right (second model asked)")
    print("| variant | " + " | ".join(conditions) + " |\n|---|" + "---|" * len(conditions))
    for variant in VARIANTS:
        right, total, second = replay(lines, variant, judge)
        cells = [f"{right[c]}/{total[c]} ({second[c]})" for c in conditions]
        print(f"| {variant.name} | " + " | ".join(cells) + " |")
        if args.by_voice:
            print("|  | " + " | ".join("; ".join(f"{k.split('/')[1]} {right[k]}/{total[k]}" for k in sorted(total)
                                                  if k.startswith(c + "/")) for c in conditions) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
