"""Entities matched across languages through the corpus' own names: "Brittany" → "Bretagne".

A question's entity that the corpus never writes is compared, with the multilingual Universal Sentence
Encoder, to the names the corpus does hold (its metadata: places, regions, resource centres, initiatives;
and the capitalised words its text repeats). A close enough match, clearly ahead of the next one, is what
the question means: the rewritten question uses the corpus' spelling, so retrieval, the place check and
the refusal's entity check all see it. No list of names is written here: they come from the store.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from assistant.terms import entities
from vectorstore.keys import fold
from vectorstore.use_index import encode

MIN_SIMILARITY = 0.65  # Brittany/Bretagne .79, Normandy/Normandie .84, London/Bretagne .52
MIN_MARGIN = 0.1  # over the second-best name: an ambiguous match is no match
MAX_TEXT_NAMES = 600
_NAME_KEYS = ("place", "region", "resource_centre", "initiative")
_SPLIT = re.compile(r"\s+[–—-]\s+|,\s*|\s*/\s*")
_CAPITALISED = re.compile(r"(?<=[\s(«])[A-ZÀ-Ý][\w’'-]*[\w]")


class CorpusNames:
    def __init__(self, texts: Iterable[str], metadata: Iterable[Mapping[str, Any]]) -> None:
        texts = list(texts)
        names: dict[str, str] = {}
        for meta in metadata:
            for key in _NAME_KEYS:
                for part in _SPLIT.split(str(meta.get(key) or "")):
                    if len(part.strip()) > 2:
                        names.setdefault(fold(part.strip()), part.strip())
        counts = Counter(m.group(0) for t in texts for m in _CAPITALISED.finditer(t))
        for word, n in counts.most_common(MAX_TEXT_NAMES):
            if n >= 2 and len(word) > 3:
                names.setdefault(fold(word), word)
        self.names = list(names.values())
        self.folded = fold("\n".join(texts) + "\n" + "\n".join(self.names))
        self._matrix: np.ndarray | None = None

    def known(self, entity: str) -> bool:
        return fold(entity) in self.folded

    def match(self, entity: str) -> str | None:
        """The corpus' name for ``entity`` when the corpus does not write it, or None."""
        if self.known(entity) or not self.names or entity.isdigit():
            return None
        if self._matrix is None:
            self._matrix = encode(self.names)
        scores = self._matrix @ encode([entity])[0]
        order = np.argsort(-scores)
        best = float(scores[order[0]])
        second = float(scores[order[1]]) if len(order) > 1 else 0.0
        return self.names[order[0]] if best >= MIN_SIMILARITY and best - second >= MIN_MARGIN else None

    def localise(self, question: str) -> str:
        """The question with each entity the corpus does not write replaced by the corpus' own name for it."""
        for entity in entities(question):
            name = self.match(entity)
            if name:
                question = re.sub(rf"(?<![\w-]){re.escape(entity)}(?![\w-])", name, question)
        return question
