"""French text analysis for lexical matching.

Case, accents, typographic apostrophes, elisions (l', d', qu'), inclusive writing (``acteur.rice.s`` →
``acteurs``), a stop list and Snowball's French stemmer, so that "habitant.e.s" finds "habitants" and
"financé" finds "financement".
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

ANALYZER_VERSION = "fr-2"
_INCLUSIVE = re.compile(r"\b([a-zà-ÿœæ]{2,})((?:\.[a-zà-ÿ]{1,5}){1,3})\b")
_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'", re.IGNORECASE)
_TOKEN = re.compile(r"[a-zà-ÿœæ0-9]+")
STOP_WORDS = frozenset(
    (
        "a à au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur leurs lui "
        "ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te "
        "tes toi ton tu un une vos votre vous y été être avoir ont est sont était étaient fait faire comme plus "
        "aussi ainsi donc alors quel quelle quels quelles comment combien pourquoi quand dont lors entre si "
        "the of and to in for on what which who how is are was were did does do with by from that this as at an "
        "it its be or"
    ).split()
)


_LOCAL = threading.local()


def _stemmer() -> snowballstemmer.stemmer:
    """One Snowball stemmer per thread: a stemmer keeps its state between calls, so threads sharing one
    (the web app's workers) got wrong stems and IndexErrors, which the stem cache then kept."""
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        stemmer = _LOCAL.stemmer = snowballstemmer.stemmer("french")
    return stemmer


def _strip_accents(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch))


def _inclusive(match: re.Match[str]) -> str:
    """acteur.rice.s → acteurs, habitant.e.s → habitants, directeur.rice → directeur."""
    base, suffixes = match.group(1), match.group(2)
    return base + ("s" if suffixes.endswith("s") and not base.endswith("s") else "")


def tokens(text: str) -> list[str]:
    """Words of ``text`` after folding, without stop words, before stemming."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    text = _INCLUSIVE.sub(_inclusive, text)
    text = _ELISION.sub(" ", text)
    return [w for w in _TOKEN.findall(text) if w not in STOP_WORDS and (len(w) > 1 or w.isdigit())]


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _strip_accents(_stemmer().stemWord(word))


def analyse(text: str) -> list[str]:
    """Index terms: folded, stemmed, accent-free."""
    return [_stem(word) for word in tokens(text)]
