"""Logging for input from the network: a flood of the same bad message costs a few lines, not one each."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any


class RateLimitedLogger:
    """Passes at most `burst` records per `interval` seconds to `logger`; then one line says how many
    were left out. Never raises."""

    def __init__(self, logger: logging.Logger, burst: int = 5, interval: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger, self.burst, self.interval, self._clock = logger, burst, interval, clock
        self._window_start = -interval
        self._count = 0
        self.suppressed = 0
        """Records left out in the current window."""

    def warning(self, message: str, *args: Any) -> None:
        self.log(logging.WARNING, message, *args)

    def log(self, level: int, message: str, *args: Any) -> None:
        now = self._clock()
        if now - self._window_start >= self.interval:
            if self.suppressed:
                self.logger.log(level, "%d more like this in the last %.0f s were not logged",
                                self.suppressed, self.interval)
            self._window_start, self._count, self.suppressed = now, 0, 0
        self._count += 1
        if self._count <= self.burst:
            self.logger.log(level, message, *args)
        else:
            self.suppressed += 1
