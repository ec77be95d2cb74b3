"""The 1M-chunk estimate the README quotes: carried on from the two largest sizes, never below the largest."""

from __future__ import annotations

from bench.scale_plot import estimate


def test_the_estimate_follows_the_growth_between_the_two_largest_sizes() -> None:
    rows = [{"chunks": 1_000, "rss_mb": 300.0}, {"chunks": 10_000, "rss_mb": 400.0},
            {"chunks": 100_000, "rss_mb": 800.0}]
    assert estimate(rows, "rss_mb") == 800.0 + 400.0 / 90_000 * 900_000


def test_a_small_store_measured_slower_does_not_pull_the_estimate_below_the_largest_size() -> None:
    rows = [{"chunks": 10_000, "ask_p95_ms": 3196.0}, {"chunks": 100_000, "ask_p95_ms": 1075.0}]
    assert estimate(rows, "ask_p95_ms") == 1075.0
