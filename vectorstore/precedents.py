"""Precedent search: the initiatives that match a theme, one entry each, with their best sentence.

This is what an officer looking for precedents wants first: not passages, but "who did what, where",
each with the sentence that best shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ingest.chunking import sentence_spans
from vectorstore.french import analyse
from vectorstore.retriever import HybridRetriever, Passage

POOL = 30  # passages considered; initiatives are ranked by their best passage


@dataclass
class Precedent:
    initiative_id: str
    title: str
    resource_centre: str | None
    region: str | None
    place: str | None
    source: str
    pages: list[int]
    sentence: str
    score: float
    chunk_id: str

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "chunk_id"} | {"chunk_id": self.chunk_id}


def best_sentence(text: str, theme: str) -> str:
    """The sentence of ``text`` sharing the most (stemmed) words with the theme; the first on ties."""
    wanted = set(analyse(theme))
    sentences = [text[a:b].strip() for a, b in sentence_spans(text)]
    if not sentences:
        return text.strip()
    scored = [(len(wanted & set(analyse(s))), -i, s) for i, s in enumerate(sentences)]
    return max(scored)[2]


def find_precedents(retriever: HybridRetriever, theme: str, k: int = 10,
                    filters: Mapping[str, Sequence[str]] | None = None) -> list[Precedent]:
    passages = retriever.search(theme, k=POOL, filters=filters)
    best: dict[str, Passage] = {}
    pages: dict[str, set[int]] = {}
    for passage in passages:
        initiative_id = passage.get("initiative_id")
        if not initiative_id:
            continue
        best.setdefault(initiative_id, passage)
        pages.setdefault(initiative_id, set()).update(passage.get("pages") or [])
    for chunk_id, meta in retriever.metadata.items():  # an initiative's pages are all its chunks' pages
        if meta.get("initiative_id") in pages and chunk_id:
            pages[str(meta["initiative_id"])].update(meta.get("pages") or [])
    results = [
        Precedent(
            initiative_id=initiative_id, title=str(p.get("initiative")), resource_centre=p.get("resource_centre"),
            region=p.get("region"), place=p.get("place"), source=str(p.get("source")),
            pages=sorted(pages[initiative_id]), sentence=best_sentence(p.text, theme), score=round(p.score, 6),
            chunk_id=p.chunk_id,
        )
        for initiative_id, p in best.items()
    ]
    results.sort(key=lambda r: -r.score)
    top = results[0].score if results else 0.0
    wanted = set(analyse(theme))
    return [r for r in results if _relevant(r, best[r.initiative_id], wanted, top)][:k]


def _relevant(precedent: Precedent, passage: Passage, wanted: set[str], top: float) -> bool:
    """An initiative whose passage shares a theme word, or that ranks close to the best one (paraphrases)."""
    if not wanted or precedent.score >= 0.5 * top:
        return True
    have = set(analyse(" ".join(filter(None, [precedent.title, passage.text, precedent.place]))))
    return bool(wanted & have)
