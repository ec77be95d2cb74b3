"""What a store holds, and what in it is stale or incomplete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ingest import PIPELINE_VERSION
from vectorstore.embedders import embedder_name
from vectorstore.ingest_lock import ingestion_running
from vectorstore.paging import get_all
from vectorstore.store import Store

if TYPE_CHECKING:
    from vectorstore.retriever import HybridRetriever


def staleness_warnings(store: Store) -> list[str]:
    """French lines for documents built by older code or interrupted mid-ingestion."""
    records = store.records_by_source()
    warnings = [
        f"{r.source} : indexé par une autre version du pipeline ({r.pipeline_version} ≠ {PIPELINE_VERSION}), "
        "relancez « quartiers ingest » pour le reconstruire"
        for r in records.values()
        if r.pipeline_version != PIPELINE_VERSION
    ]
    if built_with := store.built_with():
        wanted = embedder_name(store.embedder_spec)
        if built_with != wanted:
            warnings.append(f"la base a été construite avec l'encodeur « {built_with} », pas « {wanted} »")
    trusted = sorted(r.doc_version for r in records.values())  # the same rule readers apply
    where = {"doc_version": {"$nin": trusted}} if trusted else None  # only the untrusted chunks are read
    metas = get_all(store.chunks, where=where, include=["metadatas"])["metadatas"]
    incomplete = sorted({str(m["source"]) for m in metas if m})
    if ingestion_running(store.folder):  # a live run's builds are unfinished, not interrupted
        warnings += [f"{s} : ingestion en cours" for s in incomplete]
    else:
        warnings += [f"{s} : ingestion interrompue, relancez « quartiers ingest » pour la terminer"
                     for s in incomplete]
    return warnings


def summary(store: Store, embedder_spec: str, retriever: HybridRetriever | None = None) -> dict[str, Any]:
    """``retriever``: one already loaded (the web app's), else one is loaded for the themes."""
    records = store.records_by_source()
    documents = [
        {"source": r.source, "title": r.title, "pages": r.pages, "chunks": r.chunks, "sha256": r.sha256,
         "pipeline_version": r.pipeline_version, "publisher": r.publisher, "date": r.date,
         "extraction": r.extraction}
        for r in sorted(records.values(), key=lambda r: r.source)
    ]
    initiatives = [
        {"initiative_id": i["initiative_id"], "title": i["title"], "resource_centre": i["resource_centre"],
         "region": i.get("region"), "place": i.get("place"), "source": r.source, "pages": i.get("pages", [])}
        for r in sorted(records.values(), key=lambda r: r.source)
        for i in r.initiatives
    ]
    if initiatives:  # themes are derived from the passages (vectorstore.themes), cached with the store
        from vectorstore.embedders import EmbedderError
        from vectorstore.retriever import HybridRetriever
        from vectorstore.store import StoreError
        from vectorstore.themes import cached_themes, initiative_themes, theme_label

        try:  # the cache on disk when it is current: no passage is read
            themes = (None if retriever else cached_themes(store)) or initiative_themes(
                retriever or HybridRetriever(store))
        except (StoreError, EmbedderError):  # a store built with another embedder: stats still says what it holds
            themes = {}
        for initiative in initiatives:
            initiative["themes"] = themes.get(initiative["initiative_id"], [])
            initiative["theme_labels"] = [theme_label(t) for t in initiative["themes"]]
    built = store.built_with()
    return {
        "store": store.location,
        "collection": store.collection_name,
        "embedding_model": built or embedder_name(embedder_spec),
        "embedder_versions": sorted({r.embedder_version for r in records.values()}),
        "pipeline_version": PIPELINE_VERSION,
        "documents": documents,
        "totals": {
            "documents": len(documents),
            "pages": sum(d["pages"] or 0 for d in documents),
            "chunks": sum(d["chunks"] for d in documents),
            "initiatives": len(initiatives),
        },
        "initiatives": initiatives,
        "warnings": staleness_warnings(store),
    }
