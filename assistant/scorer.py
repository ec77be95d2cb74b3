"""Two small logistic models, fit on the tune half of ``eval/questions.jsonl`` by ``python -m eval.fit_scorer``
and loaded from the committed ``assistant/scorer_weights.json``:

- **sentence**: the probability that a candidate sentence answers the question, from its semantic similarity
  to the question (multilingual USE: works across paraphrase and across English and French), its lexical
  coverage of the question's idf-weighted terms, its passage's rank, whether it names what the question
  names, and whether it holds the kind of thing asked for (a figure for "combien", a name for "qui", a date
  for "quand");
- **answerable**: the probability that the retrieved passages answer the question at all, from the best
  sentence's probability and similarity, the question's entities found or not, and the asked-for quantity,
  topic and kind found or not in what would be quoted. One threshold (chosen on the tune half) refuses.

Nothing here names a word of one corpus: features are similarities, coverages and question types.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

WEIGHTS = Path(__file__).parent / "scorer_weights.json"

SENTENCE_FEATURES = (
    "use", "use_gap", "lexical", "lexical_gap", "rank", "figure_asked_held", "figure_held", "entity_in_sentence",
    "entity_in_passage", "entity_elsewhere", "kind_held", "words", "first_in_passage", "english",
    "introduces_list",
)
ANSWERABLE_FEATURES = (
    "best_probability", "best_use", "best_lexical", "entity_missing", "quantity_unanswered", "topic_uncovered",
    "kind_missing", "head_uncovered", "topic_coverage", "topic_unknown", "uncovered",
    "english", "asked_missing", "unseen_share",
)

_NUMERIC = re.compile(r"\b(combien|nombre|montant|taux|pourcentage|budget|somme|coût|prix|part|how many|how much|"
                      r"what share|what percentage|rate|cost)\b", re.I)
_WHO = re.compile(r"^\s*(qui|par qui|avec qui|who|whom|quel(?:le)?s? (?:est|était|sont) (?:le|la|les) nom)\b", re.I)
_WHEN = re.compile(r"^\s*(quand|à quelle date|depuis quand|jusqu'à quand|en quelle année|when|what date|"
                   r"quelle (?:est la )?date)\b|\bdate limite\b", re.I)
_NUMBER = re.compile(r"\d+(?:[,.]\d+)?")
_DATE = re.compile(r"\b(1[89]|20)\d{2}\b|\b\d{1,2}(?:er)? (?:janvier|février|mars|avril|mai|juin|juillet|août|"
                   r"septembre|octobre|novembre|décembre)\b|\b(?:janvier|février|mars|avril|mai|juin|juillet|août|"
                   r"septembre|octobre|novembre|décembre)\b", re.I)
_NAME = re.compile(r"(?<=[\s(«])[A-ZÀ-Ý][\w'’-]+|\b[A-Z]{2,}\b")


def asks_figure(question: str) -> bool:
    return bool(_NUMERIC.search(question))


def asked_kind(question: str) -> str | None:
    """What the question asks for, when it is a precise question: "figure", "name" or "date"."""
    if _WHEN.search(question):
        return "date"
    if _WHO.search(question):
        return "name"
    if asks_figure(question):
        return "figure"
    return None


def holds_kind(kind: str | None, sentence: str, question: str) -> bool:
    """The sentence holds the kind of thing asked for, one the question does not already give: a figure,
    a date or a name of its own ("l'enquête 2020" does not answer "la date limite de l'enquête 2020")."""
    if kind is None:
        return True
    if kind == "figure":
        asked_numbers = set(_NUMBER.findall(question))
        return any(n not in asked_numbers for n in _NUMBER.findall(sentence))
    if kind == "date":
        asked_dates = {m.group(0).lower() for m in _DATE.finditer(question)}
        return any(m.group(0).lower() not in asked_dates for m in _DATE.finditer(sentence))
    asked = {m.group(0).lower() for m in _NAME.finditer(f" {question}")}
    # the sentence's first word is capitalised whatever it is ("Les ministres…"): no name of its own
    return any(m.group(0).lower() not in asked for m in _NAME.finditer(f" {sentence.strip()}") if m.start() > 1)


@dataclass
class Logistic:
    names: tuple[str, ...]
    coefficients: list[float]
    intercept: float
    means: list[float]
    scales: list[float]

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept + sum(
            c * (features[n] - m) / (s or 1.0)
            for n, c, m, s in zip(self.names, self.coefficients, self.means, self.scales, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    @classmethod
    def from_json(cls, data: dict[str, Any], names: tuple[str, ...]) -> Logistic:
        if tuple(data["features"]) != names:
            raise ValueError(f"{WEIGHTS.name} : caractéristiques inattendues {data['features']} (attendu {names})")
        return cls(names, list(data["coefficients"]), float(data["intercept"]), list(data["means"]),
                   list(data["scales"]))


@dataclass
class Scorer:
    sentence: Logistic
    answerable: Logistic
    threshold: float  # answerable probability below which the question is refused
    selection: dict[str, float]  # how many sentences, and how close to the best, an answer quotes
    fitted: dict[str, Any]  # what the fit command recorded (split, items, figures)


@lru_cache(maxsize=4)
def load_scorer(path: Path = WEIGHTS) -> Scorer:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Scorer(Logistic.from_json(data["sentence"], SENTENCE_FEATURES),
                  Logistic.from_json(data["answerable"], ANSWERABLE_FEATURES),
                  float(data["threshold"]), dict(data["selection"]), dict(data.get("fitted", {})))
