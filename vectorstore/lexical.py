"""BM25 over our French analysis, kept on disk in SQLite FTS5 and updated one document version at a time.

It is derived from what the Chroma collection holds, never a second source of truth: each process
brings it in line with the collection's trusted document versions (``sync``: versions it lacks are
added, versions no longer trusted are dropped), so a new document costs its own chunks, not a rebuild,
and an embedded store and a Chroma server are served the same way. FTS5 sees only our analysed terms
(``vectorstore.french``: folded, stemmed, accent-free) joined by spaces, so its tokenizer only splits
them again; its ``bm25()`` uses the same k1 = 1.2 and b = 0.75. Filters are columns of a side table, so
a filtered query is one SQL statement, not a scan of the corpus in Python.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from vectorstore.french import ANALYZER_VERSION, analyse
from vectorstore.keys import fold

FILTER_COLUMNS = ("source", "region", "resource_centre", "initiative", "initiative_id")
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS versions (doc_version TEXT PRIMARY KEY, chunks INTEGER);
CREATE TABLE IF NOT EXISTS chunks (rowid INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE, doc_version TEXT,
                                   {", ".join(f"{c} TEXT" for c in FILTER_COLUMNS)});
CREATE INDEX IF NOT EXISTS chunks_version ON chunks (doc_version);
CREATE VIRTUAL TABLE IF NOT EXISTS terms USING fts5(tokens, tokenize = 'unicode61 remove_diacritics 0');
CREATE VIRTUAL TABLE IF NOT EXISTS vocabulary USING fts5vocab(terms, 'row');
CREATE TABLE IF NOT EXISTS spellings (doc_version TEXT, key TEXT, folded TEXT, spelling TEXT,
                                      UNIQUE (doc_version, key, spelling));
CREATE INDEX IF NOT EXISTS spellings_value ON spellings (key, folded);
"""
SCHEMA_VERSION = "2"  # 2: the stored spellings of metadata values (filters, names) beside the folded ones
SPELLED = (*FILTER_COLUMNS, "place", "section")


def lexical_text(text: str, metadata: Mapping[str, Any]) -> str:
    """What the lexical side indexes: the heading path and the initiative's names, then the passage."""
    fields = ("section", "initiative", "resource_centre", "region", "place")
    return " \n".join([*(str(metadata[f]) for f in fields if metadata.get(f)), text])


def fingerprint(ids: list[str]) -> str:
    digest = hashlib.sha256(ANALYZER_VERSION.encode())
    for chunk_id in sorted(ids):
        digest.update(chunk_id.encode())
    return digest.hexdigest()[:24]


def filter_clause(filters: Mapping[str, Sequence[str]] | None) -> tuple[str, list[str]]:
    """SQL conditions on the ``chunks`` table for folded filters (the initiative also matches by id)."""
    clauses, values = [], []
    for key, wanted in (filters or {}).items():
        folded = sorted({fold(v) for v in wanted})
        marks = ", ".join("?" * len(folded))
        if key == "initiative":
            clauses.append(f"(c.initiative IN ({marks}) OR c.initiative_id IN ({marks}))")
            values += folded + folded
        else:
            clauses.append(f"c.{key} IN ({marks})")
            values += folded
    return "".join(f" AND {clause}" for clause in clauses), values


def index_path(store_folder: Path, collection: str) -> Path:
    return store_folder / "lexical" / f"{collection}.sqlite"


def versions_at(path: Path) -> dict[str, int]:
    """The document versions (→ chunk count) an index on disk holds, read without building anything."""
    if not path.exists():
        return {}
    db = sqlite3.connect(path, timeout=60)
    try:
        return dict(db.execute("SELECT doc_version, chunks FROM versions").fetchall())
    except sqlite3.OperationalError:  # an index never written
        return {}
    finally:
        db.close()


