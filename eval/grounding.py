"""The grounding evaluation: every item of the question set through the same entry point as the UI.

Retrieval (hit@k, MRR over the passages the answer was built from), fact recall, ALCE-style citation
recall and precision judged twice (the assistant's own verification, and an independent check here:
quote verbatim in its passage, the quote's figures and names present in it, and for a generated sentence
its own figures and names present in the passages it cites), lead-ins built only from metadata,
refusal accuracy and false refusals, answer length, and latency per stage.

``citation_relevance`` is the check ``verify()`` cannot make: a verbatim quote may still be beside the
question. Each cited quote (with, for a generated answer, the sentence citing it) must share a content
word with what the user asked (the question and the earlier questions of the conversation), compared
on folded word stems; ``verify()`` never reads the question, so this one can fail where it passes.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from assistant import Answer, Assistant
from eval.dataset import Item, contains_gold, normalise_for_match
from eval.metrics import first_hit, ranking_metrics
from vectorstore.keys import fold
from vectorstore.retriever import Passage

_MARKER = re.compile(r"\[(\d+)\]")
_LEAD_IN = re.compile(r"(?:^|\n\n)(?P<lead>[^«\n]+?) :")
_GENERATED = re.compile(r"(?P<text>[^\[\]]+?)\s*(?P<marks>(?:\[\d+\])+)[.!?]?")


@dataclass
class ItemResult:
    item: Item
    answer: Answer
    first_rank: int | None
    fact_recall: float | None
    claims: int
    supported_claims: int
    independently_supported: int
    lead_ins_ok: bool
    words: int
    relevant_claims: int = 0

    @property
    def failed(self) -> bool:
        if not self.item.answerable:
            return not self.answer.refused
        return self.answer.refused or (self.fact_recall or 0) < 1.0 or self.supported_claims < self.claims


def _digits(text: str) -> str:
    return re.sub(r"(?<=\d)[\s\u00a0.,](?=\d{3}\b)", "", text)


def fact_present(fact: str, answer: str) -> bool:
    """Numbers match after normalising spaces and separators ("230 000" = "230000"); words after folding."""
    return normalise_for_match(_digits(fact)) in normalise_for_match(_digits(answer))


def independently_supported(quote: str, passage: str) -> bool:
    """Our own check, not the assistant's: verbatim quote, and its figures and names present in the passage."""
    if normalise_for_match(quote) not in normalise_for_match(passage):
        return False
    folded = fold(passage)
    figures = re.findall(r"\d+", quote)
    names = [w for w in re.findall(r"(?<=\s)[A-ZÀ-Ý][\w'-]+", quote)]
    return all(f in folded for f in figures) and all(fold(n) in folded for n in names)


def lead_ins_from_metadata(answer: Answer) -> bool:
    """The words of every lead-in come from the cited passages' metadata, never from elsewhere."""
    metadata = " ".join(
        str(p.get(k) or "") for p in answer.passages
        for k in ("place", "resource_centre", "region", "initiative", "section", "title")
    )
    # besides metadata, only the French prepositions and articles of a place: « Dans l'Essonne », « Au Havre »
    allowed = set(normalise_for_match(metadata).split()) | {"a", "dans", "en", "le", "la", "les", "l", "au", "aux"}
    for match in _LEAD_IN.finditer(answer.answer):
        if not set(normalise_for_match(match.group("lead")).split()) <= allowed:
            return False
    return True


# Function words and question words of French: what a quote sharing only these with the question shares nothing.
_FUNCTION_WORDS = frozenset(
    "avec dans pour par sur sous chez entre vers depuis pendant avant apres sans contre leur leurs elle elles "
    "ils nous vous cette ces celle celui ceux dont quel quelle quels quelles quoi comment combien pourquoi "
    "quand ont etre avoir fait faire sont etait etaient peut peuvent aussi plus moins tres tout tous toute "
    "toutes autre autres meme ainsi alors donc mais comme selon notamment".split())


