"""Store upkeep besides indexing: removing documents, derived indexes left behind by a killed run, stored
copies no record names (``vectorstore.indexer`` re-exports these names)."""

from __future__ import annotations

import time
from collections.abc import Iterable

from vectorstore.lexical import index_path, versions_at
from vectorstore.store import Store


def derived_behind(store: Store) -> bool:
    """A run killed after its last write but before deriving leaves the derived indexes behind the
    completion records: the rerun finds every document unchanged, and must still derive them."""
    held = versions_at(index_path(store.folder, store.collection_name))
    return held != {record.doc_version: record.chunks for record in store.records_by_source().values()}


STRAY_AFTER_S = 600  # while another run goes on: a copy no record names, older than this, is a leftover


def remove_stray_copies(store: Store, older_than_s: float) -> None:
    """Delete stored copies that no completion record names (a kill after the old build's chunks went):
    they would otherwise stay on disk and be served by URL. While another ingestion runs, recent ones may
    be its own, so only those older than ``older_than_s`` go."""
    named = {record.stored_file for record in store.records_by_source().values()}
    now = time.time()
    for copy in store.documents_folder.iterdir():
        if copy.is_file() and copy.name not in named and now - copy.stat().st_mtime >= older_than_s:
            copy.unlink(missing_ok=True)


def remove_sources(store: Store, sources: Iterable[str]) -> dict[str, int]:
    """Delete documents and all their chunks; returns chunks removed per source (-1: unknown source)."""
    records = store.records_by_source()
    removed: dict[str, int] = {}
    for source in sources:
        ids = store.chunk_ids({"source": source})
        record = records.get(source)
        if record is None and not ids:
            removed[source] = -1
            continue
        store.delete_record(source)  # first: a half-removed document must not count as ingested
        store.delete_chunks(ids)
        if record is not None:
            (store.documents_folder / record.stored_file).unlink(missing_ok=True)
        removed[source] = len(ids)
    return removed