class LexicalIndex:
    """``search`` ranks served chunk ids by BM25; ``document_frequency`` and ``chunk_count`` feed the answerer's
    idf; ``count``, ``spellings`` and ``containing`` answer what a reader needs of the corpus without loading it."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, check_same_thread=False, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")  # readers in other processes are not blocked by a writer
        self.db.executescript(_SCHEMA)
        stored = dict(self.db.execute("SELECT key, value FROM settings").fetchall())
        if stored and (stored.get("analyzer"), stored.get("schema")) != (ANALYZER_VERSION, SCHEMA_VERSION):
            # other terms or columns: the only whole rebuild
            self.db.executescript("DELETE FROM terms; DELETE FROM chunks; DELETE FROM versions; DELETE FROM spellings;")
        self.db.executemany("INSERT OR REPLACE INTO settings VALUES (?, ?)",
                            [("analyzer", ANALYZER_VERSION), ("schema", SCHEMA_VERSION)])
        self.chunk_count = 0
        self.document_frequency: Counter[str] = Counter()
        self._writing = threading.RLock()

    def versions(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT doc_version, chunks FROM versions").fetchall())

    def sync(self, served: Mapping[str, int], rows: Iterable[tuple[str, str, Mapping[str, Any]]]) -> tuple[int, int]:
        """Bring the index to the document versions ``served`` (version → chunk count). ``rows`` yields
        (chunk id, text, metadata) of served chunks and is read only for versions the index lacks.
        Returns (versions added, versions dropped)."""
        with self._writing:  # one connection serves the process's threads: one sync at a time
            held = self.versions()
            missing = {v for v, count in served.items() if held.get(v) != count}
            gone = [v for v in held if v not in served or v in missing]
            added: dict[str, list[tuple[str, str, Mapping[str, Any]]]] = {}
            if missing:
                for chunk_id, text, meta in rows:
                    if (version := str(meta.get("doc_version"))) in missing:
                        added.setdefault(version, []).append((chunk_id, text, meta))
            self.db.execute("BEGIN IMMEDIATE")  # one writer at a time across processes
            try:
                for version in gone:
                    self._drop(version)
                for version, chunks in added.items():
                    self._add(version, chunks)
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.chunk_count = self.count()
            self.document_frequency = Counter(dict(self.db.execute("SELECT term, doc FROM vocabulary").fetchall()))
            return len(added), len(gone)

    def _drop(self, version: str) -> None:
        self.db.execute("DELETE FROM terms WHERE rowid IN (SELECT rowid FROM chunks WHERE doc_version = ?)",
                        (version,))
        self.db.execute("DELETE FROM chunks WHERE doc_version = ?", (version,))
        self.db.execute("DELETE FROM versions WHERE doc_version = ?", (version,))
        self.db.execute("DELETE FROM spellings WHERE doc_version = ?", (version,))

    def _add(self, version: str, chunks: list[tuple[str, str, Mapping[str, Any]]]) -> None:
        for chunk_id, text, meta in chunks:
            folded = [fold(str(meta[c])) if meta.get(c) else None for c in FILTER_COLUMNS]
            cursor = self.db.execute(
                f"INSERT OR REPLACE INTO chunks (chunk_id, doc_version, {', '.join(FILTER_COLUMNS)}) "
                f"VALUES (?, ?{', ?' * len(FILTER_COLUMNS)})", (chunk_id, version, *folded))
            self.db.execute("INSERT OR REPLACE INTO terms (rowid, tokens) VALUES (?, ?)",
                            (cursor.lastrowid, " ".join(analyse(lexical_text(text, meta)))))
            spelled = [(version, key, fold(str(meta[key])), str(meta[key])) for key in SPELLED if meta.get(key)]
            self.db.executemany("INSERT OR IGNORE INTO spellings VALUES (?, ?, ?, ?)", spelled)
        self.db.execute("INSERT OR REPLACE INTO versions VALUES (?, ?)", (version, len(chunks)))

    def count(self, filters: Mapping[str, Sequence[str]] | None = None) -> int:
        """Served chunks passing ``filters``."""
        where, values = filter_clause(filters)
        return int(self.db.execute(f"SELECT COUNT(*) FROM chunks c WHERE 1 = 1{where}", values).fetchone()[0])

    def spellings(self, key: str, values: Sequence[str] | None = None) -> list[str]:
        """The stored spellings of metadata ``key`` (of those folding like one of ``values``), sorted."""
        if values is None:
            rows = self.db.execute("SELECT DISTINCT spelling FROM spellings WHERE key = ?", (key,))
        else:
            folded = sorted({fold(v) for v in values})
            rows = self.db.execute(f"SELECT DISTINCT spelling FROM spellings WHERE key = ? AND folded IN "
                                   f"({', '.join('?' * len(folded))})", (key, *folded))
        return sorted(str(s) for (s,) in rows)

    def containing(self, text: str, limit: int = 500) -> list[str]:
        """Ids of served chunks holding every analysed word of ``text`` (a superset of those that write it)."""
        words = sorted(set(analyse(text)))
        if not words:
            return []
        match = " AND ".join(f'"{word}"' for word in words)
        rows = self.db.execute("SELECT c.chunk_id FROM terms JOIN chunks c ON c.rowid = terms.rowid "
                               "WHERE terms MATCH ? ORDER BY c.rowid LIMIT ?", (match, limit))
        return [str(i) for (i,) in rows]

    def search(self, query: str, filters: Mapping[str, Sequence[str]] | None = None,
               limit: int = 30) -> list[tuple[str, float]]:
        """(chunk id, BM25 score) best first, among chunks passing ``filters``."""
        words = analyse(query)
        if not words:
            return []
        match = " OR ".join(f'"{word}"' for word in words)  # a repeated word counts again, as in BM25
        where, values = filter_clause(filters)
        rows = self.db.execute(
            "SELECT c.chunk_id, -bm25(terms) FROM terms JOIN chunks c ON c.rowid = terms.rowid "
            f"WHERE terms MATCH ?{where} ORDER BY bm25(terms) LIMIT ?", (match, *values, limit)).fetchall()
        return [(str(i), float(score)) for i, score in rows]
