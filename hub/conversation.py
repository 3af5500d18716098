"""Text in, action and a reply out: phrase automations, the resolver, the executor, a trace."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from devices.models import Home
from hub.errors import HearthError
from hub.events import ToolCall
from hub.traces import Trace

_LOGGER = logging.getLogger(__name__)
NOT_UNDERSTOOD = "Sorry, I didn't understand that. Could you say it another way?"
MAX_TEXT = 1000


class IntentResolver(Protocol):
    def resolve(self, text: str, home: Home) -> list[ToolCall]: ...

    def understands(self, text: str, home: Home, awaiting_answer: bool = False) -> float: ...


class Conversation:
    """One per hub. `handle` is what `hearth say`, the demo prompt, the voice loop and HTTP call."""

    def __init__(self, hub: Any, resolver_factory: Callable[[], IntentResolver]) -> None:
        self.hub = hub
        self._factory = resolver_factory
        self._resolver: IntentResolver | None = None
        self._lock = asyncio.Lock()

    async def resolver(self) -> IntentResolver:
        """The resolver, loaded once (in a worker thread) on first use."""
        async with self._lock:
            if self._resolver is None:
                self._resolver = await asyncio.to_thread(self._factory)
            return self._resolver

    def understands(self, text: str) -> float:
        """How surely `handle` would understand `text` (0.0 not at all, up to 1.0). Blocking, for the speech
        worker thread, which asks it of the recogniser's readings; 1.0 when it cannot tell (the resolver not
        loaded yet) and for an automation's phrase."""
        resolver = self._resolver
        if resolver is None:
            return 1.0
        if self.hub.automations is not None and self.hub.automations.phrase_automations(text):
            return 1.0
        return resolver.understands(text, self.hub.home, self.hub.executor.awaiting_answer())

    async def handle(self, text: str, source: str = "text", session: str = "default",
                     started: float | None = None) -> Trace:
        """Understand and carry out `text`; timings count from `started` (perf_counter), default now."""
        t0 = started if started is not None else time.perf_counter()
        text = " ".join(text.split())[:MAX_TEXT]
        trace = Trace(source, text)
        trace.timings_ms["speech_end" if source in ("wav", "mic", "wyoming") else "received"] = 0.0
        if not text:
            trace.ok, trace.response = False, NOT_UNDERSTOOD
            return self._finish(trace)
        if self.hub.automations is not None and self.hub.automations.match_phrase(text):
            trace.intents = [{"intent": "HearthAutomation", "slots": {"phrase": text}, "confidence": 1.0}]
            trace.response = "Done"
            trace.timings_ms["intents"] = trace.timings_ms["executed"] = _ms(t0)
            return self._finish(trace)
        try:
            resolver = await self.resolver()
            calls = await asyncio.to_thread(resolver.resolve, text, self.hub.home)
        except HearthError as err:
            _LOGGER.error("The resolver failed: %s", err)
            trace.ok, trace.response = False, f"Sorry, I can't understand anything right now: {err}"
            return self._finish(trace)
        trace.timings_ms["intents"] = _ms(t0)
        trace.marks["intents"] = time.perf_counter()
        trace.intents = [c.to_dict() for c in calls]
        if not calls:
            trace.ok, trace.response = False, NOT_UNDERSTOOD
            return self._finish(trace)
        replies = []
        for call in calls:
            outcome = await self.hub.executor.execute(call, session=session)
            trace.outcomes.append(outcome.to_dict())
            trace.ok = trace.ok and (outcome.ok or outcome.needs_confirmation)
            replies.append(outcome.response)
        trace.timings_ms["executed"] = _ms(t0)
        trace.marks["executed"] = time.perf_counter()
        trace.response = " ".join(r if r.endswith((".", "?", "!")) else r + "." for r in replies)
        return self._finish(trace)

    def _finish(self, trace: Trace) -> Trace:
        intent = ", ".join(i["intent"] for i in trace.intents)
        if self.hub.client is not None:
            asyncio.get_running_loop().create_task(self.hub.publish_assistant_state(
                transcript=trace.transcript, intent=intent, response=trace.response))
        if self.hub.traces is not None:
            try:
                self.hub.traces.add(trace.to_dict())
            except Exception:  # a trace is never worth failing the request for
                _LOGGER.exception("Storing the trace failed")
        return trace


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)


def load_default_resolver(custom_sentences: Path | None = None) -> IntentResolver:
    """HA's templates (plus the user's custom sentences), then the Transformer (`llm.cascade`)."""
    from llm.cascade import CascadeResolver

    return CascadeResolver.load(custom_sentences, _load_transformer).warm()


def _load_transformer() -> Any:
    import torch

    from llm.resolver import Resolver

    # One thread: a 6-layer encoder on one short sentence gains nothing from two, and with the other
    # core busy (speech-to-text, the broker) two threads make it 100x slower, not 2x faster.
    torch.set_num_threads(1)
    return Resolver.load()
