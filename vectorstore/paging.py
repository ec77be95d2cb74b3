"""Chroma reads in pages, so that no read fails however large the corpus grows.

chromadb 1.5 binds one SQLite variable per returned row (or per id asked for) and SQLite allows 32,766:
a ``get`` of every chunk's metadata fails past 32,767 chunks. Every read that could grow with the corpus
goes through ``pages`` (or ``get_all``), which asks for at most ``PAGE`` rows or ids at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

PAGE = 5_000


def pages(collection: Any, where: dict[str, Any] | None = None, include: list[str] | None = None,
          ids: list[str] | None = None, size: int = PAGE) -> Iterator[dict[str, Any]]:
    """``collection.get`` in pages of at most ``PAGE`` rows, so no read fails past 32,767 chunks.

    Each page is a dict with ``ids`` and the fields of ``include`` as lists (embeddings as rows)."""
    fields = list(include or [])
    if ids is not None:
        slices: Iterator[dict[str, Any]] = (
            collection.get(ids=ids[start : start + size], where=where, include=fields)
            for start in range(0, len(ids), size)
        )
    else:
        slices = _offset_pages(collection, where, fields, size)
    for got in slices:
        page: dict[str, Any] = {"ids": list(got["ids"])}
        for field in fields:
            values = got.get(field)
            page[field] = list(values) if values is not None else []
        yield page


def get_all(collection: Any, where: dict[str, Any] | None = None, include: list[str] | None = None,
            ids: list[str] | None = None) -> dict[str, Any]:
    """Every page of ``pages`` joined: for callers that need the whole answer at once."""
    joined: dict[str, Any] = {"ids": [], **{field: [] for field in include or []}}
    for page in pages(collection, where, include, ids):
        for key, values in page.items():
            joined[key].extend(values)
    return joined

def _offset_pages(collection: Any, where: dict[str, Any] | None, include: list[str], size: int) -> Iterator[Any]:
    offset = 0
    while True:
        got = collection.get(where=where, include=include, limit=size, offset=offset)
        yield got
        if len(got["ids"]) < size:
            return
        offset += size
