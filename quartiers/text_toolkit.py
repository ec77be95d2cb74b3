"""The one text toolkit every layer shares: accent folding, French analysis, sentence spans, heading paths.

Ingest, the indexes, the answerers, the evaluation and the web views all read text through these
functions, so "Bretagne – Pays de la Loire" folds, "habitant.e.s" stems and a chunk splits into sentences
the same way everywhere. Pure Python (``snowballstemmer`` only): importing it loads no model or store.
Old homes re-export: ``vectorstore.keys.fold``, ``vectorstore.french``, ``ingest.chunking.sentence_spans``,
``quartiers.results.heading_path``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

# --- accent folding -------------------------------------------------------------------------------------

_DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")


def strip_accents(text: str) -> str:
    """'Pyrénées' → 'Pyrenees': compatibility decomposition, combining marks dropped; case kept."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def fold(value: str) -> str:
    """Metadata values for matching: 'Bretagne – Pays de la Loire' and 'bretagne - pays de la loire' fold to
    the same key (case, accents, typographic apostrophes, dash variants and runs of spaces ignored)."""
    text = _DASHES.sub("-", strip_accents(value).lower().replace("’", "'"))
    return re.sub(r"\s+", " ", text).strip()


def slug(text: str) -> str:
    """ASCII letters and digits joined by dashes: 'I. Des acteur.rice.s' → 'i-des-acteur-rice-s'."""
    ascii_text = strip_accents(text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


# --- French analysis (lexical matching) -------------------------------------------------------------------
# Case, accents, typographic apostrophes, elisions (l', d', qu'), inclusive writing (``acteur.rice.s`` →
# ``acteurs``), a stop list and Snowball's French stemmer, so that "habitant.e.s" finds "habitants" and
# "financé" finds "financement".

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
    return strip_accents(_stemmer().stemWord(word))


def analyse(text: str) -> list[str]:
    """Index terms: folded, stemmed, accent-free."""
    return [_stem(word) for word in tokens(text)]


# --- sentence spans -------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"»)]?\s+(?=[«\"(]?\s?[A-ZÀ-Ý0-9])")
_ABBREVIATIONS = ("ex.", "M.", "Mme.", "cf.", "p.", "n°.", "St.", "Dr.", "E.N.", "av.", "etc.)")
MAX_SENTENCE_WORDS = 300  # ingest.chunking.MAX_WORDS: no sentence outgrows a chunk
CUT_EVERY_WORDS = 220  # a longer run-on "sentence" is cut into pieces of a chunk's target size


def paragraph_sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph (known abbreviations do not end one)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(paragraph):
        before = paragraph[start : match.start()].rstrip()
        if before.endswith(_ABBREVIATIONS) or not before:
            continue
        spans.append((start, match.start()))
        start = match.end()
    if start < len(paragraph):
        spans.append((start, len(paragraph)))
    return [piece for a, b in spans if paragraph[a:b].strip() for piece in _bounded(paragraph, a, b)]


def _bounded(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A "sentence" longer than a chunk (a run-on line, a list without stops) is cut between words."""
    if end - start <= MAX_SENTENCE_WORDS * 4 or len(text[start:end].split()) <= MAX_SENTENCE_WORDS:
        return [(start, end)]
    words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
    return [(start + group[0][0], start + group[-1][1])
            for group in (words[i : i + CUT_EVERY_WORDS] for i in range(0, len(words), CUT_EVERY_WORDS))]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text whose paragraphs are separated by blank lines."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n\n"):
        spans += [(offset + a, offset + b) for a, b in paragraph_sentence_spans(paragraph)]
        offset += len(paragraph) + 2
    return spans


# --- heading paths ----------------------------------------------------------------------------------------

HEADING_SEPARATOR = " > "  # how a chunk's ``section`` metadata joins its heading path (ingest.structure)


def heading_path(section: str | None) -> list[str]:
    """A ``section`` value as its headings, outermost first."""
    return [part for part in (section or "").split(HEADING_SEPARATOR) if part]


def join_headings(headings: list[str]) -> str:
    """Headings, outermost first, as a ``section`` value."""
    return HEADING_SEPARATOR.join(headings)


def innermost_heading(section: str | None) -> str:
    """The heading a passage or citation sits directly under ("" when it has none)."""
    path = heading_path(section)
    return path[-1] if path else ""
