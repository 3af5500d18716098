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
    # "Is the bedroom light on?" heard as "It's the bedroom light on." - any device of up to three words and the
    # state it is asked about, as the whole utterance (no comma: "It's the bedroom light, turn it on" is a remark
    # and a command). Also taught as a noise pair; the tagger is torn on it from one training run to the next.
    (re.compile(r"^it'?s\s+(the\s+(?:\w+\s+){0,2}\w+\s+(?:on|off|open|closed|locked|unlocked)"
                r"(?:\s+(?:right now|now|still|yet))?)\s*[.?!]?$", re.IGNORECASE), r"is \1"),
)


def mend(text: str) -> str:
    """`text` with whisper's known slips undone (see `_SLIPS`); unchanged when none applies."""
    for pattern, replacement in _SLIPS:
        text = pattern.sub(replacement, text)
    return text
