"""The shipped tagger is several members read as one: what they are, and that their probabilities are averaged."""

import json

import torch

from llm.checkpoint import build_model, read_weights
from llm.ensemble import Ensemble, build_ensemble
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
