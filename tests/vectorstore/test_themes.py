"""Themes of initiatives, assigned with the bundled encoders, against the hand-labelled list in eval/."""

from __future__ import annotations

import json
from pathlib import Path

from eval.precedents import INITIATIVE_THEMES
from tests.conftest import run_json
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


def test_a_new_documents_initiatives_get_themes_at_ingest(store_copy: Path, small_md: Path) -> None:
    code, _ = run_json("ingest", small_md, "--no-progress", store=store_copy)
    assert code == 0
    themes = list((store_copy / "derived").glob("*-themes.json"))
    assert themes  # derived by the ingestion itself, not at the first question
    _, stats = run_json("stats", store=store_copy)
    added = [i for i in stats["initiatives"] if i["source"] == small_md.name]
    assert added and all(i["themes"] for i in added)
