"""The scenes package's error base."""

from hub.core.errors import HearthError


class SceneError(HearthError):
    """A scene or automation problem; the message is fit to be spoken or logged."""
