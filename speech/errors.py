"""Errors of the speech package; the CLI turns them into a clear message and a non-zero exit."""

from __future__ import annotations

from hub.core.errors import HearthError


class SpeechError(HearthError):
    """Base of every error the speech stages report to a person."""


class AudioFormatError(SpeechError):
    """A recording is not audio Hearth can read (corrupt, not WAV, unsupported encoding, too long)."""


class AudioDeviceError(SpeechError):
    """No usable microphone or speaker (none present, or PortAudio missing)."""


class ModelLoadError(SpeechError):
    """A speech model (whisper, piper voice, wake word) could not be found or loaded."""
