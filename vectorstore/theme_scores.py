"""Each passage's raw similarity to every theme description, kept on disk per document version.

Themes are centred on the whole corpus (``themes._centred``), so a new document moves every initiative's
scores a little and they are assigned again over all passages. What is costly is not that arithmetic but
the similarities themselves: every stored e5 vector read back from Chroma and every USE vector from its
file, on each ingest. Those raw similarities never change for a given document version (same passages,
same descriptions, same encoders), so they are computed once per version and stored here, a small matrix
per version (28 floats per passage); an ingest then computes its own document's and reads the others'
matrices (about 11 MB at 100k passages) instead of 100k vectors through Chroma.
``STORE/derived/<collection>-theme-scores.sqlite``; like every derived index it can be deleted.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np

Scored = tuple[np.ndarray, list[str | None]]  # (rows × 2·themes raw similarities, initiative id per row)


class ThemeScores:
    """Raw theme similarities per document version, under ``key`` (descriptions and encoders): a stored
    version computed under another key is computed again."""

    def __init__(self, path: Path, key: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.key = key
        self.db = sqlite3.connect(path, check_same_thread=False, timeout=60, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS versions (doc_version TEXT PRIMARY KEY, key TEXT, "
                        "columns INTEGER, scores BLOB, initiatives TEXT)")

    def missing(self, versions: Sequence[str]) -> list[str]:
        held = {v for (v,) in self.db.execute("SELECT doc_version FROM versions WHERE key = ?", (self.key,))}
        return sorted(set(versions) - held)

    def put(self, version: str, scores: np.ndarray, initiatives: list[str | None]) -> None:
        matrix = np.ascontiguousarray(scores, dtype=np.float32)
        self.db.execute("INSERT OR REPLACE INTO versions VALUES (?, ?, ?, ?, ?)",
                        (version, self.key, matrix.shape[1] if matrix.ndim == 2 else 0, matrix.tobytes(),
                         json.dumps(initiatives)))

    def sync(self, versions: Sequence[str], compute: Callable[[list[str]], Mapping[str, Scored]]) -> None:
        """Compute (``compute(missing versions)``) and store what ``versions`` lack; forget versions that
        are no longer served, so the file follows the corpus rather than its history."""
        missing = self.missing(versions)
        if missing:
            for version, (scores, initiatives) in compute(missing).items():
                self.put(version, scores, initiatives)
        wanted = set(versions)
        gone = [v for (v,) in self.db.execute("SELECT doc_version FROM versions") if v not in wanted]
        self.db.executemany("DELETE FROM versions WHERE doc_version = ?", ((v,) for v in gone))

    def all(self, versions: Sequence[str]) -> Scored:
        """Every stored row of ``versions``, concatenated (versions in sorted order)."""
        parts: list[np.ndarray] = []
        initiatives: list[str | None] = []
        wanted = set(versions)
        for version, columns, blob, named in self.db.execute(
                "SELECT doc_version, columns, scores, initiatives FROM versions WHERE key = ? ORDER BY doc_version",
                (self.key,)):
            if version in wanted and columns:
                parts.append(np.frombuffer(blob, dtype=np.float32).reshape(-1, columns))
                initiatives += json.loads(named)
        return (np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)), initiatives
