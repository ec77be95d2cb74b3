"""Large stores in the project's own format, built in minutes: the scale benchmark's material.

A store starts as the real thing, the bundled report ingested by the real indexer. It then grows with
synthetic documents recombined from the report's own passages: each takes a random run of its chunks,
trades every place and region for another one the corpus itself names, and redraws every figure (same
number of digits), so distractors read like real reports without repeating the right answers. Their
vectors are not computed again: each synthetic passage takes the e5 vector of the passage it came from
(read back from the embedding cache of the report's store) with a little noise, and its USE vectors
(passage and sentences) likewise, so the derived indexes are filled as the real code fills them.
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from ingest import Chunk, Initiative, ParsedDocument
from vectorstore import use_index
from vectorstore.embedders import QuartiersEmbeddings
from vectorstore.indexer import IngestReport, _text_hash, index_document
from vectorstore.lexical import lexical_text
from vectorstore.sentence_index import sentences_of
from vectorstore.store import Store

_FIGURE = re.compile(r"\d+")
RATE_EVERY = 2_000  # chunks between two lines of the build's rate curve
NOISE = 0.02  # keeps HNSW from holding thousands of identical vectors


class PrefilledEmbeddings(QuartiersEmbeddings):
    """The store's embedder identity, with vectors given in advance for the synthetic passages."""

    prefilled = True  # the indexer writes in large batches: no embedding to wait for

    def __init__(self, real: QuartiersEmbeddings, vectors: dict[str, list[float]]) -> None:
        self.name, self.version, self.real, self.vectors = real.name, real.version, real, vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in texts if t not in self.vectors]
        for text, vector in zip(missing, self.real.embed_documents(missing), strict=True):
            self.vectors[text] = vector
        return [self.vectors[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.real.embed_query(text)


class Synthesiser:
    """Synthetic documents from one parsed report whose chunks are already in ``store``."""

    def __init__(self, report: ParsedDocument, store: Store, seed: int = 14) -> None:
        self.report, self.random = report, random.Random(seed)
        cached = store.cached_embeddings([_text_hash(store, c) for c in report.chunks])
        self.vectors = [np.asarray(cached[_text_hash(store, c)], dtype=np.float32) for c in report.chunks]
        self.places = sorted({i.place for i in report.initiatives if i.place})
        self.regions = sorted({i.region for i in report.initiatives if i.region})
        self.e5: dict[str, list[float]] = {}  # synthetic embed text -> vector
        self.use_origin: dict[str, str] = {}  # synthetic text given to USE -> the report's text it came from

    def _swap(self, text: str, names: dict[str, str]) -> str:
        for old, new in names.items():
            text = text.replace(old, new)
        return _FIGURE.sub(lambda m: str(self.random.randint(10 ** (len(m.group()) - 1), 10 ** len(m.group()) - 1))
                           if len(m.group()) > 1 else m.group(), text)

    def document(self, number: int, size: int) -> ParsedDocument:
        chunks = self.report.chunks
        start = self.random.randrange(0, max(1, len(chunks) - size))
        names = {p: self.random.choice(self.places) for p in self.places} | {
            r: self.random.choice(self.regions) for r in self.regions}
        initiatives: dict[str, Initiative] = {}
        made: list[Chunk] = []
        for position, index in enumerate(range(start, min(len(chunks), start + size))):
            origin = chunks[index]
            initiative = None
            if origin.initiative is not None:
                key = f"{origin.initiative.initiative_id}-s{number}"
                initiative = initiatives.setdefault(key, replace(
                    origin.initiative, initiative_id=key, title=self._swap(origin.initiative.title, names),
                    region=names.get(origin.initiative.region or "", origin.initiative.region),
                    place=names.get(origin.initiative.place or "", origin.initiative.place)))
            text = self._swap(origin.text, names)
            chunk = Chunk(chunk_id=f"synthetic-{number}:{position}", text=text, embed_text=self._swap(origin.embed_text,
                          names), section=self._swap(origin.section, names), pages=list(origin.pages),
                          initiative=initiative, page_offsets=list(origin.page_offsets))
            made.append(chunk)
            self._remember(origin, chunk, index)
        source = f"synthetique-{number:05d}.md"
        body = "\n\n".join(c.text for c in made)
        return ParsedDocument(source=source, title=f"Recueil d'initiatives {number}", sha256=hashlib.sha256(
            body.encode()).hexdigest(), kind="markdown", page_count=self.report.page_count, blocks=[],
            chunks=made, initiatives=list(initiatives.values()))

    def _remember(self, origin: Chunk, chunk: Chunk, index: int) -> None:
        noise = np.random.default_rng(len(self.e5)).normal(0, NOISE, self.vectors[index].shape)
        vector = self.vectors[index] + noise.astype(np.float32)
        self.e5[chunk.embed_text] = (vector / np.linalg.norm(vector)).tolist()
        self.use_origin[lexical_text(chunk.text, _meta(chunk))] = lexical_text(origin.text, _meta(origin))
        ours, theirs = sentences_of(chunk.text), sentences_of(origin.text)
        if len(ours) == len(theirs):
            self.use_origin.update(zip(ours, theirs, strict=True))


def _meta(chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {"section": chunk.section}
    if chunk.initiative is not None:
        initiative = chunk.initiative
        meta.update(initiative=initiative.title, resource_centre=initiative.resource_centre,
                    region=initiative.region, place=initiative.place)
    return meta


def grow(store: Store, synthesiser: Synthesiser, chunks: int, scratch: Path, per_document: int = 100) -> int:
    """Add synthetic documents until the store holds ``chunks``; returns the number of documents then.
    Each document's text is written to ``scratch`` and stored as its copy, as ingest stores a file."""
    real = store.embedder
    store._embedder = PrefilledEmbeddings(real, synthesiser.e5)
    records, report, number = store.records_by_source(), IngestReport(), len(store.records_by_source())
    window, since = time.perf_counter(), store.chunks.count()
    try:
        while (held := store.chunks.count()) < chunks:
            document = synthesiser.document(number, min(per_document, chunks - held))
            scratch.write_text("\n\n".join(c.text for c in document.chunks), encoding="utf-8")
            index_document(store, document, scratch, records, report)
            synthesiser.e5.clear()  # this document's vectors are in Chroma now
            number += 1
            if held + len(document.chunks) - since >= RATE_EVERY:  # the rate curve, as the store grows
                now = time.perf_counter()
                print(f"scale build: {held + len(document.chunks)} chunks, "
                      f"{(held + len(document.chunks) - since) / (now - window):.0f} chunks/s",
                      file=sys.stderr, flush=True)
                window, since = now, held + len(document.chunks)
    finally:
        store._embedder = real
    return number


@contextmanager
def use_from_origin(synthesiser: Synthesiser) -> Iterator[None]:
    """While deriving the USE caches, a synthetic text is encoded as the report's text it came from."""
    real = use_index.encode
    memo: dict[str, np.ndarray] = {}

    def encode(texts: list[str]) -> np.ndarray:
        origins = [synthesiser.use_origin.get(t, t) for t in texts]
        todo = sorted({o for o in origins if o not in memo})
        for start in range(0, len(todo), 256):
            memo.update(zip(todo[start : start + 256], real(todo[start : start + 256]), strict=True))
        return np.stack([memo[o] for o in origins]) if origins else real([])

    use_index.encode = encode
    import vectorstore.sentence_index as sentence_index

    sentence_index.encode = encode
    try:
        yield
    finally:
        use_index.encode = real
        sentence_index.encode = real
