"""The refusal decision: quote the passages, or refuse and say what is missing.

One calibrated probability decides (``assistant.answerability.assess``: the tuned scorer's logistic model
over the evidence's signals); below the scorer's threshold the answer is a refusal naming the entities
the passages lack (``assistant.refusal.refusal_message``). The chain asks here and only here, so the
extractive and the llm answerers refuse the same questions.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answerability import assess
from assistant.extractive import Candidate
from assistant.refusal import missing_entities, refusal_message
from assistant.scorer import Scorer
from quartiers.results import Passage, TermStatistics


@dataclass(frozen=True)
class Decision:
    answerable: float  # the probability the passages answer the question, rounded as ``Answer.answerable``
    refused: bool
    message: str  # the French refusal when refused, "" otherwise


def decide(question: str, rewritten: str, passages: list[Passage], candidates: list[Candidate],
           chosen: list[Candidate], scorer: Scorer, statistics: TermStatistics) -> Decision:
    """Whether the sentences ``chosen`` from ``candidates`` answer ``rewritten``; ``statistics`` (the
    corpus's term counts) tell what the corpus never writes."""
    missing = missing_entities(rewritten, passages)
    probability = assess(question, rewritten, candidates, chosen, missing, scorer, statistics).probability
    if probability < scorer.threshold:
        return Decision(round(probability, 3), True, refusal_message(question, missing))
    return Decision(round(probability, 3), False, "")
