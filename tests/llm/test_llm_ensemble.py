"""The shipped tagger is several members read as one: what they are, and that their probabilities are averaged."""

import json

import torch

from llm.checkpoint import build_model, read_weights
from llm.decode import word_starts
from llm.ensemble import ALONE_AT, Ensemble, build_ensemble, read_words, sureness
from llm.members import DEFAULT_MEMBERS, SEEDS
from llm.resolver import Resolver
from llm.tokenizer import WordPiece


def test_the_shipped_members_are_the_seeds_hearth_train_trains(resolver: Resolver) -> None:
    assert isinstance(resolver.model, Ensemble) and len(resolver.model.members) == len(SEEDS) > 1
    for path, seed, member in zip(DEFAULT_MEMBERS, SEEDS, resolver.model.members, strict=True):
        info = json.loads(read_weights(path)[1]["info"])
        assert info["seed"] == seed and info["steps"] == 2500
        assert 0.3 < info["temperature"] < 4 and member.intent_temperature == info["temperature"]


def test_the_members_share_one_copy_of_the_embeddings(resolver: Resolver) -> None:
    assert isinstance(resolver.model, Ensemble)
    first = resolver.model.members[0].embeddings
    assert all(m.embeddings is first for m in resolver.model.members)


def test_an_ensemble_reads_the_mean_of_its_members() -> None:
    members = [build_model(path, "fp32") for path in DEFAULT_MEMBERS[:2]]
    ensemble = build_ensemble(DEFAULT_MEMBERS[:2], "fp32")
    enc = WordPiece.load().encode("turn off the lights in the kitchen and lock the door")
    ids = torch.tensor([enc.ids])
    mask = torch.ones_like(ids)
    alone = [m.predict(ids, mask) for m in members]
    intents, slots = ensemble.predict(ids, mask)
    assert torch.allclose(intents, (alone[0][0] + alone[1][0]) / 2, atol=1e-5)
    assert torch.allclose(slots, (alone[0][1] + alone[1][1]) / 2, atol=1e-5)
    assert not torch.allclose(alone[0][0], alone[1][0], atol=1e-3)  # members trained apart do differ
    assert torch.allclose(intents.sum(-1), torch.ones(intents.shape[:-1]), atol=1e-4)


def test_one_file_is_that_model_alone() -> None:
    assert not isinstance(build_ensemble(DEFAULT_MEMBERS[:1]), Ensemble)


def _words(text: str) -> tuple[torch.Tensor, torch.Tensor]:
    enc = WordPiece.load().encode(text)
    return torch.tensor([enc.ids]), torch.tensor([w[0] for w in word_starts(enc.word_ids)])


def test_the_first_member_reads_alone_where_it_is_sure_of_every_word() -> None:
    ensemble = build_ensemble(DEFAULT_MEMBERS, "fp32")
    assert isinstance(ensemble, Ensemble) and ensemble.alone_at == ALONE_AT
    ids, firsts = _words("turn on the kitchen lights")
    first = read_words(ensemble.members[0], ids, firsts)
    assert sureness(first) >= ALONE_AT
    assert all(torch.equal(a, b) for a, b in zip(read_words(ensemble, ids, firsts), first, strict=True))
    ensemble.alone_at = None  # every member asked: the mean, which differs from the first alone
    intents, _ = read_words(ensemble, ids, firsts)
    assert not torch.equal(intents, first[0])
    assert torch.allclose(intents, ensemble.predict(ids, torch.ones_like(ids))[0][0, firsts], atol=1e-6)


def test_where_the_first_member_is_unsure_every_member_is_asked() -> None:
    ensemble = build_ensemble(DEFAULT_MEMBERS, "fp32")
    assert isinstance(ensemble, Ensemble)
    ids, firsts = _words("crank up the lights in the kitchen")
    first = read_words(ensemble.members[0], ids, firsts)
    assert sureness(first) < ALONE_AT
    intents, slots = read_words(ensemble, ids, firsts)
    mean = ensemble.predict(ids, torch.ones_like(ids))
    assert torch.allclose(intents, mean[0][0, firsts], atol=1e-6)
    assert torch.allclose(slots, mean[1][0, firsts], atol=1e-6)
    assert not torch.allclose(intents, first[0], atol=1e-3)
