"""Folding of metadata values for matching: case, accents and dash variants (– - —) ignored."""

from __future__ import annotations

import re
import unicodedata

_DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")


def fold(value: str) -> str:
    """'Bretagne – Pays de la Loire' and 'bretagne - pays de la loire' fold to the same key."""
    text = unicodedata.normalize("NFKD", value)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().replace("’", "'")
    text = _DASHES.sub("-", text)
    return re.sub(r"\s+", " ", text).strip()
