"""Span decoding: the likeliest well-formed BIO sequence (`llm.decode.best_tags`), not per-word argmax."""

from __future__ import annotations

import itertools

import torch

from llm import schema
from llm.decode import _well_formed, best_tags, decode_spans

ID = schema.SLOT_TAG_ID


def _probs(*words: dict[str, float]) -> torch.Tensor:
    """One row per word: the given tags' probabilities, the rest spread evenly."""
    n = len(schema.SLOT_TAGS)
    rows = []
    for word in words:
        rest = (1.0 - sum(word.values())) / (n - len(word))
        row = torch.full((n,), rest)
        for tag, p in word.items():
            row[ID[tag]] = p
        rows.append(row)
    return torch.stack(rows)


def test_a_word_torn_between_kinds_joins_its_neighbours() -> None:
    """'open the Boiler Room blind': per word the argmax is name, area, name - three broken spans."""
    text = "open the Boiler Room blind"
    p = _probs({"O": 0.99}, {"O": 0.99}, {"B-name": 0.53, "B-area": 0.46}, {"I-area": 0.58, "I-name": 0.41},
               {"I-name": 0.71, "B-domain": 0.28})
    greedy = p.argmax(-1).tolist()
    assert not _well_formed(greedy)
    offsets = [(0, 4), (5, 8), (9, 15), (16, 20), (21, 26)]
    spans = decode_spans(text, offsets, [[i] for i in range(5)], p)
    assert [(s.kind, s.text) for s in spans] == [("name", "Boiler Room blind")]


def test_the_best_well_formed_sequence_is_found() -> None:
    """Against every sequence of a few tags (brute force), Viterbi finds the most probable allowed one: well
    formed, and outside a span only where that is more likely than not."""
    torch.manual_seed(7)
    tags = [ID[t] for t in ("O", "B-name", "I-name", "B-area", "I-area")]
    for _ in range(20):
        p = torch.full((4, len(schema.SLOT_TAGS)), 1e-6)
        p[:, tags] = torch.softmax(torch.randn(4, len(tags)) * 2, -1)
        allowed = [seq for seq in itertools.product(tags, repeat=4) if _well_formed(list(seq))
                   and all(t != ID["O"] or p[w, t] >= 0.5 for w, t in enumerate(seq))]
        best = max(allowed, key=lambda seq: float(sum(p[w, t].log() for w, t in enumerate(seq))))
        assert best_tags(p) == list(best)


def test_a_well_formed_argmax_is_kept() -> None:
    p = _probs({"O": 0.9}, {"B-name": 0.6}, {"I-name": 0.5}, {"B-brightness": 0.7})
    assert best_tags(p) == p.argmax(-1).tolist()
    assert best_tags(torch.zeros(0, len(schema.SLOT_TAGS))) == []


def test_a_word_more_likely_in_a_span_than_out_is_in_one() -> None:
    """'unlock the door': outside 0.38, a kind 0.36, a name 0.2 - in a span, of its likeliest kind."""
    p = _probs({"O": 0.99}, {"O": 0.99}, {"O": 0.38, "B-domain": 0.36, "B-name": 0.2})
    spans = decode_spans("unlock the door", [(0, 6), (7, 10), (11, 15)], [[0], [1], [2]], p)
    assert [(s.kind, s.text) for s in spans] == [("domain", "door")]
    p = _probs({"O": 0.99}, {"O": 0.99}, {"O": 0.55, "B-domain": 0.3})
    assert decode_spans("unlock the door", [(0, 6), (7, 10), (11, 15)], [[0], [1], [2]], p) == []


def test_a_span_the_tagger_begins_again_after_and_is_a_second_span() -> None:
    """'put eggs and bread on the list': "and" torn between inside and out, "bread" surely beginning an item - two
    items; "fish and chips", whose "chips" begins one only at 0.58 - one."""
    text = "put eggs and bread on"
    offsets = [(0, 3), (4, 8), (9, 12), (13, 18), (19, 21)]

    def items(begins: float) -> list[str]:
        p = _probs({"O": 0.99}, {"B-item": 0.99}, {"I-item": 0.52, "O": 0.44}, {"B-item": begins, "I-item": 0.99 - begins},
                   {"O": 0.99})
        return [s.text for s in decode_spans(text, offsets, [[i] for i in range(5)], p) if s.kind == "item"]

    assert items(0.99) == ["eggs", "bread"]
    assert items(0.58) == ["eggs and bread"]
