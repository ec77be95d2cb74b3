"""Retrieval evaluation: BM25 alone, dense alone, each fusion tried, and the naive baseline, in one run.

    .venv/bin/python -m eval.retrieval [--store DIR] [--split tune|heldout|all] [--misses]

Only answerable, self-contained questions count here (follow-ups need the conversation, which the
answering layer rewrites). Prints a table per split and the questions each system misses.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from eval.dataset import Item, contains_gold, load_items
from eval.metrics import first_hit, ranking_metrics
from quartiers.settings import eval_store_dir  # where it used to live: kept importable from here

__all__ = ["eval_store_dir", "evaluate", "retrieval_items"]

# (mode, weights, rrf_k). Tuned on the "tune" split only; the held-out split reports what generalises.
SYSTEMS: dict[str, tuple[str, dict[str, float] | None, int]] = {
    "bm25": ("lexical", None, 60),
    "dense-e5": ("dense", None, 60),
    "dense-use": ("use", None, 60),
    "rrf(bm25+e5) k=60": ("hybrid", {"dense": 1.0, "lexical": 1.0}, 60),
    "rrf(bm25+e5) k=5": ("hybrid", {"dense": 1.0, "lexical": 1.0}, 5),
    "rrf(bm25+e5+use) k=60": ("hybrid", {"dense": 1.0, "lexical": 1.0, "use": 1.0}, 60),
    "rrf(bm25+e5+use) k=5": ("hybrid", None, 5),
    "rrf(bm25+e5+use/2) k=5": ("hybrid", {"dense": 1.0, "lexical": 1.0, "use": 0.5}, 5),
}
SHIPPED = "rrf(bm25+e5+use) k=5"


def retrieval_items(split: str) -> list[Item]:
    return [i for i in load_items() if i.answerable and i.category != "followup" and split in ("all", i.split)]


def evaluate(items: list[Item], search: Callable[[str], list[str]]) -> tuple[dict[str, float], list[Item]]:
    ranks, misses = [], []
    for item in items:
        texts = search(item.question)
        rank = first_hit([any(contains_gold(t, g) for g in item.gold) for t in texts])
        ranks.append(rank)
        if rank is None or rank > 5:
            misses.append(item)
    return ranking_metrics(ranks), misses


def main() -> None:
    from quartiers import BUNDLED_CORPUS
    from quartiers.components import build_retriever, prepared_eval_store, settings_for

    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=None, help="default: the evaluation's own store")
    parser.add_argument("--misses", action="store_true", help="list the questions each system misses at 5")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline (loads MiniLM)")
    args = parser.parse_args()

    store = prepared_eval_store(settings_for(), args.store, progress=True)
    systems: dict[str, Callable[[str], list[str]]] = {}
    for name, (mode, weights, rrf_k) in SYSTEMS.items():
        retriever = build_retriever(store, weights=weights, rrf_k=rrf_k)
        systems[name] = lambda q, r=retriever, m=mode: [p.text for p in r.search(q, k=10, mode=m)]  # type: ignore[misc]
    if not args.no_naive:
        from eval.baseline import NaiveBaseline

        naive = NaiveBaseline(store.folder / "naive")
        naive.build(BUNDLED_CORPUS / "quartiers-covid-crpv-2020.pdf")
        systems["naive(pages+1000/200+MiniLM)"] = lambda q: [h.text for h in naive.search(q, k=10)]

    for split in ("tune", "heldout"):
        items = retrieval_items(split)
        print(f"\n{split}: {len(items)} questions")
        print(f"  {'system':<34} hit@1  hit@3  hit@5  mrr@10")
        all_misses = {}
        for name, search in systems.items():
            metrics, misses = evaluate(items, search)
            all_misses[name] = misses
            flag = " (shipped)" if name == SHIPPED else ""
            figures = "  ".join(f"{metrics[m]:.3f}" for m in ("hit@1", "hit@3", "hit@5", "mrr@10"))
            print(f"  {name + flag:<34} {figures}")
        if args.misses:
            for name, misses in all_misses.items():
                print(f"  misses@5 {name}: " + "; ".join(f"{m.id} {m.question[:60]}" for m in misses))


if __name__ == "__main__":
    main()
