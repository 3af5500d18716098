"""Hearth hub: orchestration, configuration, CLI and the executor."""

__version__ = "0.1.0"
