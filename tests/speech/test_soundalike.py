"""Words that sound like a name of the home, read as that name (espeak-ng phonemes, as piper has them)."""

from __future__ import annotations

import pytest

from devices.homefile import DEMO_HOME, load_home
from speech.soundalike import MAX_DISTANCE, SoundsLike, phone_distance, phones


@pytest.fixture(scope="module")
def sounds() -> SoundsLike:
    return SoundsLike(load_home(DEMO_HOME).spoken_names())


def test_phonemes_come_without_stress_or_length_marks() -> None:
    assert phones("hall light") == "hɔllaɪt"
    assert phones("whole") == "hoʊl"


def test_a_vowel_for_a_vowel_costs_less_than_a_consonant_for_another() -> None:
    assert phone_distance("hoʊl", "hɔl") == pytest.approx(1.2 / 4)  # o->ɔ 0.5, ʊ out 0.7
    assert phone_distance("sɪt", "sæt") < phone_distance("sɪt", "sɪm")
    assert phone_distance("tɪn", "dɪn") < phone_distance("tɪn", "lɪn")  # voiced or not
    assert phone_distance("abc", "abc") == 0.0 and phone_distance("", "abc") == 1.0
    assert phone_distance("ɹumtu", "ɹumbə") == phone_distance("ɹumbə", "ɹumtu")


@pytest.mark.parametrize(("heard", "meant"), [
    ("Turn on the whole light now.", "Turn on the hall light now."),
    ("Start the room to now.", "Start the roomba now."),
    ("Send the room, but home.", "Send the roomba home."),
    ("Send the room back to its base.", "Send the roomba to its base."),
    ("Then lock the front door for me please.", "unlock the front door for me please."),
])
def test_words_that_sound_like_a_name_become_it(sounds: SoundsLike, heard: str, meant: str) -> None:
    mended, mends = sounds.mend(heard)
    assert mended == meant
    assert mends and all(m.distance <= MAX_DISTANCE for m in mends)


@pytest.mark.parametrize("heard", [
    "turn off the living room lights",  # names said right stay
    "lock the front door",  # a word that carries the command is never traded ("lock" is not "unlock")
    "Send the vacuum back to the dock.",  # "back to" is not "back door"
    "And mute the sound.",  # "sound" is 0.33 from "lounge"
    "how cold is living, bedroom now?",  # a name said right is kept whole, not run into "living room"
    "how cold is this, in the bedroom now?",  # "this" is no "office"
    "lots of temperature in the living room now.",  # "lots of" is no "bedroom", however long the name
    "set a timer for 5 minutes",
    "add milk to my shopping list",
])
def test_other_words_stay(sounds: SoundsLike, heard: str) -> None:
    assert sounds.mend(heard) == (heard, [])


def test_a_home_without_names_still_knows_the_command_words() -> None:
    assert SoundsLike([]).mend("then lock the door")[0] == "unlock the door"
    assert SoundsLike([], words=()).mend("then lock the door") == ("then lock the door", [])
