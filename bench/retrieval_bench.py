"""Warm retrieval latency (p50/p95 over the question set) for the shipped retriever and the naive
baseline in the same run, and the time to build and to load the lexical index.

    .venv/bin/python -m bench.retrieval_bench [--store DIR]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

from eval.dataset import load_items
from eval.retrieval import eval_store_dir
from quartiers import BUNDLED_CORPUS


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    from eval.baseline import NaiveBaseline
    from vectorstore.indexer import ingest_paths
    from vectorstore.retriever import HybridRetriever
    from vectorstore.store import Store

    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, default=eval_store_dir())
    args = parser.parse_args()
    store = Store(args.store)
    ingest_paths(store, [BUNDLED_CORPUS], progress=False)
    questions = [item.question for item in load_items()]

    shutil.rmtree(args.store / "lexical", ignore_errors=True)
    build = HybridRetriever(store).timings["lexical_build_ms"]
    loads = [HybridRetriever(store).timings["lexical_load_ms"] for _ in range(5)]
    retriever = HybridRetriever(store)
    retriever.search("échauffement", k=5)  # load the models once: we measure warm queries
    shipped = []
    for question in questions:
        started = time.perf_counter()
        retriever.search(question, k=5)
        shipped.append((time.perf_counter() - started) * 1000)

    naive = NaiveBaseline(args.store / "naive")
    naive.build(BUNDLED_CORPUS / "quartiers-covid-crpv-2020.pdf")
    naive.search("échauffement")
    baseline = []
    for question in questions:
        started = time.perf_counter()
        naive.search(question, k=5)
        baseline.append((time.perf_counter() - started) * 1000)

    print(f"Retrieval benchmark ({len(questions)} questions, {len(retriever)} passages, warm)")
    for name, samples in (("shipped rrf(bm25+e5+use)", shipped), ("naive (MiniLM, Chroma top-k)", baseline)):
        p50, p95 = percentiles(samples)
        print(f"  {name:<30} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    print(f"  lexical index: build {build:.0f} ms, load {statistics.median(loads):.0f} ms (median of 5)")


if __name__ == "__main__":
    main()
