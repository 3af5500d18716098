"""Per-word BIO probabilities -> clauses (one per intent said) with their tagged spans."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from llm import schema


@dataclass(frozen=True, slots=True)
class Span:
    kind: str
    text: str
    word: int
    """Index of its first word."""
    last_word: int
    start: int
    """Character offsets in the whole utterance."""
    end: int


@dataclass
class Clause:
    intent: str
    confidence: float
    first_word: int
    last_word: int
    text: str
    spans: list[Span] = field(default_factory=list)
    utterance: str = ""
    intents: dict[str, float] = field(default_factory=dict)
    """The likeliest intents (up to 3) with their mean probabilities over the clause's words."""


def word_starts(word_ids: list[int | None]) -> list[list[int]]:
    """Token indices of each word, in order."""
    words: dict[int, list[int]] = {}
    for t, w in enumerate(word_ids):
        if w is not None:
            words.setdefault(w, []).append(t)
    return [words[w] for w in sorted(words)]


def decode(
    text: str,
    offsets: list[tuple[int, int]],
    words: list[list[int]],
    intent_p: torch.Tensor,
    slot_p: torch.Tensor,
) -> list[Clause]:
    """Word-level BIO probabilities (W, Ni), (W, Ns) -> clauses with spans."""
    n_intents = len(schema.INTENTS)
    per_intent = intent_p[:, 1:].view(-1, n_intents, 2)  # (W, n_intents, B/I)
    tags = intent_p.argmax(-1).tolist()
    clauses: list[Clause] = []
    current: list[int] = []

    def close() -> None:
        if not current:
            return
        probs = per_intent[current].sum(-1).mean(0)  # (n_intents,)
        best = int(probs.argmax())
        start, end = offsets[words[current[0]][0]][0], offsets[words[current[-1]][-1]][1]
        clause = Clause(schema.INTENTS[best], float(probs[best]), current[0], current[-1], text[start:end])
        clause.utterance = text
        top = probs.topk(min(3, n_intents))
        clause.intents = {schema.INTENTS[int(i)]: float(p) for p, i in zip(top.values, top.indices)}
        if clauses and clauses[-1].intent == clause.intent and clauses[-1].last_word + 1 == clause.first_word:
            prev = clauses[-1]  # a B- tag inside one clause: same intent, no gap -> one clause
            weight = (prev.last_word - prev.first_word + 1, len(current))
            prev.confidence = (prev.confidence * weight[0] + clause.confidence * weight[1]) / sum(weight)
            prev.intents = {i: (prev.intents.get(i, 0.0) * weight[0] + clause.intents.get(i, 0.0) * weight[1])
                            / sum(weight) for i in prev.intents.keys() | clause.intents.keys()}
            prev.last_word = clause.last_word
            prev.text = text[offsets[words[prev.first_word][0]][0] : end]
            return
        clauses.append(clause)

    for w, tag in enumerate(tags):
        if tag == 0 or (tag - 1) % 2 == 0:  # O ends a clause, B- starts one
            close()
            current = []
        if tag != 0:
            current.append(w)  # an I- tag continues the clause; its intent is voted over all its words
    close()
    for span in decode_spans(text, offsets, words, slot_p):
        owner = min(clauses, key=lambda c: _distance(c, span.word), default=None)
        if owner is not None:
            owner.spans.append(span)
    return clauses


def _distance(clause: Clause, word: int) -> int:
    if clause.first_word <= word <= clause.last_word:
        return 0
    return clause.first_word - word if word < clause.first_word else (word - clause.last_word) * 2


def _allowed() -> torch.Tensor:
    """(previous tag, tag) -> 0 where the BIO scheme allows the pair, -inf where not: an I- tag only
    continues a B- or I- tag of its own kind."""
    n = len(schema.SLOT_TAGS)
    allowed = torch.zeros(n, n)
    for t, label in enumerate(schema.SLOT_TAGS):
        if label.startswith("I-"):
            kind = label[2:]
            allowed[:, t] = float("-inf")
            allowed[schema.SLOT_TAG_ID[f"B-{kind}"], t] = allowed[t, t] = 0.0
    return allowed


