"""A proxy for Home Assistant's intent test suite (which the team does not have): sentences written here in
HA's style for every intent and its slot combinations, filled in over several generated homes, with the
intent and slots HA's conventions give. Reports intent + slots exact per stage.

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

# (sentence, intent, slots): {name:DOMAIN} a device of that domain, {area}, {floor}; slot values "$name",
# "$area", "$floor" are the home's names for what was said. Written for Hearth; not taken from HA's tests.
PATTERNS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("turn on {name:light}", "HassTurnOn", {"name": "$name"}),
    ("switch off the {name:switch}", "HassTurnOff", {"name": "$name"}),
    ("please turn the {name:fan} on", "HassTurnOn", {"name": "$name"}),
    ("turn off the lights in the {area}", "HassTurnOff", {"area": "$area", "domain": "light"}),
    ("turn on the {area} lights", "HassTurnOn", {"area": "$area", "domain": "light"}),
    ("switch on all the lights on the {floor}", "HassTurnOn", {"floor": "$floor", "domain": "light"}),
    ("turn off the lights in the {area_alias}", "HassTurnOff", {"area": "$area_alias", "domain": "light"}),
    ("are the lights in the {area} on", "HassGetState", {"area": "$area", "domain": "light", "state": "on"}),
    ("is the {name:lock} unlocked", "HassGetState", {"name": "$name", "state": "unlocked"}),
    ("which lights are on in the {area}", "HassGetState", {"area": "$area", "domain": "light", "state": "on"}),
    ("lock the {name:lock}", "HassTurnOn", {"name": "$name"}),
    ("unlock {name:lock}", "HassTurnOff", {"name": "$name"}),
    ("open the {name:cover}", "HassTurnOn", {"name": "$name"}),
    ("close the {name:cover}", "HassTurnOff", {"name": "$name"}),
    ("open the {name:valve}", "HassTurnOn", {"name": "$name"}),
    ("close the {name:valve}", "HassTurnOff", {"name": "$name"}),
    ("activate {name:scene}", "HassTurnOn", {"name": "$name"}),
    ("set {name:light} brightness to 40%", "HassLightSet", {"name": "$name", "brightness": 40}),
    ("set {name:light} to 75 percent", "HassLightSet", {"name": "$name", "brightness": 75}),
    ("make {name:light} blue", "HassLightSet", {"name": "$name", "color": "blue"}),
    ("set the {name:cover} to 30%", "HassSetPosition", {"name": "$name", "position": 30}),
    ("set the {name:fan} speed to 60%", "HassFanSetSpeed", {"name": "$name", "percentage": 60}),
    ("set the temperature to 21 degrees", "HassClimateSetTemperature", {"temperature": 21}),
    ("set the {area} temperature to 19", "HassClimateSetTemperature", {"area": "$area", "temperature": 19}),
    ("what is the temperature in the {area}", "HassClimateGetTemperature", {"area": "$area"}),
    ("is {name:light} on", "HassGetState", {"name": "$name", "state": "on"}),
    ("is the {name:lock} locked", "HassGetState", {"name": "$name", "state": "locked"}),
    ("what time is it", "HassGetCurrentTime", {}),
    ("what's today's date", "HassGetCurrentDate", {}),
    ("what's the weather like", "HassGetWeather", {}),
    ("set a timer for 7 minutes", "HassStartTimer", {"minutes": 7}),
    ("start a 1 hour and 20 minute timer", "HassStartTimer", {"hours": 1, "minutes": 20}),
    ("set a 45 second timer", "HassStartTimer", {"seconds": 45}),
    ("cancel my 10 minute timer", "HassCancelTimer", {"start_minutes": 10}),
    ("cancel all timers", "HassCancelAllTimers", {}),
    ("pause the timer", "HassPauseTimer", {}),
    ("resume the timer", "HassUnpauseTimer", {}),
    ("add 5 minutes to the timer", "HassIncreaseTimer", {"minutes": 5}),
    ("how much time is left on the timer", "HassTimerStatus", {}),
    ("pause {name:media_player}", "HassMediaPause", {"name": "$name"}),
    ("resume {name:media_player}", "HassMediaUnpause", {"name": "$name"}),
    ("next track on {name:media_player}", "HassMediaNext", {"name": "$name"}),
    ("set {name:media_player} volume to 35%", "HassSetVolume", {"name": "$name", "volume_level": 35}),
    ("mute {name:media_player}", "HassMediaPlayerMute", {"name": "$name"}),
    ("start {name:vacuum}", "HassVacuumStart", {"name": "$name"}),
    ("return {name:vacuum} to base", "HassVacuumReturnToBase", {"name": "$name"}),
    ("send the {name:vacuum} back to the dock", "HassVacuumReturnToBase", {"name": "$name"}),
    ("vacuum the {area}", "HassVacuumCleanArea", {"area": "$area"}),
    ("start mowing", "HassLawnMowerStartMowing", {}),
    ("dock {name:lawn_mower}", "HassLawnMowerDock", {"name": "$name"}),
    ("add bread to my list", "HassShoppingListAddItem", {"item": "bread"}),
    ("put eggs on the shopping list", "HassListAddItem", {"item": "eggs", "name": "Shopping List"}),
    ("add paint the fence to chores", "HassListAddItem", {"item": "paint the fence", "name": "Chores"}),
    ("announce the car is here", "HassBroadcast", {"message": "the car is here"}),
    ("never mind", "HassNevermind", {}),
    ("play some jazz on {name:media_player}", "HassMediaSearchAndPlay",
     {"search_query": "some jazz", "name": "$name"}),
)


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
