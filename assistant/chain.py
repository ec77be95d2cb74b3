"""The one entry point every consumer calls: ``Assistant.answer(question, history, filters) -> Answer``.

Built as a LangChain chain of runnables: condense → retrieve → answer → verify, each stage timed. With an
LLM (``Assistant(store, llm=...)``, or ``quartiers.components.build_assistant``), the extractive answer the chain
produced is kept as the fallback, and the model's sentences are streamed once each has been verified
(stage ``generate``); refusals stay the shared answerability decision, so the model is never asked to
answer what the passages do not hold.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from langchain_core.runnables import RunnableLambda

from assistant import injection
from assistant.answerability import assess
from assistant.condense import condense, is_follow_up
from assistant.extractive import Candidate, compose, describe, idf_weights, is_how, score_sentences, select
from assistant.lead_in import Prepositions
from assistant.llm import Composer, LLMAnswerer, failure_note
from assistant.llm_client import LLMError
from assistant.model import Answer
from assistant.names import CorpusNames
from assistant.precedent_answer import PRECEDENT_NOTE, answer_precedents
from assistant.refusal import missing_entities, refusal_message
from assistant.scorer import Scorer, load_scorer
from assistant.support import check
from assistant.terms import entities, key_terms, present
from assistant.verify import verify
from vectorstore.keys import fold
from vectorstore.retriever import HybridRetriever, Passage
from vectorstore.sentence_index import SentenceIndex
from vectorstore.store import Store
from vectorstore.use_index import encode_query

TOP_K = 5
# The model reads the three best passages (retrieval's hit@3 is 1.0 on the held-out half): on two CPU
# cores, reading five costs a small local model about twice as long before its first word.
LLM_PASSAGES = 3
MAX_DROPPED = 4  # rejected or repeated sentences before the model is stopped


def _timed(stage: str, step: Callable[[dict[str, Any]], dict[str, Any]]) -> RunnableLambda:
    def run(state: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        state = step(state)
        state["timings_ms"][stage] = (time.perf_counter() - started) * 1000
        return state

    return RunnableLambda(run, name=stage)


class Assistant:
    """Holds the retriever (indexes loaded once) and runs the answering chain.

    ``llm``: the generative answerer, if any. ``unavailable``: why the LLM asked for is missing (French,
    e.g. "non configuré"); every answer then says so in ``fallback``. ``retriever``: the retriever to use
    (``quartiers.components`` passes the one it built, shared by every answerer); one over ``store`` if absent.
    """

    def __init__(self, store: Store, llm: LLMAnswerer | None = None, *, unavailable: str | None = None,
                 scorer: Scorer | None = None, retriever: HybridRetriever | None = None) -> None:
        self.retriever = retriever if retriever is not None else HybridRetriever(store)
        self.llm, self.unavailable = llm, unavailable
        self.scorer = scorer or load_scorer()
        texts, metadata = list(self.retriever.texts.values()), list(self.retriever.metadata.values())
        started = time.perf_counter()
        self.sentences = SentenceIndex(texts, store.folder / "derived" / f"{store.collection_name}-sentences.npz")
        injection.vectors_from(self.sentences.matrix)  # the corpus' sentences are judged from their stored vectors
        self.retriever.timings["sentences_load_ms"] = (time.perf_counter() - started) * 1000
        headings = sorted({str(m.get(k)) for m in metadata for k in ("section", "initiative") if m.get(k)})
        # headings count as usage too: « … dans les Hautes-Pyrénées » is a title, not a passage's text
        self.prepositions = Prepositions([*texts, *headings], [str(m.get("region") or "") for m in metadata])
        self.names = CorpusNames(texts, metadata)
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
        final ``Answer``. The extractive answerer verifies all at once, so it yields only the ``Answer``;
        the LLM answerer yields each generated sentence that passed verification, and the final answer's
        text is those sentences joined by spaces."""
        state = self.chain.invoke({"question": question.strip(), "history": list(history or []),
                                   "filters": dict(filters or {}), "timings_ms": {}})
        result: Answer = state["result"]
        result.timings_ms = state["timings_ms"]
        if self.unavailable:
            result.fallback = f"Le modèle de langue {self.unavailable} : réponse extractive."
        if self.llm is None:
            yield result
        elif result.refused:
            result.answerer = "llm"  # the shared refusal rule is part of the llm answerer: nothing to generate
            yield result
        elif result.precedents:  # a list of precedents is quoted entry by entry: nothing for the model to write
            result.fallback = PRECEDENT_NOTE
            yield result
        else:
            yield from self._generate(self.llm, result)

    def _generate(self, llm: LLMAnswerer, fallback: Answer) -> Iterator[str | Answer]:
        started = time.perf_counter()
        composer, dropped, error = Composer(), 0, None
        topic = f"{fallback.question} {fallback.rewritten_question}"
        passages = fallback.passages[:LLM_PASSAGES]
        shown: set[str] = set()
        try:
            for draft in llm.drafts(fallback.rewritten_question, passages):
                checked = check(draft, passages, topic, entities(fallback.rewritten_question))
                if checked.supported and fold(checked.text) not in shown:
                    shown.add(fold(checked.text))
                    yield composer.add(checked)
                    continue
                dropped += 1
                if dropped >= MAX_DROPPED:
                    break  # a small model repeating itself: closing the stream stops the generation
        except LLMError as failure:  # shown sentences stay shown: the answer ends where the model stopped
            error = failure
        fallback.timings_ms["generate"] = (time.perf_counter() - started) * 1000
        if composer.sentences:
            fallback.answer, fallback.citations, fallback.answerer = composer.text, composer.citations, "llm"
            fallback.dropped_sentences = dropped
        else:
            fallback.fallback = failure_note(error)
            fallback.dropped_sentences += dropped
        yield fallback

    def _condense(self, state: dict[str, Any]) -> dict[str, Any]:
        rule_based = self.names.localise(condense(state["question"], state["history"]))
        state["rewritten"] = rule_based
        if self.llm is not None and state["history"] and is_follow_up(state["question"]):
            try:
                rewritten = self.llm.rewrite(state["question"], state["history"])
            except LLMError:
                return state  # the rule-based rewrite is always there
            # The model's rewrite is kept only if it carries every entity the rules carried over.
            if rewritten and all(present(e, rewritten) for e in entities(rule_based)):
                state["rewritten"] = rewritten
        return state

    def _retrieve(self, state: dict[str, Any]) -> dict[str, Any]:
        state["passages"] = self.retriever.search(state["rewritten"], k=TOP_K, filters=state["filters"])
        return state

    def evidence(self, question: str, rewritten: str, passages: list[Passage]) -> tuple[list[Candidate], list[str]]:
        """Every sentence of the passages with its features, and the entities the question names."""
        lexical = self.retriever.lexical
        weights = idf_weights(key_terms(rewritten), dict(lexical.document_frequency), len(lexical.ids))
        candidates = score_sentences(rewritten, question, passages, weights)
        focus_entities = entities(rewritten)
        vectors = self.sentences.matrix([c.text for c in candidates])
        describe(candidates, rewritten, question, vectors, encode_query(rewritten), focus_entities)
        return candidates, focus_entities

    def _answer(self, state: dict[str, Any]) -> dict[str, Any]:
        question, rewritten, passages = state["question"], state["rewritten"], state["passages"]
        # Precedent questions get one entry per matching initiative (issue 13; assistant/precedent_answer.py).
        precedents = answer_precedents(self.retriever, question, rewritten, passages, state["filters"],
                                       self.prepositions)
        if precedents is not None:
            state["result"] = precedents
            return state
        result = Answer(question=question, rewritten_question=rewritten, answer="", refused=True,
                        passages=passages)
        missing = missing_entities(rewritten, passages)
        candidates, focus_entities = self.evidence(question, rewritten, passages)
        chosen = select(candidates, rewritten, self.scorer, focus_entities)
        answerability = assess(question, rewritten, candidates, chosen, missing, self.scorer,
                               self.retriever.lexical.document_frequency)
        result.answerable = round(answerability.probability, 3)
        if answerability.probability < self.scorer.threshold:
            result.answer, result.see_also = refusal_message(question, missing), passages[:3]
        else:
            result.answer, result.citations = compose(chosen, self.prepositions, reading_order=is_how(rewritten))
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
