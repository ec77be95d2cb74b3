"""The retrieval evaluation on the held-out half: the shipped fusion meets its targets and beats each
single signal and the naive baseline. A regression in chunking, analysis or fusion fails here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from eval.baseline import NaiveBaseline
from eval.dataset import Gold, contains_gold
from eval.retrieval import SHIPPED, SYSTEMS, evaluate, retrieval_items
from tests.conftest import BUNDLED_PDF
from vectorstore.retriever import HybridRetriever
from vectorstore.store import Store


def test_gold_matching_ignores_layout_but_not_content() -> None:
    gold = Gold("ce sont plus de 450 ménages pour qui il était difficile de se rendre", 27)
    assert contains_gold("Ainsi, ce sont plus de\n450 ménages pour qui il était diﬃcile de se rendre à un point", gold)
    assert not contains_gold("Ainsi, ce sont plus de 460 ménages pour qui il était", gold)


def _searcher(retriever: HybridRetriever, mode: str) -> Callable[[str], list[str]]:
    return lambda question: [p.text for p in retriever.search(question, k=10, mode=mode)]  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def heldout_metrics(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, float]]:
    items = retrieval_items("heldout")
    assert len(items) >= 40
    store = Store(built_store)
    results = {}
    for name in ("bm25", "dense-e5", "dense-use", SHIPPED):
        mode, weights, rrf_k = SYSTEMS[name]
        retriever = HybridRetriever(store, weights=weights, rrf_k=rrf_k)
        results[name] = evaluate(items, _searcher(retriever, mode))[0]
    naive = NaiveBaseline(tmp_path_factory.mktemp("naive"))
    naive.build(BUNDLED_PDF)
    results["naive"] = evaluate(items, lambda q: [h.text for h in naive.search(q, k=10)])[0]
    return results


def test_shipped_retriever_meets_its_targets_on_the_heldout_half(heldout_metrics: dict[str, dict[str, float]]) -> None:
    shipped = heldout_metrics[SHIPPED]
    assert shipped["hit@5"] >= 0.95, heldout_metrics
    assert shipped["mrr@10"] >= 0.85, heldout_metrics
    for single in ("bm25", "dense-e5", "dense-use"):
        assert shipped["hit@5"] >= heldout_metrics[single]["hit@5"], single
        assert shipped["mrr@10"] >= heldout_metrics[single]["mrr@10"], single
    assert shipped["mrr@10"] >= heldout_metrics["naive"]["mrr@10"] + 0.2  # clearly beats the naive pipeline
