"""Precedent questions ("Des communes ont-elles distribué des ordinateurs aux élèves ?", "Which initiatives
supported…?") answered as a list of precedents: one entry per matching initiative, most relevant first,
each with its place, actor, one verbatim sentence and its ``[n]``, and its pages; borderline ones go to
"voir aussi". The search is ``vectorstore.precedents.search_precedents``, the one behind ``quartiers
precedents`` and the explorer, so the chat and the command agree.

Detection has two parts, neither naming a word of one corpus: generic interrogative patterns of
precedent-seeking in French and English ("y a-t-il eu…", "des exemples de…", "qui a déjà…", "quelles
communes…", "which cities…"), and, for other phrasings, the multilingual USE's similarity to a few generic
precedent-seeking questions against a few factual ones. A question asking for a quantity is factual.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from assistant.injection import is_instruction
from assistant.lead_in import Prepositions
from assistant.model import Answer, Citation
from assistant.terms import entities, present
from vectorstore.precedents import Precedent, search_precedents
from vectorstore.retriever import HybridRetriever, Passage

_ACTORS = (r"(?:communes?|villes?|territoires?|collectivit[ée]s?|initiatives?|actions?|projets?|dispositifs?|"
           r"associations?|structures?|acteurs?|actrices?|r[ée]seaux|r[ée]gions?|d[ée]partements?|quartiers?|"
           r"exp[ée]riences?|d[ée]marches?|centres?|partenariats?|op[ée]rations?|pratiques?|mesures?|solutions?)")
_PATTERNS = re.compile(
    r"\b(?:y\s*a[- ]t[- ]il(?:\s+eu)?\s+(?:des|d['’]|un|une)|existe[- ]t[- ]il|connai(?:ss|t)[a-z]*\s|"
    r"(?:des|quels?|d['’]autres)\s+exemples?|exemples?\s+d['’e]|pr[ée]c[ée]dents?|"
    r"^\s*qui\s+(?:a|ont)\s+(?:d[ée]j[aà]\s+)?\w+|"
    rf"quel(?:le)?s\s+(?:\w+\s+)?{_ACTORS}|"
    r"^\s*(?:des|d['’]autres|certain(?:e)?s)\s+[^?]{0,60}?\b\w+-(?:t-)?(?:elles|ils)\b|"  # "des X ont-elles…"
    r"which\s+(?:\w+\s+)?(?:initiatives?|cities|towns|municipalities|projects?|organi[sz]ations?|regions?|"
    r"areas|programmes?|programs?|actions?|associations?|networks?)|"
    r"examples?\s+of|has\s+anyone|have\s+any\s+\w+|who\s+(?:has|have|had)|were\s+there|are\s+there\s+any|"
    r"what\s+(?:initiatives|projects|actions))",
    re.I | re.M,
)
_MANNER = re.compile(r"^\s*(?:comment|how|pourquoi|why|faut-il|should)\b", re.I)  # how one thing was done
_QUANTITY = re.compile(r"\b(combien|quel(?:le)?\s+(?:est|était|a été)\s+(?:le|la)\s+(?:nombre|montant|taux|budget)|"
                       r"how\s+many|how\s+much)\b", re.I)
# Generic prototypes for the encoder vote (no corpus word): what a precedent question sounds like, and what
# a factual one does.
_PRECEDENT_PROTOTYPES = (
    "Y a-t-il des exemples d'initiatives sur ce sujet ?", "Quelles communes ont déjà fait cela ?",
    "Qui a déjà mis en place ce type d'action ?", "Des collectivités ont-elles mené des projets similaires ?",
    "Quelles expériences locales peut-on citer ?", "Are there examples of local initiatives on this?",
    "Which cities have already done something similar?", "Quels retours d'expérience existent sur ce thème ?",
)
_FACTUAL_PROTOTYPES = (
    "Combien de personnes ont été concernées ?", "Quel est le montant de la subvention ?",
    "Comment cette action a-t-elle été organisée ?", "Quel rôle a joué cet acteur ?",
    "Que recommande le rapport ?", "Quand le dispositif a-t-il été créé ?", "What does the report conclude?",
    "Pourquoi cette mesure a-t-elle été prise ?", "Que désigne cette expression ?",
    "Quelle place pour ce type d'action dans la réponse à la crise ?", "Faut-il généraliser cette approche ?",
    "Quels sont les principes proposés par les auteurs ?", "Quelles questions se pose le réseau ?",
    "Qui était responsable de ce dossier à cette date ?",
)
ENCODER_MARGIN = 0.15
PRECEDENT_NOTE = "Question de précédents : les initiatives sont citées une à une, sans rédaction par le modèle " \
    "de langue (réponse extractive)."


@lru_cache(maxsize=1)
def _prototypes() -> tuple[np.ndarray, np.ndarray]:
    from vectorstore.use_index import encode

    return encode(list(_PRECEDENT_PROTOTYPES)), encode(list(_FACTUAL_PROTOTYPES))


def precedent_vote(question: str) -> float:
    """How much closer the question sits to precedent-seeking prototypes than to factual ones (USE)."""
    from vectorstore.use_index import encode

    vector = encode([question])[0]
    precedent, factual = _prototypes()
    return float((precedent @ vector).max() - (factual @ vector).max())


def is_precedent_question(question: str) -> bool:
    if not question.strip() or _QUANTITY.search(question) or _MANNER.search(question):
        return False
    return bool(_PATTERNS.search(question)) or precedent_vote(question) > ENCODER_MARGIN



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


def _texts_by_key(retriever: HybridRetriever, entries: list[Precedent]) -> dict[str, list[str]]:
    """The texts of every passage of each entry (an initiative, or a section of a document without any)."""
    by_key: dict[str, list[str]] = {}
    initiatives = sorted({e.initiative_id for e in entries if e.initiative_id})
    sources = sorted({e.source for e in entries if not e.initiative_id})
    wheres = [{"initiative_id": {"$in": initiatives[i : i + 500]}} for i in range(0, len(initiatives), 500)]
    wheres += [{"source": {"$in": sources[i : i + 500]}} for i in range(0, len(sources), 500)]
    for where in wheres:
        for passage in retriever.passages_where(where):
            meta = passage.metadata
            key = meta.get("initiative_id") or f"{meta.get('source')}#{meta.get('section') or meta.get('title')}"
            by_key.setdefault(str(key), []).append(passage.text)
    return by_key


def answer_precedents(retriever: HybridRetriever, question: str, rewritten: str, passages: list[Passage],
                      filters: Mapping[str, Sequence[str]] | None,
                      prepositions: Prepositions | None = None) -> Answer | None:
    """The precedent-list answer, or None when the question is not precedent-seeking or no precedent
    matches (the factual answerer, and its refusals, then decide)."""
    if not is_precedent_question(question) and not is_precedent_question(rewritten):
        return None
    found = search_precedents(retriever, rewritten, filters)
    named = entities(rewritten)
    by_key = _texts_by_key(retriever, [*found.relevant, *found.borderline]) if named else {}
    if named:  # "quelles actions à Mayotte ?": only entries that name every place or actor asked about
        found.relevant = [e for e in found.relevant
                          if _names_all(e, found.passages[e.key], named, " ".join(by_key.get(e.key, [])))]
        found.borderline = [e for e in found.borderline
                            if _names_all(e, found.passages[e.key], named, " ".join(by_key.get(e.key, [])))]
    found.relevant = [e for e in found.relevant if not is_instruction(e.sentence)]  # never quoted
    if len(found.relevant) < 2:
        return None  # nothing matches, or one initiative answers: the factual answerer quotes it more fully
    paragraphs, citations, listed = [], [], []
    for n, entry in enumerate(found.relevant, start=1):
        passage = found.passages[entry.key]
        start = passage.text.find(entry.sentence)
        citations.append(Citation.quoting(n, passage, entry.sentence, max(start, 0)))
        where = ", ".join(x for x in (entry.title if entry.kind == "initiative" and entry.place else None,
                                      _pages(entry.pages)) if x)
        tail = f" — {where}." if where else ""
        paragraphs.append(f"{_lead(entry, prepositions)} « {entry.sentence} » [{n}]{tail}")
        listed.append(entry.to_json() | {"n": n})
    shown = {p.chunk_id for p in passages}
    extra = [found.passages[e.key] for e in found.relevant if found.passages[e.key].chunk_id not in shown]
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
