"""Precedent questions ("Des communes ont-elles distribué des ordinateurs aux élèves ?", "Which initiatives
supported…?") answered as a list of precedents: one entry per matching initiative, most relevant first,
each with its place, actor, the verbatim sentence that answers and its ``[n]``, and its pages; borderline
ones go to "voir aussi". Which initiatives is ``vectorstore.precedents.search_precedents``, the one search
behind ``quartiers precedents`` and the explorer, so the chat and the command list the same ones.

Which sentence of an entry is quoted is the factual answerer's choice: every sentence of the initiative's
passages is scored by the same fitted sentence model (``assistant.scorer``: semantic similarity, lexical
coverage, the asked-for kind held…), passed in by the chain as ``sentences``. The search's own sentence
(the one sharing most words with the query) was a context sentence more often than not ("Face au constat
d'un manque de masques…"), where the question asked what was done, by whom, how much. Without a model the
search's sentence stays. Whether a question is precedent-seeking is ``assistant.precedent_question``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from assistant.extractive import Candidate, with_list
from assistant.injection import is_instruction
from assistant.lead_in import Prepositions
from assistant.model import Answer, Citation
from assistant.precedent_question import is_precedent_question, precedent_vote
from assistant.terms import entities, mentions, present
from vectorstore.precedents import Precedent, search_precedents
from vectorstore.retriever import HybridRetriever, Passage

__all__ = ["PRECEDENT_NOTE", "SentenceModel", "answer_precedents", "is_precedent_question", "precedent_entries",
           "precedent_vote"]

# (question, rewritten question, passages) -> every sentence of the passages, its ``probability`` filled
SentenceModel = Callable[[str, str, list[Passage]], list[Candidate]]
PRECEDENT_NOTE = "Question de précédents : les initiatives sont citées une à une, sans rédaction par le modèle " \
    "de langue (réponse extractive)."


def _pages(pages: list[int]) -> str:
    if not pages:
        return ""
    return f"p. {pages[0]}" if pages[0] == pages[-1] else f"p. {pages[0]}-{pages[-1]}"


def _lead(entry: Precedent, prepositions: Prepositions | None = None) -> str:
    """Built only from metadata, like the factual answerer's lead-ins (the same prepositions: « En Guyane »)."""
    who = ", ".join(x for x in (entry.resource_centre, entry.region) if x)
    if entry.kind == "section":
        return f"Dans « {entry.title} » :"
    if entry.place:
        where = prepositions.phrase(entry.place) if prepositions else f"À {entry.place}"
        return f"{where} ({who}) :" if who else f"{where} :"
    return f"« {entry.title} » ({who}) :" if who else f"« {entry.title} » :"


def _names_all(entry: Precedent, passage: Passage, wanted: list[str], texts: str) -> bool:
    haystack = " ".join(str(v) for v in (texts, entry.title, entry.place, entry.region, entry.resource_centre,
                                        passage.get("section")) if v)
    return all(present(entity, haystack) for entity in wanted)


def _located(entry: Precedent, wanted: list[str]) -> bool:
    """The entry's own metadata (place, region) names one of the question's entities."""
    where = " ".join(x for x in (entry.place, entry.region) if x)
    return entry.kind == "initiative" and any(mentions(entity, where) for entity in wanted if entity[:1].isalpha())


def _group(passage: Passage) -> str:
    meta = passage.metadata
    return str(meta.get("initiative_id") or f"{meta.get('source')}#{meta.get('section') or meta.get('title')}")


def _passages_by_key(retriever: HybridRetriever, entries: list[Precedent]) -> dict[str, list[Passage]]:
    """Every passage of each entry (an initiative, or a section of a document without any), in store order."""
    by_key: dict[str, list[Passage]] = {}
    initiatives = sorted({e.initiative_id for e in entries if e.initiative_id})
    sources = sorted({e.source for e in entries if not e.initiative_id})
    wheres = [{"initiative_id": {"$in": initiatives[i : i + 500]}} for i in range(0, len(initiatives), 500)]
    wheres += [{"source": {"$in": sources[i : i + 500]}} for i in range(0, len(sources), 500)]
    for where in wheres:
        for passage in retriever.passages_where(where):
            by_key.setdefault(_group(passage), []).append(passage)
    return by_key


def _ranked(passages: list[Passage], retrieved: Mapping[str, Passage]) -> list[Passage]:
    """The passages with their retrieval rank when the search found them, one past the pool's otherwise
    (the sentence model reads the rank: a chunk no search returned is the least sure)."""
    last = max((p.rank for p in retrieved.values()), default=0) + 1
    return [retrieved.get(p.chunk_id) or Passage(p.chunk_id, p.text, p.metadata, 0.0, last) for p in passages]


# A second sentence of the entry is quoted when the model finds it at least this likely, relative to the
# first (one sentence seldom carries both what was done and by whom or how much). Fit on the tune half of
# eval/questions.jsonl: the largest ratio keeping its best fact recall (0.5 and 0.7 tie at .85, 0.85 gives
# .79, one sentence only .68): the shortest answers among the best.
SECOND_SENTENCE_RATIO = 0.7
# Second sentences are added in the list's order while all quotes stay within this many words (fit on the
# same tune half: the smallest budget keeping its best fact recall; 150 loses .05). First sentences are
# always quoted: the budget shortens a long list's entries, it never drops an initiative.
QUOTED_WORDS = 200


