"""The one entry point every consumer calls: ``Assistant.answer(question, history, filters) -> Answer``.

Built as a LangChain chain of runnables: condense → retrieve → answer → verify, each stage timed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from langchain_core.runnables import RunnableLambda

from assistant.condense import condense
from assistant.extractive import compose, idf_weights, score_sentences, select
from assistant.model import Answer
from assistant.refusal import MIN_EVIDENCE, missing_entities, quantity_unanswered, refusal_message, topic_uncovered
from assistant.terms import entities, key_terms
from assistant.verify import verify
from vectorstore.retriever import HybridRetriever
from vectorstore.store import Store

TOP_K = 5


def _timed(stage: str, step: Callable[[dict[str, Any]], dict[str, Any]]) -> RunnableLambda:
    def run(state: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        state = step(state)
        state["timings_ms"][stage] = (time.perf_counter() - started) * 1000
        return state

    return RunnableLambda(run, name=stage)


class Assistant:
    """Holds the retriever (indexes loaded once) and runs the answering chain."""

    def __init__(self, store: Store) -> None:
        self.retriever = HybridRetriever(store)
        self.chain = (
            _timed("condense", self._condense)
            | _timed("retrieve", self._retrieve)
            | _timed("answer", self._answer)
            | _timed("verify", self._verify)
        )

    def answer(self, question: str, history: Sequence[Sequence[str]] | None = None,
               filters: Mapping[str, Sequence[str]] | None = None) -> Answer:
        final: Answer | None = None
        for event in self.stream(question, history, filters):
            if isinstance(event, Answer):
                final = event
        assert final is not None  # stream() always ends with the Answer
        return final

    def stream(self, question: str, history: Sequence[Sequence[str]] | None = None,
               filters: Mapping[str, Sequence[str]] | None = None) -> Iterator[str | Answer]:
        """Verified sentences (``str``, already numbered as in the final answer) as they are ready, then the
        final ``Answer``. The extractive answerer verifies all at once, so it yields only the ``Answer``."""
        state = self.chain.invoke({"question": question.strip(), "history": list(history or []),
                                   "filters": dict(filters or {}), "timings_ms": {}})
        result: Answer = state["result"]
        result.timings_ms = state["timings_ms"]
        yield result

    def _condense(self, state: dict[str, Any]) -> dict[str, Any]:
        state["rewritten"] = condense(state["question"], state["history"])
        return state

    def _retrieve(self, state: dict[str, Any]) -> dict[str, Any]:
        state["passages"] = self.retriever.search(state["rewritten"], k=TOP_K, filters=state["filters"])
        return state

    def _answer(self, state: dict[str, Any]) -> dict[str, Any]:
        question, rewritten, passages = state["question"], state["rewritten"], state["passages"]
        result = Answer(question=question, rewritten_question=rewritten, answer="", refused=True,
                        passages=passages)
        missing = missing_entities(rewritten, passages)
        lexical = self.retriever.lexical
        weights = idf_weights(key_terms(rewritten), dict(lexical.document_frequency), len(lexical.ids))
        candidates = score_sentences(rewritten, question, passages, weights)
        chosen = select(candidates, question, entities(rewritten))
        quoted = [c.text for c in chosen]
        if missing or not chosen or candidates[0].score < MIN_EVIDENCE or topic_uncovered(question, quoted) or (
                quantity_unanswered(rewritten, quoted)):
            result.answer, result.see_also = refusal_message(question, missing), passages[:3]
        else:
            result.answer, result.citations = compose(chosen)
            result.refused = False
        state["result"] = result
        return state

    def _verify(self, state: dict[str, Any]) -> dict[str, Any]:
        result: Answer = state["result"]
        if not result.refused:
            checked = verify(result.answer, result.citations, {p.chunk_id: p.text for p in result.passages})
            result.answer, result.citations, result.dropped_sentences = (checked.answer, checked.citations,
                                                                        checked.dropped)
        return state
