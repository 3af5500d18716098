"""Free-text slot values (a timer's or list's name, an item, a search) as meant rather than as said.

Both stages take such a value as a run of words: HA's templates as a wildcard, the Transformer as a span. The
run can carry words that belong to the sentence, not to the value:
- a courtesy at its end ("a timer for the rice please", "play jazz thanks");
- an article at its start ("start the backup", "a timer for the rice"): it says the thing is known, it is no
  part of its name, as HA's sentences and the labels have it;
- a quantity at the start of a search ("play some jazz", "a bit of miles davis").
These are rules about a class of words, not about sentences; `tests/llm/test_freetext.py` tests each class.
"""

from __future__ import annotations

import re

_COURTESY = re.compile(r"(?i)[\s,]+(?:please|thanks|thank you|cheers|ta|for me|will you|would you)[\s.!?]*$")
_LEADING_THE = re.compile(r"(?i)^the\s+(?=\S)")
_QUANTITY = re.compile(r"(?i)^(?:some|a (?:bit|little) of)\s+(?!of\b)(?=\S)")


def polite(text: str) -> str:
    """`text` without a courtesy at its end."""
    return _COURTESY.sub("", text.strip())


def bare(name: str) -> str:
    """A name or item without a courtesy at its end or a leading "the"."""
    return _LEADING_THE.sub("", polite(name))


def search(query: str) -> str:
    """What to search for: without a courtesy at its end or a quantity at its start."""
    return _QUANTITY.sub("", polite(query))
