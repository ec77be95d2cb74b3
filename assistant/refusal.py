"""When the corpus does not answer: say so plainly, in French, and name what is missing.

The decision is one calibrated probability (``answerability``); these are some of its signals:
- a key entity of the question (a place, a name, a year) found in none of the retrieved passages;
- for a French question, none of its topic words (what it asks about, as opposed to where or who)
  in the sentences that would be quoted: "le budget de la vaccination à Lyon" finds Lyon, not a budget;
- a question asking for a quantity (combien de X, quel taux / montant / budget / salaire…) whose
  quoted sentences give no number beside what it measures, nor in its usual written form (30 h,
  40 %, 7,1 millions d'euros): "le taux de chômage" finds unemployment, not a rate;
"""

from __future__ import annotations

import re

from assistant.terms import entities, is_english, present, topic_terms
from vectorstore.french import analyse
from vectorstore.retriever import Passage


def missing_entities(question: str, passages: list[Passage]) -> list[str]:
    haystack = "\n".join(
        " ".join(str(v) for v in (p.text, p.get("section"), p.get("initiative"), p.get("place"),
                                  p.get("region"), p.get("resource_centre"), p.get("title")) if v)
        for p in passages
    )
    return [entity for entity in entities(question) if not present(entity, haystack)]


def topic_uncovered(question: str, quoted: list[str]) -> bool:
    """A French question none of whose topic words appears in the sentences that would be quoted."""
    topics = set(topic_terms(question))
    if not topics or is_english(question):
        return False  # English words never match the French text: no signal there
    return not any(topics & set(analyse(sentence)) for sentence in quoted)


_QUANTITY = re.compile(
    r"\b(?:combien\s+(?:de|d['’])\s*(?P<counted>[\w-]+)"
    r"|quel(?:le)?s?\s+(?:est\s+|était\s+|a\s+été\s+)?(?:le\s+|la\s+|l['’])?"
    r"(?P<measure>taux|montant|budget|salaire|coût|prix|pourcentage|part)(?:\s+(?:de|d['’]|du|des)\s*(?P<of>[\w-]+))?)",
    re.I)
_NUMBER = re.compile(r"\d|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|vingt|trente|cent|mille|"
                     r"million|milliard|moitié|tiers|quart|double)s?\b", re.I)


# How a quantity is often written without its noun: "30 h", "12 000 €", "40 %", "2/3".
_WRITTEN_AS = {
    "heur": re.compile(r"\d\s*h\b"), "euros": re.compile(r"\d\s*(?:€|k€|M€)"), "taux": re.compile(r"\d\s*%"),
    "pourcentag": re.compile(r"\d\s*%"),
    # a share is a percentage, a fraction or the amount itself ("État : 7,1 millions d'euros")
    "part": re.compile(r"\d\s*%|\d/\d|\b(?:moitié|tiers|quart)\b|\d\s*(?:millions?\s+d['’]|k|M)?\s*(?:€|euros?)"),
    "mont": re.compile(r"\d\s*(?:€|euros?)"), "budget": re.compile(r"\d\s*(?:€|euros?)"),
}


def quantity_unanswered(question: str, quoted: list[str]) -> bool:
    """A French question asking for a quantity (combien de X, quel taux / montant / budget…) whose
    quoted sentences hold no number beside what is measured: "le taux de chômage" quotes no rate."""
    match = _QUANTITY.search(question)
    if match is None or is_english(question):
        return False
    measured = {t for word in match.groupdict().values() if word for t in analyse(word)}
    if not measured:
        return False
    forms = [_WRITTEN_AS[t] for t in measured if t in _WRITTEN_AS]
    return not any(
        (_NUMBER.search(sentence) and measured & set(analyse(sentence))) or any(f.search(sentence) for f in forms)
        for sentence in quoted)


def refusal_message(question: str, missing: list[str]) -> str:
    if missing:
        names = " ; ".join(f"« {m} »" for m in missing)
        return (f"Le corpus ne contient pas d'information sur {names}. "
                "Les passages les plus proches sont listés ci-dessous, sans constituer une réponse.")
    return ("Le corpus ne contient pas d'information permettant de répondre à cette question. "
            "Les passages les plus proches sont listés ci-dessous, sans constituer une réponse.")
