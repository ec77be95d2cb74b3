"""What an answer is: the data behind ``quartiers ask --json`` (CONTRACTS.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from vectorstore.retriever import Passage


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


@dataclass
class Answer:
    question: str
    rewritten_question: str
    answer: str
    refused: bool
    answerer: str = "extractive"
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
