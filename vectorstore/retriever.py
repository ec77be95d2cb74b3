"""Hybrid retrieval: dense search in Chroma (e5) fused with BM25 by reciprocal rank fusion.

Both sides see the same candidates: chunks of completely ingested documents that pass the metadata
filters. Filters are repeatable (the same key twice means either value) and ignore case, accents and
dash variants, since the report writes both "Bretagne - Pays de la Loire" and "Bretagne – Pays de la Loire".
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from quartiers.results import Passage  # re-exported: its old import path
from vectorstore.keys import fold
from vectorstore.lexical import BM25Index, fingerprint, lexical_text
from vectorstore.store import Store, StoreError
from vectorstore.use_index import UseIndex

FILTER_KEYS = ("source", "region", "resource_centre", "initiative")
Mode = Literal["hybrid", "dense", "lexical", "use"]
# Chosen on the tuning half of the question set (eval/retrieval.py): three signals, a top-heavy RRF.
DEFAULT_WEIGHTS = {"dense": 1.0, "lexical": 1.0, "use": 1.0}
RRF_K = 5
CANDIDATES = 40


def matches(metadata: Mapping[str, Any], filters: Mapping[str, Sequence[str]]) -> bool:
    """Every filtered key matches one of its values (folded); initiative also matches by id."""
    for key, values in filters.items():
        wanted = {fold(v) for v in values}
        have = {fold(str(metadata[key]))} if metadata.get(key) else set()
        if key == "initiative" and metadata.get("initiative_id"):
            have.add(fold(str(metadata["initiative_id"])))
        if not have & wanted:
            return False
    return True


class HybridRetriever:
    """Ranked passages for a question; loads the lexical index once per process."""

    def __init__(self, store: Store, weights: Mapping[str, float] | None = None, rrf_k: int = RRF_K) -> None:
        self.store = store
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.rrf_k = rrf_k
        self.timings: dict[str, float] = {}
        self._load()

    def _load(self) -> None:
        started = time.perf_counter()
        trusted = self.store.trusted_versions()
        got = self.store.chunks.get(include=["documents", "metadatas"])
        rows = [
            (i, str(d), dict(m))
            for i, d, m in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
            if m and m.get("doc_version") in trusted  # a half-built document version is not served
        ]
        self.texts = {i: d for i, d, _ in rows}
        self.metadata = {i: m for i, _, m in rows}
        key = fingerprint([f"{i}|{m.get('text_sha256')}" for i, m in self.metadata.items()])
        cache = self.store.folder / "lexical" / f"{self.store.collection_name}-{key}.json"
        if cache.exists():
            self.lexical = BM25Index.load(cache)
            self.timings["lexical_load_ms"] = (time.perf_counter() - started) * 1000
        else:
            ids = list(self.texts)
            self.lexical = BM25Index.build(ids, [self.texts[i] for i in ids], [self.metadata[i] for i in ids])
            for old in cache.parent.glob(f"{self.store.collection_name}-*.json"):
                old.unlink(missing_ok=True)
            self.lexical.save(cache)
            self.timings["lexical_build_ms"] = (time.perf_counter() - started) * 1000
        self._use: UseIndex | None = None

    @property
    def use(self) -> UseIndex:
        """Built on first use: a lexical-only or dense-only caller does not pay for it."""
        if self._use is None:
            started = time.perf_counter()
            ids = list(self.texts)
            texts = [lexical_text(self.texts[i], self.metadata[i]) for i in ids]
            self._use = UseIndex(ids, texts, self.store.folder / "derived" / f"{self.store.collection_name}-use.npz")
            self.timings["use_load_ms"] = (time.perf_counter() - started) * 1000
        return self._use

    def __len__(self) -> int:
        return len(self.texts)

    def allowed(self, filters: Mapping[str, Sequence[str]] | None) -> set[str] | None:
        """Candidate ids, or None when every stored chunk is a candidate."""
        everything = len(self.texts) == self.store.chunks.count()
        if not filters and everything:
            return None
        return {i for i, meta in self.metadata.items() if matches(meta, filters or {})}

    def check_filters(self, filters: Mapping[str, Sequence[str]] | None) -> None:
        """Raise ``NoMatchError`` naming the valid values when a filter value matches no stored passage: a
        typo (``region=Bretagne``) must not look like a corpus that has nothing to say."""
        for key, values in (filters or {}).items():
            for value in values:
                if not any(matches(meta, {key: [value]}) for meta in self.metadata.values()):
                    valid = sorted({str(meta[key]) for meta in self.metadata.values() if meta.get(key)})
                    listed = " ; ".join(valid[:40]) + (" ; …" if len(valid) > 40 else "")
                    raise NoMatchError(f"aucun passage pour le filtre {key}={value} ; valeurs possibles : "
                                       + (listed or "aucune dans cette base"))

    def dense(self, question: str, allowed: set[str] | None, limit: int = CANDIDATES) -> list[tuple[str, float]]:
        if allowed is not None and not allowed:
            return []
        vector = self.store.embedder.embed_query(question)
        got = self.store.chunks.query(
            query_embeddings=[vector], n_results=min(limit, len(allowed) if allowed is not None else len(self.texts)),
            ids=sorted(allowed) if allowed is not None else None, include=["distances"],
        )
        pairs = zip(got["ids"][0], (got["distances"] or [[]])[0], strict=True)
        # ids another process wrote after this retriever loaded are unknown here: skip, don't crash
        return [(i, 1.0 - float(d)) for i, d in pairs if i in self.texts]

    def search(self, question: str, k: int = 5, filters: Mapping[str, Sequence[str]] | None = None,
               mode: Mode = "hybrid") -> list[Passage]:
        if not self.texts:
            raise StoreError("la base est vide : lancez « quartiers ingest » pour indexer le corpus")
        allowed = self.allowed(filters)
        rankings: dict[str, list[tuple[str, float]]] = {}
        sides = [side for side, weight in self.weights.items() if weight > 0] if mode == "hybrid" else [mode]
        if "dense" in sides:
            rankings["dense"] = self.dense(question, allowed)
        if "lexical" in sides:
            rankings["lexical"] = self.lexical.search(question, allowed, CANDIDATES)
        if "use" in sides:
            rankings["use"] = self.use.search(question, allowed, CANDIDATES)
        fused: dict[str, Passage] = {}
        for side, ranking in rankings.items():
            for rank, (chunk_id, _) in enumerate(ranking, start=1):
                passage = fused.setdefault(chunk_id, Passage(chunk_id, self.texts[chunk_id], self.metadata[chunk_id]))
                passage.score += self.weights.get(side, 1.0) / (self.rrf_k + rank)
                passage.ranks[side] = rank
        ranked = sorted(fused.values(), key=lambda p: (-p.score, min(p.ranks.values())))[:k]
        for rank, passage in enumerate(ranked, start=1):
            passage.rank = rank
        return ranked


class FilterError(ValueError):
    """A malformed --filter: a usage error (exit code 2)."""


class NoMatchError(Exception):
    """A filter value that no stored passage has; the message lists the values that exist."""


def parse_filters(pairs: Sequence[str]) -> dict[str, list[str]]:
    """``["region=Occitanie", "region=Normandie"]`` → ``{"region": ["Occitanie", "Normandie"]}``."""
    filters: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or key not in FILTER_KEYS or not value.strip():
            keys = ", ".join(FILTER_KEYS)
            raise FilterError(f"filtre « {pair} » invalide : attendu CLÉ=VALEUR avec CLÉ parmi {keys}")
        filters.setdefault(key, []).append(value.strip())
    return filters
