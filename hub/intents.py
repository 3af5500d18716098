"""Every intent the hub declares, gathered from the modules that carry them out; what is derived from them
beyond the executor's dispatch: the docs table (`hub.intent_table`) and the domains the resolver grounds
against (`hub.core.intent_domains`, which the resolver reads below the roof; `python -m hub.intents` rewrites
it from the declarations, and a test holds the two equal).
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any

from hub.core.intents import IntentSpec, by_name, domains_of
from hub.executor import DEVICE_INTENTS
from hub.ha_intents import BROADCAST_INTENTS, CLOCK_INTENTS, HA_DEVICE_INTENTS, REPLY_INTENTS
from hub.household.intents import LIST_INTENTS, TIMER_INTENTS
from hub.machine.intents import FILE_INTENTS, PROCESS_INTENTS
from hub.undo import RESTORE_INTENTS

DECLARED: dict[str, IntentSpec[Any]] = by_name((
    *DEVICE_INTENTS, *HA_DEVICE_INTENTS, *CLOCK_INTENTS, *REPLY_INTENTS, *BROADCAST_INTENTS,
    *FILE_INTENTS, *PROCESS_INTENTS, *LIST_INTENTS, *TIMER_INTENTS, *RESTORE_INTENTS,
))
"""Every declaration the hub installs (`Hub.start`), by intent."""
DOMAINS_MODULE = Path(__file__).parent / "core" / "intent_domains.py"


def domains_source(specs: dict[str, IntentSpec[Any]]) -> str:
    """The text of `hub/core/intent_domains.py` for these declarations."""
    rows = [textwrap.fill(f'"{name}": (' + " ".join(f'"{d}",' for d in domains) + "),", 110,
                          initial_indent="    ", subsequent_indent=" " * 8, break_long_words=False)
            for name, domains in domains_of(specs).items()]
    return ('"""The domains each device intent acts on, from the declarations (`hub.intents.DECLARED`): the\n'
            'executor targets only these, and the resolver understands a call only when the home has such a\n'
            'target (`llm.slots.grounded`). Written by `python -m hub.intents`; do not edit."""\n\n'
            "INTENT_DOMAINS: dict[str, tuple[str, ...]] = {\n" + "\n".join(rows) + "\n}\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hub.intents", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only say whether the file is up to date")
    args = parser.parse_args(argv)
    text = domains_source(DECLARED)
    if args.check:
        raise SystemExit(0 if DOMAINS_MODULE.read_text() == text else f"{DOMAINS_MODULE} is stale")
    DOMAINS_MODULE.write_text(text)
    print(f"wrote {DOMAINS_MODULE}")


if __name__ == "__main__":
    main()
