"""Sentence vectors (multilingual USE v3) for the answerer's semantic sentence choice.

Derived from what the collection holds, like ``use_index``: every sentence of every served chunk is
encoded once and cached per sentence-text hash in ``STORE/derived/``, so a rebuilt or edited corpus
re-encodes only its new sentences, and a Chroma server needs nothing more than it stores. Encoding at
query time would cost a USE call per sentence of the five retrieved passages (about fifty): the cache
turns that into a dictionary look-up.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ingest.chunking import sentence_spans
from vectorstore.use_index import MODEL, encode

DIMENSIONS = 512


def _key(sentence: str) -> str:
    return hashlib.sha256(f"{MODEL}\n{sentence}".encode()).hexdigest()[:24]


def sentences_of(text: str) -> list[str]:
    return [s for a, b in sentence_spans(text) if (s := text[a:b].strip())]


class SentenceIndex:
    """``vector(sentence)``: the unit USE vector of a sentence of the corpus (encoded on demand otherwise)."""

    def __init__(self, texts: Iterable[str], cache: Path) -> None:
        wanted = {_key(s): s for text in texts for s in sentences_of(text)}
        self.vectors: dict[str, np.ndarray] = {}
        if cache.exists():
            with np.load(cache) as stored:
                self.vectors = {k: v for k, v in zip(stored["keys"].tolist(), stored["vectors"], strict=True)
                                if k in wanted}
        missing = [k for k in wanted if k not in self.vectors]
        self.encoded = len(missing)
        if missing:
            for start in range(0, len(missing), 64):
                batch = missing[start : start + 64]
                for key, vector in zip(batch, encode([wanted[k] for k in batch]), strict=True):
                    self.vectors[key] = vector
            cache.parent.mkdir(parents=True, exist_ok=True)
            temporary = cache.with_suffix(".tmp.npz")
            keys = sorted(self.vectors)  # the cache holds the current corpus only
            np.savez(temporary, keys=np.array(keys), vectors=np.stack([self.vectors[k] for k in keys]))
            temporary.replace(cache)

    def matrix(self, sentences: list[str]) -> np.ndarray:
        """Unit vectors of ``sentences``, in order; those not in the corpus are encoded (and kept)."""
        keys = [_key(s) for s in sentences]
        missing = [(k, s) for k, s in zip(keys, sentences, strict=True) if k not in self.vectors]
        if missing:
            for (key, _), vector in zip(missing, encode([s for _, s in missing]), strict=True):
                self.vectors[key] = vector
        if not keys:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self.vectors[k] for k in keys])
