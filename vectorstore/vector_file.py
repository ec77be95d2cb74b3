"""Unit vectors keyed by a text hash, on disk: rows of a float32 file that readers memory-map, keys in SQLite.

The USE passage and sentence vectors of a library of reports do not fit in every process (a million
sentences are 2 GB): the operating system pages in the rows a query touches and shares them between
processes. The file only grows: a new vector takes the next row, and a row no key names any more (a
replaced passage) is left where it is; like every derived index, the file can be deleted and is rebuilt.
Crash-safe: rows are written before the transaction that names them commits, so a killed writer leaves
at most rows no key names, which the next writer overwrites.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

DIMENSIONS = 512
_LOOKUP = 900  # keys per SQL statement, well under SQLite's bound-variable limit


class VectorFile:
    """``rows(keys)``: where each known key's vector is; ``matrix()``: every row, memory-mapped."""

    def __init__(self, base: Path, dimensions: int = DIMENSIONS) -> None:
        base.parent.mkdir(parents=True, exist_ok=True)
        self.data, self.dimensions = base.with_suffix(".f32"), dimensions
        self.db = sqlite3.connect(base.with_suffix(".sqlite"), check_same_thread=False, timeout=60,
                                  isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, row INTEGER)")
        self._mapped: np.ndarray = np.zeros((0, dimensions), dtype=np.float32)
        self._lock = threading.Lock()
        # One connection serves every thread of the process: a transaction opened by one thread must not
        # see another thread's BEGIN ("cannot start a transaction within a transaction").
        self._db_lock = threading.RLock()

    def rows(self, keys: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        unique = list(dict.fromkeys(keys))
        with self._db_lock:
            for start in range(0, len(unique), _LOOKUP):
                some = unique[start : start + _LOOKUP]
                marks = ", ".join("?" * len(some))
                found.update(self.db.execute(f"SELECT key, row FROM vectors WHERE key IN ({marks})", some).fetchall())
        return found

    def ensure(self, keys: Sequence[str], texts: Sequence[str], encode: Callable[[list[str]], np.ndarray],
               batch: int = 256) -> dict[str, int]:
        """Rows of ``keys``, encoding (``texts[i]`` for ``keys[i]``) only the vectors not stored yet."""
        known = self.rows(keys)
        missing = list({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
        for start in range(0, len(missing), batch):
            part = missing[start : start + batch]
            known.update(self.add([k for k, _ in part], encode([t for _, t in part])))
        return known

    def add(self, keys: list[str], vectors: np.ndarray) -> dict[str, int]:
        """Store ``vectors`` under ``keys`` (a key stored meanwhile by another process keeps its row)."""
        if not keys:
            return {}
        block = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(keys), self.dimensions)
        with self._db_lock:
            self.db.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes
            try:
                known = self.rows(keys)
                (last,) = self.db.execute("SELECT COALESCE(MAX(row), -1) FROM vectors").fetchone()
                todo = [i for i, k in enumerate(keys) if k not in known]
                placed = {keys[i]: int(last) + 1 + n for n, i in enumerate(todo)}
                if todo:
                    descriptor = os.open(self.data, os.O_RDWR | os.O_CREAT, 0o644)
                    try:  # at the row after the last named one: a killed writer's leftovers are overwritten
                        os.pwrite(descriptor, block[todo].tobytes(), (int(last) + 1) * self.dimensions * 4)
                        os.fsync(descriptor)
                    finally:
                        os.close(descriptor)
                    self.db.executemany("INSERT INTO vectors VALUES (?, ?)", placed.items())
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return known | placed

    def import_npz(self, legacy: Path, keys_field: str) -> None:
        """Take in a cache of the former format (one ``.npz`` loaded whole), then delete it."""
        if legacy.exists():
            with np.load(legacy) as stored:
                self.add([str(k) for k in stored[keys_field].tolist()], stored["vectors"])
            legacy.unlink()

    def matrix(self, needed: int = 0) -> np.ndarray:
        """Every row written so far, memory-mapped (mapped again when ``needed`` rows are not all in it)."""
        with self._lock:
            if len(self._mapped) < needed or not len(self._mapped):
                size = self.data.stat().st_size if self.data.exists() else 0
                count = size // (self.dimensions * 4)
                if count:
                    self._mapped = np.memmap(self.data, dtype=np.float32, mode="r", shape=(count, self.dimensions))
            return self._mapped

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """The vectors at ``rows``, in order (a copy: a few rows, not the file)."""
        if not len(rows):
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.array(self.matrix(max(rows) + 1)[np.asarray(rows)])
