"""Errors of the resolver package."""

from hub.core.errors import HearthError


class ResolverError(HearthError):
    """Base of everything the resolver raises on purpose."""


class WeightsError(ResolverError):
    """Weights or tokenizer files are missing or unreadable; the message says what to do."""
