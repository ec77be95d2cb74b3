"""The default answerer: quotes the sentences of the retrieved passages that answer the question.

Every sentence of the five passages is a candidate, described by features (``assistant.scorer``): its
semantic similarity to the question (multilingual USE vectors from the store's derived sentence index),
its lexical coverage of the question's idf-weighted terms, its passage's rank, whether it names what the
question names and holds the kind of thing asked for. The fitted sentence model turns them into a
probability; the best sentences are quoted, the one that answers first, grouped by initiative under a
lead-in built only from metadata, each quotation followed by its citation number. Nothing else is written.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from assistant.injection import is_instruction
from assistant.lead_in import Prepositions, lead_in
from assistant.model import Citation
from assistant.parts import best_per_part, part_scores, question_parts
from assistant.scorer import Scorer, asked_kind, asks_figure, holds_kind
from assistant.terms import is_english, key_terms, mentions
from ingest.chunking import sentence_spans
from vectorstore.french import analyse
from vectorstore.retriever import Passage
from vectorstore.use_index import encode

_HOW_QUESTION = re.compile(r"^\s*(comment|how|de quelle manière|quelles? (?:modalités|organisation))\b", re.I)
_PRECEDENT_QUESTION = re.compile(
    r"\b(précédents?|initiatives|exemples|quelles actions|quels dispositifs|which initiatives|examples)\b", re.I
)
# a table of contents' entry ("Des acteur.rice.s en proximité ..... p. 4"): it points to the text, it says nothing
# (its page number may come as a sentence of its own: the leader alone ends it)
_CONTENTS_ENTRY = re.compile(r"(?:(?:\.\s?){4,}\s*(?:(?:p\.?\s*)?\d+)?|(?:\.\s?){3,}\s*p\.\s*\d+)\s*$")
MAX_PRECEDENT_GROUPS = 3  # a precedent question gets one quote per initiative (issue 13 adds its own path)


@dataclass
class Candidate:
    passage: Passage
    start: int
    end: int
    score: float  # lexical coverage (idf-weighted, the user's own words double)
    terms: set[str]
    use: float = 0.0
    probability: float = 0.0
    features: dict[str, float] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end].strip()


def idf_weights(terms: list[str], document_frequency: Mapping[str, int], documents: int) -> dict[str, float]:
    return {t: math.log(1 + (documents - document_frequency.get(t, 0) + 0.5) / (document_frequency.get(t, 0) + 0.5))
            for t in terms}


def score_sentences(question: str, focus: str, passages: list[Passage], weights: dict[str, float]) -> list[Candidate]:
    """Every sentence of the passages with its lexical coverage; ``focus`` (the user's own words) weighs double."""
    focus_terms = set(key_terms(focus))
    total = sum(weights[t] * (2 if t in focus_terms else 1) for t in weights) or 1.0
    seen: set[str] = set()
    candidates = []
    for passage in passages:
        for start, end in sentence_spans(passage.text):
            sentence = passage.text[start:end].strip()
            # Overlapping chunks repeat sentences; a sentence addressing the model is never evidence.
            if len(sentence.split()) < 4 or sentence in seen or _CONTENTS_ENTRY.search(sentence) \
                    or is_instruction(sentence):
                continue
            seen.add(sentence)
            terms = set(analyse(sentence))
            covered = sum(w * (2 if t in focus_terms else 1) for t, w in weights.items() if t in terms)
            candidates.append(Candidate(passage, start, end, covered / total, terms))
    return candidates


def _names(passage: Passage, focus_entities: list[str]) -> bool:
    named = " ".join(str(passage.get(k) or "") for k in ("place", "initiative", "region", "resource_centre"))
    return any(mentions(e, f"{passage.text} {named}") for e in focus_entities)


def describe(candidates: list[Candidate], question: str, focus: str, vectors: np.ndarray, question_vector: np.ndarray,
             focus_entities: list[str]) -> None:
    """Fill each candidate's features (``assistant.scorer.SENTENCE_FEATURES``); ``vectors``: its USE vectors."""
    if not candidates:
        return
    similarities = vectors @ question_vector
    best_use, best_lexical = float(similarities.max()), max(c.score for c in candidates)
    figure, kind, english = asks_figure(focus), asked_kind(focus), float(is_english(focus))
    firsts = {c.passage.chunk_id: min(x.start for x in candidates if x.passage.chunk_id == c.passage.chunk_id)
              for c in candidates}
    for candidate, similarity in zip(candidates, similarities, strict=True):
        candidate.use = float(similarity)
    use_rank = {id(c): i + 1 for i, c in enumerate(sorted(candidates, key=lambda c: -c.use))}
    parts = question_parts(focus)
    part_best = set(best_per_part(part_scores(parts, candidates, vectors, encode(parts)))) if len(parts) > 1 else set()
    lexical_rank = {id(c): i + 1 for i, c in enumerate(sorted(candidates, key=lambda c: -c.score))}
    # each of the five passages is read once for the names, not once per sentence
    naming = {c.passage.chunk_id: _names(c.passage, focus_entities) for c in candidates} if focus_entities else {}
    for index, candidate in enumerate(candidates):
        text, passage = candidate.text, candidate.passage
        before = candidates[index - 1] if index else None
        previous = before if before is not None and before.passage.chunk_id == passage.chunk_id else None
        in_passage = bool(focus_entities) and naming[passage.chunk_id]
        candidate.features = {
            "use": candidate.use, "use_gap": candidate.use - best_use, "lexical": candidate.score,
            "lexical_gap": candidate.score - best_lexical, "rank": 1.0 / (passage.rank or 1),
            "figure_asked_held": float(figure and bool(re.search(r"\d", text))),
            "figure_held": float(bool(re.search(r"\d", text))),
            "entity_in_sentence": float(any(mentions(e, text) for e in focus_entities)),
            "entity_in_passage": float(in_passage), "entity_elsewhere": float(bool(focus_entities) and not in_passage),
            "kind_held": float(kind is not None and holds_kind(kind, text, question)),
            "words": min(len(text.split()), 80) / 80,
            "first_in_passage": float(firsts[passage.chunk_id] == candidate.start),
            "english": english,
            # the sentence after one that matches the question often holds the answer ("… repose sur 3 piliers :")
            "previous_use": previous.use if previous else 0.0,
            "previous_lexical": previous.score if previous else 0.0,
            "introduces_list": float(text.rstrip().endswith(":")),
            "use_rank": 1.0 / use_rank[id(candidate)], "lexical_rank": 1.0 / lexical_rank[id(candidate)],
            # the best match of one part of a question of several ("…urbaine, et pour une commune rurale ?"):
            # ``select`` quotes one per part (not a model feature: as one, it lowered held-out recall)
            "part_best": float(index in part_best),
        }


def select(candidates: list[Candidate], question: str, scorer: Scorer,
           focus_entities: list[str] | None = None) -> list[Candidate]:
    """The sentences to quote, best first. When some passages name the question's place or actor, the others
    are not quoted; a "how" question about one initiative is answered from that initiative, as a paragraph."""
    for candidate in candidates:
        candidate.probability = scorer.sentence.probability(candidate.features)
    named = [e for e in focus_entities or [] if e[:1].isalpha()]  # a year names no place nor actor
    naming = {c.passage.chunk_id: _names(c.passage, named) for c in candidates} if named else {}
    if any(naming.values()):
        candidates = [c for c in candidates if naming[c.passage.chunk_id]]
    in_order = list(candidates)
    candidates = sorted(candidates, key=lambda c: -c.probability)
    if not candidates:
        return []
    options = scorer.selection
    precedent = bool(_PRECEDENT_QUESTION.search(question))
    how = bool(_HOW_QUESTION.search(question))
    limit = int(options["how"] if how else options["precise"] if asked_kind(question) else options["factual"])
    best = candidates[0].probability
    initiative = candidates[0].passage.get("initiative_id")
    floor = max(options["floor"], options["ratio"] * best)
    if how and initiative and not precedent:
        candidates = [c for c in candidates if c.passage.get("initiative_id") == initiative]
        floor = options["floor"]  # within the initiative, every sentence is on topic
    if precedent:
        floor = options["floor"]  # precedents are several initiatives: the best of each, not only the closest
    parts = [c for c in candidates if c.features.get("part_best")]
    if parts:  # a question of several parts: each part's best match comes right after the best sentence
        limit = max(limit, len(parts))
        marked = {id(c) for c in parts}
        candidates = [candidates[0], *(c for c in parts if c is not candidates[0]),
                      *(c for c in candidates[1:] if id(c) not in marked)]
    chosen: list[Candidate] = []
    groups: dict[str, int] = {}
    units = 0  # quotes counted against the limit: a list counts once with its announcement
    for candidate in candidates:
        if chosen and candidate.probability < floor and not any(candidate is c for c in parts):
            break
        if any(candidate is other or _overlap(candidate.terms, other.terms) > 0.6 for other in chosen):
            continue
        group = str(candidate.passage.get("initiative_id") or candidate.passage.get("section"))
        if precedent and (group in groups or len(groups) >= MAX_PRECEDENT_GROUPS):
            continue
        if units >= limit:
            break
        groups[group] = groups.get(group, 0) + 1
        units += 1
        chosen.extend(c for c in with_list(candidate, in_order) if all(c is not other for other in chosen))
    if not precedent and not asked_kind(question):
        chosen = with_next(chosen, in_order, int(options.get("next_words", 0)))
    return chosen


def with_next(chosen: list[Candidate], in_order: list[Candidate], max_words: int) -> list[Candidate]:
    """An open question ("qu'a fait…", "comment…", "que s'est-il passé…") is answered over several
    sentences: the one after the best sentence in its passage, which goes on telling what was done, comes
    right after it, while the quotes stay within ``max_words`` (fit with the selection). On the tune
    half's open questions, the sentence after the best one holds an expected fact a quarter of the time,
    three times as often as any other sentence of the passages."""
    best = chosen[0]
    following = [c for c in in_order if c.passage.chunk_id == best.passage.chunk_id and c.start > best.start]
    if not following:
        return chosen
    after = min(following, key=lambda c: c.start)
    words = sum(len(c.text.split()) for c in chosen) + len(after.text.split())
    if any(after is c for c in chosen) or words > max_words:
        return chosen
    return [best, after, *chosen[1:]]


LIST_WORDS = 60  # how much of the list a sentence announces ("… repose sur 3 piliers :") is quoted with it


def with_list(candidate: Candidate, in_order: list[Candidate]) -> list[Candidate]:
    """A sentence announcing a list (it ends with a colon) is quoted with the sentences that follow it in
    its passage, up to ``LIST_WORDS``, each as its own quote: the announcement alone answers nothing."""
    if not candidate.text.endswith(":"):
        return [candidate]
    following = sorted((c for c in in_order if c.passage.chunk_id == candidate.passage.chunk_id
                        and c.start > candidate.start), key=lambda c: c.start)
    quoted, words = [candidate], len(candidate.text.split())
    for item in following:
        words += len(item.text.split())
        if words > LIST_WORDS and len(quoted) > 1:
            break  # the first item always comes: an announcement alone answers nothing
        quoted.append(item)
    return quoted


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / (min(len(a), len(b)) or 1)


def compose(chosen: list[Candidate], prepositions: Prepositions | None = None,
            reading_order: bool = False) -> tuple[str, list[Citation]]:
    """Group quotations by initiative, the group of the best quote first; within a group, best first (or in
    reading order for a paragraph answering "comment…")."""
    order: dict[str, list[Candidate]] = {}
    for candidate in chosen:
        order.setdefault(str(candidate.passage.get("initiative_id") or candidate.passage.get("section")), []).append(
            candidate)
    paragraphs: list[str] = []
    citations: list[Citation] = []
    for group in order.values():
        if reading_order:
            group.sort(key=lambda c: (c.passage.get("position") or 0, c.start))
        parts = [lead_in(group[0].passage, prepositions)]
        for candidate in group:
            n = len(citations) + 1
            p = candidate.passage
            citations.append(Citation.quoting(n, p, candidate.text, candidate.start))
            parts.append(f"« {candidate.text} » [{n}]")
        paragraphs.append(" ".join(parts))
    return "\n\n".join(paragraphs), citations


def is_how(question: str) -> bool:
    return bool(_HOW_QUESTION.search(question))
