"""Sentence vectors (multilingual USE v3) for the answerer's semantic sentence choice.

Derived from what the collection holds, like ``use_index``: every sentence of every served chunk is
encoded once, when its document version is first served, into a memory-mapped file keyed by
sentence-text hash in ``STORE/derived/`` (``vector_file``), so a rebuilt or edited corpus re-encodes
only its new sentences, a process holds none of them, and a Chroma server needs nothing more than it
stores. Encoding at query time would cost a USE call per sentence of the five retrieved passages (about
fifty): the file turns that into one SQL look-up and a few rows read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ingest.chunking import sentence_spans
from vectorstore.use_index import MODEL, encode
from vectorstore.vector_file import DIMENSIONS, VectorFile

_KEPT = 4096  # vectors of sentences outside the corpus (an LLM's), kept in memory


def _key(sentence: str) -> str:
    return hashlib.sha256(f"{MODEL}\n{sentence}".encode()).hexdigest()[:24]


def sentences_of(text: str) -> list[str]:
    return [s for a, b in sentence_spans(text) if (s := text[a:b].strip())]


def sentence_file(folder: Path, collection: str) -> VectorFile:
    """The sentence vectors' file of a store (``store.folder``, ``store.collection_name``)."""
    vectors = VectorFile(folder / "derived" / f"{collection}-sentences")
    vectors.import_npz(folder / "derived" / f"{collection}-sentences.npz", "keys")  # the former cache
    return vectors


class SentenceIndex:
    """``matrix(sentences)``: unit USE vectors of sentences, read from the store's file (encoded otherwise).
    ``sync`` encodes the sentences of the document versions it has not seen."""

    def __init__(self, folder: Path, collection: str) -> None:
        self.file = sentence_file(folder, collection)
        self.file.db.execute("CREATE TABLE IF NOT EXISTS versions (doc_version TEXT PRIMARY KEY)")
        self.encoded = 0
        self._extra: dict[str, np.ndarray] = {}

    def missing(self, versions: Iterable[str]) -> set[str]:
        """The document versions among ``versions`` whose sentences are not encoded yet."""
        done = {v for (v,) in self.file.db.execute("SELECT doc_version FROM versions")}
        return set(versions) - done

    def sync(self, versions: Iterable[str], rows: Iterable[tuple[str, str, Mapping[str, Any]]]) -> int:
        """Encode the sentences of ``versions`` not done yet; ``rows`` (chunk id, text, metadata) is read
        only when some are missing. Returns the number of sentences encoded."""
        missing = self.missing(versions)
        if not missing:
            return 0
        wanted: dict[str, str] = {}
        for _, text, meta in rows:
            if str(meta.get("doc_version")) in missing:
                wanted.update((_key(s), s) for s in sentences_of(text))
        before = len(self.file.rows(list(wanted)))
        self.file.ensure(list(wanted), list(wanted.values()), lambda t: encode(t), batch=64)
        self.file.db.executemany("INSERT OR IGNORE INTO versions VALUES (?)", ((v,) for v in missing))
        self.encoded = len(wanted) - before
        return self.encoded

    def matrix(self, sentences: list[str]) -> np.ndarray:
        """Unit vectors of ``sentences``, in order; those not in the corpus are encoded (and kept a while)."""
        if not sentences:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        keys = [_key(s) for s in sentences]
        extra = self._extra  # this call's view, whatever another thread does to the attribute
        rows = self.file.rows([k for k in keys if k not in extra])
        missing = list(dict.fromkeys(k for k in keys if k not in rows and k not in extra))
        if missing:
            text = dict(zip(keys, sentences, strict=True))
            if len(extra) > _KEPT:  # a new dict, not a cleared one: another thread may be reading the old
                self._extra = extra = {k: extra[k] for k in keys if k in extra}
            extra.update(zip(missing, encode([text[k] for k in missing]), strict=True))
        stored = [i for i, k in enumerate(keys) if k in rows]
        out = np.zeros((len(keys), DIMENSIONS), dtype=np.float32)
        if stored:
            out[stored] = self.file.vectors([rows[keys[i]] for i in stored])
        for i, k in enumerate(keys):
            if k not in rows:
                out[i] = extra[k]
        return out


def sentence_vectors(folder: Path, collection: str, sentences: list[str]) -> np.ndarray:
    """Unit USE vectors of ``sentences`` from a store's file, encoded where absent: the one small function
    other modules (e.g. injection checks) read sentence vectors through."""
    return SentenceIndex(folder, collection).matrix(sentences)
