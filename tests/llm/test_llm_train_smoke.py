"""`hearth train` end to end in a few steps: data, fine-tuning, int8 file, reload."""

from pathlib import Path

from hub.core.home import Home
from llm.resolver import Resolver
from llm.train import TrainOptions, train


def test_training_a_few_steps_writes_loadable_small_weights(tmp_path: Path, demo_home: Home) -> None:
    out = tmp_path / "tiny.safetensors"
    report = train(TrainOptions(steps=3, batch_size=4, n_train=40, n_dev=16, warmup=1, threads=1, out=out))
    assert out.is_file() and report["bytes"] == out.stat().st_size < 25_000_000
    for key in ("dev_fp32", "dev_int8"):
        assert 0.0 <= report[key]["token_accuracy"] <= 1.0  # type: ignore[index]
    resolver = Resolver.load(out, device="cpu", threshold=0.0)
    calls = resolver.resolve("turn on the kitchen lights", demo_home)
    assert all(c.confidence >= 0.0 for c in calls)
