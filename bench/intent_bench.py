"""Intent resolution speed and answers by stage: the cascade (HA's templates, then the Transformer) vs the
templates alone (hassil + home-assistant-intents) vs the Transformer alone (int8, one thread), on the demo
home with the dev set and on a generated 500-entity home with the HA-style proxy sentences.

    .venv/bin/python bench/intent_bench.py [--data tests/data/intent_dev.jsonl] [--entities 500]
        [--device cpu|cuda] [--precision int8|fp32|fp16] [--conversation] [--json]

Prints p50/p95 ms per utterance (one at a time, after a warm-up), the share of utterances each stage
answered, intent+slots exact where the sentences carry an answer, and the process's peak RSS; then the
Transformer alone as shipped (its members read as one, the first alone where it is sure: `llm.ensemble`) against
every member on every sentence and against its first member alone, paired sentence by sentence on the same
sentences, the figures being the ratios. With
--conversation, also the cascade inside a conversation that has context (learned names looked up, dialogue
acts tried, the tagger's spans read for inheritance), paired sentence by sentence with the cascade alone.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ha_homes import generated_home
from bench.ha_proxy import cases_for
from devices.homefile import DEMO_HOME, load_home
from hub.core.home import Home
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


def conversation_turn(resolver: CascadeResolver, home: Home, db: Path) -> Callable[[str], list[Any]]:
    """What a turn costs inside a conversation that has context (worst case: it last acted on a lamp, so
    every device call is checked for a target to inherit), without executing anything."""
    from devices.registry import Registry
    from hub.context import DEVICE_INTENTS, inherit_targets, recognize_act, refers_back, said_a_target
    from hub.dialogue import DialogueState
    from hub.learned import LearnedStore

    learned = LearnedStore(Registry.open(db))
    state = DialogueState(targets=("light.office_desk",), target_slots={"name": "Desk Lamp"})

    def turn(text: str) -> list[Any]:
        text, _ = learned.rewrite(text, home)
        recognize_act(text)  # a dialogue act that does not apply falls through to the resolver, as here
        calls = resolver.resolve(text, home)
        learned.phrase(text)
        if any(c.intent in DEVICE_INTENTS for c in calls):
            calls, _ = inherit_targets(calls, said_a_target(resolver.tag(text)), refers_back(text), state, home)
        return calls
    return turn


def with_context(resolver: CascadeResolver, inside: CascadeResolver, home: Home,
                 sentences: list[str]) -> dict[str, Any]:
    """The same sentences with and without a conversation, alternating sentence by sentence, so load from
    elsewhere on the machine hits both alike; the added time is taken per pair. Two resolvers, so that
    neither reuses the other's taggings."""
    with tempfile.TemporaryDirectory() as tmp:
        turn = conversation_turn(inside, home, Path(tmp) / "bench.db")
        for s in sentences[:5]:
            resolver.resolve(s, home), turn(s)
        plain, inside = [], []
        for s in sentences:
            t0 = time.perf_counter()
            resolver.resolve(s, home)
            t1 = time.perf_counter()
            turn(s)
            inside.append((time.perf_counter() - t1) * 1000)
            plain.append((t1 - t0) * 1000)
    added = [b - a for a, b in zip(plain, inside, strict=True)]
    return {"plain_p50": p(plain, 50), "context_p50": p(inside, 50), "context_p95": p(inside, 95),
            "added_p50": p(added, 50), "n": len(sentences)}


def members_paired(device: str, precision: str | None, home: Home, sentences: list[str]) -> dict[str, Any]:
    """The Transformer alone as shipped (the first member alone where it is sure, `llm.ensemble.ALONE_AT`) against
    every member on every sentence and against the first member alone, in turn sentence by sentence so that load
    from elsewhere hits all three alike."""
    from llm.members import DEFAULT_MEMBERS

    every, one = transformer_loader(device, precision)(), transformer_loader(device, precision, DEFAULT_MEMBERS[:1])()
    always = transformer_loader(device, precision)()
    always.model.alone_at = None
    ms: dict[str, list[float]] = {"every": [], "always": [], "one": []}
    for s in sentences[:5]:
        every.resolve(s, home), always.resolve(s, home), one.resolve(s, home)
    for s in sentences[5:]:
        for name, resolver in (("one", one), ("always", always), ("every", every)):
            t0 = time.perf_counter()
            resolver.resolve(s, home)
            ms[name].append((time.perf_counter() - t0) * 1000)
    figures: dict[str, Any] = {"members": len(DEFAULT_MEMBERS), "n": len(ms["one"])}
    for name, values in ms.items():
        figures |= {f"{name}_p50": p(values, 50), f"{name}_p95": p(values, 95)}
    for name in ("every", "always"):
        figures[f"{name}_ratio_p50"] = p([b / a for a, b in zip(ms["one"], ms[name], strict=True)], 50)
    return figures


def transformer_loader(device: str, precision: str | None, weights: Any = None) -> Callable[[], Any]:
    def load() -> Any:
        import torch

        from llm.resolver import Resolver

        torch.set_num_threads(1)
        return Resolver.load(weights, device=device, mode=precision)
    return load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEV_SET, help="sentences for the demo home")
    parser.add_argument("--entities", type=int, default=500, help="size of the generated home")
    parser.add_argument("--device", default="cpu", help="the Transformer's device: cpu (default), cuda, auto")
    parser.add_argument("--precision", choices=("int8", "fp32", "fp16"), default=None,
                        help="default: int8 on CPU, fp16 on CUDA")
    parser.add_argument("--conversation", action="store_true",
                        help="also time the cascade inside a conversation with context (paired)")
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
    context = None
    if args.conversation:
        inside = CascadeResolver(TemplateMatcher.load(), transformer_loader(args.device, args.precision)).warm()
        context = with_context(resolvers["cascade"], inside, demo, [t for t, _ in dev])
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before the paired run loads a second model
    members = members_paired(args.device, args.precision, big, [t for t, _ in dev + proxy])
    if args.json:
        print(json.dumps({"load_s": load_s, "peak_rss_mb": rss_mb, **results, "conversation": context,
                          "members": members}))
        return
    print(f"{'':55} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'exact':>6}  answered by")
    for name, r in results.items():
        shares = ", ".join(f"{k} {v:.0%}" for k, v in r["stages"].items())
        print(f"{name:55} {r['n']:4} {r['p50']:7.2f} {r['p95']:7.2f} {r['exact']:6.1%}  {shares}")
    if context is not None:
        print(f"in a conversation with context, demo home: {context['context_p50']:.2f} ms p50 "
              f"({context['context_p95']:.2f} p95) against {context['plain_p50']:.2f} ms alone; "
              f"context adds {context['added_p50']:.2f} ms p50 per sentence (paired, n={context['n']})")
    print(f"load (templates + Transformer): {load_s:.1f} s; peak RSS of this process: {rss_mb:.0f} MB")
    print(f"the Transformer alone, its {members['members']} members as shipped (the first alone where it is sure) / "
          f"every member always / the first alone (paired, n={members['n']}): p50 {members['every_p50']:.2f} / "
          f"{members['always_p50']:.2f} / {members['one_p50']:.2f} ms, p95 {members['every_p95']:.2f} / "
          f"{members['always_p95']:.2f} / {members['one_p95']:.2f} ms; per sentence (p50) {members['every_ratio_p50']:.2f}x"
          f" and {members['always_ratio_p50']:.2f}x the first alone")


if __name__ == "__main__":
    main()
