"""Which stored chunks hold a given passage text: the embedding cache's index, in SQLite beside the store.

The indexer reuses the vector of any stored passage with the same text hash (``text_sha256``: text,
embedder and its version), so an edited document re-embeds only what changed. Asking Chroma for them
with a ``$in`` metadata filter costs time in proportion to the collection (600 ms per document at 10k
passages, seconds at 100k): every bulk ingest slowed as the library grew. Here the hash → chunk id
look-up is an indexed SQL query, and the vectors are then read from Chroma by id.

Only a hint, never a source of truth: an id found here is read back and its hash checked (a chunk
deleted by another process is simply not found), and a passage missing here is embedded again, which
costs time but no correctness. Filled on first use from the chunks' metadata, then kept by
``Store.upsert_chunks``/``delete_chunks``. ``STORE/derived/<collection>-text-hashes.sqlite``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

_LOOKUP = 900  # values per SQL statement, under SQLite's bound-variable limit
PER_HASH = 3  # candidate chunks per hash: a passage stored many times needs one that still exists
# rows written per transaction: one commit (one WAL sync) per batch, not per row, and the write lock is
# never held for a whole backfill (another process's writer waits at most one batch)
_WRITE_BATCH = 5_000


class TextHashes:
    """``ids_for(hashes)``: a few chunk ids per text hash; ``stored``/``forget`` keep it current."""

    def __init__(self, path: Path, backfill: Callable[[], Iterable[tuple[str, str]]]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False, timeout=60, isolation_level=None)
        self._lock = threading.RLock()
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.executescript("CREATE TABLE IF NOT EXISTS hashes (chunk_id TEXT PRIMARY KEY, text_sha256 TEXT);"
                              "CREATE INDEX IF NOT EXISTS hashes_text ON hashes (text_sha256);"
                              "CREATE TABLE IF NOT EXISTS filled (done INTEGER);")
        self._backfill = backfill

    def _filled(self) -> None:
        """The chunks stored before this index existed (or by another machine's writer), once."""
        if self.db.execute("SELECT 1 FROM filled").fetchone():
            return
        self.stored(self._backfill())
        self.db.execute("INSERT INTO filled VALUES (1)")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One commit for many rows: in autocommit every row was its own transaction and WAL sync, the
        largest part of a cached passage's write after Chroma's own (100 to 200 ms per 100 passages)."""
        with self._lock:  # one connection for every thread: two BEGINs on it would be an error
            self.db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def stored(self, pairs: Iterable[tuple[str, str]]) -> None:
        """(chunk id, text hash) of chunks just written; each batch of rows lands whole or not at all."""
        rows = iter(pairs)
        while batch := list(islice(rows, _WRITE_BATCH)):
            with self._transaction():
                self.db.executemany("INSERT OR REPLACE INTO hashes VALUES (?, ?)", batch)

    def forget(self, ids: Sequence[str]) -> None:
        with self._transaction():
            for start in range(0, len(ids), _LOOKUP):
                some = list(ids[start : start + _LOOKUP])
                self.db.execute(f"DELETE FROM hashes WHERE chunk_id IN ({', '.join('?' * len(some))})", some)

    def clear(self) -> None:
        with self._transaction():
            self.db.execute("DELETE FROM hashes")
            self.db.execute("DELETE FROM filled")

    def ids_for(self, hashes: Sequence[str]) -> dict[str, list[str]]:
        """Up to ``PER_HASH`` chunk ids per known hash."""
        self._filled()
        found: dict[str, list[str]] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), _LOOKUP):
            some = unique[start : start + _LOOKUP]
            for chunk_id, text_hash in self.db.execute(
                    f"SELECT chunk_id, text_sha256 FROM hashes WHERE text_sha256 IN ({', '.join('?' * len(some))})",
                    some):
                held = found.setdefault(str(text_hash), [])
                if len(held) < PER_HASH:
                    held.append(str(chunk_id))
        return found
