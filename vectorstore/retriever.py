"""Hybrid retrieval: dense search in Chroma (e5) fused with BM25 by reciprocal rank fusion.

Both sides see the same candidates: chunks of completely ingested documents that pass the metadata
filters. Filters are repeatable (the same key twice means either value) and ignore case, accents and
dash variants, since the report writes both "Bretagne - Pays de la Loire" and "Bretagne – Pays de la Loire".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from quartiers.results import Passage  # re-exported: its old import path
from vectorstore.keys import fold
from vectorstore.lexical import LexicalIndex, index_path, lexical_text
from vectorstore.paging import pages
from vectorstore.store import Store, StoreError
from vectorstore.use_index import UseIndex

FILTER_KEYS = ("source", "region", "resource_centre", "initiative")
Mode = Literal["hybrid", "dense", "lexical", "use"]
# Chosen on the tuning half of the question set (eval/retrieval.py): three signals, a top-heavy RRF.
DEFAULT_WEIGHTS = {"dense": 1.0, "lexical": 1.0, "use": 1.0}
RRF_K = 5
CANDIDATES = 40
FOLLOW_EVERY_S = 2.0  # how stale a long-running reader may be


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
    """Ranked passages for a question; brings the on-disk lexical index up to date once per process."""

    def __init__(self, store: Store, weights: Mapping[str, float] | None = None, rrf_k: int = RRF_K) -> None:
        self.store = store
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.rrf_k = rrf_k
        self.timings: dict[str, float] = {}
        self._load()

    def _load(self) -> None:
        self.texts: dict[str, str] = {}
        self.metadata: dict[str, dict[str, Any]] = {}
        self.by_value: dict[str, dict[str, list[str]]] = {key: {} for key in FILTER_KEYS}
        self.spellings: dict[str, dict[str, set[str]]] = {key: {} for key in FILTER_KEYS}
        self.trusted: set[str] = set()
        self.untrusted = 0  # chunks of unfinished builds: the dense side must then filter by version
        self._use: UseIndex | None = None
        self._lock = threading.Lock()
        self.generation = self.store.generation()
        self._checked = time.monotonic()
        folder = self.store.folder / "lexical"
        for old in folder.glob(f"{self.store.collection_name}-*.json"):  # the former whole-corpus JSON cache
            old.unlink(missing_ok=True)
        self.lexical = LexicalIndex(index_path(self.store.folder, self.store.collection_name))
        self._follow(self.store.trusted_versions(), whole=True)

    def follow(self, every_s: float = FOLLOW_EVERY_S) -> bool:
        """Take in what other processes added or removed since the last look (at most every ``every_s``):
        one small request when nothing changed, the changed documents' chunks when something did."""
        if time.monotonic() - self._checked < every_s or not self._lock.acquire(blocking=False):
            return False
        try:
            self._checked = time.monotonic()
            generation = self.store.generation()
            if generation == self.generation:
                return False
            self.generation = generation
            self.store.reopen()
            self._follow(self.store.trusted_versions(), whole=False)
            return True
        finally:
            self._lock.release()

    def _follow(self, trusted: set[str], whole: bool) -> None:
        started = time.perf_counter()
        added, gone = trusted - self.trusted, self.trusted - trusted
        # new dictionaries swapped in at the end: a query running meanwhile keeps a consistent view
        texts = {i: t for i, t in self.texts.items() if self.metadata[i].get("doc_version") not in gone}
        metadata = {i: self.metadata[i] for i in texts}
        if whole:
            chunk_pages = pages(self.store.chunks, include=["documents", "metadatas"])
        else:
            versions = sorted(added)
            chunk_pages = (page for start in range(0, len(versions), 500) for page in pages(
                self.store.chunks, where={"doc_version": {"$in": versions[start : start + 500]}},
                include=["documents", "metadatas"]))
            self.untrusted = self.untrusted or 1  # unknown now: keep filtering by version
        for page in chunk_pages:
            for chunk_id, text, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
                if meta and meta.get("doc_version") in added:  # a half-built document version is not served
                    texts[chunk_id], metadata[chunk_id] = str(text), dict(meta)
                else:
                    self.untrusted += 1
        by_value: dict[str, dict[str, list[str]]] = {key: {} for key in FILTER_KEYS}
        spellings: dict[str, dict[str, set[str]]] = {key: {} for key in FILTER_KEYS}
        for chunk_id, meta in metadata.items():  # folded filter value -> chunk ids and stored spellings
            for key in FILTER_KEYS:
                for field_name in (key, "initiative_id") if key == "initiative" else (key,):
                    if meta.get(field_name):
                        folded = fold(str(meta[field_name]))
                        by_value[key].setdefault(folded, []).append(chunk_id)
                        spellings[key].setdefault(folded, set()).add(str(meta[field_name]))
        self.timings["chunks_load_ms"] = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        served: dict[str, int] = {}
        for meta in metadata.values():
            served[str(meta["doc_version"])] = served.get(str(meta["doc_version"]), 0) + 1
        synced, _ = self.lexical.sync(served, ((i, texts[i], m) for i, m in metadata.items()))
        self.timings["lexical_build_ms" if synced else "lexical_load_ms"] = (time.perf_counter() - started) * 1000
        self.texts, self.metadata, self.by_value, self.spellings = texts, metadata, by_value, spellings
        self.trusted = trusted
        if added or gone:
            self._use = None  # rebuilt from its on-disk cache: only the new passages are encoded

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
        """Candidate ids, or None when every served chunk is a candidate (read from the value index)."""
        if not filters:
            return None
        chosen: set[str] | None = None
        for key, values in filters.items():
            ids = {i for value in values for i in self.by_value.get(key, {}).get(fold(value), [])}
            chosen = ids if chosen is None else chosen & ids
        return chosen or set()

    def where(self, filters: Mapping[str, Sequence[str]] | None) -> dict[str, Any] | None:
        """The Chroma ``where`` clause for ``filters``: folded values mapped back to their stored spellings."""
        clauses: list[dict[str, Any]] = []
        if self.untrusted:
            clauses.append({"doc_version": {"$in": sorted(self.trusted)}})
        for key, values in (filters or {}).items():
            spelled = sorted({s for v in values for s in self.spellings.get(key, {}).get(fold(v), set())})
            if key == "initiative":
                clauses.append({"$or": [{"initiative": {"$in": spelled}}, {"initiative_id": {"$in": spelled}}]})
            else:
                clauses.append({key: {"$in": spelled}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def check_filters(self, filters: Mapping[str, Sequence[str]] | None) -> None:
        """Raise ``NoMatchError`` naming the valid values when a filter value matches no stored passage: a
        typo (``region=Bretagne``) must not look like a corpus that has nothing to say."""
        for key, values in (filters or {}).items():
            for value in values:
                if fold(value) not in self.by_value.get(key, {}):
                    valid = sorted({str(meta[key]) for meta in self.metadata.values() if meta.get(key)})
                    listed = " ; ".join(valid[:40]) + (" ; …" if len(valid) > 40 else "")
                    raise NoMatchError(f"aucun passage pour le filtre {key}={value} ; valeurs possibles : "
                                       + (listed or "aucune dans cette base"))

    def dense(self, question: str, allowed: set[str] | None, limit: int = CANDIDATES,
              filters: Mapping[str, Sequence[str]] | None = None) -> list[tuple[str, float]]:
        """e5 neighbours among ``allowed`` (the chunks ``filters`` select, pushed down as a ``where``)."""
        if allowed is not None and not allowed:
            return []
        vector = self.store.embedder.embed_query(question)
        got = self.store.chunks.query(
            query_embeddings=[vector], n_results=min(limit, len(allowed) if allowed is not None else len(self.texts)),
            where=self.where(filters), include=["distances"],
        )
        pairs = zip(got["ids"][0], (got["distances"] or [[]])[0], strict=True)
        # ids another process wrote after this retriever loaded are unknown here: skip, don't crash
        return [(i, 1.0 - float(d)) for i, d in pairs if i in self.texts]

    def search(self, question: str, k: int = 5, filters: Mapping[str, Sequence[str]] | None = None,
               mode: Mode = "hybrid") -> list[Passage]:
        self.follow()
        if not self.texts:
            raise StoreError("la base est vide : lancez « quartiers ingest » pour indexer le corpus")
        allowed = self.allowed(filters)
        rankings: dict[str, list[tuple[str, float]]] = {}
        sides = [side for side, weight in self.weights.items() if weight > 0] if mode == "hybrid" else [mode]
        if "dense" in sides:
            rankings["dense"] = self.dense(question, allowed, filters=filters)
        if "lexical" in sides:  # chunks another process indexed after this load are not served yet
            found = self.lexical.search(question, filters, CANDIDATES + 10)
            rankings["lexical"] = [(i, score) for i, score in found if i in self.texts][:CANDIDATES]
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
