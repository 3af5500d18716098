"""The Protocols the packages meet at, so a lower floor can call an upper one without importing it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from hub.core.events import Outcome, ToolCall

Handler = Callable[[ToolCall, bool], Awaitable[Outcome]]
"""An intent's handler: the call and whether it was confirmed in, an outcome out."""


class ToolExecutor(Protocol):
    """Runs a tool call (what automations and the conversation hand to the executor)."""

    async def execute(self, call: ToolCall, *, session: str = "default",
                      confirmed: bool = False) -> Outcome: ...

    def cancel(self, request_id: str | None) -> None: ...

