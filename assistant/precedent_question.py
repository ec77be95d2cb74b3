"""Is a question precedent-seeking ("Des communes ont-elles distribué des ordinateurs aux élèves ?", "Which
initiatives supported…?")? Two parts, neither naming a word of one corpus: generic interrogative patterns of
precedent-seeking in French and English ("y a-t-il eu…", "des exemples de…", "qui a déjà…", "quelles
communes…", "which cities…"), and, for other phrasings, the multilingual USE's similarity to a few generic
precedent-seeking questions against a few factual ones. A question asking for a quantity is factual.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

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
