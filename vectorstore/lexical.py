"""A BM25 index derived from what the Chroma collection holds.

It is never a second source of truth: it is rebuilt from the collection, or loaded from a cache keyed
by a fingerprint of the collection's ids (and the analyser's version), so it works the same with an
embedded store and with a Chroma server, and cannot drift from it.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vectorstore.french import ANALYZER_VERSION, analyse

K1 = 1.2
B = 0.75


def lexical_text(text: str, metadata: dict[str, Any]) -> str:
    """What the lexical side indexes: the heading path and the initiative's names, then the passage."""
    fields = ("section", "initiative", "resource_centre", "region", "place")
    return " \n".join([*(str(metadata[f]) for f in fields if metadata.get(f)), text])


def fingerprint(ids: list[str]) -> str:
    digest = hashlib.sha256(ANALYZER_VERSION.encode())
    for chunk_id in sorted(ids):
        digest.update(chunk_id.encode())
    return digest.hexdigest()[:24]


@dataclass
class BM25Index:
    ids: list[str]
    terms: list[Counter[str]]
    lengths: list[int]
    document_frequency: Counter[str]

    @classmethod
    def build(cls, ids: list[str], texts: list[str], metadatas: list[dict[str, Any]]) -> BM25Index:
        terms = [Counter(analyse(lexical_text(t, m))) for t, m in zip(texts, metadatas, strict=True)]
        frequency: Counter[str] = Counter()
        for counts in terms:
            frequency.update(counts.keys())
        return cls(list(ids), terms, [sum(c.values()) for c in terms], frequency)

    def search(self, query: str, allowed: set[str] | None = None, limit: int = 30) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first, among ``allowed`` ids when given."""
        words = analyse(query)
        if not words or not self.ids:
            return []
        count = len(self.ids)
        average = sum(self.lengths) / count or 1.0
        scores: list[tuple[str, float]] = []
        for index, chunk_id in enumerate(self.ids):
            if allowed is not None and chunk_id not in allowed:
                continue
            counts, length, score = self.terms[index], self.lengths[index], 0.0
            for word in words:
                tf = counts.get(word, 0)
                if tf:
                    df = self.document_frequency[word]
                    idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
                    score += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
            if score > 0:
                scores.append((chunk_id, score))
        scores.sort(key=lambda item: -item[1])
        return scores[:limit]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"ids": self.ids, "terms": [dict(c) for c in self.terms]}
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)  # atomic: a reader never sees half a cache file

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        data = json.loads(path.read_text(encoding="utf-8"))
        terms = [Counter(t) for t in data["terms"]]
        frequency: Counter[str] = Counter()
        for counts in terms:
            frequency.update(counts.keys())
        return cls(data["ids"], terms, [sum(c.values()) for c in terms], frequency)
