"""The devices package's error base."""

from __future__ import annotations

from hub.core.errors import HearthError


class DeviceError(HearthError):
    """A device-side failure: broker unreachable, device silent, payload rejected."""


class BrokerUnavailable(DeviceError):
    """The MQTT broker could not be reached in time; the command was not delivered."""
