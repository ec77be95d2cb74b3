"""MinHash signatures of a document's words, to flag the same text ingested twice (PDF and Markdown)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from vectorstore.keys import fold

_PERMUTATIONS = 64
_MASK = (1 << 32) - 1
NEAR_DUPLICATE = 0.8


def signature(text: str, shingle: int = 3) -> list[int]:
    words = re.findall(r"\w+", fold(text))
    shingles = {" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))}
    hashes = np.fromiter((int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") for s in shingles),
                         dtype=np.uint64, count=len(shingles))
    # min over shingles of ((h * (2 * seed + 1) + seed) >> 7) & _MASK, as Python integers computed it (a
    # second per report, most of an ingest of cached passages): unsigned 64-bit arithmetic wraps above bit
    # 63 only, and the bits kept (7 to 38) come from below it, so the values and stored signatures are the same
    return [int((((hashes * np.uint64(2 * seed + 1) + np.uint64(seed)) >> np.uint64(7)) & np.uint64(_MASK)).min())
            for seed in range(_PERMUTATIONS)]


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the two documents' word shingles."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=False)) / len(a)


def closest_document(sig: list[int], source: str, records: Mapping[str, Any]) -> str | None:
    """The stored document most like ``sig`` when it is a near-duplicate: one name, however many match.

    64 integers per document compared in memory: a thousand documents cost a few milliseconds."""
    scored = [(similarity(sig, other.signature), name) for name, other in records.items() if name != source]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] >= NEAR_DUPLICATE else None
