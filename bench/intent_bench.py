"""Intent resolution speed and answers by stage: the cascade (HA's templates, then the Transformer) vs the
templates alone (hassil + home-assistant-intents) vs the Transformer alone (int8, one thread), on the demo
home with the dev set and on a generated 500-entity home with the HA-style proxy sentences.

    .venv/bin/python bench/intent_bench.py [--data tests/data/intent_dev.jsonl] [--entities 500]
        [--device cpu|cuda] [--precision int8|fp32|fp16] [--json]

Prints p50/p95 ms per utterance (one at a time, after a warm-up), the share of utterances each stage
answered, intent+slots exact where the sentences carry an answer, and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ha_homes import generated_home
from bench.ha_proxy import cases_for
from devices.homefile import DEMO_HOME, load_home
from devices.models import Home
from llm.cascade import CascadeResolver
from llm.evaluate import DEV_SET, load_cases
from llm.templates import TemplateMatcher

Staged = Callable[[str, Home], tuple[list[Any], str | None]]


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def measure(resolve: Staged, home: Home, cases: list[tuple[str, list[tuple[str, dict[str, Any]]]]],
            warmup: int = 5) -> dict[str, Any]:
    """Milliseconds per sentence, who answered, and how many came out exactly as wanted."""
    for text, _ in cases[:warmup]:
        resolve(text, home)
    ms, stages, exact = [], Counter[str](), 0
    for text, wanted in cases:
        t0 = time.perf_counter()
        calls, stage = resolve(text, home)
        ms.append((time.perf_counter() - t0) * 1000)
        stages[stage or "none"] += 1
        exact += [(c.intent, c.slots) for c in calls] == wanted
    n = len(cases)
    return {"p50": p(ms, 50), "p95": p(ms, 95), "exact": exact / n,
            "stages": {k: v / n for k, v in sorted(stages.items())}}


def runs(transformer: Callable[[], Any]) -> dict[str, CascadeResolver]:
    templates = TemplateMatcher.load()
    loaded = transformer()
    return {
        "cascade": CascadeResolver(templates, lambda: loaded),
        "templates alone": CascadeResolver(templates, None),
        "transformer alone": CascadeResolver(None, lambda: loaded),
    }


def transformer_loader(device: str, precision: str | None) -> Callable[[], Any]:
    def load() -> Any:
        import torch

        from llm.resolver import Resolver

        torch.set_num_threads(1)
        return Resolver.load(device=device, mode=precision)
    return load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEV_SET, help="sentences for the demo home")
    parser.add_argument("--entities", type=int, default=500, help="size of the generated home")
    parser.add_argument("--device", default="cpu", help="the Transformer's device: cpu (default), cuda, auto")
    parser.add_argument("--precision", choices=("int8", "fp32", "fp16"), default=None,
                        help="default: int8 on CPU, fp16 on CUDA")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args()
    demo = load_home(DEMO_HOME)
    dev = [(c["text"], [(i["intent"], i["slots"]) for i in c["intents"]]) for c in load_cases(args.data)]
    big = generated_home(7, args.entities)
    proxy = [(c.text, [(c.intent, c.slots)]) for c in cases_for(big, random.Random(7), 3)]
    t0 = time.perf_counter()
    resolvers = runs(transformer_loader(args.device, args.precision))
    load_s = time.perf_counter() - t0
    results: dict[str, dict[str, Any]] = {}
    for home_name, home, cases in ((f"demo ({len(demo.entities)} entities, dev set)", demo, dev),
                                   (f"generated ({len(big.entities)} entities, proxy)", big, proxy)):
        for name, resolver in resolvers.items():
            results[f"{name} | {home_name}"] = measure(resolver.resolve_staged, home, cases) | {"n": len(cases)}
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps({"load_s": load_s, "peak_rss_mb": rss_mb, **results}))
        return
    print(f"{'':55} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'exact':>6}  answered by")
    for name, r in results.items():
        shares = ", ".join(f"{k} {v:.0%}" for k, v in r["stages"].items())
        print(f"{name:55} {r['n']:4} {r['p50']:7.2f} {r['p95']:7.2f} {r['exact']:6.1%}  {shares}")
    print(f"load (templates + Transformer): {load_s:.1f} s; peak RSS of this process: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
