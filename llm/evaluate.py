"""Accuracy and wrong actions on hand-written JSONL sets: {"text", "intents": [{"intent", "slots"}]} per line.

python -m llm.evaluate [--data SET.jsonl ...] [--home HOME.yaml] [--weights OLD NEW] [--modes fp32,int8] [--errors]

With no --data, every set of the held-out suite (`tests/data/heldout/`, each over its own home) and the
team's dev/test sets (demo home) are scored. Per set it prints:
- intent: the intent names match, in order;
- exact: intents and slots all match;
- wrong action: some resolved call would change a device (or a timer, list, file...) differently from what
  was meant - compared by effect (which entities, which values), so two spellings of the same target agree.
  "Not understood" (no call, or a call that cannot be carried out) is not a wrong action;
- not understood: no call at all.
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
from hub.core.home import Home
from hub.core.errors import HearthError
from hub.core.targets import INTENT_DOMAINS, match_targets, query_for
from llm.resolver import DEFAULT_THRESHOLD, Resolver

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEV_SET = DATA / "intent_dev.jsonl"
HELDOUT = DATA / "heldout"
SUITE: tuple[tuple[Path, Path], ...] = (
    (HELDOUT / "free_demo.jsonl", DEMO_HOME),
    (HELDOUT / "free_flat.jsonl", HELDOUT / "flat.yaml"),
    (HELDOUT / "free_house.jsonl", HELDOUT / "house.yaml"),
    (DATA / "intent_test.jsonl", DEMO_HOME),
    (DEV_SET, DEMO_HOME),
)
"""(set, home) pairs scored when no --data is given: the held-out free phrasing first, then the team's sets."""

QUERIES = frozenset(
    {
        "HassGetState",
        "HassClimateGetTemperature",
        "HassTimerStatus",
        "HearthListQuery",
        "HassGetCurrentTime",
        "HassGetCurrentDate",
        "HassGetWeather",
        "HearthAlarmList",
        "HearthFileList",
        "HearthFileRead",
        "HearthProcessList",
        "HassNevermind",
        "HearthConfirm",
        "HearthDeny",
    }
)
"""Intents that change nothing by themselves (a confirmation only answers a question Hearth asked)."""
_TARGET_SLOTS = frozenset({"name", "area", "floor", "domain", "device_class"})


@dataclass(frozen=True, slots=True)
class Score:
    n: int
    exact: float
    """Share of sentences whose intents and slots all match, in order."""
    intent: float
    """Share whose intent names match, in order."""
    wrong_action: float
    """Share with a call that would change something other than, or otherwise than, what was meant."""
    not_understood: float
    """Share resolved to no call at all."""
    p50_ms: float
    errors: tuple[tuple[str, Any, Any], ...]


def load_cases(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def effect(intent: str, slots: dict[str, Any], home: Home) -> tuple[Any, ...] | None:
    """What a call would change: (intent, entity ids, values), or None when it changes nothing."""
    if intent in QUERIES:
        return None
    values = tuple(sorted((k, json.dumps(v, sort_keys=True)) for k, v in slots.items() if k not in _TARGET_SLOTS))
    if intent not in INTENT_DOMAINS:
        return (intent, tuple(sorted((k, json.dumps(v)) for k, v in slots.items())))
    try:
        targets = match_targets(home, query_for(slots, INTENT_DOMAINS[intent]))
    except (HearthError, ValueError):
        return None  # the executor would refuse: nothing changes
    return (intent, tuple(sorted(e.id for e in targets.entities)), values)


def wrong_action(got: list[dict[str, Any]], want: list[dict[str, Any]], home: Home) -> bool:
    meant = {effect(w["intent"], w["slots"], home) for w in want}
    done = [effect(g["intent"], g["slots"], home) for g in got]
    return any(e is not None and e not in meant for e in done)


def score(resolver: Resolver, cases: list[dict[str, Any]], home: Home) -> Score:
    exact = intent = wrong = silent = 0
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
        wrong += wrong_action(got, want, home)
        silent += not got
        if got != want:
            errors.append((case["text"], want, got))
    n = len(cases)
    return Score(n, exact / n, intent / n, wrong / n, silent / n, statistics.median(times), tuple(errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, nargs="*", help="sets to score (default: the whole suite)")
    parser.add_argument("--home", type=Path, default=DEMO_HOME, help="the home for --data sets")
    parser.add_argument(
        "--weights", type=Path, nargs="*", default=None, help="weights files to compare (default: the shipped)"
    )
    parser.add_argument("--modes", default="int8")
    parser.add_argument("--errors", action="store_true", help="print every mismatch")
    parser.add_argument(
        "--thresholds", default=None, help="comma-separated confidence gates to compare (default: the resolver's)"
    )
    args = parser.parse_args()
    sets = [(p, args.home) for p in args.data] if args.data else list(SUITE)
    gates = [float(t) for t in args.thresholds.split(",")] if args.thresholds else [DEFAULT_THRESHOLD]
    files: list[Path | None] = list(args.weights) if args.weights else [None]
    for weights, mode, gate in ((w, m, g) for w in files for m in args.modes.split(",") for g in gates):
        resolver = Resolver.load(weights, "cpu", mode, threshold=gate)
        if len(gates) > 1:
            mode = f"{mode}@{gate:.2f}"
        if len(files) > 1:
            mode = f"{weights.stem if weights else 'shipped'} {mode}"
        print(f"{mode}:  {'set':<22} {'n':>4} {'intent':>7} {'exact':>7} {'wrong':>7} {'silent':>7} {'p50':>8}")
        for path, home_path in sets:
            result = score(resolver, load_cases(path), load_home(home_path))
            print(
                f"{mode}:  {path.stem:<22} {result.n:>4} {result.intent:>7.1%} {result.exact:>7.1%} "
                f"{result.wrong_action:>7.1%} {result.not_understood:>7.1%} {result.p50_ms:>6.2f}ms"
            )
            if args.errors:
                for text, want, got in result.errors:
                    print(f"  {text!r}\n    want {json.dumps(want)}\n    got  {json.dumps(got)}")


if __name__ == "__main__":
    main()
