"""Fine-tune MiniLM-L6 into Hearth's intent + slot tagger and write the shipped int8 weights: one member per
seed, read together as one (`llm.ensemble`).

python -m llm.train [--device cuda] [--out llm/weights/intent_tagger.safetensors]   # the shipped recipe
python -m llm.train --seeds 1234 --out /tmp/one.safetensors                        # one member alone
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import math
import random
import resource
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from llm import schema
from llm.checkpoint import build_model, load_backbone, read_weights, save_weights, tagger_config
from llm.data import stt_noise
from llm.data.generate import Example, generate
from llm.members import DEFAULT_WEIGHTS, SEEDS, member_paths
from llm.model import IntentTagger
from llm.quantize import dequantize
from llm.tokenizer import WordPiece

_LOGGER = logging.getLogger(__name__)
IGNORE = -100


@dataclass
class TrainOptions:
    """The defaults are the shipped recipe (`llm/weights/README.md`): from the bare MiniLM backbone."""

    steps: int = 2500
    batch_size: int = 32
    lr: float = 1e-4
    head_lr: float = 1e-3
    warmup: int = 100
    n_train: int = 60000
    n_dev: int = 600
    stt_share: float = 0.05
    """Share of the training pool that is speech-to-text readings (`llm.data.stt_noise`'s cache, repeated)."""
    seed: int = SEEDS[0]
    """This member's seed: the sentences generated for it, its heads' start and the order it reads them in."""
    device: str = "cpu"
    threads: int = 2
    out: Path = DEFAULT_WEIGHTS
    init: Path | None = None
    """Continue from these weights (a shipped file) instead of the bare MiniLM backbone."""
    freeze_layers: int = 0
    """Keep the lowest N encoder layers as they are (from --init): a cheaper continued fine-tune."""


def encode_example(tok: WordPiece, ex: Example) -> tuple[list[int], list[int], list[int]]:
    """Word tags -> token tags: continuation pieces of a word carry its I- tag."""
    enc = tok.encode_words(list(ex.words))
    itags, stags = [], []
    prev_word = None
    for wid in enc.word_ids:
        if wid is None:
            itags.append(IGNORE)
            stags.append(IGNORE)
            continue
        it, st = ex.intent_tags[wid], ex.slot_tags[wid]
        if wid == prev_word:
            it, st = it.replace("B-", "I-"), st.replace("B-", "I-")
        itags.append(schema.INTENT_TAG_ID[it])
        stags.append(schema.SLOT_TAG_ID[st])
        prev_word = wid
    return enc.ids, itags, stags


def collate(rows: list[tuple[list[int], list[int], list[int]]], pad_id: int) -> dict[str, torch.Tensor]:
    T = max(len(r[0]) for r in rows)
    ids = torch.full((len(rows), T), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), T), dtype=torch.long)
    itags = torch.full((len(rows), T), IGNORE, dtype=torch.long)
    stags = torch.full((len(rows), T), IGNORE, dtype=torch.long)
    for b, (i, it, st) in enumerate(rows):
        ids[b, : len(i)] = torch.tensor(i)
        mask[b, : len(i)] = 1
        itags[b, : len(it)] = torch.tensor(it)
        stags[b, : len(st)] = torch.tensor(st)
    return {"ids": ids, "mask": mask, "itags": itags, "stags": stags}


