"""The household's error base."""

from hub.core.errors import HearthError


class HouseholdError(HearthError):
    """A timer, alarm or list request could not be carried out; the message is fit to be spoken."""
