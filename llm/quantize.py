"""int8 weights: per-output-channel symmetric quantization, and int8 Linear layers for CPU inference."""

from __future__ import annotations

import warnings

import torch
from torch import nn


def quantize_per_channel(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(out, in) float -> (out, in) int8 and (out,) fp32 scales, symmetric, max-abs per row."""
    w = weight.detach().float()
    scale = (w.abs().amax(dim=1) / 127.0).clamp(min=1e-8)  # (out,)
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)  # (out, in)
    return q, scale


def dequantize(q: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    return q.float() * scale.float()[:, None]  # (out, in)


def int8_linear(q: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor) -> nn.Module:
    """A dynamically quantized Linear (fbgemm/x86 int8 GEMM) built straight from stored int8 weights.

    Weights are used as saved, so loading does not re-quantize; activations are quantized per call.
    """
    from torch.ao.nn.quantized.dynamic import Linear as DynamicLinear

    out_features, in_features = q.shape
    with warnings.catch_warnings():
        # torch 2.13 flags the quantized-tensor constructors as deprecated; they still work and
        # are the only int8 GEMM torch ships for CPU without torchao.
        warnings.simplefilter("ignore")
        qweight = torch._make_per_channel_quantized_tensor(
            q, scale.double(), torch.zeros(out_features, dtype=torch.long), 0
        )
        layer = DynamicLinear(in_features, out_features, dtype=torch.qint8)
        layer.set_weight_bias(qweight, bias.float())
    return layer


def swap_linear_layers(module: nn.Module, make: dict[str, nn.Module], prefix: str = "") -> None:
    """Replace the nn.Linear children whose dotted names are in `make`."""
    for name, child in module.named_children():
        full = f"{prefix}{name}"
        if full in make:
            setattr(module, name, make[full])
        else:
            swap_linear_layers(child, make, full + ".")
