"""The local machine's error base."""

from hub.core.errors import HearthError


class LocalError(HearthError):
    """A file or process request was refused or failed; the message is fit to be spoken."""
