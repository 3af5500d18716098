"""`hearth train` end to end in a few steps: data, fine-tuning, int8 file, reload."""

from pathlib import Path

import torch

from hub.core.home import Home
from llm.resolver import Resolver
from llm.tokenizer import WordPiece
from llm.train import TrainOptions, average_states, train, train_member


def test_training_a_few_steps_writes_loadable_small_weights(tmp_path: Path, demo_home: Home) -> None:
    out = tmp_path / "tiny.safetensors"
    report = train(TrainOptions(steps=3, batch_size=4, n_train=40, n_dev=16, warmup=1, threads=1, out=out))
    assert out.is_file() and report["bytes"] == out.stat().st_size < 25_000_000
    for key in ("dev_fp32", "dev_int8"):
        assert 0.0 <= report[key]["token_accuracy"] <= 1.0  # type: ignore[index]
    resolver = Resolver.load(out, device="cpu", threshold=0.0)
    calls = resolver.resolve("turn on the kitchen lights", demo_home)
    assert all(c.confidence >= 0.0 for c in calls)


def test_a_soup_averages_its_members_weights_tensor_by_tensor() -> None:
    a = {"w": torch.tensor([1.0, 3.0]), "steps": torch.tensor([5])}
    b = {"w": torch.tensor([3.0, -1.0]), "steps": torch.tensor([5])}
    soup = average_states([a, b])
    assert torch.equal(soup["w"], torch.tensor([2.0, 1.0]))
    assert soup["steps"].dtype == torch.int64 and int(soup["steps"]) == 5  # counters are not averaged


def test_soup_members_start_alike_and_learn_from_different_pools(tmp_path: Path) -> None:
    opts = TrainOptions(steps=2, batch_size=4, n_train=40, n_dev=16, warmup=1, threads=1, soup=2)
    tok = WordPiece.load()
    first, again, second = (train_member(opts, k, tok).state_dict() for k in (0, 0, 1))
    head = "intent_head.weight"
    assert torch.equal(first[head], again[head])  # a member is reproducible
    assert not torch.equal(first[head], second[head])  # another pool moved it elsewhere
    report = train(TrainOptions(**{**opts.__dict__, "out": tmp_path / "soup.safetensors"}))
    assert len(report["members_fp32"]) == 2  # type: ignore[arg-type]
