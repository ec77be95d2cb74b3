"""The USE side on disk: the same ranking as encoding every passage in memory, and one document version
at a time when the store changes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import run_cli
from vectorstore.lexical import lexical_text
from vectorstore.retriever import HybridRetriever
from vectorstore.store import Store
from vectorstore.use_index import encode, encode_query

pytestmark = pytest.mark.slow
QUESTION = "Comment les familles ont-elles reçu des colis alimentaires ?"


def test_the_memory_mapped_index_ranks_as_every_passage_in_memory_would(built_store: Path) -> None:
    retriever = HybridRetriever(Store(built_store))
    stored = list(retriever.chunks_of())
    matrix = encode([lexical_text(text, meta) for _, text, meta in stored])  # the former whole-corpus index
    scores = matrix @ encode_query(QUESTION)
    expected = [stored[i][0] for i in np.argsort(-scores)[:20]]
    assert [chunk_id for chunk_id, _ in retriever.use.search(QUESTION, limit=20)] == expected
    region = {"region": ["occitanie"]}
    allowed = [i for i, (_, _, meta) in enumerate(stored) if meta.get("region") == "Occitanie"]
    expected = [stored[i][0] for i in sorted(allowed, key=lambda i: -scores[i])[:10]]
    assert [chunk_id for chunk_id, _ in retriever.use.search(QUESTION, region, limit=10)] == expected
    assert not hasattr(retriever, "texts") and len(retriever._kept) == 0  # nothing of the corpus held


def test_the_use_index_follows_a_new_document_version(store_copy: Path, small_md: Path) -> None:
    retriever = HybridRetriever(Store(store_copy))
    use = retriever.use
    rows_before = len(use.vectors.matrix())
    assert run_cli("ingest", small_md, store=store_copy).returncode == 0
    assert retriever.follow(every_s=0)
    found = retriever.use.search("Halte du Cœur", {"source": ["illustrations.md"]}, limit=5)
    assert found and retriever.use is use  # the same index, brought up to date
    grown = len(use.vectors.matrix(rows_before + 1))
    assert 0 < grown - rows_before <= Store(store_copy).records_by_source()["illustrations.md"].chunks
    edited = small_md.parent / "edited" / "illustrations.md"
    edited.parent.mkdir(exist_ok=True)
    edited.write_text(small_md.read_text(encoding="utf-8") + "\n\nLa halte du Cœur ouvre un jardin.\n",
                      encoding="utf-8")
    assert run_cli("ingest", edited, store=store_copy).returncode == 0  # a new version of the same document
    assert retriever.follow(every_s=0)
    versions = {r.doc_version for r in Store(store_copy).records_by_source().values()}
    assert set(retriever.use.versions()) == versions
    hits = [p.text for p in retriever.search("jardin de la halte du Cœur", k=3, mode="use",
                                              filters={"source": ["illustrations.md"]})]
    assert any("ouvre un jardin" in text for text in hits)
    # only the changed passages were encoded: most rows are shared with the former version
    assert len(use.vectors.matrix(grown + 1)) - grown <= 3
