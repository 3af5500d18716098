"""A proxy for Home Assistant's intent test suite (which the team does not have): sentences written in HA's
style for every intent and its slot combinations (`bench/sets/ha_proxy.yaml`), filled in over several generated
homes, with the intent and slots HA's conventions give. Reports intent + slots exact per stage.

    .venv/bin/python bench/ha_proxy.py [--homes 4] [--per-pattern 2] [--stages cascade|templates]
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ha_homes import generated_home
from hub.core.home import Entity, Home
from hub.core.yamlfile import load_yaml

PATTERNS_FILE = Path(__file__).resolve().parent / "sets" / "ha_proxy.yaml"
"""[sentence, intent, slots] per line: {name:DOMAIN} a device of that domain, {area}, {area_alias}, {floor};
slot values "$name", "$area", "$floor" are the home's names for what was said."""


def load_patterns(path: Path = PATTERNS_FILE) -> tuple[tuple[str, str, dict[str, Any]], ...]:
    rows = load_yaml(path).data
    if not isinstance(rows, list) or not all(isinstance(r, list) and len(r) == 3 for r in rows):
        raise ValueError(f"{path}: each line is [sentence, intent, slots]")
    return tuple((str(text), str(intent), dict(slots or {})) for text, intent, slots in rows)


PATTERNS = load_patterns()


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    intent: str
    slots: dict[str, Any]


def cases_for(home: Home, rng: random.Random, per_pattern: int) -> list[Case]:
    out = []
    for text, intent, slots in PATTERNS:
        for _ in range(per_pattern):
            for _try in range(20):  # a sentence that says another device's whole name is ambiguous: redraw
                case = _fill(home, rng, text, intent, slots)
                if case is not None and not _names_another(home, case):
                    out.append(case)
                    break
    return out


def _names_another(home: Home, case: Case) -> bool:
    words = f" {case.text} "
    meant = str(case.slots.get("name", "")).casefold()
    return any(f" {e.name.casefold()} " in words and e.name.casefold() != meant and e.name.casefold() not in meant
               for e in home.entities)


def _fill(home: Home, rng: random.Random, text: str, intent: str, slots: dict[str, Any]) -> Case | None:
    said: dict[str, str] = {}
    for domain in ("light", "switch", "fan", "lock", "cover", "valve", "scene", "media_player", "vacuum",
                   "lawn_mower"):
        key = "{name:" + domain + "}"
        if key in text:
            choices: list[Entity] = [e for e in home.entities if e.domain == domain]
            if not choices:
                return None
            said["name"] = rng.choice(choices).name
            text = text.replace(key, said["name"].lower())
    if "{area}" in text:
        said["area"] = rng.choice(home.areas).name
        text = text.replace("{area}", said["area"].lower())
    if "{area_alias}" in text:
        aliased = [a for a in home.areas if a.aliases]
        if not aliased:
            return None
        said["area_alias"] = rng.choice(aliased).aliases[0]
        text = text.replace("{area_alias}", said["area_alias"].lower())
    if "{floor}" in text:
        said["floor"] = rng.choice(home.floors).name
        text = text.replace("{floor}", said["floor"].lower())
    filled = {k: (said[v[1:]] if isinstance(v, str) and v.startswith("$") else v) for k, v in slots.items()}
    return Case(text, intent, filled)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--homes", type=int, default=4)
    parser.add_argument("--per-pattern", type=int, default=2)
    parser.add_argument("--stages", choices=("cascade", "templates"), default="cascade")
    parser.add_argument("--show", type=int, default=10, help="print this many misses")
    args = parser.parse_args()
    from llm.cascade import CascadeResolver

    transformer = None
    if args.stages == "cascade":
        def transformer() -> Any:
            import torch

            from llm.resolver import Resolver

            torch.set_num_threads(1)
            return Resolver.load(device="cpu")
    cascade = CascadeResolver.load(transformer=transformer)
    total, exact = 0, 0
    by_stage: collections.Counter[tuple[str | None, bool]] = collections.Counter()
    misses: list[dict[str, Any]] = []
    for seed in range(args.homes):
        home = generated_home(100 + seed, 60)
        home = replace(home, areas=tuple(replace(a, context_area=False) for a in home.areas))  # no speaker
        for case in cases_for(home, random.Random(seed), args.per_pattern):
            calls, stage = cascade.resolve_staged(case.text, home)
            got = [(c.intent, c.slots) for c in calls]
            ok = got == [(case.intent, case.slots)]
            total, exact = total + 1, exact + ok
            by_stage[(stage, ok)] += 1
            if not ok:
                misses.append({"text": case.text, "want": [case.intent, case.slots], "got": got, "stage": stage})
    print(f"{total} sentences, {len(PATTERNS)} patterns, {args.homes} homes: intent+slots exact {exact / total:.1%}")
    for (stage, ok), n in sorted(by_stage.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        print(f"  {stage!s:12} {'exact' if ok else 'wrong'} {n}")
    for miss in misses[:args.show]:
        print(json.dumps(miss, ensure_ascii=False))


if __name__ == "__main__":
    main()