_ALLOWED = _allowed()
_START = torch.tensor([float("-inf") if label.startswith("I-") else 0.0 for label in schema.SLOT_TAGS])


def _in_or_out(slot_p: torch.Tensor) -> torch.Tensor:
    """A word is outside every span only when that is more likely than not: a word whose probability is spread
    over a kind and a name ("unlock the door": outside 0.38, a kind 0.36, a name 0.2) is in a span, of its
    likeliest kind, rather than dropped because no one kind outweighs "outside"."""
    inside = slot_p[:, 0] < 0.5
    if not bool(inside.any()):
        return slot_p
    out = slot_p.clone()
    out[inside, 0] = 0.0
    return out


def best_tags(slot_p: torch.Tensor) -> list[int]:
    """The likeliest well-formed BIO sequence under per-word probabilities (W, Ns) (Viterbi): a word torn
    between two kinds is read as one span with its neighbours rather than split into pieces of each
    ("Boiler Room blind": name 0.53 / area 0.47, then area 0.58, then name 0.71 -> one name, not three spans)."""
    slot_p = _in_or_out(slot_p)
    greedy = slot_p.argmax(-1).tolist()
    if _well_formed(greedy):
        return greedy  # the unconstrained best is allowed, so it is the best allowed sequence
    emit = slot_p.float().clamp_min(1e-9).log()
    score = emit[0] + _START
    back = []
    for w in range(1, len(emit)):
        total = score[:, None] + _ALLOWED  # (previous, tag)
        score, prev = total.max(0)
        score = score + emit[w]
        back.append(prev)
    tags = [int(score.argmax())]
    for prev in reversed(back):
        tags.append(int(prev[tags[-1]]))
    return tags[::-1]


def _well_formed(tags: list[int]) -> bool:
    previous = "O"
    for tag in tags:
        label = schema.SLOT_TAGS[tag]
        if label.startswith("I-") and previous[2:] != label[2:]:
            return False
        previous = label
    return True


def decode_spans(text: str, offsets: list[tuple[int, int]], words: list[list[int]], slot_p: torch.Tensor) -> list[Span]:
    tags = best_tags(slot_p)
    spans: list[Span] = []
    kind: str | None = None
    first = last = 0

    def close() -> None:
        if kind is not None:
            start, end = offsets[words[first][0]][0], offsets[words[last][-1]][1]
            while start > 0 and not text[start - 1].isspace():
                start -= 1  # a span never starts or ends inside a spoken word ("old-notes.txt")
            while end < len(text) and not text[end].isspace():
                end += 1
            value = text[start:end].strip(" .,!?;:")
            if value:
                spans.append(Span(kind, value, first, last, start, end))

    for w, tag in enumerate(tags):
        label = schema.SLOT_TAGS[tag]
        if label == "O":
            close()
            kind = None
            continue
        prefix, name = label.split("-", 1)
        if name == kind and prefix == "B" and w == last + 1 and last > first and _joins(text, offsets, words[last]) \
                and float(slot_p[w, tag]) >= NEW_SPAN:
            last -= 1  # "eggs and bread": the tagger sure "bread" begins an item; "and" belongs to neither
            close()
            first = w
        elif name != kind or (prefix == "B" and w != last + 1):  # B- right after its own kind continues
            close()
            kind, first = name, w
        last = w
    close()
    return spans


NEW_SPAN = 0.7
"""How sure the tagger must be that a word after "and", "or" or "plus" begins a span of the kind before it for the
two to be two spans ("eggs and bread": two items; "fish and chips", begun at 0.58: one). Commas never reach the
tagger (`llm.resolver._PAUSE`)."""
_JOINING = frozenset({"and", "or", "&", "plus"})


def _joins(text: str, offsets: list[tuple[int, int]], tokens: list[int]) -> bool:
    """Whether a word joins two things said ("and", "or", "plus")."""
    return text[offsets[tokens[0]][0]:offsets[tokens[-1]][1]].casefold() in _JOINING
