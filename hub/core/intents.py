"""An intent, declared once: its name, the slots it takes, the devices it acts on, when it asks first, its
reply and how its handler is made. Each declaration sits next to its handler (`hub.executor`,
`hub.ha_intents`, `hub.machine.intents`, `hub.household.intents`, `hub.undo`); the executor dispatches from the
declarations it is given (`Executor.install`), and `hub.intents` gathers them all for what is derived: the
domains the resolver grounds against, the docs table and the check of the Transformer's labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from hub.core.seams import Handler

S = TypeVar("S", contravariant=True)
"""What a declaration's handler is made from: the object whose methods carry the intent out."""
T = TypeVar("T")

TARGET_SLOTS = ("name", "area", "floor", "domain", "device_class")
"""The slots that say which devices (Home Assistant's): a name, a place, a kind."""
ANSWERS = ("HearthConfirm", "HearthDeny")
"""Answers to the executor's open question (slot `request_id`): the executor itself carries them out."""


class Risk(StrEnum):
    """When an intent asks before it acts."""

    BY_RESULT = "by result"
    """When a command would leave a lock unlocked or a garage, gate, door or sensitive cover open (the
    executor's `run` judges each command); `Executor.would_ask` works it out ahead without sending anything."""
    ALWAYS = "always"
    """Asks first whatever its target (deleting a file, stopping a program)."""
    UNPLANNED = "unplanned"
    """The handler asks when it must, when run; not worked out ahead (`would_ask` says it does not ask)."""


@dataclass(frozen=True, slots=True)
class IntentSpec(Generic[S]):
    """One intent. `handler(services, spec)` makes its handler from the services its module binds it with."""

    name: str
    handler: Callable[[S, IntentSpec[S]], Handler]
    slots: tuple[str, ...] = ()
    """The slots it reads (Home Assistant's names)."""
    domains: tuple[str, ...] = ()
    """The device domains it targets by default; empty when it picks its targets itself or acts on none."""
    risk: Risk = Risk.UNPLANNED
    question: bool = False
    """It only asks about its targets: several that fit are all answered about, not a reason to ask which."""
    response: str = ""
    """Its reply when done, `{}` the targets as said ('Started {}'); empty when the handler words it."""

    def bind(self, services: S) -> Handler:
        return self.handler(services, self)


class IntentHost(Protocol):
    """Where a package installs the intents it declares (the executor), with the services they are made from."""

    def install(self, specs: Iterable[IntentSpec[T]], services: T) -> None: ...


def by_name(specs: Iterable[IntentSpec[Any]]) -> dict[str, IntentSpec[Any]]:
    """The declarations by intent name; ValueError when one is declared twice (or as an answer)."""
    found: dict[str, IntentSpec[Any]] = {}
    for spec in specs:
        if spec.name in found or spec.name in ANSWERS:
            raise ValueError(f"{spec.name} is declared twice")
        found[spec.name] = spec
    return found


def domains_of(specs: Mapping[str, IntentSpec[Any]]) -> dict[str, tuple[str, ...]]:
    """Intent -> the domains it targets, for the intents that declare some."""
    return {name: spec.domains for name, spec in specs.items() if spec.domains}


def unknown_labels(labels: Iterable[str], specs: Mapping[str, IntentSpec[Any]]) -> tuple[str, ...]:
    """The labels (the Transformer's intents, say) that name no declared intent nor an answer."""
    return tuple(label for label in labels if label not in specs and label not in ANSWERS)
