"""A compact BERT encoder (MiniLM-L6) with token-level intent and slot heads, nanoGPT-style.

No I/O here: weights come in as a state dict (see `llm.weights`). Two heads read every token:
- `intent_head`: BIO over intents (B-HassTurnOn, I-HassTurnOn, ..., O). A run starting with B
  is one clause, so "turn off the lights and start the vacuum" yields two clauses in order.
- `slot_head`: BIO over slot types (B-name, I-name, B-area, ...), the spans the resolver maps
  onto the home's names and values.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class Config:
    vocab_size: int = 30522
    max_position: int = 512
    type_vocab_size: int = 2
    n_layer: int = 6
    n_head: int = 12
    n_embd: int = 384
    n_inner: int = 1536
    layer_norm_eps: float = 1e-12
    dropout: float = 0.1
    n_intent_tags: int = 1
    """Size of the intent BIO tag set (O + B/I per intent)."""
    n_slot_tags: int = 1
    """Size of the slot BIO tag set (O + B/I per slot type)."""


class Embeddings(nn.Module):
    def __init__(self, config: Config) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.n_embd)
        self.position_embeddings = nn.Embedding(config.max_position, config.n_embd)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.n_embd)
        self.LayerNorm = nn.LayerNorm(config.n_embd, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        T = input_ids.size(1)
        pos = torch.arange(T, device=input_ids.device)  # (T,)
        x = self.word_embeddings(input_ids)  # (B, T, C)
        x = x + self.position_embeddings(pos)[None] + self.token_type_embeddings.weight[0]
        return self.dropout(self.LayerNorm(x))


class SelfAttention(nn.Module):
    def __init__(self, config: Config) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.query = nn.Linear(config.n_embd, config.n_embd)
        self.key = nn.Linear(config.n_embd, config.n_embd)
        self.value = nn.Linear(config.n_embd, config.n_embd)
        self.dropout = config.dropout

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        B, T, C = x.size()
        hs = C // self.n_head
        q = self.query(x).view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = self.key(x).view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        v = self.value(x).view(B, T, self.n_head, hs).transpose(1, 2)  # (B, nh, T, hs)
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=self.dropout if self.training else 0.0
        )  # (B, nh, T, hs)
        return y.transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)


class Layer(nn.Module):
    """One post-LayerNorm BERT block; attribute names follow the Hugging Face checkpoint."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.attention = SelfAttention(config)
        self.attention_output = nn.Linear(config.n_embd, config.n_embd)
        self.attention_norm = nn.LayerNorm(config.n_embd, eps=config.layer_norm_eps)
        self.intermediate = nn.Linear(config.n_embd, config.n_inner)
        self.output = nn.Linear(config.n_inner, config.n_embd)
        self.output_norm = nn.LayerNorm(config.n_embd, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        a = self.dropout(self.attention_output(self.attention(x, mask)))  # (B, T, C)
        x = self.attention_norm(x + a)
        h = F.gelu(self.intermediate(x))  # (B, T, 4C)
        return self.output_norm(x + self.dropout(self.output(h)))  # (B, T, C)


class IntentTagger(nn.Module):
    """MiniLM encoder + per-token intent and slot BIO heads."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config
        self.embeddings = Embeddings(config)
        self.layers = nn.ModuleList(Layer(config) for _ in range(config.n_layer))
        self.dropout = nn.Dropout(config.dropout)
        self.intent_head = nn.Linear(config.n_embd, config.n_intent_tags)
        self.slot_head = nn.Linear(config.n_embd, config.n_slot_tags)
        for head in (self.intent_head, self.slot_head):
            nn.init.normal_(head.weight, std=0.02)
            nn.init.zeros_(head.bias)
        self.intent_temperature = 1.0  # calibration: intent logits are divided by it (set from the weights file)

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        # additive mask: 0 where attended, -inf-ish on padding
        mask = (1.0 - attention_mask[:, None, None, :].float()) * -1e4  # (B, 1, 1, T)
        x = self.embeddings(input_ids)  # (B, T, C)
        mask = mask.to(x.dtype)
        for layer in self.layers:
            x = layer(x, mask)
        return x  # (B, T, C)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.dropout(self.encode(input_ids, attention_mask))  # (B, T, C)
        return self.intent_head(x), self.slot_head(x)  # (B, T, n_intent_tags), (B, T, n_slot_tags)

    @torch.no_grad()
    def predict(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-token probabilities of both tag sets, in fp32."""
        intent_logits, slot_logits = self(input_ids, attention_mask)
        return (intent_logits.float() / self.intent_temperature).softmax(-1), slot_logits.float().softmax(-1)


def hf_key_map(n_layer: int) -> dict[str, str]:
    """Our parameter names -> the names in the sentence-transformers BERT checkpoint."""
    keys = {
        f"embeddings.{k}": f"embeddings.{k}"
        for k in (
            "word_embeddings.weight",
            "position_embeddings.weight",
            "token_type_embeddings.weight",
            "LayerNorm.weight",
            "LayerNorm.bias",
        )
    }
    parts = {
        "attention.query": "attention.self.query",
        "attention.key": "attention.self.key",
        "attention.value": "attention.self.value",
        "attention_output": "attention.output.dense",
        "attention_norm": "attention.output.LayerNorm",
        "intermediate": "intermediate.dense",
        "output": "output.dense",
        "output_norm": "output.LayerNorm",
    }
    for i in range(n_layer):
        for ours, theirs in parts.items():
            for p in ("weight", "bias"):
                keys[f"layers.{i}.{ours}.{p}"] = f"encoder.layer.{i}.{theirs}.{p}"
    return keys


def mean_pool(x: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Sentence embedding as sentence-transformers computes it (used to check the port)."""
    m = attention_mask[..., None].to(x.dtype)  # (B, T, 1)
    return (x * m).sum(1) / m.sum(1).clamp(min=1e-9)  # (B, C)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
