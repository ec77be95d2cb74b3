"""Entities matched across languages through the corpus' own names: "Brittany" → "Bretagne".

A question's entity that the corpus never writes is compared, with the multilingual Universal Sentence
Encoder, to the names the corpus does hold (its metadata: places, regions, resource centres, initiatives;
and the capitalised words its text repeats). A close enough match, clearly ahead of the next one, is what
the question means: the rewritten question uses the corpus' spelling, so retrieval, the place check and
the refusal's entity check all see it. No list of names is written here: they come from the store.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.terms import entities
from vectorstore.keys import fold
from vectorstore.use_index import encode, text_key
from vectorstore.vector_file import VectorFile

MIN_SIMILARITY = 0.65  # Brittany/Bretagne .79, Normandy/Normandie .84, London/Bretagne .52
MIN_MARGIN = 0.1  # over the second-best name: an ambiguous match is no match
MAX_TEXT_NAMES = 600
NAME_KEYS = ("place", "region", "resource_centre", "initiative")
_SPLIT = re.compile(r"\s+[–—-]\s+|,\s*|\s*/\s*")
_CAPITALISED = re.compile(r"(?<=[\s(«])[A-ZÀ-Ý][\w’'-]*[\w]")


def capitalised(text: str) -> Counter[str]:
    return Counter(m.group(0) for m in _CAPITALISED.finditer(text))


class CapitalisedWords:
    """How often the corpus writes each capitalised word, kept on disk per document version: a store's
    names table is then read without its text (``STORE/derived/<collection>-names.sqlite``)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, check_same_thread=False, timeout=60, isolation_level=None)
        self.db.executescript("CREATE TABLE IF NOT EXISTS versions (doc_version TEXT PRIMARY KEY);"
                              "CREATE TABLE IF NOT EXISTS words (doc_version TEXT, word TEXT, n INTEGER);"
                              "CREATE INDEX IF NOT EXISTS words_version ON words (doc_version);")
        self._writing = threading.RLock()

    def missing(self, versions: Iterable[str]) -> set[str]:
        return set(versions) - {v for (v,) in self.db.execute("SELECT doc_version FROM versions")}

    def sync(self, versions: Iterable[str], rows: Iterable[tuple[str, str, Mapping[str, Any]]]) -> None:
        """Count the words of the ``versions`` not counted yet (``rows``: their chunks), forget the others."""
        with self._writing:  # one connection serves the process's threads: one sync at a time
            wanted = set(versions)
            missing = self.missing(wanted)
            counts: dict[str, Counter[str]] = {v: Counter() for v in missing}
            if missing:
                for _, text, meta in rows:
                    if (version := str(meta.get("doc_version"))) in missing:
                        counts[version].update(capitalised(text))
            gone = [v for (v,) in self.db.execute("SELECT doc_version FROM versions") if v not in wanted]
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for version in gone:
                    self.db.execute("DELETE FROM words WHERE doc_version = ?", (version,))
                    self.db.execute("DELETE FROM versions WHERE doc_version = ?", (version,))
                for version, counted in counts.items():
                    self.db.executemany("INSERT INTO words VALUES (?, ?, ?)",
                                        ((version, w, n) for w, n in counted.items()))
                    self.db.execute("INSERT OR IGNORE INTO versions VALUES (?)", (version,))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def most_common(self, limit: int) -> list[tuple[str, int]]:
        return [(str(w), int(n)) for w, n in self.db.execute(
            "SELECT word, SUM(n) AS total FROM words GROUP BY word ORDER BY total DESC, MIN(rowid) LIMIT ?", (limit,))]


class CorpusNames:
    """``texts`` and ``metadata``: the corpus, in memory. A large store passes its ``metadata`` names only,
    the capitalised words' ``counts`` (``CapitalisedWords``) and ``contains(entity)``, whether some passage
    writes it, instead of the texts, and ``vectors``, the names' USE vectors on disk: a library names tens of
    thousands of initiatives, which no process should encode again at its first unknown entity (10k
    passages: 6 s) nor hold in memory."""

    def __init__(self, texts: Iterable[str], metadata: Iterable[Mapping[str, Any]], *,
                 counts: Sequence[tuple[str, int]] | None = None,
                 contains: Callable[[str], bool] | None = None, vectors: VectorFile | None = None) -> None:
        texts = list(texts)
        self.contains, self.vectors = contains, vectors
        names: dict[str, str] = {}
        for meta in metadata:
            for key in NAME_KEYS:
                for part in _SPLIT.split(str(meta.get(key) or "")):
                    if len(part.strip()) > 2:
                        names.setdefault(fold(part.strip()), part.strip())
        if counts is None:
            counts = Counter(m.group(0) for t in texts for m in _CAPITALISED.finditer(t)).most_common(MAX_TEXT_NAMES)
        for word, n in counts[:MAX_TEXT_NAMES]:
            if n >= 2 and len(word) > 3:
                names.setdefault(fold(word), word)
        self.names = list(names.values())
        self.folded = fold("\n".join(texts) + "\n" + "\n".join(self.names))
        self._scores: Callable[[np.ndarray], np.ndarray] | None = None

    def prepare(self) -> Callable[[np.ndarray], np.ndarray]:
        """The names' similarities to a vector: from the vector file (names not in it encoded and stored
        first), or from vectors encoded now and kept."""
        if self._scores is None:
            if self.vectors is not None:
                keys = [text_key(n) for n in self.names]
                placed = self.vectors.ensure(keys, self.names, encode)
                rows, vectors = np.asarray([placed[k] for k in keys], dtype=np.int64), self.vectors
                # one product over the mapped file, then the names' rows: no copy of their vectors
                self._scores = lambda query: (vectors.matrix(int(rows.max()) + 1) @ query)[rows]
            else:
                matrix = encode(self.names)
                self._scores = lambda query: matrix @ query
        return self._scores

    def known(self, entity: str) -> bool:
        return fold(entity) in self.folded or (self.contains is not None and self.contains(entity))

    def match(self, entity: str) -> str | None:
        """The corpus' name for ``entity`` when the corpus does not write it, or None."""
        if self.known(entity) or not self.names or entity.isdigit():
            return None
        scores = self.prepare()(encode([entity])[0])
        order = np.argsort(-scores)
        best = float(scores[order[0]])
        second = float(scores[order[1]]) if len(order) > 1 else 0.0
        return self.names[order[0]] if best >= MIN_SIMILARITY and best - second >= MIN_MARGIN else None

    def localise(self, question: str) -> str:
        """The question with each entity the corpus does not write replaced by the corpus' own name for it."""
        for entity in entities(question):
            name = self.match(entity)
            if name:
                question = re.sub(rf"(?<![\w-]){re.escape(entity)}(?![\w-])", name, question)
        return question
