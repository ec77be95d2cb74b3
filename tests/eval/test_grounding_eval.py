"""The grounding evaluation: its checks, its reports, and a gate that can fail."""

from __future__ import annotations

import json
import random
from pathlib import Path

from assistant import Assistant
from eval.dataset import load_items
from eval.grounding import fact_present, independently_supported
from eval.report import run, stratified_subset
from tests.conftest import run_cli
from vectorstore.retriever import Passage
from vectorstore.store import Store


def test_facts_match_across_number_formatting_but_not_other_numbers() -> None:
    assert fact_present("230 000", "Environ 230000 personnes")
    assert fact_present("10,1 millions", "Plus de 10,1 millions d'euros")
    assert fact_present("Halte du Cœur", "par la halte du cœur")
    assert not fact_present("450", "plus de 460 ménages")


def test_the_independent_check_wants_the_quote_and_its_figures_in_the_passage() -> None:
    passage = "À Nantes, 450 ménages ont été aidés par la Halte du Cœur."
    assert independently_supported("450 ménages ont été aidés", passage)
    assert not independently_supported("460 ménages ont été aidés", passage)


def test_the_gate_fails_when_retrieval_returns_random_passages(built_store: Path) -> None:
    assistant = Assistant(Store(built_store))
    stored = {chunk_id: (text, meta) for chunk_id, text, meta in assistant.retriever.chunks_of()}
    rng = random.Random(7)

    def random_passages(question: str, k: int = 5, **_: object) -> list[Passage]:
        chosen = rng.sample(sorted(stored), k)
        return [Passage(i, *stored[i], score=0.1, rank=r) for r, i in enumerate(chosen, start=1)]

    assistant.retriever.search = random_passages  # type: ignore[method-assign,assignment]
    report = run(assistant, stratified_subset(load_items(), 60), "extractive", {})
    assert not report["passed"]
    assert any(problem.startswith("hit@5") for problem in report["problems"])


def test_quartiers_eval_writes_both_reports_and_a_chart(tmp_path: Path, built_store: Path) -> None:
    result = run_cli("eval", "--subset", "18", "--report", tmp_path / "report", store=built_store)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))
    assert {"config", "metrics", "by_category", "failures", "thresholds", "passed"} <= set(report)
    assert report["config"]["items"] == 18 and len(report["by_category"]) == 9  # stratified: every category
    assert (result.returncode == 0) == report["passed"]
    markdown = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "| hit@5 |" in markdown and "metrics_by_category.png" in markdown
    assert (tmp_path / "report" / "metrics_by_category.png").stat().st_size > 10_000
    assert "hit@5" in result.stdout
