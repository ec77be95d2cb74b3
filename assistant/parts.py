"""The parts of a question, each to be answered by a sentence of its own.

"Quel taux pour une commune urbaine, et pour une commune rurale ?" or "que recouvrent les mesures nouvelles
et pourquoi le nombre peut-il différer ?" ask two things: the sentence closest to the whole question often
answers one of them only. A question is cut on its coordinators (« et », « , », « ; », « ainsi que »,
"and"); each part that keeps a content word of its own is a part. For every part, the sentence that
matches it best (its own semantic similarity plus its share of the part's words) is marked, and the
selection quotes one per part. A selection rule, not a scorer feature: as a feature it lowered held-out
recall.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from assistant.terms import key_terms

_COORDINATOR = re.compile(r"\s*(?:[,;]|\bet\b|\bainsi que\b|\bpuis\b|\band\b|\bas well as\b)\s*", re.I)
MIN_PART_TERMS = 1
MAX_PARTS = 4


class Sentence(Protocol):
    terms: set[str]


def question_parts(question: str) -> list[str]:
    """The question's parts (the whole question when it has only one)."""
    pieces = [p.strip(" ?!.") for p in _COORDINATOR.split(question) if p and p.strip(" ?!.")]
    parts: list[str] = []
    for piece in pieces:
        if len(key_terms(piece)) >= MIN_PART_TERMS:
            parts.append(piece)
        elif parts:  # a piece without a content word of its own belongs to the one before
            parts[-1] = f"{parts[-1]} {piece}"
    if len(parts) < 2 or len(parts) > MAX_PARTS:
        return [question]
    return parts


def part_scores(parts: list[str], sentences: Sequence[Sentence], vectors: np.ndarray,
                part_vectors: np.ndarray) -> np.ndarray:
    """(parts × sentences): each sentence's semantic similarity to a part plus its share of the part's words."""
    scores = np.zeros((len(parts), len(sentences)), dtype=np.float32)
    if not len(sentences):
        return scores
    similarities = part_vectors @ vectors.T
    for i, part in enumerate(parts):
        terms = set(key_terms(part))
        for j, sentence in enumerate(sentences):
            coverage = len(terms & sentence.terms) / (len(terms) or 1)
            scores[i, j] = similarities[i, j] + coverage
    return scores


def best_per_part(scores: np.ndarray) -> list[int]:
    """For each part, the index of the sentence that matches it best."""
    if scores.size == 0:
        return []
    return [int(i) for i in scores.argmax(axis=1)]
