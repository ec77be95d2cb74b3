"""Precedent search: the initiatives that match a theme or a question, one entry each, with their best
sentence. ``quartiers precedents``, the explorer and the chat's precedent answers all call it, so they list
the same initiatives (the chat re-chooses the quoted sentences with the answerer's sentence model, which
this layer does not hold: ``assistant/precedent_answer.py``; ``pool`` gives it the retrieval's ranks).

Initiatives are ranked by their best passage in the hybrid retrieval. An initiative is *relevant* when
its best passage scores at least ``RELEVANT`` of the best one's (fused) score, *borderline* ("voir aussi")
down to ``BORDERLINE``: a relevance cut-off, not a fixed count (chosen on the tuning half of
``eval/precedent_questions.jsonl``; ``python -m eval.precedents`` prints both halves). When the query names
a theme (``vectorstore.themes``), every initiative carrying that theme is relevant too; when a question is
clearly about one theme (USE similarity), a borderline initiative whose first theme it is becomes relevant. A document
without initiatives (another report, a guide) contributes its sections instead, in the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.chunking import sentence_spans
from quartiers.text_toolkit import innermost_heading
from vectorstore.french import analyse
from vectorstore.retriever import HybridRetriever, Passage
from vectorstore.themes import initiative_themes, question_theme, slug_for, theme_label

POOL = 30  # passages considered; initiatives are ranked by their best passage
RELEVANT = 0.6
BORDERLINE = 0.35
MAX_RELEVANT = 12


@dataclass
class Precedent:
    initiative_id: str | None  # None for a section of a document without initiatives
    title: str
    resource_centre: str | None
    region: str | None
    place: str | None
    source: str
    pages: list[int]
    sentence: str
    score: float
    chunk_id: str
    themes: list[str] = field(default_factory=list)
    section: str | None = None
    kind: str = "initiative"  # or "section"

    @property
    def key(self) -> str:
        return self.initiative_id or f"{self.source}#{self.section}"

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["theme_labels"] = [theme_label(t) for t in self.themes]
        return data


@dataclass
class PrecedentSearch:
    relevant: list[Precedent]
    borderline: list[Precedent]
    passages: dict[str, Passage]  # the best passage of each entry, by key
    pool: list[Passage] = field(default_factory=list)  # what the hybrid retrieval returned, ranked


def best_sentence(text: str, theme: str) -> tuple[str, int]:
    """The sentence of ``text`` sharing the most (stemmed) words with the theme, and where it starts;
    the first on ties; a question only when the text holds nothing else."""
    wanted = set(analyse(theme))
    spans = [(a, b) for a, b in sentence_spans(text) if text[a:b].strip()]
    if not spans:
        return text.strip(), 0
    # a sentence of the text that is itself a question ("Comment garder le lien… ?") says nothing was done
    scored = [(not text[a:b].rstrip().endswith("?"), len(wanted & set(analyse(text[a:b]))), -i, a, b)
              for i, (a, b) in enumerate(spans)]
    *_, start, end = max(scored)
    raw = text[start:end]
    return raw.strip(), start + (len(raw) - len(raw.lstrip()))


def _key(passage: Passage, without_initiatives: set[str]) -> str | None:
    if passage.get("initiative_id"):
        return str(passage.get("initiative_id"))
    if passage.get("source") in without_initiatives:
        return f"{passage.get('source')}#{passage.get('section') or passage.get('title')}"
    return None  # a general section of a document that has initiatives: not a precedent


def search_precedents(retriever: HybridRetriever, query: str,
                      filters: Mapping[str, Sequence[str]] | None = None) -> PrecedentSearch:
    passages = retriever.search(query, k=POOL, filters=filters)
    with_initiatives = {source for source, record in retriever.records.items() if record.initiatives}
    without = {str(p.get("source")) for p in passages} - with_initiatives
    best: dict[str, Passage] = {}
    for passage in passages:
        if (key := _key(passage, without)) is not None:
            best.setdefault(key, passage)
    themes = initiative_themes(retriever) if with_initiatives else {}
    wanted_theme = slug_for(query)
    if wanted_theme:  # every initiative of a named theme, even one the passages ranked low
        others = sorted(i for i, slugs in themes.items() if wanted_theme in slugs and i not in best)
        for start in range(0, len(others), 500):
            where = {"initiative_id": {"$in": others[start : start + 500]}}
            for passage in retriever.passages_where(where, filters):  # store order: an initiative's first passage
                if (initiative := str(passage.get("initiative_id"))) not in best:
                    best[initiative] = Passage(passage.chunk_id, passage.text, passage.metadata, 0.0)
    pages: dict[str, set[int]] = {key: set(p.get("pages") or []) for key, p in best.items()}
    initiatives = sorted(k for k, p in best.items() if p.get("initiative_id"))
    for start in range(0, len(initiatives), 500):  # an initiative's pages are all its chunks' pages
        for passage in retriever.passages_where({"initiative_id": {"$in": initiatives[start : start + 500]}}):
            pages[str(passage.get("initiative_id"))].update(passage.get("pages") or [])
    entries = [_entry(key, p, sorted(pages[key]), query, themes.get(key, [])) for key, p in best.items()]
    entries.sort(key=lambda e: -e.score)
    top = entries[0].score if entries else 0.0
    about = None if wanted_theme else question_theme(query)
    relevant = [e for e in entries if e.score >= RELEVANT * top or (wanted_theme and wanted_theme in e.themes) or (
        about and e.themes[:1] == [about] and e.score >= BORDERLINE * top)]
    borderline = [e for e in entries if e not in relevant and e.score >= BORDERLINE * top]
    return PrecedentSearch(relevant[:MAX_RELEVANT], borderline + relevant[MAX_RELEVANT:], best, passages)


def _entry(key: str, passage: Passage, pages: list[int], query: str, themes: list[str]) -> Precedent:
    sentence, _ = best_sentence(passage.text, query)
    section = str(passage.get("section") or passage.get("title") or "")
    if passage.get("initiative_id"):
        title, kind, initiative_id = str(passage.get("initiative")), "initiative", key
    else:
        title, kind, initiative_id = innermost_heading(section) or str(passage.get("title")), "section", None
    return Precedent(
        initiative_id=initiative_id, title=title, resource_centre=passage.get("resource_centre"),
        region=passage.get("region"), place=passage.get("place"), source=str(passage.get("source")),
        pages=pages, sentence=sentence, score=round(passage.score, 6), chunk_id=passage.chunk_id,
        themes=list(themes), section=section or None, kind=kind,
    )


def find_precedents(retriever: HybridRetriever, theme: str, k: int = 10,
                    filters: Mapping[str, Sequence[str]] | None = None) -> list[Precedent]:
    """The relevant precedents for ``theme``, most relevant first, at most ``k``."""
    return search_precedents(retriever, theme, filters).relevant[:k]
