"""What a question asks about: its key entities (places, names, years) and its weighted terms."""

from __future__ import annotations

import re

from vectorstore.french import analyse
from vectorstore.keys import fold

# Capitalised words that are no entity of their own: question words, generic corpus words.
_NOT_ENTITIES = frozenset(
    (
        "qui que quoi quel quelle quels quelles comment combien pourquoi quand où est-ce et mais ou dans pendant "
        "selon à au en le la les un une des du de what who how which where when why did does do is are was were "
        "the in and covid covid-19 crpv crpvs qpv qpvs france état etat ville villes quartiers politique "
        "rn-crpv anct i ii iii iv v"
    ).split()
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
QUESTION_WORDS = frozenset(analyse(
    "comment combien quel quelle quels quelles pourquoi qui quoi quand faire fait mis place "
    "how what which who why did does many much"
))


def entities(question: str) -> list[str]:
    """Capitalised words after the first, acronyms and years: what a refusal names when absent."""
    found: list[str] = []
    words = list(_WORD.finditer(question))
    for i, match in enumerate(words):
        word = match.group(0).strip("'’-")
        if (word.split("'")[-1][:1].isupper() and i > 0) or (len(word) >= 2 and word.isupper()):
            name = word.split("'")[-1] if "'" in word else word
            if fold(name) not in _NOT_ENTITIES and len(name) > 1:
                found.append(name)
    found += [m.group(0) for m in _YEAR.finditer(question)]
    return list(dict.fromkeys(found))


def key_terms(question: str) -> list[str]:
    """Stemmed content words of the question, without question words."""
    return [t for t in dict.fromkeys(analyse(question)) if t not in QUESTION_WORDS]


def present(entity: str, text: str) -> bool:
    return fold(entity) in fold(text)


def mentions(entity: str, text: str) -> bool:
    """``text`` names ``entity`` as a word of its own, capitalised when the entity is ("La Réunion" is not
    "des réunions", "Nantes" is not "prenantes"); a plural, a compound holding it ("Grenoble-Alpes") and an
    elided form ("d'Évreux") count. Years and other figures match as written."""
    if not entity[:1].isalpha():
        return bool(re.search(rf"(?<!\d){re.escape(entity)}(?!\d)", text))
    wanted, capital = fold(entity), entity[:1].isupper()
    for match in _WORD.finditer(text):
        word = re.split(r"['’]", match.group(0))[-1]
        if capital and not word[:1].isupper():
            continue
        folded = fold(word)
        if _singular(folded) == _singular(wanted) or f"-{wanted}-" in f"-{folded}-":
            return True
    return False


def _singular(word: str) -> str:
    return word[:-1] if word[-1:] in ("s", "x") else word


_ENGLISH = frozenset(
    "the of and to in for on what which who how is are was were did does do with by from that this".split()
)


def is_english(question: str) -> bool:
    words = re.findall(r"[a-z]+", question.lower())
    return sum(w in _ENGLISH for w in words) >= max(2, len(words) // 4)


def topic_terms(question: str) -> list[str]:
    """Key terms that are not the question's entities: what it asks about, rather than where or who."""
    named = {t for e in entities(question) for t in analyse(e)}
    return [t for t in key_terms(question) if t not in named]
