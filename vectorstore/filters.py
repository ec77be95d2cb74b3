"""Metadata filters as the command line, the web app and the API give them (``vectorstore.retriever``
re-exports these names, their former home)."""

from __future__ import annotations

from collections.abc import Sequence

FILTER_KEYS = ("source", "region", "resource_centre", "initiative")


class FilterError(ValueError):
    """A malformed --filter: a usage error (exit code 2)."""


class NoMatchError(Exception):
    """A filter value that no stored passage has; the message lists the values that exist."""


def parse_filters(pairs: Sequence[str]) -> dict[str, list[str]]:
    """``["region=Occitanie", "region=Normandie"]`` → ``{"region": ["Occitanie", "Normandie"]}``."""
    filters: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or key not in FILTER_KEYS or not value.strip():
            keys = ", ".join(FILTER_KEYS)
            raise FilterError(f"filtre « {pair} » invalide : attendu CLÉ=VALEUR avec CLÉ parmi {keys}")
        filters.setdefault(key, []).append(value.strip())
    return filters
