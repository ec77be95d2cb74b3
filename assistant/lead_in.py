"""Lead-ins built only from metadata, in French: « À Nantes », « En Guyane », « Dans l'Essonne », « Dans le
Rhône », « En Bourgogne-Franche-Comté », « À La Réunion ».

French chooses the preposition by what a place is (a city takes « à »; a region « en », or « dans le » when
masculine; a department « dans le / la / l' »), its gender and number, and usage (« à Mayotte », « en
Martinique »). None of that is in the metadata, so it is read from the corpus itself: how the documents
write the name (« à X », « en X », « du X » for a masculine name with its article), and whether the name is
one of the corpus' regions. No place name is written here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from quartiers.text_toolkit import innermost_heading
from vectorstore.keys import fold
from vectorstore.retriever import Passage

_VOWELS = "aeiouyh"  # an initial mute h elides like a vowel (« l'Hérault »)
_ARTICLE = re.compile(r"^(la|le|les|l['’])\s*", re.I)


def _strip_article(name: str) -> str:
    return _ARTICLE.sub("", name.strip())


class Prepositions:
    """``phrase(place)`` → "À Nantes", from the corpus' ``texts`` and its ``regions`` (metadata values)."""

    def __init__(self, texts: Iterable[str], regions: Iterable[str],
                 texts_with: Callable[[str], Iterable[str]] | None = None) -> None:
        """``texts_with(name)``: a large store's texts that may write ``name``, fetched when asked, beside ``texts``."""
        self._texts = list(texts)
        self._texts_with = texts_with
        self.regions = {fold(_strip_article(r)) for r in regions if r}
        self.phrase = lru_cache(maxsize=4096)(self._phrase)

    def usage(self, name: str) -> Counter[str]:
        """How the corpus introduces ``name``: "à", "en", "dans", and the articles of a masculine or
        plural name ("du", "le", "au", "des", "les", "aux")."""
        pattern = re.compile(r"(?<![\w-])(à|en|dans(?: l['’]| les?| la)?|du|au|aux|des|le|les)\s+"
                             + re.escape(name) + r"(?![\w-])", re.I)
        counts: Counter[str] = Counter()
        fetched = self._texts_with(name) if self._texts_with is not None else ()
        for text in (*self._texts, *fetched):
            if name in text:
                counts.update(m.group(1).lower().replace("’", "'") for m in pattern.finditer(text))
        return counts

    def _phrase(self, place: str) -> str:
        place = place.strip()
        article = _ARTICLE.match(place)
        if article:  # the name carries its article: « À La Réunion », « Au Havre », « Aux Mureaux »
            word = article.group(1).lower()
            rest = place[article.end():]
            return {"le": f"Au {rest}", "les": f"Aux {rest}"}.get(word, f"À {place}")
        usage = self.usage(place)
        local = {"à": usage["à"], "en": usage["en"],
                 "dans": sum(v for k, v in usage.items() if k.startswith("dans"))}
        if local["à"] and local["à"] >= max(local["en"], local["dans"]):
            return f"À {place}"  # usage decides first: « à Mayotte » although it is a region
        masculine = usage["du"] + usage["au"] + usage["le"] + usage["dans le"]
        plural = usage["des"] + usage["aux"] + usage["les"] + usage["dans les"]
        region = fold(place) in self.regions
        if not (region or local["en"] or local["dans"] or masculine):
            return f"À {place}"  # a city, or a name the corpus never introduces
        first = re.split(r"[-\s]", place)[0]
        if region and first.lower().endswith(("s", "x")) and "-" in place:
            plural += 1  # « les Hauts-de-France »
        if plural > masculine:
            return f"Dans les {place}"
        feminine = first.lower().endswith("e") and not masculine
        starts_with_vowel = fold(place[:1]) in _VOWELS
        if region:
            return f"En {place}" if feminine or starts_with_vowel else f"Dans le {place}"
        # a department or another territory that is not one of the corpus' regions
        if starts_with_vowel:
            return f"Dans l'{place}"
        return f"Dans la {place}" if feminine else f"Dans le {place}"


def lead_in(passage: Passage, prepositions: Prepositions | None = None) -> str:
    """Built only from metadata: "À Nantes (Réso Villes, Bretagne – Pays de la Loire) :"."""
    who = ", ".join(x for x in (passage.get("resource_centre"), passage.get("region")) if x)
    place = passage.get("place")
    if passage.get("initiative") and place:
        where = prepositions.phrase(str(place)) if prepositions else f"À {place}"
        return f"{where} ({who}) :" if who else f"{where} :"
    if passage.get("initiative"):
        return f"« {passage.get('initiative')} » ({who}) :" if who else f"« {passage.get('initiative')} » :"
    section = str(passage.get("section") or passage.get("title") or "")
    return f"Dans « {innermost_heading(section)} » :"
