"""Glued words: how much of a text lost the spaces between its words.

A token is glued when it is not a word (not in a French lexicon, nor written alone by the document itself)
and splits into two or more words that are: ``destraductionspourdeserreurs`` → des traductions pour des
erreurs. Technical words the lexicon lacks (``désimperméabilisation``) are not glued, since the document
writes them alone. The lexicon is the French word-frequency list that ships inside ``pyspellchecker``
(MIT): 140,000 forms, read once, no download.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

_TOKEN = re.compile(r"[^\W\d_]+")
_SHORT_WORDS = frozenset("a à y l d s n c j m t ô".split())  # one-letter pieces a split may use
_MIN_GLUED = 8  # shorter tokens are too ambiguous to judge ("dela" aside, glue makes long tokens)
_MAX_WORD = 30


@lru_cache(maxsize=2)
def lexicon(language: str = "fr") -> frozenset[str]:
    """Lower-case word forms of ``language`` (pyspellchecker's frequency list for it)."""
    data = resources.files("spellchecker").joinpath(f"resources/{language}.json.gz").read_bytes()
    words: dict[str, int] = json.loads(gzip.decompress(data))
    return frozenset(word for word, count in words.items() if count >= 2 and (len(word) > 1 or word in _SHORT_WORDS))


def readable_share(text: str) -> tuple[float, float]:
    """(share of control or replacement characters, share of tokens that are French or English words):
    what a damaged file's text looks like, whatever the layout."""
    if not text:
        return 0.0, 1.0
    control = sum(1 for ch in text if (ch < " " and ch not in "\n\t") or ch == "\ufffd") / len(text)
    found = [token.lower() for token in tokens(text) if len(token) > 1]
    if len(found) < 20:
        return control, 1.0
    french, english = lexicon("fr"), lexicon("en")
    return control, sum(1 for token in found if token in french or token in english) / len(found)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def vocabulary(text: str) -> set[str]:
    return {token.lower() for token in tokens(text)}


def _splits(token: str, known: frozenset[str] | set[str], lex: frozenset[str]) -> bool:
    """Whether ``token`` is a sequence of at least two known words (dynamic programming over its prefixes)."""
    n = len(token)
    parts = [0] + [-1] * n  # parts[i]: fewest words that make token[:i], -1 if none
    for end in range(1, n + 1):
        for start in range(max(0, end - _MAX_WORD), end):
            if parts[start] < 0:
                continue
            piece = token[start:end]
            if (len(piece) > 1 or piece in _SHORT_WORDS) and (piece in lex or piece in known):
                count = parts[start] + 1
                if parts[end] < 0 or count < parts[end]:
                    parts[end] = count
    return parts[n] >= 2


class GlueMeter:
    """Counts glued tokens; ``known`` adds the document's own words to the lexicon."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self.lex = lexicon()
        self.known = {word for word in known if len(word) > 1}
        self._cache: dict[str, bool] = {}

    def is_glued(self, token: str) -> bool:
        word = token.lower()
        if len(word) < _MIN_GLUED or word in self.lex or word in self.known:
            return False
        if word not in self._cache:
            self._cache[word] = _splits(word, self.known, self.lex)
        return self._cache[word]

    def count(self, text: str) -> tuple[int, int]:
        """(glued tokens, tokens) in ``text``."""
        found = tokens(text)
        return sum(1 for token in found if self.is_glued(token)), len(found)

    def share(self, text: str) -> float:
        glued, total = self.count(text)
        return glued / total if total else 0.0