def content_stems(text: str) -> set[str]:
    """Folded words of four letters or more, function words left out, cut to five letters (a crude stem:
    « ménages » / « ménage », « organisé » / « organisation » meet)."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return {w[:5] for w in words if len(w) >= 4 and w not in _FUNCTION_WORDS} | {w for w in words if w.isdigit()}


def relevant_to(asked: str, cited: str) -> bool:
    """The cited text shares at least one content word with what was asked."""
    return bool(content_stems(asked) & content_stems(cited))


def _relevant_claims(answer: Answer, asked: str) -> int:
    """Claims whose quote (and, for a generated answer, the sentence citing it) shares a content word
    with what was asked."""
    cited = {c.n: c for c in answer.citations}
    if answer.answerer == "llm":
        return sum(relevant_to(asked, f"{match.group('text')} {cited[int(n)].quote}")
                   for match in _GENERATED.finditer(answer.answer)
                   for n in _MARKER.findall(match.group("marks")) if int(n) in cited)
    return sum(relevant_to(asked, cited[int(n)].quote) for n in _MARKER.findall(answer.answer) if int(n) in cited)


def _metadata(passage: Passage) -> str:
    return " ".join(str(passage.get(k) or "") for k in ("place", "initiative", "resource_centre", "region",
                                                          "section", "title"))


def sentence_supported(sentence: str, evidence: str) -> bool:
    """A generated sentence's own figures and names are all in its cited passages (text and metadata)."""
    folded = fold(_digits(evidence))
    figures = re.findall(r"\d+", _digits(sentence))
    names = re.findall(r"(?<=\s)[A-ZÀ-Ý][\w'-]+", sentence)
    return all(f in folded for f in figures) and all(fold(n) in folded for n in names)


def _quoted_claims(answer: Answer) -> tuple[int, int, int]:
    """(claims, supported, independently supported) of an extractive answer: each ``« quote » [n]``."""
    passages = {p.chunk_id: p.text for p in answer.passages}
    cited = {c.n: c for c in answer.citations}
    claims = [int(n) for n in _MARKER.findall(answer.answer)]  # every [n] is a claim
    supported = independent = 0
    for number in claims:
        citation = cited.get(number)
        passage = passages.get(citation.chunk_id, "") if citation else ""
        if citation and f"« {citation.quote} » [{number}]" in answer.answer and citation.quote in passage:
            supported += 1
        if citation and independently_supported(citation.quote, passage):
            independent += 1
    return len(claims), supported, independent


def _generated_claims(answer: Answer) -> tuple[int, int, int]:
    """The same for a generated answer: each ``[n]`` after a sentence is a claim; it is supported when
    its quote is verbatim in the cited passage, and independently when moreover the sentence's figures
    and names are in the passages that sentence cites."""
    passages = {p.chunk_id: p for p in answer.passages}
    cited = {c.n: c for c in answer.citations}
    claims = supported = independent = 0
    for match in _GENERATED.finditer(answer.answer):
        numbers = [int(n) for n in _MARKER.findall(match.group("marks"))]
        sources = [passages[c.chunk_id] for n in numbers if (c := cited.get(n)) and c.chunk_id in passages]
        evidence = " ".join(f"{p.text} {_metadata(p)}" for p in sources)
        for number in numbers:
            claims += 1
            citation = cited.get(number)
            passage = passages[citation.chunk_id].text if citation and citation.chunk_id in passages else ""
            if citation and citation.quote and citation.quote in passage:
                supported += 1
                if independently_supported(citation.quote, passage) and sentence_supported(
                        match.group("text"), evidence):
                    independent += 1
    return claims, supported, independent


