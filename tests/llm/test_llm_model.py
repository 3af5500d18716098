"""The plain-torch MiniLM port: loads the packaged checkpoint and embeds like a sentence encoder."""

import torch
import torch.nn.functional as F
from safetensors import safe_open

from llm.checkpoint import load_backbone, tagger_config
from llm.model import IntentTagger, hf_key_map, mean_pool
from llm.tokenizer import WordPiece, backbone_dir


def test_key_map_covers_the_checkpoint() -> None:
    with safe_open(str(backbone_dir() / "model.safetensors"), "pt") as f:
        keys = set(f.keys())
    theirs = set(hf_key_map(6).values())
    assert theirs <= keys
    assert keys - theirs == {"embeddings.position_ids", "pooler.dense.weight", "pooler.dense.bias"}


def _embed(model: IntentTagger, tok: WordPiece, texts: list[str]) -> torch.Tensor:
    out = []
    for text in texts:
        ids = torch.tensor([tok.encode(text).ids])
        mask = torch.ones_like(ids)
        with torch.no_grad():
            out.append(F.normalize(mean_pool(model.encode(ids, mask), mask), dim=-1)[0])
    return torch.stack(out)


def test_backbone_embeds_paraphrases_close() -> None:
    model = IntentTagger(tagger_config(dropout=0.0)).eval()
    load_backbone(model)
    tok = WordPiece.load()
    e = _embed(model, tok, ["turn on the light", "switch the lamp on", "the stock market fell sharply"])
    assert e.shape == (3, 384)
    assert float(e[0] @ e[1]) > 0.6
    assert float(e[0] @ e[2]) < 0.2


def test_heads_shapes() -> None:
    config = tagger_config(dropout=0.0)
    model = IntentTagger(config).eval()
    ids = torch.tensor([[101, 2735, 2125, 102, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 0]])
    intent_p, slot_p = model.predict(ids, mask)
    assert intent_p.shape == (1, 5, config.n_intent_tags)
    assert slot_p.shape == (1, 5, config.n_slot_tags)
    assert torch.allclose(intent_p.sum(-1), torch.ones(1, 5))
