"""Hybrid retrieval: dense search in Chroma (e5) fused with BM25 and USE by reciprocal rank fusion.

Every side sees the same candidates: chunks of completely ingested documents that pass the metadata
filters. Filters are repeatable (the same key twice means either value) and ignore case, accents and
dash variants, since the report writes both "Bretagne - Pays de la Loire" and "Bretagne – Pays de la Loire".
The process holds no passage: the lexical index (SQLite) answers counts, filters and stored spellings,
the USE vectors are memory-mapped, and the texts and metadata of a query's candidates only are fetched
from Chroma (``passages``), so start-up and memory do not grow with the corpus.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from quartiers.results import Passage, TermStatistics  # Passage re-exported: its old import path
from vectorstore.filters import FILTER_KEYS as FILTER_KEYS  # re-exported: their former home
from vectorstore.filters import FilterError as FilterError
from vectorstore.filters import NoMatchError
from vectorstore.filters import parse_filters as parse_filters
from vectorstore.keys import fold
from vectorstore.lexical import LexicalIndex, index_path
from vectorstore.paging import pages
from vectorstore.store import DocumentRecord, Store, StoreError
from vectorstore.use_index import UseIndex
from vectorstore.vector_file import VectorFile

Mode = Literal["hybrid", "dense", "lexical", "use"]
# Chosen on the tuning half of the question set (eval/retrieval.py): three signals, a top-heavy RRF.
DEFAULT_WEIGHTS = {"dense": 1.0, "lexical": 1.0, "use": 1.0}
RRF_K = 5
CANDIDATES = 40
FOLLOW_EVERY_S = 2.0  # how stale a long-running reader may be
KEPT_PASSAGES = 4096  # fetched passages kept in memory (an id's text never changes: its version is in it)


class HybridRetriever:
    """Ranked passages for a question; brings the on-disk indexes up to date with the store's documents."""

    def __init__(self, store: Store, weights: Mapping[str, float] | None = None, rrf_k: int = RRF_K) -> None:
        self.store = store
        self.weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
        self.rrf_k = rrf_k
        self.timings: dict[str, float] = {}
        self._load()

    def _load(self) -> None:
        self.trusted: set[str] = set()
        self.records: dict[str, DocumentRecord] = {}  # by source: one small record per document
        self.untrusted = 0  # chunks of unfinished builds: the dense side must then filter by version
        self._use: UseIndex | None = None
        self._use_versions: set[str] | None = None
        self._kept: OrderedDict[str, tuple[str, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()
        self.generation = self.store.generation()
        self._checked = time.monotonic()
        folder = self.store.folder / "lexical"
        for old in folder.glob(f"{self.store.collection_name}-*.json"):  # the former whole-corpus JSON cache
            old.unlink(missing_ok=True)
        self.lexical = LexicalIndex(index_path(self.store.folder, self.store.collection_name))
        self._follow()

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
            self.store.reopen()
            self._follow()
            self.generation = generation  # last: an assistant that sees it derives from the new state
            return True
        finally:
            self._lock.release()

    def _follow(self) -> None:
        started = time.perf_counter()
        records = self.store.records_by_source()
        served = {r.doc_version: r.chunks for r in records.values()}
        held = self.lexical.versions()
        missing = sorted(v for v, count in served.items() if held.get(v) != count)
        synced, _ = self.lexical.sync(served, self.chunks_of(missing))
        self.timings["lexical_build_ms" if synced else "lexical_load_ms"] = (time.perf_counter() - started) * 1000
        # chunks Chroma holds beyond the served ones belong to unfinished builds (or another process's new ones)
        self.untrusted = max(0, self.store.chunks.count() - sum(served.values()))
        self.records, self.trusted = records, set(served)
        self.timings["chunks_load_ms"] = (time.perf_counter() - started) * 1000

    def chunks_of(self, versions: Sequence[str] | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(chunk id, text, metadata) of the chunks of ``versions`` (every served one when None), read
        from Chroma in pages: for the derived indexes, which take in a document version once."""
        wanted = sorted(self.trusted if versions is None else versions)
        for start in range(0, len(wanted), 500):
            where = {"doc_version": {"$in": wanted[start : start + 500]}}
            for page in pages(self.store.chunks, where=where, include=["documents", "metadatas"]):
                for chunk_id, text, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
                    if meta:
                        yield str(chunk_id), str(text), dict(meta)

    def passages(self, ids: Sequence[str]) -> list[Passage]:
        """The served passages among ``ids``, in that order: fetched from Chroma, the last few thousand kept."""
        wanted = list(dict.fromkeys(ids))
        fetch = [i for i in wanted if i not in self._kept]
        for page in pages(self.store.chunks, ids=fetch, include=["documents", "metadatas"]) if fetch else ():
            for chunk_id, text, meta in zip(page["ids"], page["documents"], page["metadatas"], strict=True):
                if meta:
                    self._kept[str(chunk_id)] = (str(text), dict(meta))
        found = []
        for chunk_id in wanted:
            if chunk_id in self._kept:
                self._kept.move_to_end(chunk_id)
                text, meta = self._kept[chunk_id]
                if meta.get("doc_version") in self.trusted:  # a half-built or removed version is not served
                    found.append(Passage(chunk_id, text, dict(meta)))
        while len(self._kept) > KEPT_PASSAGES:
            self._kept.popitem(last=False)
        return found

    def texts_with(self, phrase: str, limit: int = 500) -> list[str]:
        """Texts of served passages that may write ``phrase`` (they hold all its analysed words)."""
        return [p.text for p in self.passages(self.lexical.containing(phrase, limit))]

    def writes(self, phrase: str) -> bool:
        """Whether some served passage writes ``phrase`` (case, accents and dashes aside)."""
        wanted, ids = fold(phrase), self.lexical.containing(phrase)
        for start in range(0, len(ids), 50):  # the first few candidates usually settle it
            if any(wanted in fold(p.text) for p in self.passages(ids[start : start + 50])):
                return True
        return False

    def passages_where(self, where: Mapping[str, Any], filters: Mapping[str, Sequence[str]] | None = None,
                       limit: int = 5_000) -> list[Passage]:
        """Served passages matching a Chroma ``where`` (and ``filters``), in store order, at most ``limit``."""
        clauses = [dict(where), {"doc_version": {"$in": sorted(self.trusted)}}]
        if (filtered := self.where(filters, versions=False)) is not None:
            clauses.append(filtered)
        found: list[Passage] = []
        if not self.trusted:
            return found
        for page in pages(self.store.chunks, where={"$and": clauses}, include=["documents", "metadatas"]):
            found += [Passage(str(i), str(t), dict(m)) for i, t, m in
                      zip(page["ids"], page["documents"], page["metadatas"], strict=True) if m]
            if len(found) >= limit:
                break
        return found[:limit]

    def initiative_passages(self, initiative_id: str) -> list[Passage]:
        """An initiative's passages in reading order."""
        found = self.passages_where({"initiative_id": initiative_id})
        return sorted(found, key=lambda p: int(p.get("position") or 0))

    @property
    def use(self) -> UseIndex:
        """Brought up to date on first use after a change: a lexical-only or dense-only caller does not pay."""
        if self._use is None:
            vectors = VectorFile(self.store.folder / "derived" / f"{self.store.collection_name}-use")
            vectors.import_npz(self.store.folder / "derived" / f"{self.store.collection_name}-use.npz", "hashes")
            self._use = UseIndex(self.lexical.path, vectors)
        if self._use_versions != self.trusted:
            started = time.perf_counter()
            served = {r.doc_version: r.chunks for r in self.records.values()}
            held = self._use.versions()
            self._use.sync(served, self.chunks_of([v for v, n in served.items() if held.get(v) != n]))
            self._use_versions = set(self.trusted)
            self.timings["use_load_ms"] = (time.perf_counter() - started) * 1000
        return self._use

    def __len__(self) -> int:
        return self.lexical.chunk_count

    def where(self, filters: Mapping[str, Sequence[str]] | None, versions: bool = True) -> dict[str, Any] | None:
        """The Chroma ``where`` clause for ``filters``: folded values mapped back to their stored spellings
        (and, while unfinished builds are stored, ``versions``: the served versions only)."""
        clauses: list[dict[str, Any]] = []
        if versions and self.untrusted:
            clauses.append({"doc_version": {"$in": sorted(self.trusted)}})
        for key, values in (filters or {}).items():
            spelled = self.lexical.spellings(key, values)
            if key == "initiative":
                spelled = sorted({*spelled, *self.lexical.spellings("initiative_id", values)})
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
                known = self.lexical.spellings(key, [value])
                if key == "initiative":
                    known += self.lexical.spellings("initiative_id", [value])
                if not known:
                    valid = self.lexical.spellings(key)
                    listed = " ; ".join(valid[:40]) + (" ; …" if len(valid) > 40 else "")
                    raise NoMatchError(f"aucun passage pour le filtre {key}={value} ; valeurs possibles : "
                                       + (listed or "aucune dans cette base"))

    def dense(self, question: str, limit: int = CANDIDATES,
              filters: Mapping[str, Sequence[str]] | None = None) -> list[tuple[str, float]]:
        """e5 neighbours among the chunks ``filters`` select (pushed down as a ``where``)."""
        available = self.lexical.count(filters) if filters else len(self)
        if not available:
            return []
        vector = self.store.embedder.embed_query(question)
        got = self.store.chunks.query(query_embeddings=[vector], n_results=min(limit, available),
                                      where=self.where(filters), include=["distances"])
        return [(str(i), 1.0 - float(d)) for i, d in zip(got["ids"][0], (got["distances"] or [[]])[0], strict=True)]

    def search(self, question: str, k: int = 5, filters: Mapping[str, Sequence[str]] | None = None,
               mode: Mode = "hybrid") -> list[Passage]:
        self.follow()
        if not len(self):
            raise StoreError("la base est vide : lancez « quartiers ingest » pour indexer le corpus")
        rankings: dict[str, list[tuple[str, float]]] = {}
        sides = [side for side, weight in self.weights.items() if weight > 0] if mode == "hybrid" else [mode]
        if "dense" in sides:
            rankings["dense"] = self.dense(question, filters=filters)
        if "lexical" in sides:
            rankings["lexical"] = self.lexical.search(question, filters, CANDIDATES + 10)
        if "use" in sides:
            rankings["use"] = self.use.search(question, filters, CANDIDATES + 10)
        # ids another process indexed or removed since this process looked are not served: skipped
        served = {p.chunk_id: p for p in self.passages([i for r in rankings.values() for i, _ in r])}
        fused: dict[str, Passage] = {}
        for side, ranking in rankings.items():
            kept = [i for i, _ in ranking if i in served][:CANDIDATES]
            for rank, chunk_id in enumerate(kept, start=1):
                passage = fused.setdefault(chunk_id, served[chunk_id])
                passage.score += self.weights.get(side, 1.0) / (self.rrf_k + rank)
                passage.ranks[side] = rank
        ranked = sorted(fused.values(), key=lambda p: (-p.score, min(p.ranks.values())))[:k]
        for rank, passage in enumerate(ranked, start=1):
            passage.rank = rank
        return ranked

    def term_statistics(self) -> TermStatistics:
        """The lexical side's counts for the answerer's idf (the served chunks, as BM25 counts them)."""
        return TermStatistics(self.lexical.document_frequency, len(self))
