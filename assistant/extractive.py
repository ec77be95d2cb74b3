"""The default answerer: quotes the sentences of the retrieved passages that answer the question.

Sentences are scored by how much of the question's (idf-weighted) terms they cover, with a bonus for
figures when the question asks for one and a prior from the passage's rank; redundant ones are
skipped. They are grouped by initiative under a lead-in built only from metadata, and each quotation
is followed by its citation number. Nothing else is written: every claim is a verbatim quote.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.injection import is_instruction
from assistant.model import Citation
from assistant.terms import key_terms, present
from ingest.chunking import sentence_spans
from vectorstore.french import analyse
from vectorstore.retriever import Passage

MAX_FACTUAL = 4
MAX_HOW = 6  # "comment...?" asks how something was organised: a short paragraph, not one figure
_HOW_QUESTION = re.compile(r"^\s*(comment|how|de quelle manière|quelles? (?:modalités|organisation))\b", re.I)
MAX_PRECEDENT_GROUPS = 4
PER_PRECEDENT = 2  # a precedent question gets a short paragraph per initiative
_NUMERIC_QUESTION = re.compile(r"\b(combien|nombre|montant|how many|how much|quel budget|quelle somme)\b", re.I)
_PRECEDENT_QUESTION = re.compile(
    r"\b(précédents?|initiatives|exemples|quelles actions|quels dispositifs|which initiatives|examples)\b", re.I
)


@dataclass
class Candidate:
    passage: Passage
    start: int
    end: int
    score: float
    terms: set[str]

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end].strip()


def idf_weights(terms: list[str], document_frequency: dict[str, int], documents: int) -> dict[str, float]:
    return {t: math.log(1 + (documents - document_frequency.get(t, 0) + 0.5) / (document_frequency.get(t, 0) + 0.5))
            for t in terms}


def score_sentences(question: str, focus: str, passages: list[Passage], weights: dict[str, float]) -> list[Candidate]:
    """Every sentence of the passages, scored; ``focus`` (the user's own words) weighs double."""
    focus_terms = set(key_terms(focus))
    total = sum(weights[t] * (2 if t in focus_terms else 1) for t in weights) or 1.0
    numeric = bool(_NUMERIC_QUESTION.search(focus))
    seen: set[str] = set()
    candidates = []
    for rank, passage in enumerate(passages, start=1):
        for start, end in sentence_spans(passage.text):
            sentence = passage.text[start:end].strip()
            # Overlapping chunks repeat sentences; a sentence addressing the model is never evidence.
            if len(sentence.split()) < 4 or sentence in seen or is_instruction(sentence):
                continue
            seen.add(sentence)
            terms = set(analyse(sentence))
            covered = sum(w * (2 if t in focus_terms else 1) for t, w in weights.items() if t in terms)
            score = covered / total + 0.15 / rank + (0.2 if numeric and re.search(r"\d", sentence) else 0.0)
            candidates.append(Candidate(passage, start, end, score, terms))
    return sorted(candidates, key=lambda c: -c.score)


def select(candidates: list[Candidate], question: str, focus_entities: list[str] | None = None) -> list[Candidate]:
    """The sentences to quote. Passages that do not name the question's entities count half; a "how"
    question about one initiative is answered from that initiative alone, as a short paragraph."""
    if not candidates:
        return []
    if focus_entities:
        for candidate in candidates:
            named = f"{candidate.passage.text} {candidate.passage.get('place') or ''}"
            if not any(present(entity, named) for entity in focus_entities):
                candidate.score *= 0.5
        candidates = sorted(candidates, key=lambda c: -c.score)
    best = candidates[0].score
    precedent = bool(_PRECEDENT_QUESTION.search(question))
    limit = MAX_HOW if _HOW_QUESTION.search(question) else MAX_FACTUAL
    initiative = candidates[0].passage.get("initiative_id")
    if limit == MAX_HOW and initiative and not precedent:
        candidates = [c for c in candidates if c.passage.get("initiative_id") == initiative]
        best = 0.0  # within the initiative, every sentence is on topic
    chosen: list[Candidate] = []
    groups: dict[str, int] = {}
    for candidate in candidates:
        if candidate.score < 0.45 * best:
            break
        if any(_overlap(candidate.terms, other.terms) > 0.6 for other in chosen):
            continue
        group = str(candidate.passage.get("initiative_id") or candidate.passage.get("section"))
        if precedent:
            if groups.get(group, 0) >= PER_PRECEDENT or (group not in groups and len(groups) >= MAX_PRECEDENT_GROUPS):
                continue
        elif len(chosen) >= limit:
            break
        groups[group] = groups.get(group, 0) + 1
        chosen.append(candidate)
    return chosen


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / (min(len(a), len(b)) or 1)


def lead_in(passage: Passage) -> str:
    """Built only from metadata: "À Nantes (Réso Villes, Bretagne – Pays de la Loire) :"."""
    who = ", ".join(x for x in (passage.get("resource_centre"), passage.get("region")) if x)
    if passage.get("initiative") and passage.get("place"):
        return f"À {passage.get('place')} ({who}) :" if who else f"À {passage.get('place')} :"
    if passage.get("initiative"):
        return f"« {passage.get('initiative')} » ({who}) :" if who else f"« {passage.get('initiative')} » :"
    section = str(passage.get("section") or passage.get("title") or "")
    return f"Dans « {section.split(' > ')[-1]} » :"


def page_of(passage: Passage, offset: int) -> int | None:
    pages, offsets = passage.get("pages") or [], passage.get("page_offsets") or []
    page = passage.get("page")
    for p, o in zip(pages, offsets, strict=False):
        if o <= offset:
            page = p
    return page


def compose(chosen: list[Candidate]) -> tuple[str, list[Citation]]:
    """Group quotations by initiative (in order of relevance), in reading order within a group."""
    order: dict[str, list[Candidate]] = {}
    for candidate in chosen:
        order.setdefault(str(candidate.passage.get("initiative_id") or candidate.passage.get("section")), []).append(
            candidate)
    paragraphs: list[str] = []
    citations: list[Citation] = []
    for group in order.values():
        group.sort(key=lambda c: (c.passage.get("position") or 0, c.start))
        parts = [lead_in(group[0].passage)]
        for candidate in group:
            n = len(citations) + 1
            p = candidate.passage
            citations.append(Citation(n, p.chunk_id, str(p.get("source")), str(p.get("title")),
                                      page_of(p, candidate.start), str(p.get("section") or ""), p.get("initiative"),
                                      candidate.text))
            parts.append(f"« {candidate.text} » [{n}]")
        paragraphs.append(" ".join(parts))
    return "\n\n".join(paragraphs), citations
