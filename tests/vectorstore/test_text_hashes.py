"""The embedding cache's text-hash index (vectorstore/text_hashes.py), on a real Chroma store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from vectorstore.store import Store


def _vector(seed: int) -> list[float]:
    vector = np.random.default_rng(seed).normal(size=384)
    return (vector / np.linalg.norm(vector)).tolist()


def test_stored_vectors_are_found_by_text_hash_even_in_a_store_older_than_the_index(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    name = store.embedder.name
    store.upsert_chunks(ids=["v1:0", "v1:1", "v1:2"], texts=["un", "deux", "trois"],
                        embeddings=[_vector(n) for n in range(3)],
                        metadatas=[{"text_sha256": f"h{n}", "embedder": name, "doc_version": "v1"} for n in range(3)])
    found = store.cached_embeddings(["h0", "h2", "absent"])
    assert set(found) == {"h0", "h2"} and np.allclose(found["h2"], _vector(2), atol=1e-6)

    # a store written before the index existed: it is filled from the chunks' metadata on first use
    for derived in (tmp_path / "store" / "derived").glob("*-text-hashes.sqlite*"):
        derived.unlink()
    older = Store(tmp_path / "store")
    assert set(older.cached_embeddings(["h0", "h1"])) == {"h0", "h1"}

    # a chunk deleted behind the index's back (another writer's older code) is a stale hint: not served
    older.chunks.delete(ids=["v1:1"])
    assert older.cached_embeddings(["h1", "h0"]).keys() == {"h0"}
    # and chunks deleted through the store leave the index too
    older.delete_chunks(["v1:0"])
    assert older.text_hashes.ids_for(["h0", "h2"]) == {"h2": ["v1:2"]}


def test_a_reset_store_reuses_no_vector_of_its_former_content(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.upsert_chunks(ids=["v1:0"], texts=["un"], embeddings=[_vector(0)],
                        metadatas=[{"text_sha256": "h0", "embedder": store.embedder.name}])
    store.reset()
    assert store.cached_embeddings(["h0"]) == {}
    shutil.rmtree(tmp_path / "store")


def test_rows_are_written_whole_in_one_transaction(tmp_path: Path) -> None:
    """A write interrupted midway leaves none of its rows (one commit per batch, not one per row)."""
    from vectorstore.text_hashes import TextHashes

    index = TextHashes(tmp_path / "hashes.sqlite", lambda: iter(()))

    def interrupted() -> Iterator[tuple[str, str]]:
        yield "v1:0", "h0"
        yield "v1:1", "h1"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index.stored(interrupted())
    assert index.ids_for(["h0", "h1"]) == {}
    index.stored([("v1:0", "h0"), ("v1:1", "h1")])
    index.forget(["v1:0"])
    assert index.ids_for(["h0", "h1"]) == {"h1": ["v1:1"]}
