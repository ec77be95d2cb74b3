"""What the benchmarks share: the evaluation's store, built from the bundled corpus, and percentiles."""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path
from typing import TYPE_CHECKING

from quartiers.components import prepared_eval_store, settings_for

if TYPE_CHECKING:
    from vectorstore.store import Store


def prepared_store(description: str, argv: list[str] | None = None) -> Store:
    """Parse ``--store`` (default: the evaluation's own store) and make sure it holds the bundled report.
    Built through ``quartiers.components``: ``QUARTIERS_EMBEDDER``, ``QUARTIERS_CHROMA_URL``… apply."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--store", type=Path, default=None, help="default: the evaluation's own store")
    return prepared_eval_store(settings_for(), parser.parse_args(argv).store)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 (nearest rank)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
