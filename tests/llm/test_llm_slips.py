"""Whisper's usual slips are mended before the tagger reads a transcript (`llm.slips`)."""

from __future__ import annotations

import pytest

from hub.core.home import Home
from llm.resolver import Resolver
from llm.slips import mend


@pytest.mark.parametrize(("heard", "intent", "slots"), [
    ("It's the bedroom light on.", "HassGetState", {"name": "Bedroom Light", "state": "on"}),
    ("it's the garage door open right now", "HassGetState", {"name": "Garage Door", "state": "open"}),
    ("And mute the sound.", "HassMediaPlayerUnmute", {}),
    ("un-mute the living room speaker", "HassMediaPlayerUnmute", {"name": "Living Room Speaker"}),
])
def test_a_slip_means_what_was_said(resolver: Resolver, demo_home: Home, heard: str, intent: str,
                                    slots: dict[str, str]) -> None:
    calls = resolver.resolve(heard, demo_home)
    assert [(c.intent, c.slots) for c in calls] == [(intent, slots)]


@pytest.mark.parametrize("text", [
    "It's the bedroom light, turn it on",  # a remark, then a command: not a question
    "it's cold in here",
    "turn off the lights and mute the speaker",  # 'and mute' inside a sentence is a second command
    "is the bedroom light on",
    "it's the bedroom light turn it on",  # too many words for a device: a remark and a command
])
def test_sentences_that_only_contain_the_words_are_left_alone(text: str) -> None:
    assert mend(text) == text
