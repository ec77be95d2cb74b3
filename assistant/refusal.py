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
from typing import NamedTuple

from assistant.scorer import asked_kind, holds_kind
from assistant.terms import entities, is_english, mentions, present, topic_terms
from vectorstore.french import analyse
from vectorstore.retriever import Passage

_MONTHS = ("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|january|february|"
           "march|april|june|july|august|september|october|november|december")
# a month and its year name a time as precisely as a place ("du deuxième confinement de novembre 2020"): a
# passage from another month of that year does not answer
_MONTH_YEAR = re.compile(rf"\b(?:{_MONTHS})\s+(?:19|20)\d{{2}}\b", re.I)


def missing_entities(question: str, passages: list[Passage]) -> list[str]:
    haystack = "\n".join(
        " ".join(str(v) for v in (p.text, p.get("section"), p.get("initiative"), p.get("place"),
                                  p.get("region"), p.get("resource_centre"), p.get("title")) if v)
        for p in passages
    )
    # a name is found as a word of its own ("Réunion" is not in "des réunions"), a month and year as written
    return [*(e for e in entities(question) if not mentions(e, haystack)),
            *(m.group(0) for m in _MONTH_YEAR.finditer(question) if not present(m.group(0), haystack))]


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


# How a quantity is often written without its noun: "30 h", "12 000 €", "10,1 millions d'euros", "40 %", "2/3".
_MONEY = re.compile(r"\d\s*(?:(?:millions?|milliards?|k|M)\s*(?:d['’]\s*)?)?(?:€|euros?)")
_WRITTEN_AS = {
    "heur": re.compile(r"\d\s*h\b"), "euros": _MONEY, "taux": re.compile(r"\d\s*%"),
    "pourcentag": re.compile(r"\d\s*%"),
    # a share is a percentage, a fraction or the amount itself ("État : 7,1 millions d'euros")
    "part": re.compile(rf"\d\s*%|\d/\d|\b(?:moitié|tiers|quart)\b|{_MONEY.pattern}"),
    "mont": _MONEY, "budget": _MONEY, "cout": _MONEY, "prix": _MONEY, "salair": _MONEY,
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


_WHO_NOUN = re.compile(r"^\s*(?:qui\s+(?:est|était|sont|étaient)\s+(?:le|la|les|l['’])\s*|quel(?:le)?s?\s+(?:est|était|"
                       r"sont)\s+(?:le|la|les)\s+noms?\s+(?:du|de\s+la|des|de\s+l['’]|d['’])\s*)(?P<noun>[\w-]+)", re.I)
_DATE_NOUN = re.compile(r"\bdate\s+(?P<noun>(?!de\b|du\b|d['’])[\w-]+)", re.I)


# French adjectives by their endings (« national », « global », « moyen », « annuel », « mensuelle »): a
# measure they qualify is a different figure ("le montant national" is not one region's amount)
_ADJECTIVE = re.compile(r"^[a-zà-ÿ-]+(?:al|ale|aux|el|elle|els|ien|ienne|en|enne|if|ive|ique|aire|oyen|oyenne)$")


# a measure per unit ("le coût au mètre carré", "le montant par hectare"): a figure for the whole is another
# figure. The unit is written out or as its symbol.
_PER_UNIT = re.compile(r"^\s*(?:au|à\s+la|à\s+l['’]|par|per)\s*(?P<unit>[\w-]+(?:\s+carrés?|\s+cubes?)?)", re.I)
_UNIT_SYMBOLS = {"metr carr": r"m²|m2\b", "metr cub": r"m³|m3\b", "hectar": r"\d\s*ha\b", "kilometr": r"\bkm\b",
                 "heur": r"\d\s*h\b", "mwh": r"mwh", "kwh": r"kwh"}


class Unit(NamedTuple):
    stems: set[str]  # the unit written out ("mètre carré")
    symbol: re.Pattern[str] | None  # or as its symbol ("m²")


def _qualifiers(question: str, end: int) -> tuple[set[str], Unit | None]:
    """Stems of the adjectives right after a measure noun (up to two), and the unit it is asked per."""
    found: set[str] = set()
    rest = question[end:]
    for word in rest.split()[:2]:
        if not _ADJECTIVE.match(word.lower()):
            break
        found |= set(analyse(word))
        rest = rest.split(word, 1)[1]
    unit = _PER_UNIT.match(rest)
    if unit is None:
        return found, None
    stems = analyse(unit.group("unit"))
    symbol = _UNIT_SYMBOLS.get(" ".join(stems))
    return found, Unit(set(stems), re.compile(symbol, re.I) if symbol else None)


class Head(NamedTuple):
    stems: set[str]  # what is asked of: « ministre », « décès », « coût »
    forms: list[re.Pattern[str]]  # the measure's usual written forms
    qualifiers: set[str]  # adjectives that make it another figure: « national »
    unit: Unit | None = None  # the unit it is asked per: « au mètre carré »


def asked_head(question: str) -> Head | None:
    """What a precise French question asks the figure, date or name *of*: the noun after "qui est le…" or
    "le nom du…" (« le ministre »), after "date…" (« la date limite »), or what is counted or measured
    (« combien de décès », « le budget »), with the measure's usual written forms (« 10,1 millions d'euros »).
    None when the question names no such noun ("Qui a financé…?") or is in English (no French stems)."""
    kind = asked_kind(question)
    if kind is None or is_english(question):
        return None
    if kind in ("name", "date"):
        match = (_WHO_NOUN if kind == "name" else _DATE_NOUN).search(question)
        return Head(set(analyse(match.group("noun"))), [], set()) if match else None
    quantity = _QUANTITY.search(question)
    if quantity is None:
        return None
    noun = quantity.group("counted") or quantity.group("measure")
    stems = set(analyse(noun)) if noun else set()
    qualifiers, unit = _qualifiers(question, quantity.end("measure")) if quantity.group("measure") else (set(), None)
    return Head(stems, [_WRITTEN_AS[t] for t in stems if t in _WRITTEN_AS], qualifiers, unit) if stems else None


def asked_thing_missing(question: str, sentences: list[str]) -> bool:
    """A precise question whose asked-for item is in no sentence: none holds a figure, date or name the
    question does not already give beside what it is asked of. "Qui était le ministre … en 2020 ?" over
    passages that mention ministers but never name one; "la date limite de l'enquête 2020" over passages
    whose only date is the question's own."""
    head = asked_head(question)
    if head is None:
        return False
    stems, forms, qualifiers, unit = head
    kind = asked_kind(question)

    def per_unit(sentence: str, words: set[str]) -> bool:
        return unit is None or unit.stems <= words or bool(unit.symbol and unit.symbol.search(sentence))

    def answers(sentence: str) -> bool:
        words = set(analyse(sentence))
        return (holds_kind(kind, sentence, question) and bool(stems & words or any(f.search(sentence) for f in forms))
                and qualifiers <= words and per_unit(sentence, words))

    return not any(answers(s) for s in sentences)


def refusal_message(question: str, missing: list[str]) -> str:
    if missing:
        names = " ; ".join(f"« {m} »" for m in missing)
        return (f"Le corpus ne contient pas d'information sur {names}. "
                "Les passages les plus proches sont listés ci-dessous, sans constituer une réponse.")
    return ("Le corpus ne contient pas d'information permettant de répondre à cette question. "
            "Les passages les plus proches sont listés ci-dessous, sans constituer une réponse.")
