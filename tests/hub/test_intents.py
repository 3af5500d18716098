"""One declaration per intent: the executor's dispatch, its targets' domains, the confirmation rule, the
ground floor's domain table and the docs table all follow from it; the Transformer's labels and the labelled
sets name only what is declared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.app import Hub
from hub.core.events import Outcome, ToolCall
from hub.core.intents import ANSWERS, IntentSpec, Risk, by_name, domains_of, unknown_labels
from hub.core.seams import Handler
from hub.core.targets import INTENT_DOMAINS
from hub.executor import Executor
from hub.intent_table import table
from hub.intents import DECLARED, DOMAINS_MODULE, domains_source

DATA = Path(__file__).resolve().parents[1] / "data"


def _names_targets(ex: Executor, spec: IntentSpec[Executor]) -> Handler:
    """A throwaway handler: says what the call's targets are, found among the declaration's domains."""
    async def handler(call: ToolCall, confirmed: bool) -> Outcome:
        targets = ex.targets(call)
        return Outcome(call.intent, True, spec.response.format(targets.phrase()),
                       targets=tuple(e.id for e in targets.entities))
    return handler


CHIME = IntentSpec("HearthTestChime", _names_targets, ("name", "area"), ("light",), Risk.ALWAYS,
                   response="Chimed {}")


async def test_one_declaration_is_all_the_hub_needs_to_know_an_intent(hub: Hub) -> None:
    assert CHIME.name not in hub.executor.intents
    hub.executor.install((CHIME,), hub.executor)
    assert CHIME.name in hub.executor.intents
    outcome = await hub.executor.execute(ToolCall(CHIME.name, {"area": "Kitchen"}))
    assert (outcome.ok, outcome.response) == (True, "Chimed the lights in the Kitchen")
    assert outcome.targets == ("light.kitchen_ceiling", "light.kitchen_counter")  # its domains, nothing else there
    assert await hub.executor.would_ask(ToolCall(CHIME.name, {"area": "Kitchen"}))  # Risk.ALWAYS
    with_chime = {**DECLARED, CHIME.name: CHIME}
    assert domains_of(with_chime)[CHIME.name] == ("light",)
    assert '    "HearthTestChime": ("light",),\n' in domains_source(with_chime)
    assert "| `HearthTestChime` | yes |  |  |" in table(with_chime)
    assert "HearthTestChime" not in table()


async def test_the_risk_rule_is_the_declarations(hub: Hub) -> None:
    unlock = ToolCall("HassTurnOff", {"name": "Front Door"})
    assert DECLARED["HassTurnOff"].risk is Risk.BY_RESULT and await hub.executor.would_ask(unlock)
    assert not await hub.executor.would_ask(ToolCall("HassTurnOn", {"name": "Front Door"}))
    assert hub.devices.entity("lock.front_door").state == "locked"  # worked out, never sent
    always = sorted(name for name, spec in DECLARED.items() if spec.risk is Risk.ALWAYS)
    assert always == ["HearthFileDelete", "HearthProcessStop"]
    assert await hub.executor.would_ask(ToolCall("HearthProcessStop", {"process": "anything"}))


async def test_the_hub_installs_exactly_the_declarations(hub: Hub) -> None:
    assert hub.executor.specs == DECLARED
    assert sorted(hub.executor.intents) == sorted([*DECLARED, *ANSWERS])
    with pytest.raises(ValueError, match="HassTurnOn is declared twice"):
        hub.executor.install((DECLARED["HassTurnOn"],), hub.executor)


def test_an_intent_is_declared_once() -> None:
    with pytest.raises(ValueError, match="HearthTestChime is declared twice"):
        by_name((CHIME, CHIME))
    with pytest.raises(ValueError, match="HearthConfirm is declared twice"):
        by_name((IntentSpec("HearthConfirm", _names_targets),))


def test_the_ground_floor_domains_are_the_declarations() -> None:
    assert INTENT_DOMAINS == domains_of(DECLARED)
    assert DOMAINS_MODULE.read_text() == domains_source(DECLARED), \
        "hub/core/intent_domains.py is stale: run `python -m hub.intents`"


def test_the_transformers_labels_and_hearths_sentences_name_declared_intents() -> None:
    from llm.schema import INTENTS
    from llm.templates import HEARTH_INTENTS

    assert unknown_labels(INTENTS, DECLARED) == ()
    assert unknown_labels(HEARTH_INTENTS, DECLARED) == ()
    assert unknown_labels(("HearthNoSuchThing",), DECLARED) == ("HearthNoSuchThing",)


@pytest.mark.parametrize("name", ["intent_dev.jsonl", "intent_test.jsonl"])
def test_the_labelled_sets_use_only_declared_slots(name: str) -> None:
    unknown = set()
    for line in (DATA / name).read_text().splitlines():
        for call in json.loads(line)["intents"] if line.strip() else ():
            if call["intent"] not in ANSWERS:
                unknown |= {(call["intent"], s) for s in call["slots"] if s not in DECLARED[call["intent"]].slots}
    assert unknown == set()
