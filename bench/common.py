"""What the benchmarks share: the evaluation's store, built from the bundled corpus, and percentiles."""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from eval.retrieval import eval_store_dir
from quartiers import BUNDLED_CORPUS
from vectorstore.indexer import ingest_paths
from vectorstore.store import Store


def prepared_store(description: str) -> Store:
    """Parse ``--store`` (default: the evaluation's own store) and make sure it holds the bundled report."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--store", type=Path, default=eval_store_dir())
    store = Store(parser.parse_args().store)
    ingest_paths(store, [BUNDLED_CORPUS], progress=False)
    return store


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 (nearest rank)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
