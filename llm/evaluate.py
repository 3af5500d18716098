"""Accuracy on a hand-written JSONL set: {"text", "intents": [{"intent", "slots"}]} per line.

python -m llm.evaluate [--data tests/data/intent_dev.jsonl] [--home HOME.yaml] [--errors]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.homefile import DEMO_HOME, load_home
from devices.models import Home
from llm.resolver import Resolver

DEV_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "intent_dev.jsonl"


@dataclass(frozen=True, slots=True)
class Score:
    n: int
    exact: float
    """Share of sentences whose intents and slots all match, in order."""
    intent: float
    """Share whose intent names match, in order."""
    p50_ms: float
    errors: tuple[tuple[str, Any, Any], ...]


def load_cases(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(resolver: Resolver, cases: list[dict[str, Any]], home: Home) -> Score:
    exact = intent = 0
    times: list[float] = []
    errors = []
    for case in cases:
        t0 = time.perf_counter()
        calls = resolver.resolve(case["text"], home)
        times.append((time.perf_counter() - t0) * 1000)
        got = [{"intent": c.intent, "slots": c.slots} for c in calls]
        want = case["intents"]
        exact += got == want
        intent += [g["intent"] for g in got] == [w["intent"] for w in want]
        if got != want:
            errors.append((case["text"], want, got))
    n = len(cases)
    return Score(n, exact / n, intent / n, statistics.median(times), tuple(errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEV_SET)
    parser.add_argument("--home", type=Path, default=DEMO_HOME)
    parser.add_argument("--weights", type=Path, default=None)
    parser.add_argument("--modes", default="fp32,int8")
    parser.add_argument("--errors", action="store_true", help="print every mismatch")
    args = parser.parse_args()
    cases, home = load_cases(args.data), load_home(args.home)
    for mode in args.modes.split(","):
        result = score(Resolver.load(args.weights, "cpu", mode), cases, home)
        print(
            f"{mode}: {result.n} sentences, exact intents+slots {result.exact:.1%}, "
            f"intents {result.intent:.1%}, p50 {result.p50_ms:.2f} ms"
        )
        if args.errors:
            for text, want, got in result.errors:
                print(f"  {text!r}\n    want {json.dumps(want)}\n    got  {json.dumps(got)}")


if __name__ == "__main__":
    main()