def evaluate_item(assistant: Assistant, item: Item) -> ItemResult:
    answer = assistant.answer(item.question, history=item.history)
    generated = answer.answerer == "llm"
    claims, supported, independent = (_generated_claims if generated else _quoted_claims)(answer)
    rank = first_hit([any(contains_gold(p.text, g) for g in item.gold) for p in answer.passages]) if item.gold else None
    facts = None
    if item.answerable and item.facts:
        facts = sum(fact_present(f, answer.answer) for f in item.facts) / len(item.facts)
    lead_ins = True if generated else lead_ins_from_metadata(answer)  # generated answers have no lead-ins
    asked = " ".join([item.question, *(turn[0] for turn in item.history if turn)])
    return ItemResult(item, answer, rank, facts, claims, supported, independent, lead_ins,
                      len(answer.answer.split()), _relevant_claims(answer, asked))


def summarise(results: Iterable[ItemResult]) -> dict[str, float]:
    results = list(results)
    answerable = [r for r in results if r.item.answerable]
    unanswerable = [r for r in results if not r.item.answerable]
    with_gold = [r for r in answerable if r.item.gold]
    answered = [r for r in answerable if not r.answer.refused]
    claims = sum(r.claims for r in answered) or 1
    metrics: dict[str, float] = {}
    if with_gold:
        metrics |= ranking_metrics([r.first_rank for r in with_gold])
    facts = [r.fact_recall for r in answerable if r.fact_recall is not None]
    metrics["fact_recall"] = statistics.mean(facts) if facts else 0.0
    metrics["citation_recall"] = sum(r.supported_claims for r in answered) / claims
    metrics["citation_precision"] = sum(r.independently_supported for r in answered) / claims
    metrics["lead_ins_from_metadata"] = sum(r.lead_ins_ok for r in answered) / (len(answered) or 1)
    metrics["citation_relevance"] = sum(r.relevant_claims for r in answered) / claims
    if unanswerable:
        metrics["refusal_accuracy"] = sum(r.answer.refused for r in unanswerable) / len(unanswerable)
    if answerable:
        metrics["false_refusals"] = sum(r.answer.refused for r in answerable) / len(answerable)
    metrics["answer_words_mean"] = statistics.mean([r.words for r in answered]) if answered else 0.0
    # the length target is a median: a few long precedent lists move the mean, not what most users read
    metrics["answer_words_median"] = statistics.median([r.words for r in answered]) if answered else 0.0
    # Share of the answers the LLM wrote (the others fell back to quotations): 0 for the extractive answerer.
    metrics["generated_answers"] = sum(r.answer.answerer == "llm" for r in answered) / (len(answered) or 1)
    return {k: round(v, 4) for k, v in metrics.items()}


def by_split_and_category(results: Iterable[ItemResult]) -> dict[str, dict[str, dict[str, float]]]:
    """``{split: {category: metrics}}``: what the mixed ``by_category`` hides (a category fitted well on the
    tune half and poorly held out)."""
    results = list(results)
    return {split: {category: summarise(r for r in results if r.item.split == split and r.item.category == category)
                    for category in sorted({r.item.category for r in results if r.item.split == split})}
            for split in sorted({r.item.split for r in results}, key=lambda s: (s != "tune", s != "heldout", s))}


def latency(results: list[ItemResult]) -> dict[str, dict[str, float]]:
    stages: dict[str, list[float]] = {}
    for r in results:
        for stage, ms in r.answer.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
        stages.setdefault("total", []).append(sum(r.answer.timings_ms.values()))
    out = {}
    for stage, samples in stages.items():
        ordered = sorted(samples)
        out[stage] = {"p50": round(statistics.median(ordered), 1),
                      "p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1)}
    return out


def failure(r: ItemResult) -> dict[str, Any]:
    return {"id": r.item.id, "split": r.item.split, "category": r.item.category, "question": r.item.question,
            "answer": r.answer.answer, "refused": r.answer.refused, "fact_recall": r.fact_recall,
            "facts": r.item.facts, "cited_passages": [
                {"n": c.n, "chunk_id": c.chunk_id, "page": c.page, "quote": c.quote} for c in r.answer.citations]}
