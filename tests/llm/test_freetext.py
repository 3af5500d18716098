"""`llm.freetext`: the words a free-text value carries that belong to the sentence, one class at a time."""

import pytest

from llm.freetext import bare, polite, search


@pytest.mark.parametrize("courtesy", ["please", "thanks", "thank you", "cheers", "for me", "will you"])
def test_a_courtesy_at_the_end_is_no_part_of_a_value(courtesy: str) -> None:
    assert polite(f"the rice {courtesy}") == "the rice"
    assert polite(f"the rice, {courtesy}.") == "the rice"
    assert bare(f"the rice {courtesy}") == "rice"
    assert search(f"some jazz {courtesy}") == "jazz"


def test_a_courtesy_inside_a_value_stays() -> None:
    assert polite("please please me") == "please please me"
    assert polite("thanks for the memories") == "thanks for the memories"


def test_a_leading_article_is_no_part_of_a_name() -> None:
    assert bare("the backup") == "backup"
    assert bare("The Rice") == "Rice"
    assert bare("theatre tickets") == "theatre tickets"
    assert bare("the") == "the"


@pytest.mark.parametrize("quantity", ["some", "a bit of", "a little of"])
def test_a_quantity_is_no_part_of_a_search(quantity: str) -> None:
    assert search(f"{quantity} miles davis") == "miles davis"


def test_a_search_keeps_its_own_words() -> None:
    assert search("the beatles") == "the beatles"
    assert search("some of my favourites") == "some of my favourites"
    assert search("something jazzy") == "something jazzy"
