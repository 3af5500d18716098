"""`hearth train` end to end in a few steps: data, fine-tuning, int8 files (one per seed), reload as one."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from hub.core.home import Home
from llm.checkpoint import read_weights
from llm.ensemble import Ensemble
from llm.members import member_paths
from llm.resolver import Resolver
from llm.train import TrainOptions, add_options, train_members


def test_training_a_few_steps_writes_one_loadable_member_per_seed(tmp_path: Path, demo_home: Home) -> None:
    out = tmp_path / "tiny.safetensors"
    opts = TrainOptions(steps=3, batch_size=4, n_train=40, n_dev=16, warmup=1, threads=1, out=out)
    reports = list(train_members(opts, seeds=(5, 6)))
    paths = member_paths(out, (5, 6))
    assert paths == [out, tmp_path / "tiny.seed6.safetensors"]
    for report, path, seed in zip(reports, paths, (5, 6), strict=True):
        assert path.is_file() and report["bytes"] == path.stat().st_size < 25_000_000
        assert json.loads(read_weights(path)[1]["info"])["seed"] == seed
        for key in ("dev_fp32", "dev_int8"):
            assert 0.0 <= report[key]["token_accuracy"] <= 1.0  # type: ignore[index]
    resolver = Resolver.load(paths, device="cpu", threshold=0.0)
    assert isinstance(resolver.model, Ensemble) and len(resolver.model.members) == 2
    calls = resolver.resolve("turn on the kitchen lights", demo_home)
    assert all(c.confidence >= 0.0 for c in calls)
    # a member trained after another in one run is the member trained alone in a fresh process (the shipped
    # members were each made so): nothing carries over from one member's training to the next
    alone = tmp_path / "alone.safetensors"
    subprocess.run([sys.executable, "-m", "llm.train", "--steps", "3", "--batch-size", "4", "--n-train", "40",
                    "--n-dev", "16", "--warmup", "1", "--threads", "1", "--seeds", "6", "--out", str(alone)],
                   check=True, capture_output=True, timeout=300)
    second, fresh = read_weights(paths[1])[0], read_weights(alone)[0]
    assert second.keys() == fresh.keys() and all(torch.equal(second[k], fresh[k]) for k in second)


@pytest.mark.parametrize("bad", ["1,x", "7,7", ""])
def test_seeds_that_are_no_list_of_distinct_numbers_are_refused(bad: str) -> None:
    parser = argparse.ArgumentParser(exit_on_error=False)
    add_options(parser)
    with pytest.raises(argparse.ArgumentError, match="seed"):
        parser.parse_args(["--seeds", bad])
