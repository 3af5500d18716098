"""Which intents Hearth carries out and which stage of understanding can produce each, from the code itself:
the declarations the hub installs (`hub.intents.DECLARED`, plus the executor's answers), HA's templates (plus
Hearth's own sentences) and the Transformer's intent set. `python -m hub.intent_table` prints the Markdown
table docs/intents.md shows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.core.intents import ANSWERS, IntentSpec


def table(declared: Mapping[str, IntentSpec[Any]] | None = None) -> str:
    """The table for these declarations (default: the hub's, `hub.intents.DECLARED`)."""
    from hub.intents import DECLARED
    from llm.schema import INTENTS
    from llm.templates import TemplateMatcher

    templates = set(TemplateMatcher.load().intents.intents)
    carried = (*(DECLARED if declared is None else declared), *ANSWERS)
    rows = ["| intent | carried out | HA's templates | Transformer |", "|---|---|---|---|"]
    for intent in sorted({*carried, *templates, *INTENTS}):
        marks = ("yes" if intent in carried else "no", "yes" if intent in templates else "",
                 "yes" if intent in INTENTS else "")
        rows.append(f"| `{intent}` | " + " | ".join(marks) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
