"""Warm retrieval latency (p50/p95 over the question set) for the shipped retriever and the naive
baseline in the same run, and the time to build and to load the lexical index.

    .venv/bin/python -m bench.retrieval_bench [--store DIR]
"""

from __future__ import annotations

import shutil
import statistics
import time

from bench.common import percentiles, prepared_store
from eval.dataset import load_items
from quartiers import BUNDLED_CORPUS


def main() -> None:
    from eval.baseline import NaiveBaseline
    from vectorstore.retriever import HybridRetriever

    store = prepared_store(__doc__ or "")
    questions = [item.question for item in load_items()]

    shutil.rmtree(store.folder / "lexical", ignore_errors=True)
    build = HybridRetriever(store).timings["lexical_build_ms"]
    loads = [HybridRetriever(store).timings["lexical_load_ms"] for _ in range(5)]
    retriever = HybridRetriever(store)
    retriever.search("échauffement", k=5)  # load the models once: we measure warm queries
    shipped = []
    for question in questions:
        started = time.perf_counter()
        retriever.search(question, k=5)
        shipped.append((time.perf_counter() - started) * 1000)

    naive = NaiveBaseline(store.folder / "naive")
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
