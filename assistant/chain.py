"""The one entry point every consumer calls: ``Assistant.answer(question, history, filters) -> Answer``.

Built as a LangChain chain of runnables over one typed state (``AnswerState``): condense → retrieve →
answer → verify, each stage timed. Whether to refuse is ``assistant.refusal_decision``'s; the corpus's term
counts for the idf come from the ``term_statistics`` source passed in (the retriever's by default). With an
LLM (``Assistant(store, llm=...)``, or ``quartiers.components.build_assistant``), the extractive answer the chain
produced is kept as the fallback, and the model's sentences are streamed once each has been verified
(stage ``generate``); refusals stay the shared answerability decision, so the model is never asked to
answer what the passages do not hold.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence

from assistant import injection
from assistant.answer_state import AnswerState, timed
from assistant.condense import condense, is_follow_up
from assistant.extractive import Candidate, compose, describe, idf_weights, is_how, score_sentences, select
from assistant.lead_in import Prepositions
from assistant.llm import Composer, LLMAnswerer, failure_note
from assistant.llm_client import LLMError
from assistant.model import Answer
from assistant.names import MAX_TEXT_NAMES, NAME_KEYS, CapitalisedWords, CorpusNames
from assistant.precedent_answer import PRECEDENT_NOTE, answer_precedents
from assistant.refusal_decision import decide
from assistant.scorer import Scorer, load_scorer
from assistant.support import check
from assistant.terms import entities, key_terms, present
from assistant.verify import verify
from quartiers.results import TermStatistics
from vectorstore.keys import fold
from vectorstore.retriever import HybridRetriever, Passage
from vectorstore.sentence_index import SentenceIndex
from vectorstore.store import Store
from vectorstore.use_index import encode_query
from vectorstore.vector_file import VectorFile

TOP_K = 5
# The model reads the three best passages (retrieval's hit@3 is 1.0 on the held-out half): on two CPU
# cores, reading five costs a small local model about twice as long before its first word.
LLM_PASSAGES = 3
MAX_DROPPED = 4  # rejected or repeated sentences before the model is stopped


class Assistant:
    """Holds the retriever (indexes loaded once) and runs the answering chain.

    ``llm``: the generative answerer, if any. ``unavailable``: why the LLM asked for is missing (French,
    e.g. "non configuré"); every answer then says so in ``fallback``. ``retriever``: the retriever to use
    (``quartiers.components`` passes the one it built, shared by every answerer); one over ``store`` if absent.
    ``term_statistics``: the corpus's term counts for the idf, read at each question (the retriever's if absent).
    """

    def __init__(self, store: Store, llm: LLMAnswerer | None = None, *, unavailable: str | None = None,
                 scorer: Scorer | None = None, retriever: HybridRetriever | None = None,
                 term_statistics: Callable[[], TermStatistics] | None = None) -> None:
        self.retriever = retriever if retriever is not None else HybridRetriever(store)
        self.term_statistics = term_statistics or self.retriever.term_statistics
        self.llm, self.unavailable = llm, unavailable
        self.scorer = scorer or load_scorer()
        self.sentences = SentenceIndex(store.folder, store.collection_name)
        injection.vectors_from(self.sentences.matrix)  # the corpus' sentences are judged from their stored vectors
        self.words = CapitalisedWords(store.folder / "derived" / f"{store.collection_name}-names.sqlite")
        self.name_vectors = VectorFile(store.folder / "derived" / f"{store.collection_name}-names-use")
        self._deriving = threading.Lock()  # threads that see a new generation take it in once, the others wait
        self.generation: str | None = None
        self._take_in()
        self.chain = (
            timed("condense", self._condense)
            | timed("retrieve", self._retrieve)
            | timed("answer", self._answer)
            | timed("verify", self._verify)
        )

    def _take_in(self) -> bool:
        """Derive again if the retriever serves another generation: once, however many threads notice it."""
        with self._deriving:
            if self.retriever.generation == self.generation:
                return False
            self._derive()
            return True

    def _derive(self) -> None:
        """What the answerer reads from the whole corpus, for the documents the retriever serves now: the
        new versions' sentences and words are taken in; names and headings come from the lexical index.
        The generation is marked last, so that no thread answers from half-derived state."""
        started = time.perf_counter()
        generation = self.retriever.generation
        versions = self.retriever.trusted
        for index in (self.sentences, self.words):
            index.sync(versions, self.retriever.chunks_of(sorted(index.missing(versions))))
        self.retriever.timings["sentences_load_ms"] = (time.perf_counter() - started) * 1000
        lexical = self.retriever.lexical
        # headings count as usage too: « … dans les Hautes-Pyrénées » is a title, not a passage's text
        headings = sorted({*lexical.spellings("section"), *lexical.spellings("initiative")})
        self.prepositions = Prepositions(headings, lexical.spellings("region"), texts_with=self.retriever.texts_with)
        names = [{key: name} for key in NAME_KEYS for name in lexical.spellings(key)]
        self.names = CorpusNames([], names, counts=self.words.most_common(MAX_TEXT_NAMES),
                                 contains=self.retriever.writes, vectors=self.name_vectors)
        if self.names.names:
            self.names.prepare()  # the new documents' names are encoded now, not at a question
        self.generation = generation

    def refresh(self) -> bool:
        """Take in documents added or removed since (by this process or another): True when something changed."""
        self.retriever.follow(every_s=0)
        return self._take_in()

    def check_filters(self, filters: Mapping[str, Sequence[str]] | None) -> None:
        """Raise ``NoMatchError`` (French, naming the valid values) when a filter value matches no stored
        passage, before any answering: a typo must be an error, not a refusal. Consumers ask the assistant,
        never its retriever, so the retriever stays a part the assistant may swap."""
        self.retriever.check_filters(filters)

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
        self.retriever.follow()
        self._take_in()  # another process (or thread) added or removed documents
        state = self.chain.invoke(AnswerState(question.strip(), list(history or []), dict(filters or {})))
        result = state.answer
        result.timings_ms = state.timings_ms
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

    def _condense(self, state: AnswerState) -> AnswerState:
        rule_based = self.names.localise(condense(state.question, state.history))
        state.rewritten = rule_based
        if self.llm is not None and state.history and is_follow_up(state.question):
            try:
                rewritten = self.llm.rewrite(state.question, state.history)
            except LLMError:
                return state  # the rule-based rewrite is always there
            # The model's rewrite is kept only if it carries every entity the rules carried over.
            if rewritten and all(present(e, rewritten) for e in entities(rule_based)):
                state.rewritten = rewritten
        return state

    def _retrieve(self, state: AnswerState) -> AnswerState:
        state.passages = self.retriever.search(state.rewritten, k=TOP_K, filters=state.filters)
        return state

    def evidence(self, question: str, rewritten: str, passages: list[Passage]) -> tuple[list[Candidate], list[str]]:
        """Every sentence of the passages with its features, and the entities the question names."""
        counts = self.term_statistics()
        weights = idf_weights(key_terms(rewritten), counts.document_frequency, counts.chunks)  # read, never copied
        candidates = score_sentences(rewritten, question, passages, weights)
        focus_entities = entities(rewritten)
        vectors = self.sentences.matrix([c.text for c in candidates])
        describe(candidates, rewritten, question, vectors, encode_query(rewritten), focus_entities)
        return candidates, focus_entities

    def sentence_probabilities(self, question: str, rewritten: str, passages: list[Passage]) -> list[Candidate]:
        """Every sentence of ``passages`` with the fitted sentence model's probability (a precedent entry's quote)."""
        candidates, _ = self.evidence(question, rewritten, passages)
        for candidate in candidates:
            candidate.probability = self.scorer.sentence.probability(candidate.features)
        return candidates

    def _answer(self, state: AnswerState) -> AnswerState:
        question, rewritten, passages = state.question, state.rewritten, state.passages
        # Precedent questions get one entry per matching initiative (issue 13; assistant/precedent_answer.py).
        state.result = answer_precedents(self.retriever, question, rewritten, passages, state.filters,
                                         self.prepositions, sentences=self.sentence_probabilities)
        if state.result is not None:
            return state
        result = Answer(question=question, rewritten_question=rewritten, answer="", refused=True,
                        passages=passages)
        candidates, focus_entities = self.evidence(question, rewritten, passages)
        chosen = select(candidates, rewritten, self.scorer, focus_entities)
        decision = decide(question, rewritten, passages, candidates, chosen, self.scorer,
                          self.term_statistics())
        result.answerable = decision.answerable
        if decision.refused:
            result.answer, result.see_also = decision.message, passages[:3]
        else:
            result.answer, result.citations = compose(chosen, self.prepositions, reading_order=is_how(rewritten))
            result.refused = False
        state.result = result
        return state

    def _verify(self, state: AnswerState) -> AnswerState:
        result = state.answer
        if not result.refused:
            checked = verify(result.answer, result.citations, {p.chunk_id: p.text for p in result.passages})
            result.answer, result.citations, result.dropped_sentences = (checked.answer, checked.citations,
                                                                        checked.dropped)
        return state
