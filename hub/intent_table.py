"""Which intents Hearth carries out and which stage of understanding can produce each, from the code itself:
the executor's handlers as the hub registers them, HA's templates (plus Hearth's own sentences) and the
Transformer's intent set. `python -m hub.intent_table` prints the Markdown table docs/intents.md shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hub.core.home import Home


def executor_intents() -> tuple[str, ...]:
    """Every intent a hub's executor handles, registered as `hub.app.Hub.start` does (nothing runs)."""
    from hub.executor import Executor
    from hub.ha_intents import HaIntentOptions, register_ha_intents
    from hub.household.intents import register_list_intents, register_timer_intents
    from hub.machine.intents import register_machine_intents

    class _NoDevices:
        home = Home()

        def entity(self, entity_id: str) -> None:
            return None

        async def send(self, command: Any, timeout: float) -> Any:
            raise NotImplementedError

    nothing: Any = None
    executor = Executor(_NoDevices())
    register_timer_intents(executor, nothing)
    register_machine_intents(executor, nothing, nothing)
    register_list_intents(executor, nothing)
    some_lists: Any = object()  # only its presence matters here: the hub always has lists
    register_ha_intents(executor, HaIntentOptions(speak=_silent, lists=some_lists, now=dt.datetime.now))
    return executor.intents


async def _silent(text: str) -> None:
    return None


def table() -> str:
    from llm.schema import INTENTS
    from llm.templates import TemplateMatcher

    templates = set(TemplateMatcher.load().intents.intents)
    carried = executor_intents()
    rows = ["| intent | carried out | HA's templates | Transformer |", "|---|---|---|---|"]
    for intent in sorted({*carried, *templates, *INTENTS}):
        marks = ("yes" if intent in carried else "no", "yes" if intent in templates else "",
                 "yes" if intent in INTENTS else "")
        rows.append(f"| `{intent}` | " + " | ".join(marks) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
