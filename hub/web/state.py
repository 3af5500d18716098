"""What the web routes share: the request state on `app.state.web` and the error they answer with."""

from __future__ import annotations

import collections
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import HTTPException

from hub.services import HubServices
from hub.web.live import LiveFeed
from hub.web.voice import VoiceService

RECENT_ERRORS = 50


class ApiError(HTTPException):
    """An error answered as {"error": message} with an HTTP status (4xx for what the caller sent)."""

    def __init__(self, status: int, message: str, outcome: dict[str, Any] | None = None) -> None:
        super().__init__(status, message)
        self.outcome = outcome


class BodyTooLarge(ApiError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than the limit of {limit} bytes")


@dataclass
class WebState:
    """What the routes need, on app.state.web."""

    services: HubServices
    token: str | None
    voice: VoiceService
    live: LiveFeed = field(init=False)
    started: float = field(default_factory=time.time)
    errors: collections.deque[dict[str, Any]] = field(
        default_factory=lambda: collections.deque(maxlen=RECENT_ERRORS))
    error_count: int = 0

    def authorized(self, presented: str | None) -> bool:
        if self.token is None:
            return True
        return presented is not None and secrets.compare_digest(presented.encode(), self.token.encode())
