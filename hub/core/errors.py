"""Error bases for the hub; each package has one, caught at the edge (CLI, HTTP)."""

from __future__ import annotations


class HearthError(Exception):
    """Base of every error Hearth reports to a person instead of crashing."""


class ConfigError(HearthError):
    """A configuration or home file is invalid; the message names file, line and key."""


class ExecutionError(HearthError):
    """An intent could not be carried out; the message is fit to be spoken."""


class AmbiguousTarget(ExecutionError):
    """A target that could mean several devices; `choices` are their entity ids (Hearth asks which one)."""

    def __init__(self, message: str, choices: tuple[str, ...], missing: str | None = None) -> None:
        super().__init__(message)
        self.choices = choices
        self.missing = missing
        """The slot the answer fills, when it is not the target itself (a list's `name`)."""


class NoSuchDevice(ExecutionError):
    """A name that names no device (of `domains`, when given): Hearth may ask whether one that sounds like it was
    meant ("Did you mean …?")."""

    def __init__(self, message: str, name: str, domains: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.name = name
        self.domains = domains


class MissingValue(ExecutionError):
    """A value the intent needs was not said; `slot` names it (Hearth asks for it)."""

    def __init__(self, message: str, slot: str) -> None:
        super().__init__(message)
        self.slot = slot
