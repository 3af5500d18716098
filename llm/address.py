"""The assistant called by name: "olly, lights off", "hey siri we need milk", "the heating on please alexa".

People address a voice assistant by the name of the one they are used to, at the start or the end of what they say,
typed or spoken past the wake word. That name is no part of the request, so it goes before either stage reads the
text: Home Assistant's templates never expect it, and the tagger, trained with a few wake words in front
(`llm.data.generate.WAKE`), still loses confidence beside a name it has not seen. A name the home gives a device,
a room or a floor ("Computer" for a smart plug) is kept: then it may be what is asked about.
"""

from __future__ import annotations

import re

from llm.entities import HomeNames, domain_of

ADDRESSED = frozenset({
    "jarvis", "nabu", "mycroft", "alexa", "google", "computer", "siri", "olly", "cortana", "bixby", "rhasspy", "hal",
    "homey", "hearth", "jeeves", "alfred", "assistant",
})
"""What people call a voice assistant: the wake words Hearth offers, those of other assistants, and a few names
people give one. Data: said at the start or end of an utterance and naming nothing in the home, it is the one
addressed."""

_GREETING = r"(?:(?:hey|hi|ok|okay|oi|yo)\s+)?"
_NAME = r"([a-z]+)"
_FIRST = re.compile(rf"^\s*{_GREETING}{_NAME}\b[\s,.!?]*", re.IGNORECASE)
_LAST = re.compile(rf"(\S*)[\s,]+{_NAME}[\s.!?]*$", re.IGNORECASE)
_SPOKEN_OF = frozenset({"the", "a", "an", "my", "our", "your", "his", "her", "their", "this", "that", "to", "of",
                        "for", "with", "at", "in", "ask", "tell", "call"})
"""Words that make the last word a thing spoken of, not the one spoken to ("turn off the computer")."""


def unaddressed(text: str, names: HomeNames) -> str:
    """`text` without the assistant's name (and a greeting before it) at its start and at its end, where the home
    calls nothing by that name; unchanged when nothing else would be left."""
    rest = text
    first = _FIRST.match(rest)
    if first and _addressed(first.group(1), names):
        rest = rest[first.end():]
    last = _LAST.search(rest)
    if last and last.group(1).casefold() not in _SPOKEN_OF and _addressed(last.group(2), names):
        rest = rest[:last.start(2)].rstrip(" ,")
    return rest if rest.strip() else text


def _addressed(word: str, names: HomeNames) -> bool:
    word = word.casefold()
    return word in ADDRESSED and (names.entity(word) is None and names.area(word) is None
                                  and names.floor(word) is None and domain_of(word) is None)
