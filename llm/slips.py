"""Whisper's usual slips on home commands, mended before the tagger reads a transcript.

Each rewrite is anchored to the whole utterance, so a sentence that merely contains the words is left alone.
"""

from __future__ import annotations

import re

_STATES = r"on|off|open|closed|shut|locked|unlocked"
_SLIPS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Is the bedroom light on?" heard as "It's the bedroom light on." - a question, not "turn it on".
    (re.compile(rf"^(?:it's|it is|its)\s+(the\s+[a-z ]+?\s+(?:{_STATES})(?:\s+(?:right\s+)?now)?)\s*[.?!]?$",
                re.IGNORECASE), r"is \1?"),
    # "Unmute the sound" heard as "And mute the sound." (no command starts with "and").
    (re.compile(r"^and\s+mute\b", re.IGNORECASE), "unmute"),
    (re.compile(r"\bun[- ]mute\b", re.IGNORECASE), "unmute"),
)


def mend(text: str) -> str:
    """`text` with whisper's known slips undone (see `_SLIPS`); unchanged when none applies."""
    for pattern, replacement in _SLIPS:
        text = pattern.sub(replacement, text)
    return text
