"""Whisper's usual slips on home commands, mended before the tagger reads a transcript.

Each rewrite is anchored to the whole utterance, so a sentence that merely contains the words is left alone.
The others are taught to the tagger as noise pairs (`llm.data.generate._slip`, "Is the light on?" read as
"It's the light on."; "un-mute" in the templates).
"""

from __future__ import annotations

import re

_SLIPS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Unmute the sound" heard as "And mute the sound." (no command starts with "and"; inside a sentence,
    # "... and mute the tv" is a second command, so the training data cannot carry this one).
    (re.compile(r"^and\s+mute\b", re.IGNORECASE), "unmute"),
)


def mend(text: str) -> str:
    """`text` with whisper's known slips undone (see `_SLIPS`); unchanged when none applies."""
    for pattern, replacement in _SLIPS:
        text = pattern.sub(replacement, text)
    return text
