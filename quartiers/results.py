"""What retrieval and answering return: ``Passage`` (a ranked chunk), ``Citation`` and ``Answer`` (the
data behind ``quartiers ask --json``, CONTRACTS.md), ``TermStatistics`` (the corpus's term counts). Plain
dataclasses with no heavy import, so the web views, the API's models and the tests read them without
loading chromadb or langchain.

Their old homes still work: ``vectorstore.retriever.Passage``, ``assistant.model.Answer`` / ``Citation``
and ``assistant.Answer`` are these same classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from quartiers.text_toolkit import HEADING_SEPARATOR, heading_path, innermost_heading

Answerer = Literal["extractive", "llm"]  # who wrote an answer: quotations only, or a verified language model
ANSWERERS: tuple[Answerer, ...] = get_args(Answerer)
# the heading functions are the text toolkit's, re-exported here: their old import path
__all__ = ["ANSWERERS", "HEADING_SEPARATOR", "Answer", "Answerer", "Citation", "Passage", "TermStatistics",
           "heading_path", "innermost_heading"]


@dataclass
class Passage:
    chunk_id: str
    text: str
    metadata: dict[str, Any]
    score: float = 0.0
    rank: int = 0
    ranks: dict[str, int] = field(default_factory=dict)  # rank on each side that found it

    def get(self, key: str) -> Any:
        return self.metadata.get(key)

    def page_at(self, offset: int) -> int | None:
        """The page on which ``text[offset:]`` starts (chunks record where each of their pages starts)."""
        page = self.get("page")
        for number, start in zip(self.get("pages") or [], self.get("page_offsets") or [], strict=False):
            if start <= offset:
                page = number
        return page

    def to_json(self) -> dict[str, Any]:
        meta = self.metadata
        return {
            "rank": self.rank, "chunk_id": self.chunk_id, "source": meta.get("source"), "title": meta.get("title"),
            "page": meta.get("page"), "pages": list(meta["pages"]) if meta.get("pages") else None,
            "section": meta.get("section"), "initiative": meta.get("initiative"),
            "initiative_id": meta.get("initiative_id"), "resource_centre": meta.get("resource_centre"),
            "region": meta.get("region"), "place": meta.get("place"), "publisher": meta.get("publisher"),
            "date": meta.get("date"), "text": self.text,
            "score": round(self.score, 6),
        }


@dataclass(frozen=True)
class TermStatistics:
    """The lexical side's counts, for the answerer's idf and what the corpus never writes."""

    document_frequency: Mapping[str, int]  # analysed term → served chunks holding it
    chunks: int  # served chunks


@dataclass
class Citation:
    n: int
    chunk_id: str
    source: str
    title: str
    page: int | None
    section: str
    initiative: str | None
    quote: str  # found verbatim in the passage ``chunk_id``

    @classmethod
    def quoting(cls, n: int, passage: Passage, quote: str, start: int) -> Citation:
        """Citation ``n`` of ``quote``, which starts at ``start`` in ``passage``: the page is that quote's
        own, not the passage's first (every answerer builds its citations here)."""
        return cls(n, passage.chunk_id, str(passage.get("source")), str(passage.get("title")),
                   passage.page_at(start), str(passage.get("section") or ""), passage.get("initiative"), quote)


@dataclass
class Answer:
    question: str
    rewritten_question: str
    answer: str
    refused: bool
    answerer: Answerer = "extractive"
    fallback: str | None = None
    citations: list[Citation] = field(default_factory=list)
    see_also: list[Passage] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    dropped_sentences: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)
    answerable: float | None = None  # the answerability probability (0..1) the refusal decision rests on
    # A precedent question's entries (assistant/precedent_answer.py), one per initiative, with their ``n``.
    precedents: list[dict[str, Any]] = field(default_factory=list)

    def _stated(self, chunk_id: str) -> dict[str, Any]:
        """The cited document's publisher and date, as it states them (from its passage's metadata)."""
        passage = next((p for p in (*self.passages, *self.see_also) if p.chunk_id == chunk_id), None)
        return {"publisher": passage.get("publisher") if passage else None,
                "date": passage.get("date") if passage else None}

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question, "rewritten_question": self.rewritten_question, "answer": self.answer,
            "refused": self.refused, "answerer": self.answerer, "fallback": self.fallback,
            "citations": [asdict(c) | self._stated(c.chunk_id) for c in self.citations],
            "see_also": [p.to_json() for p in self.see_also],
            "passages": [p.to_json() for p in self.passages],
            "dropped_sentences": self.dropped_sentences,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "answerable": self.answerable,
            "precedents": self.precedents,
        }