def _choose_sentences(entries: list[Precedent], by_key: Mapping[str, list[Passage]], sentences: SentenceModel,
                      question: str, rewritten: str, retrieved: Mapping[str, Passage]) -> dict[str, list[Candidate]]:
    """Per entry, its sentence the fitted model finds likeliest to answer (one pool for all entries, as the
    model was fit on: its gaps are to the best sentence of every passage shown)."""
    pool = [p for e in entries for p in _ranked(by_key.get(e.key) or [], retrieved)]
    per: dict[str, list[Candidate]] = {}
    for candidate in sentences(question, rewritten, pool):
        if is_instruction(candidate.text) or candidate.text.rstrip().endswith("?"):
            continue  # a question of the text says nothing was done
        per.setdefault(_group(candidate.passage), []).append(candidate)
    firsts: dict[str, list[Candidate]] = {}
    seconds: dict[str, list[Candidate]] = {}
    for key, group in per.items():
        ranked = sorted(group, key=lambda c: -c.probability)
        # a sentence announcing a list ("… a consisté à :") comes with its items: alone, it says nothing
        firsts[key] = with_list(ranked[0], group)
        second = ranked[1] if len(ranked) > 1 else None
        if len(firsts[key]) == 1 and second and second.probability >= SECOND_SENTENCE_RATIO * ranked[0].probability:
            seconds[key] = with_list(second, group)
    # second sentences in the list's order, while the quotes stay within the budget: a long list stays a list
    words = sum(len(c.text.split()) for chosen in firsts.values() for c in chosen)
    for entry in entries:
        extra = seconds.get(entry.key, [])
        if extra and words + sum(len(c.text.split()) for c in extra) <= QUOTED_WORDS:
            firsts[entry.key] = [*firsts[entry.key], *extra]
            words += sum(len(c.text.split()) for c in extra)
    return firsts


def answer_precedents(retriever: HybridRetriever, question: str, rewritten: str, passages: list[Passage],
                      filters: Mapping[str, Sequence[str]] | None, prepositions: Prepositions | None = None,
                      sentences: SentenceModel | None = None) -> Answer | None:
    """The precedent-list answer, or None when the question is not precedent-seeking or no precedent
    matches (the factual answerer, and its refusals, then decide). ``sentences``: the answerer's sentence
    model, which chooses each entry's quote (the search's own sentence without it)."""
    if not is_precedent_question(question) and not is_precedent_question(rewritten):
        return None
    found = search_precedents(retriever, rewritten, filters)
    named = entities(rewritten)
    by_key = _passages_by_key(retriever, [*found.relevant, *found.borderline]) if named or sentences else {}
    if named:  # "quelles actions à Mayotte ?": only entries that name every place or actor asked about
        def names(entry: Precedent) -> bool:
            texts = " ".join(p.text for p in by_key.get(entry.key, []))
            return _names_all(entry, found.passages[entry.key], named, texts)
        # an initiative whose own place or region is the one asked about is a precedent there even when the
        # search ranked it borderline ("quelles initiatives en Normandie ?": the question's topic is the place)
        located = [e for e in found.borderline if names(e) and _located(e, named)]
        found.relevant = [e for e in found.relevant if names(e)] + located
        found.borderline = [e for e in found.borderline if names(e) and e not in located]
    found.relevant = [e for e in found.relevant if not is_instruction(e.sentence)]  # never quoted
    if len(found.relevant) < 2:
        return None  # nothing matches, or one initiative answers: the factual answerer quotes it more fully
    quotes: dict[str, list[tuple[str, Passage]]] = {}
    shown_passages: list[Passage] = []
    if sentences is not None:
        retrieved = {p.chunk_id: p for p in found.pool}
        for key, chosen in _choose_sentences(found.relevant, by_key, sentences, question, rewritten,
                                             retrieved).items():
            entry = next(e for e in found.relevant if e.key == key)
            entry.sentence, entry.chunk_id = chosen[0].text, chosen[0].passage.chunk_id
            quotes[key] = [(c.text, c.passage) for c in chosen]
    paragraphs: list[str] = []
    citations: list[Citation] = []
    listed: list[dict[str, Any]] = []
    for entry in found.relevant:
        marks: list[str] = []
        quoted: list[dict[str, Any]] = []
        for sentence, passage in quotes.get(entry.key) or [(entry.sentence, found.passages[entry.key])]:
            n = len(citations) + 1
            citations.append(Citation.quoting(n, passage, sentence, max(passage.text.find(sentence), 0)))
            marks.append(f"« {sentence} » [{n}]")
            quoted.append({"n": n, "sentence": sentence, "chunk_id": passage.chunk_id})
            shown_passages.append(passage)
        where = ", ".join(x for x in (entry.title if entry.kind == "initiative" and entry.place else None,
                                      _pages(entry.pages)) if x)
        tail = f" — {where}." if where else ""
        paragraphs.append(f"{_lead(entry, prepositions)} {' '.join(marks)}{tail}")
        listed.append(entry.to_json() | {"n": quoted[0]["n"], "quotes": quoted})
    shown = {p.chunk_id for p in passages}
    extra = [p for p in shown_passages if p.chunk_id not in shown]
    result = Answer(question=question, rewritten_question=rewritten, answer="\n\n".join(paragraphs),
                    refused=False, citations=citations, passages=[*passages, *_unique(extra)],
                    see_also=_unique([found.passages[e.key] for e in found.borderline])[:5])
    result.precedents = listed
    return result


def _unique(passages: list[Passage]) -> list[Passage]:
    return list({p.chunk_id: p for p in passages}.values())


def precedent_entries(answer: Answer) -> list[dict[str, Any]]:
    """The precedents an answer lists (empty for a factual answer or a refusal)."""
    return list(answer.precedents)
