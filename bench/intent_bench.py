"""Intent resolution speed: Hearth int8 vs fp32 (vs fp16 on CUDA when there is a GPU) vs hassil +
home-assistant-intents, same sentences, same run; with --conversation also int8 inside a conversation that
has context (learned names looked up, dialogue templates tried, the tagger's spans read for inheritance).

    .venv/bin/python bench/intent_bench.py [--data tests/data/intent_dev.jsonl] [--home HOME.yaml] [--threads 1]
        [--conversation]

Prints p50/p95 ms per utterance (one at a time), the ratios to int8, load time, intent accuracy on
the same sentences (all intents of a sentence right, in order) and the process's peak memory.
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devices.homefile import DEMO_HOME, load_home
from devices.models import Home
from llm.evaluate import DEV_SET, load_cases
from llm.resolver import Resolver


def hassil_recognizer(home: Home) -> Callable[[str], object]:
    from hassil import Intents, SlotList, TextSlotList, recognize_best
    from home_assistant_intents import get_intents

    data = get_intents("en")
    assert data is not None, "home-assistant-intents has no English data"
    intents = Intents.from_dict(data)
    names = [(n, e.name, {"domain": e.domain}) for e in home.entities for n in e.names()]
    areas = [(n, a.name) for a in home.areas for n in (a.name, *a.aliases)]
    floors = [(n, f.name) for f in home.floors for n in (f.name, *f.aliases)]
    lists: dict[str, SlotList] = {
        "name": TextSlotList.from_tuples(names, allow_template=False),
        "area": TextSlotList.from_tuples(areas, allow_template=False),
        "floor": TextSlotList.from_tuples(floors, allow_template=False),
    }
    here = home.context_area()
    context = {"area": here.name} if here else None
    return lambda text: recognize_best(text, intents, slot_lists=lists, intent_context=context, language="en")


def conversation_resolver(resolver: Resolver, home: Home, db: Path) -> Callable[[str], Any]:
    """What a turn costs inside a conversation that has context (worst case: it last acted on a lamp, so
    every device call is checked for a target to inherit), without executing anything."""
    from devices.registry import Registry
    from hub.context import DEVICE_INTENTS, inherit_targets, recognize_act, refers_back, said_a_target
    from hub.dialogue import DialogueState
    from hub.learned import LearnedStore

    learned = LearnedStore(Registry.open(db))
    state = DialogueState(targets=("light.office_desk",), target_slots={"name": "Desk Lamp"})

    def turn(text: str) -> Any:
        text, _ = learned.rewrite(text, home)
        recognize_act(text)  # a dialogue act that does not apply falls through to the resolver, as here
        calls = resolver.resolve(text, home)
        learned.phrase(text)
        if any(c.intent in DEVICE_INTENTS for c in calls):
            calls, _ = inherit_targets(calls, said_a_target(resolver.tag(text)), refers_back(text), state, home)
        return calls

    return turn


def with_context(device: str, mode: str, home: Home, sentences: list[str],
                 cases: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """The same sentences with and without a conversation, alternating sentence by sentence (two resolvers,
    so neither warms the other's tagging memo), so load from elsewhere on the machine hits both alike."""
    plain, inside = Resolver.load(device=device, mode=mode), Resolver.load(device=device, mode=mode)
    with tempfile.TemporaryDirectory() as tmp:
        turn = conversation_resolver(inside, home, Path(tmp) / "bench.db")
        for s in sentences[:5]:
            plain.resolve(s, home), turn(s)
        a, b, diff, calls = [], [], [], []
        for s in sentences:
            t0 = time.perf_counter()
            plain.resolve(s, home)
            t1 = time.perf_counter()
            calls.append(turn(s))
            t2 = time.perf_counter()
            a.append((t1 - t0) * 1000)
            b.append((t2 - t1) * 1000)
            diff.append(b[-1] - a[-1])
    acc = intent_accuracy([[c.intent for c in cs] for cs in calls], cases)
    return {"int8 alternating": {"p50": p(a, 50), "p95": p(a, 95), "load_s": 0.0, "intent_acc": float("nan")},
            "int8 + context": {"p50": p(b, 50), "p95": p(b, 95), "load_s": 0.0, "intent_acc": acc,
                               "added_p50": p(diff, 50)}}


def timings(fn: Callable[[str], Any], sentences: list[str], warmup: int = 5) -> tuple[list[float], list[Any]]:
    """Milliseconds per sentence, and what `fn` returned for each."""
    for s in sentences[:warmup]:
        fn(s)
    out, results = [], []
    for s in sentences:
        t0 = time.perf_counter()
        results.append(fn(s))
        out.append((time.perf_counter() - t0) * 1000)
    return out, results


def intent_accuracy(predicted: list[list[str]], cases: list[dict[str, Any]]) -> float:
    """Share of sentences whose intent names (all of them, in order) are right; [] for nothing."""
    wanted = [[c["intent"] for c in case["intents"]] for case in cases]
    return sum(p == w for p, w in zip(predicted, wanted, strict=True)) / len(cases)


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEV_SET)
    parser.add_argument("--home", type=Path, default=DEMO_HOME)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--conversation", action="store_true", help="also time int8 inside a conversation")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cases = load_cases(args.data)
    sentences = [c["text"] for c in cases]
    home = load_home(args.home)

    results: dict[str, dict[str, float]] = {}
    runs = [("int8", "cpu"), ("fp32", "cpu")] + ([("fp16", "cuda")] if torch.cuda.is_available() else [])
    for mode, device in runs:
        t0 = time.perf_counter()
        resolver = Resolver.load(device=device, mode=mode)
        load_s = time.perf_counter() - t0
        ms, calls = timings(functools.partial(resolver.resolve, home=home), sentences)
        acc = intent_accuracy([[c.intent for c in cs] for cs in calls], cases)
        name = f"hearth {mode}" + (" cuda" if device == "cuda" else "")
        results[name] = {"p50": p(ms, 50), "p95": p(ms, 95), "load_s": load_s, "intent_acc": acc}
        if args.conversation and mode == "int8":
            results.update(with_context(device, mode, home, sentences, cases))
    t0 = time.perf_counter()
    recognize = hassil_recognizer(home)
    load_s = time.perf_counter() - t0
    ms, found = timings(recognize, sentences)
    acc = intent_accuracy([[r.intent.name] if r else [] for r in found], cases)
    results["hassil"] = {"p50": p(ms, 50), "p95": p(ms, 95), "load_s": load_s, "intent_acc": acc}

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    base = results["hearth int8"]
    if args.json:
        print(json.dumps({"sentences": len(sentences), "threads": args.threads, "peak_rss_mb": rss_mb, **results}))
        return
    print(f"{len(sentences)} sentences, one at a time, torch threads {args.threads}")
    print(f"{'':17} {'p50 ms':>8} {'p95 ms':>8} {'p50/int8':>9} {'p95/int8':>9} {'load s':>7} {'intents':>8}")
    for name, r in results.items():
        print(
            f"{name:17} {r['p50']:8.2f} {r['p95']:8.2f} {r['p50'] / base['p50']:9.2f} "
            f"{r['p95'] / base['p95']:9.2f} {r['load_s']:7.2f} {r['intent_acc']:8.1%}"
        )
    if "int8 + context" in results:
        print(f"context adds {results['int8 + context']['added_p50']:.2f} ms p50 per sentence (paired)")
    print(f"peak RSS of this process (all {len(results)} loaded): {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
