"""Ranking metrics: hit@k and MRR@10 against gold excerpts."""

from __future__ import annotations

from collections.abc import Sequence


def first_hit(hits: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant result, or None."""
    for rank, hit in enumerate(hits, start=1):
        if hit:
            return rank
    return None


def ranking_metrics(first_ranks: Sequence[int | None]) -> dict[str, float]:
    """hit@1/3/5 and MRR@10 over questions, given each question's first relevant rank."""
    n = len(first_ranks) or 1
    out = {f"hit@{k}": sum(1 for r in first_ranks if r is not None and r <= k) / n for k in (1, 3, 5)}
    out["mrr@10"] = sum(1 / r for r in first_ranks if r is not None and r <= 10) / n
    return out
