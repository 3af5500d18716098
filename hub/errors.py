"""Error bases for the hub; each package has one, caught at the edge (CLI, HTTP)."""

from __future__ import annotations


class HearthError(Exception):
    """Base of every error Hearth reports to a person instead of crashing."""


class ConfigError(HearthError):
    """A configuration or home file is invalid; the message names file, line and key."""


class ExecutionError(HearthError):
    """An intent could not be carried out; the message is fit to be spoken."""
