"""The Protocols the packages meet at, so a lower floor can call an upper one without importing it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from hub.core.events import Outcome, ToolCall

Handler = Callable[[ToolCall, bool], Awaitable[Outcome]]
"""An intent's handler: the call and whether it was confirmed in, an outcome out."""


class ToolExecutor(Protocol):
    """Runs a tool call (what automations and the conversation hand to the executor)."""

    async def execute(self, call: ToolCall, *, session: str = "default",
                      confirmed: bool = False) -> Outcome: ...

    def cancel(self, request_id: str | None) -> None: ...


Meaning = tuple[tuple[str, str], ...]
"""What a sentence resolves to, as a hashable key: each call's intent and its slots as sorted JSON."""


@dataclass(frozen=True, slots=True)
class Judgement:
    """How surely the home understands a reading, and what it means.

    `confidence` is 0.0 when the reading is not understood (nothing the home can carry out), else in (0, 1];
    `meaning` is empty when the judge cannot say (readings are then told apart by their words)."""

    confidence: float
    meaning: Meaning = ()

    def __bool__(self) -> bool:
        return self.confidence > 0.0


NOT_UNDERSTOOD = Judgement(0.0)


class ReadingJudge(Protocol):
    """Readings in, a judgement out: what the voice pipeline asks of each reading the recogniser offers (the
    hub answers with its intent resolver against the live home). Blocking; called in the STT's thread."""

    def __call__(self, reading: str, /) -> Judgement: ...