def loss_fn(model: IntentTagger, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    intent_logits, slot_logits = model(batch["ids"], batch["mask"])  # (B, T, Ni), (B, T, Ns)
    li = F.cross_entropy(intent_logits.flatten(0, 1), batch["itags"].flatten(), ignore_index=IGNORE)
    ls = F.cross_entropy(slot_logits.flatten(0, 1), batch["stags"].flatten(), ignore_index=IGNORE)
    return li + ls


def make_optimizer(model: IntentTagger, opts: TrainOptions) -> torch.optim.Optimizer:
    for p in model.embeddings.parameters():
        p.requires_grad_(False)  # reused from the backbone package at load time
    for layer in model.layers[: opts.freeze_layers]:
        for p in layer.parameters():
            p.requires_grad_(False)
    heads = [*model.intent_head.parameters(), *model.slot_head.parameters()]
    head_ids = {id(p) for p in heads}
    body = [p for p in model.parameters() if p.requires_grad and id(p) not in head_ids]
    return torch.optim.AdamW(
        [{"params": body, "lr": opts.lr}, {"params": heads, "lr": opts.head_lr}], weight_decay=0.01
    )


def lr_factor(step: int, opts: TrainOptions) -> float:
    if step < opts.warmup:
        return (step + 1) / opts.warmup
    progress = (step - opts.warmup) / max(1, opts.steps - opts.warmup)
    return 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


@torch.no_grad()
def evaluate(model: IntentTagger, rows: list, pad_id: int, device: str) -> dict[str, float]:
    """Share of dev sentences whose every token tag (intent and slot) is right, and token accuracy."""
    model.eval()
    exact = tokens = correct = 0
    for k in range(0, len(rows), 64):
        batch = {n: t.to(device) for n, t in collate(rows[k : k + 64], pad_id).items()}
        intent_logits, slot_logits = model(batch["ids"], batch["mask"])
        valid = batch["itags"] != IGNORE
        ok = (intent_logits.argmax(-1) == batch["itags"]) & (slot_logits.argmax(-1) == batch["stags"])
        exact += int(((ok | ~valid).all(dim=1)).sum())
        tokens += int(valid.sum())
        correct += int((ok & valid).sum())
    model.train()
    return {"sentence_exact": exact / len(rows), "token_accuracy": correct / max(1, tokens)}


def fine_tuned_state(path: Path) -> dict[str, torch.Tensor]:
    """A shipped weights file as a float state dict (int8 Linear weights dequantized)."""
    tensors, _ = read_weights(path)
    state = {}
    for name, t in tensors.items():
        if name.endswith(".qweight"):
            module = name.removesuffix(".qweight")
            state[f"{module}.weight"] = dequantize(t, tensors[f"{module}.scale"])
        elif not name.endswith(".scale"):
            state[name] = t
    return state


@torch.no_grad()
def fit_temperature(model: IntentTagger, rows: list, pad_id: int) -> float:
    """The temperature that minimises the intent head's NLL on the dev split (calibration, Guo et al. 2017)."""
    logits, tags = [], []
    for k in range(0, len(rows), 64):
        batch = collate(rows[k : k + 64], pad_id)
        intent_logits, _ = model(batch["ids"], batch["mask"])
        keep = batch["itags"] != IGNORE
        logits.append(intent_logits[keep])
        tags.append(batch["itags"][keep])
    x, y = torch.cat(logits), torch.cat(tags)
    grid = [0.5 + 0.05 * k for k in range(71)]  # 0.5 .. 4.0
    nll = [float(F.cross_entropy(x / t, y)) for t in grid]
    return round(grid[nll.index(min(nll))], 2)


def training_examples(opts: TrainOptions) -> list[Example]:
    """n_train generated sentences, plus the cached speech-to-text readings repeated to `stt_share` of the pool."""
    examples = list(generate(opts.n_train, seed=opts.seed))
    readings = stt_noise.load() if opts.stt_share > 0 else []
    if readings:
        wanted = round(opts.stt_share * opts.n_train / (1 - opts.stt_share))
        examples += [readings[k % len(readings)] for k in range(wanted)]
        _LOGGER.info("%d speech-to-text readings, %d rows of them in the pool", len(readings), wanted)
    return examples


def train(opts: TrainOptions) -> dict[str, object]:
    torch.manual_seed(opts.seed)
    random.seed(opts.seed)
    if opts.device == "cpu":
        torch.set_num_threads(opts.threads)
    tok = WordPiece.load()
    t0 = time.perf_counter()
    train_rows = [encode_example(tok, ex) for ex in training_examples(opts)]
    dev_rows = [encode_example(tok, ex) for ex in generate(opts.n_dev, seed=opts.seed + 1)]
    _LOGGER.info(
        "%d training sentences (speech-to-text readings included) and %d dev sentences in %.1f s",
        len(train_rows),
        len(dev_rows),
        time.perf_counter() - t0,
    )
    model = IntentTagger(tagger_config())
    load_backbone(model, only_embeddings=opts.init is not None)  # --init holds every other tensor
    if opts.init is not None:
        model.load_state_dict(fine_tuned_state(opts.init), strict=False)
    model.to(opts.device).train()
    optimizer = make_optimizer(model, opts)
    rng = random.Random(opts.seed)
    order: list[int] = []
    bar = tqdm(range(opts.steps), desc=f"training (seed {opts.seed})", unit="step")
    for step in bar:
        if len(order) < opts.batch_size:
            order = list(range(len(train_rows)))
            rng.shuffle(order)
        batch_rows = [train_rows[order.pop()] for _ in range(opts.batch_size)]
        batch = {n: t.to(opts.device) for n, t in collate(batch_rows, tok.pad_id).items()}
        for group, base in zip(optimizer.param_groups, (opts.lr, opts.head_lr)):
            group["lr"] = base * lr_factor(step, opts)
        loss = loss_fn(model, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if step % 20 == 0:
            bar.set_postfix(loss=f"{loss.item():.4f}")
    model.cpu().eval()
    dev_fp32 = evaluate(model, dev_rows, tok.pad_id, "cpu")
    info = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(opts).items()}
    if opts.init is not None:
        info["init_sha256"] = hashlib.sha256(opts.init.read_bytes()).hexdigest()
    info["temperature"] = fit_temperature(model, dev_rows, tok.pad_id)
    info["train_seconds"] = round(time.perf_counter() - t0, 1)
    info["peak_memory_mb"] = peak_memory_mb()
    size = save_weights(model, opts.out, info)
    int8 = build_model(opts.out, "int8")
    dev_int8 = evaluate(int8, dev_rows, tok.pad_id, "cpu")
    return {
        "dev_fp32": dev_fp32,
        "dev_int8": dev_int8,
        "bytes": size,
        "seconds": info["train_seconds"],
        "peak_memory_mb": info["peak_memory_mb"],
        "temperature": info["temperature"],
        "out": str(opts.out),
    }


def train_members(opts: TrainOptions, seeds: Sequence[int] = SEEDS) -> Iterator[dict[str, object]]:
    """One member per seed, each a full `train` run, its report yielded when it is written: the first at
    `opts.out`, the others beside it (`llm.members.member_paths`)."""
    for seed, path in zip(seeds, member_paths(opts.out, seeds), strict=True):
        yield train(replace(opts, seed=seed, out=path))


def peak_memory_mb() -> float:
    """Peak resident memory of this process (CPU), or of the CUDA allocator when training there."""
    if torch.cuda.is_available() and torch.cuda.max_memory_allocated():
        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def add_options(parser: argparse.ArgumentParser) -> None:
    d = TrainOptions()
    parser.add_argument("--steps", type=int, default=d.steps, help="optimizer steps (default %(default)s)")
    parser.add_argument("--batch-size", type=int, default=d.batch_size)
    parser.add_argument("--n-train", type=int, default=d.n_train, help="generated training sentences")
    parser.add_argument(
        "--seeds", type=_seeds, default=SEEDS, help="one member per seed, comma-separated (default %(default)s)"
    )
    parser.add_argument("--device", default=d.device, help="cpu or cuda")
    parser.add_argument(
        "--threads", type=int, default=d.threads, help="CPU threads (default 2: bit-for-bit the shipped weights)"
    )
    parser.add_argument("--out", type=Path, default=d.out, help="where to write the weights")
    parser.add_argument(
        "--init", type=Path, default=None, help="continue from these weights (see llm/weights/README.md)"
    )
    parser.add_argument("--freeze-layers", type=int, default=d.freeze_layers, help="keep the lowest N layers")
    parser.add_argument("--lr", type=float, default=d.lr)
    parser.add_argument("--head-lr", type=float, default=d.head_lr)
    parser.add_argument("--warmup", type=int, default=d.warmup)
    parser.add_argument("--n-dev", type=int, default=d.n_dev)
    parser.add_argument("--stt-share", type=float, default=d.stt_share, help="share of speech-to-text readings")


def _seeds(text: str) -> tuple[int, ...]:
    try:
        seeds = tuple(int(s) for s in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"seeds are whole numbers separated by commas, not {text!r}") from None
    if len(set(seeds)) != len(seeds):
        raise argparse.ArgumentTypeError(f"each seed once: {text!r}")
    return seeds


def options_from_args(args: argparse.Namespace) -> TrainOptions:
    """The options `add_options` put on the parser (each under its field's name; the seed is each member's)."""
    return TrainOptions(**{f.name: getattr(args, f.name) for f in fields(TrainOptions) if f.name != "seed"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_options(parser)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parser.parse_args()
    for report in train_members(options_from_args(args), args.seeds):
        print(format_report(report))


def format_report(report: dict[str, object]) -> str:
    fp32, int8 = report["dev_fp32"], report["dev_int8"]
    assert isinstance(fp32, dict) and isinstance(int8, dict)
    return (
        f"dev (generated, unseen homes): exact tags fp32 {fp32['sentence_exact']:.2%}, "
        f"int8 {int8['sentence_exact']:.2%}; token accuracy fp32 {fp32['token_accuracy']:.2%}, "
        f"int8 {int8['token_accuracy']:.2%}\n"
        f"wrote {report['out']} ({float(str(report['bytes'])) / 1e6:.1f} MB) in {report['seconds']} s, "
        f"peak memory {report['peak_memory_mb']} MB; intent temperature {report['temperature']}"
    )


if __name__ == "__main__":
    main()
