"""One answerability decision: a calibrated probability that the passages answer the question.

Its signals (``assistant.scorer.ANSWERABLE_FEATURES``): how well the best sentence answers (the sentence
model's probability, its semantic similarity and lexical coverage), whether the question's entities are in
the passages, and whether what it asks for (a quantity, its topic, a name or a date) is in what would be
quoted. The logistic model and its threshold are fit on the tune half (``python -m eval.fit_scorer``);
below the threshold the answer is a refusal with the closest passages as "voir aussi".
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.extractive import Candidate, idf_weights
from assistant.refusal import asked_thing_missing, quantity_unanswered, topic_uncovered
from assistant.scorer import Scorer, asked_kind, asks_figure, holds_kind
from assistant.terms import is_english, key_terms, topic_terms
from quartiers.results import TermStatistics

EVIDENCE = 4  # sentences whose words are checked for what the question asks
MIN_EVIDENCE = 0.15  # lexical coverage below every answerable question of the tune half


def lexical_evidence(candidates: list[Candidate], question: str) -> list[Candidate]:
    """The sentences that cover the question's words best (coverage, a prior for the passage's rank, figures
    when one is asked for): where an asked-for quantity, topic or entity would be if the passages held it."""
    figure = asks_figure(question)

    def score(c: Candidate) -> float:
        held = figure and any(ch.isdigit() for ch in c.text)
        return c.score + 0.15 / (c.passage.rank or 1) + (0.2 if held else 0.0)

    ranked = sorted(candidates, key=lambda c: -score(c))
    if not ranked:
        return []
    top = score(ranked[0])
    return [c for c in ranked if score(c) >= 0.45 * top][:EVIDENCE]


def unseen_share(rewritten: str, statistics: TermStatistics | None) -> float:
    """The idf-weighted share of the question's words that no chunk of the corpus holds: a question about
    "la piscine municipale" over a corpus that never writes "piscine" is about something else. A rare unseen
    word weighs most (it is what the question is about); English words are never in a French corpus, so an
    English question gives no signal here (0)."""
    terms = key_terms(rewritten)
    if statistics is None or not terms or is_english(rewritten):
        return 0.0
    weights = idf_weights(terms, statistics.document_frequency, statistics.chunks)
    total = sum(weights.values()) or 1.0
    return sum(w for t, w in weights.items() if statistics.document_frequency.get(t, 0) == 0) / total


@dataclass
class Answerability:
    probability: float
    features: dict[str, float]


def features(question: str, rewritten: str, candidates: list[Candidate], chosen: list[Candidate],
             missing: list[str], statistics: TermStatistics | None = None) -> dict[str, float]:
    evidence = lexical_evidence(candidates, question)
    quoted = [c.text for c in evidence]
    kind = asked_kind(question)
    topics = topic_terms(rewritten)  # the first is what the question is about: "le ministre", "combien de décès"
    said = set().union(*(c.terms for c in evidence)) if evidence else set()
    frequency = statistics.document_frequency if statistics else None
    return {
        "best_probability": chosen[0].probability if chosen else 0.0,
        "best_use": max((c.use for c in candidates), default=0.0),
        "best_lexical": max((c.score for c in candidates), default=0.0),
        "entity_missing": float(bool(missing)),
        "quantity_unanswered": float(quantity_unanswered(rewritten, quoted)),
        "topic_uncovered": float(topic_uncovered(question, quoted)),
        "kind_missing": float(kind is not None and not any(holds_kind(kind, q, question) for q in quoted)),
        "head_uncovered": float(bool(topics) and topics[0] not in said),
        "topic_coverage": sum(t in said for t in topics) / len(topics) if topics else 1.0,
        # what the question asks about and the corpus never writes ("le ministre", "le salaire"), as entities
        # absent from the passages are for names; English words are never in a French corpus: no signal there
        "topic_unknown": 0.0 if is_english(rewritten) or not topics or frequency is None else
        sum(frequency.get(t, 0) == 0 for t in topics) / len(topics),
        # the signals the rules of the first version refused on, taken together
        "uncovered": float(bool(missing) or quantity_unanswered(rewritten, quoted) or topic_uncovered(question, quoted)
                           or max((c.score for c in candidates), default=0.0) < MIN_EVIDENCE),
        "english": float(is_english(question)),
        "unseen_share": unseen_share(rewritten, statistics),
        # a precise question about what the corpus names but does not state ("le ministre" in 2020, "la date
        # limite" of a survey): no sentence of the passages holds what is asked beside what it is asked of
        "asked_missing": float(asked_thing_missing(rewritten, [c.text for c in candidates])),
    }


def assess(question: str, rewritten: str, candidates: list[Candidate], chosen: list[Candidate],
           missing: list[str], scorer: Scorer, statistics: TermStatistics | None = None) -> Answerability:
    signals = features(question, rewritten, candidates, chosen, missing, statistics)
    if not chosen or signals["topic_unknown"] == 1.0 or signals["asked_missing"]:
        # nothing to quote, not one word of what is asked is ever written in the corpus ("le maire"), or
        # the figure, date or name asked for is in no sentence: there is nothing to weigh. (On the tune
        # half every such question is refused by the model too, so it cannot learn a weight for these.)
        return Answerability(0.0, signals)
    return Answerability(scorer.answerable.probability(signals), signals)
