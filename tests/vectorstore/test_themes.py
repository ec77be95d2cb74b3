"""Themes of initiatives, assigned with the bundled encoders, against the hand-labelled list in eval/."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from eval.precedents import INITIATIVE_THEMES
from tests.conftest import run_json
from vectorstore import themes
from vectorstore.indexer import ingest_paths, remove_sources
from vectorstore.retriever import HybridRetriever
from vectorstore.store import Store
from vectorstore.themes import THEMES


def test_stats_gives_every_initiative_themes_that_agree_with_the_hand_labels(built_store: Path) -> None:
    code, stats = run_json("stats", store=built_store)
    assert code == 0
    labelled = {json.loads(line)["initiative_id"]: json.loads(line)["themes"]
                for line in INITIATIVE_THEMES.read_text(encoding="utf-8").splitlines()}
    assigned = {i["initiative_id"]: i["themes"] for i in stats["initiatives"]}
    assert set(assigned) == set(labelled) and all(assigned.values())
    assert all(t in THEMES for themes in assigned.values() for t in themes)
    agree = sum(assigned[i][0] in labelled[i] for i in labelled) / len(labelled)
    assert agree >= 0.85, agree
    nantes = next(i for i in stats["initiatives"] if i["place"] == "Nantes")
    assert nantes["theme_labels"][0] == "Aide alimentaire"


def test_precedents_for_a_theme_name_every_initiative_of_that_theme(built_store: Path) -> None:
    _, stats = run_json("stats", store=built_store)
    for theme in ("aide alimentaire", "Numérique", "masques-gel"):
        _, found = run_json("precedents", theme, "-k", "29", store=built_store)
        slug = found["initiatives"][0]["themes"] and next(s for s, (label, _) in THEMES.items()
                                                           if theme.lower() in (s, label.lower()))
        expected = {i["initiative_id"] for i in stats["initiatives"] if slug in i["themes"]}
        assert expected <= {i["initiative_id"] for i in found["initiatives"]}, theme


def test_an_ingest_scores_its_own_document_only_and_themes_equal_a_full_recompute(
        store_copy: Path, small_md: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scored: list[list[str]] = []
    real = themes._raw_scores

    def counted(retriever: HybridRetriever, versions: list[str]) -> dict[str, themes.Scored]:
        scored.append(versions)
        return real(retriever, versions)

    monkeypatch.setattr(themes, "_raw_scores", counted)
    store = Store(store_copy)
    before = themes.cached_themes(store)
    assert before
    report = ingest_paths(store, [small_md], progress=False)
    assert report.added
    added = store.records_by_source()[small_md.name].doc_version
    assert scored == [[added]]  # the report's passages were not read again
    incremental = themes.cached_themes(store)  # derived by the ingestion itself, not at the first question
    assert incremental is not None
    new = {i["initiative_id"] for i in store.records_by_source()[small_md.name].initiatives}
    assert new and all(incremental.get(i) for i in new)
    for derived in (store_copy / "derived").glob("*theme*"):
        derived.unlink()
    assert themes.initiative_themes(HybridRetriever(Store(store_copy))) == incremental
    remove_sources(Store(store_copy), [small_md.name])
    assert themes.initiative_themes(HybridRetriever(Store(store_copy))) == before
    kept = sqlite3.connect(next((store_copy / "derived").glob("*-theme-scores.sqlite")))
    assert kept.execute("SELECT COUNT(*) FROM versions").fetchone() == (1,)  # the removed one is forgotten
