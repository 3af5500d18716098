"""Hearth's own wake word model: a small dilated 1-D convolution over the last 1.5 s of microWakeWord's
features (40 mel bands every 10 ms, from the same pymicro-features frontend), trained by `speech.wake_train`
on speech the project synthesises.

It plugs into `speech.wake.MicroWakeDetector` beside the microWakeWord models: `HearthWakeWord` reads the
same feature frames and answers `process_streaming` / `process_streaming_prob` as they do.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from speech.errors import ModelLoadError

FEATURES = 40
WINDOW = 150
"""Frames the model sees (10 ms each): 1.5 s, enough for a slow "hey jarvis"."""
WEIGHTS = Path(__file__).resolve().parent / "weights"


@dataclass(frozen=True)
class WakeNetConfig:
    """The phrase and width travel with the weights; the detection settings below are chosen on
    `bench/wake_bench.py`'s false-wake curve and live here."""

    phrase: str = "Hey Jarvis"
    width: int = 48
    probability_cutoff: float = 0.998
    stride: int = 3
    """Frames between two evaluations (30 ms, as microWakeWord)."""
    smoothing: int = 5
    """Evaluations averaged before the cutoff is applied."""


class WakeNet(nn.Module):
    """Features (batch, WINDOW, FEATURES) -> one logit per window: is the wake phrase in it."""

    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, width: int = 48) -> None:
        super().__init__()
        layers: list[nn.Module] = [nn.Conv1d(FEATURES, width, 5, padding=2), nn.BatchNorm1d(width), nn.ReLU(),
                                   nn.MaxPool1d(2)]
        for dilation in (1, 2, 4, 8):
            layers += [nn.Conv1d(width, width, 5, padding=2 * dilation, dilation=dilation),
                       nn.BatchNorm1d(width), nn.ReLU()]
        self.convs = nn.Sequential(*layers)
        self.head = nn.Linear(2 * width, 1)
        self.register_buffer("mean", torch.zeros(FEATURES))
        self.register_buffer("std", torch.ones(FEATURES))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        x = ((features - self.mean) / self.std).transpose(1, 2)
        h = self.convs(x)
        return self.head(torch.cat([h.amax(-1), h.mean(-1)], -1)).squeeze(-1)


def save_wake_net(net: WakeNet, config: WakeNetConfig, path: Path) -> None:
    from safetensors.torch import save_file

    state = {k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}
    save_file(state, str(path), metadata={"config": json.dumps({"phrase": config.phrase, "width": config.width})})


def load_wake_net(path: Path) -> tuple[WakeNet, WakeNetConfig]:
    from safetensors import SafetensorError, safe_open
    from safetensors.torch import load_file

    try:
        with safe_open(str(path), "pt") as handle:
            saved = json.loads((handle.metadata() or {})["config"])
        config = WakeNetConfig(phrase=str(saved["phrase"]), width=int(saved["width"]))
        net = WakeNet(config.width)
        net.load_state_dict(load_file(str(path)))
    except (OSError, KeyError, ValueError, RuntimeError, SafetensorError) as err:
        raise ModelLoadError(f"could not load the wake word model {path}: {err}") from err
    return net.eval(), config


class HearthWakeWord:
    """A streaming detector over feature frames, with the interface of pymicro_wakeword.MicroWakeWord."""

    def __init__(self, path: Path, word_id: str) -> None:
        self.net, self.config = load_wake_net(path)
        self.id = word_id
        self.wake_word = self.config.phrase
        self.probability_cutoff = self.config.probability_cutoff
        self._frames = np.zeros((WINDOW, FEATURES), np.float32)
        self._steps = 0
        self._probabilities: deque[float] = deque(maxlen=self.config.smoothing)

    def reset(self) -> None:
        self._frames[:] = 0.0
        self._steps = 0
        self._probabilities.clear()

    def process_streaming_prob(self, features: np.ndarray) -> float | None:
        """Take one frame; every `stride` frames, the smoothed probability of the wake phrase (else None)."""
        self._frames[self._steps % WINDOW] = np.asarray(features, np.float32).reshape(FEATURES)  # a ring
        self._steps += 1
        if self._steps % self.config.stride:
            return None
        window = np.roll(self._frames, -(self._steps % WINDOW), axis=0)  # oldest frame first
        with torch.inference_mode():
            logit = self.net(torch.from_numpy(window)[None])
        self._probabilities.append(float(torch.sigmoid(logit)[0]))
        return float(np.mean(self._probabilities))

    def process_streaming(self, features: np.ndarray) -> bool:
        probability = self.process_streaming_prob(features)
        return probability is not None and probability > self.probability_cutoff
