"""The IntentResolver Hearth uses: Home Assistant's templates first, the Transformer for everything else.

Each ToolCall says which stage gave it (`stage`: "templates" or "transformer"), and the trace keeps it.
Only the entities exposed to Assist are seen by either stage, and neither reads the assistant's name said with the
request ("olly, lights off": `llm.address`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.core.errors import AmbiguousTarget, HearthError
from hub.core.events import ToolCall
from hub.core.home import Home, normalize_name
from hub.core.targets import INTENT_DOMAINS, match_targets, query_for, says_which_devices
from hub.core.seams import NOT_UNDERSTOOD, Judgement
from llm.address import unaddressed
from llm.entities import HomeNames
from llm.templates import TemplateMatcher

if TYPE_CHECKING:
    from llm.resolver import Resolver

_LOGGER = logging.getLogger(__name__)

TEMPLATES = "templates"
TRANSFORMER = "transformer"
_PLACE_OR_KIND = frozenset({"area", "floor", "domain", "device_class"})
"""Slots that narrow a named call to a place or a kind: such a call is checked against the home in full."""


def _named_domains(home: Home) -> dict[str, frozenset[str]]:
    """Each device's names and aliases, normalised, with the domains of the devices called so (of the exposed
    home the cascade works on)."""
    out: dict[str, set[str]] = {}
    for entity in home.entities:
        for name in entity.names():
            out.setdefault(normalize_name(name), set()).add(entity.domain)
    return {name: frozenset(domains) for name, domains in out.items()}


def finds_its_target(call: ToolCall, home: Home) -> bool:
    """Whether the executor would find what a device call (or a state question) names, or ask which of several;
    False when it would say there is no such device. A template that matched the words of a place and a kind
    ("the garage door": the Garage's door-class covers, where its covers are garage doors) may name nothing the
    home has, where the Transformer's reading of the same words does."""
    domains = INTENT_DOMAINS.get(call.intent)
    if call.intent == "HassGetState":
        domains = tuple(sorted({e.domain for e in home.entities}))
    if domains is None or not says_which_devices(call.slots):
        return True  # no device to find, or the executor asks which devices
    try:
        match_targets(home, query_for(call.slots, domains))
    except AmbiguousTarget:
        return True
    except HearthError:
        return False
    return True


class CascadeResolver:
    """Templates, then the Transformer (loaded on first need, or by `warm()`)."""

    def __init__(self, templates: TemplateMatcher | None,
                 transformer: Callable[[], Resolver] | None) -> None:
        if templates is None and transformer is None:
            raise ValueError("a cascade needs the templates, the Transformer or both")
        self.templates = templates
        self._load_transformer = transformer
        self._transformer: Resolver | None = None
        self._lock = threading.Lock()
        self._exposed: tuple[Home, Home] | None = None
        self._names: tuple[Home | None, dict[str, frozenset[str]]] = (None, {})
        self._home_names: HomeNames | None = None

    @classmethod
    def load(cls, custom_sentences: Path | None = None, transformer: Callable[[], Resolver] | None = None,
             templates: bool = True) -> CascadeResolver:
        """HA's templates (with the custom sentences folder, if any) in front of `transformer` (a loader)."""
        return cls(TemplateMatcher.load(custom_sentences) if templates else None, transformer)

    def warm(self) -> CascadeResolver:
        """Load the Transformer now rather than at the first sentence the templates miss."""
        self.transformer()
        return self

    def transformer(self) -> Resolver | None:
        if self._load_transformer is None:
            return None
        with self._lock:
            if self._transformer is None:
                self._transformer = self._load_transformer()
            return self._transformer

    def resolve(self, text: str, home: Home) -> list[ToolCall]:
        calls, _ = self.resolve_staged(text, home)
        return calls

    def resolve_staged(self, text: str, home: Home) -> tuple[list[ToolCall], str | None]:
        """The calls and the stage that answered (None when neither did)."""
        home = self._exposed_home(home)
        text = self.unaddressed(text, home)
        matched = self.templates.match(text, home) if self.templates is not None else None
        if matched is not None and matched.slots.get("conversation_command"):
            matched = self._delayed(matched, home)
        if matched is not None and (self._load_transformer is None or self._finds(matched, home)):
            return [replace(matched, stage=TEMPLATES)], TEMPLATES  # (with no Transformer, nothing to yield to)
        transformer = self.transformer()
        calls = [replace(c, stage=TRANSFORMER) for c in transformer.resolve(text, home)] if transformer else []
        if matched is not None and not (calls and all(finds_its_target(c, home) for c in calls)):
            return [replace(matched, stage=TEMPLATES)], TEMPLATES  # neither can: Home Assistant's words say why
        return calls, TRANSFORMER if calls else None

    def tag(self, text: str) -> list[Any]:
        """The Transformer's clauses and spans for `text` (what a conversation reads for context)."""
        transformer = self.transformer()
        return transformer.tag(text) if transformer is not None else []

    def understands(self, text: str, home: Home, awaiting_answer: bool = False) -> Judgement:
        """Sure (1.0, with its meaning) when the templates match a target the home has; else the Transformer's
        judgement."""
        from llm.resolver import meaning_of

        home = self._exposed_home(home)
        text = self.unaddressed(text, home)
        if self.templates is not None:
            call = self.templates.match(text, home)
            if call is not None and self._finds(call, home):
                return Judgement(1.0, meaning_of([call]))
        transformer = self.transformer()
        return transformer.understands(text, home, awaiting_answer) if transformer else NOT_UNDERSTOOD

    def unaddressed(self, text: str, home: Home) -> str:
        """`text` without the assistant's name said with it, by the names of `home` (`llm.address`)."""
        exposed = self._exposed_home(home)
        if self._home_names is None or self._home_names.home is not exposed:
            self._home_names = HomeNames(exposed)
        return unaddressed(text, self._home_names)

    def _delayed(self, call: ToolCall, home: Home) -> ToolCall:
        """HA's delayed command ("turn off the lights in ten minutes": a timer that runs the words before "in")
        when the words are a request Hearth understands; else a plain timer ("remind me in 20 minutes" would
        run "remind me", which asks for nothing)."""
        command = str(call.slots["conversation_command"])
        if self.resolve(command, home):
            return call
        return replace(call, slots={k: v for k, v in call.slots.items() if k != "conversation_command"})

    def _exposed_home(self, home: Home) -> Home:
        if self._exposed is None or (self._exposed[0] is not home and self._exposed[1] is not home):
            self._exposed = (home, home.exposed())
            self._names = (self._exposed[1], _named_domains(self._exposed[1]))
        return self._exposed[1]

    def _finds(self, call: ToolCall, home: Home) -> bool:
        """`finds_its_target`, with a call that names only a device the home has, of a domain its intent acts on,
        answered from the names alone (HA's templates match the home's own names: most of their calls)."""
        name, wanted = call.slots.get("name"), INTENT_DOMAINS.get(call.intent)
        if isinstance(name, str) and set(call.slots).isdisjoint(_PLACE_OR_KIND) and self._names[0] is home:
            domains = self._names[1].get(normalize_name(name), frozenset())
            if domains and (wanted is None or not domains.isdisjoint(wanted)):
                return True
        return finds_its_target(call, home)
