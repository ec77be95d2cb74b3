"""Files → store, idempotently and crash-safely.

Per document: chunks are upserted in batches under stable ids (reusing cached embeddings by text
hash), then the completion record is written, then chunks of older versions are deleted. A run killed
at any point leaves the previous version answering; re-running completes it without duplicates.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest import PIPELINE_VERSION, SUPPORTED_SUFFIXES, Chunk, IngestError, ParsedDocument
from ingest.bounded import parse_file_within
from vectorstore.ingest_lock import alone, ingesting
from vectorstore.ingest_report import FileResult, IngestReport
from vectorstore.signature import closest_document, signature
from vectorstore.store import DocumentRecord, Store
from vectorstore.upkeep import STRAY_AFTER_S, derived_behind, remove_stray_copies
from vectorstore.upkeep import remove_sources as remove_sources  # re-exported: its former home

BATCH = 8  # passages embedded at once
WRITE_BATCH = 256  # passages whose vectors are all cached, upserted at once


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, and supported files found in folders; a missing path is kept to be reported."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            found.append(path)
    return found


def ingest_paths(store: Store, paths: Iterable[Path], progress: bool = True, force: bool = False) -> IngestReport:
    """Ingest files and folders; ``force`` replaces a document even by a much poorer version of it."""
    with ingesting(store.folder):  # so that ``stats`` does not call this run's unfinished builds interrupted
        report = _ingest_paths(store, paths, progress, force)
    with alone(store.folder) as sole:  # no other run in progress: every copy no record names is a leftover
        remove_stray_copies(store, 0 if sole else STRAY_AFTER_S)
    return report


def _ingest_paths(store: Store, paths: Iterable[Path], progress: bool, force: bool) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    store.embedder  # noqa: B018 - refuse a mismatched embedder before touching anything
    records = store.records_by_source()
    seen: dict[str, Path] = {}
    for path in expand(paths):
        if path.name in seen:  # a document's identity is its file name: two files cannot share one
            error = f"{path} : même nom de fichier que {seen[path.name]}, déjà indexé par cette commande ; renommez-le"
            report.files.append(FileResult(path.name, "failed", error=error))
            continue
        seen[path.name] = path
        report.files.append(_ingest_file(store, path, records, report, progress, force=force))
    for source, record in sorted(records.items()):  # stale documents not named in this run
        if not _is_current(store, record) and source not in {f.source for f in report.files}:
            copy = store.documents_folder / record.stored_file
            if copy.exists():
                report.files.append(_ingest_file(store, copy, records, report, progress, source=source))
    if report.added or report.removed or derived_behind(store):
        from vectorstore.retriever import HybridRetriever
        from vectorstore.themes import initiative_themes

        # derive the lexical, USE and theme indexes now, not at the first question: new initiatives get themes
        initiative_themes(HybridRetriever(store))
    report.seconds = time.perf_counter() - started
    return report


def _is_current(store: Store, record: DocumentRecord) -> bool:
    return record.pipeline_version == PIPELINE_VERSION and record.embedder == store.embedder.name and (
        record.embedder_version == store.embedder.version
    )


def document_version(store: Store, document: ParsedDocument) -> str:
    """Names one build of one document: its source, content, pipeline and embedder.

    Stored chunk ids start with it, so rebuilding a document (edited, or under a new pipeline or
    embedder) writes new ids beside the live ones instead of over them, and readers trust only the
    version its completion record names.
    """
    key = "|".join((document.source, document.sha256, PIPELINE_VERSION, store.embedder.name, store.embedder.version))
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _ingest_file(store: Store, path: Path, records: dict[str, DocumentRecord], report: IngestReport,
                 progress: bool, source: str | None = None, force: bool = False) -> FileResult:
    try:
        if not path.exists():
            raise IngestError(path, "fichier introuvable")
        document = parse_file_within(path, source=source)  # QUARTIERS_MAX_FILE_SECONDS
    except IngestError as error:  # a rebuild reads a stored copy: name the document, not the copy
        return FileResult(source or path.name, "failed", error=f"{source or path.name} : {error.reason}")
    return index_document(store, document, path, records, report, progress, force)


def index_document(store: Store, document: ParsedDocument, path: Path, records: dict[str, DocumentRecord],
                   report: IngestReport, progress: bool = False, force: bool = False) -> FileResult:
    """Store one parsed document (``path``: its file, copied for rebuilds) and its completion record."""
    previous = records.get(document.source)
    poorer = _much_poorer(document, previous) if previous is not None and previous.sha256 != document.sha256 else None
    if poorer is not None and not force:
        return FileResult(document.source, "failed", error=f"{document.source} : {poorer}")
    result = FileResult(document.source, "added", pages=document.page_count, title=document.title,
                        publisher=document.publisher, date=document.date, extraction=document.extraction or None)
    version = document_version(store, document)
    if previous is not None and previous.doc_version == version and store.count_version(version) == previous.chunks:
        result.status, result.chunks = "unchanged", previous.chunks
        report.unchanged += previous.chunks
        report.removed += _delete_other_versions(store, document.source, version)  # finish a replacement
        return result
    if warned := (document.extraction or {}).get("pypdf_warnings"):
        plural = "s" if warned > 1 else ""
        result.warnings.append(f"{document.source} : {warned} anomalie{plural} de structure relevée{plural} par pypdf "
                               "(fichier abîmé ou mal produit ; le texte lu reste vérifié page à page)")
    if damaged := (document.extraction or {}).get("damaged_pages"):
        result.warnings.append(f"{document.source} : texte illisible à la page ou aux pages "
                               f"{', '.join(map(str, damaged))} (fichier endommagé ?)")
    sig = signature(document.full_text)
    if closest := closest_document(sig, document.source, records):
        result.warnings.append(f"{document.source} : contenu presque identique à « {closest} », déjà dans la base")
    stored_file = f"{version}{path.suffix.lower()}"
    target = store.documents_folder / stored_file
    if not target.exists():
        partial = target.with_name(f".{target.name}.{os.getpid()}.part")
        shutil.copyfile(path, partial)
        partial.replace(target)  # atomic: a kill never leaves a truncated copy to rebuild from
    result.embedded = _write_chunks(store, document, version, progress)
    record = DocumentRecord(
        source=document.source, title=document.title, sha256=document.sha256, kind=document.kind,
        pages=document.page_count, chunks=len(document.chunks), pipeline_version=PIPELINE_VERSION,
        embedder=store.embedder.name, embedder_version=store.embedder.version, stored_file=stored_file,
        doc_version=version, publisher=document.publisher, date=document.date, extraction=document.extraction or None,
        initiatives=[{k: v for k, v in i.__dict__.items()} for i in document.initiatives], signature=sig,
    )
    store.write_record(record)
    records[document.source] = record
    report.removed += _delete_other_versions(store, document.source, version)
    if previous is not None and previous.stored_file != stored_file:
        (store.documents_folder / previous.stored_file).unlink(missing_ok=True)
    result.status = "replaced" if previous is not None else "added"
    result.chunks = len(document.chunks)
    report.added += len(document.chunks)
    return result


def _much_poorer(document: ParsedDocument, previous: DocumentRecord) -> str | None:
    """Why a new version is refused: much less than the stored one (a damaged copy over a good document)."""
    lost = []
    if previous.pages and document.page_count is not None and document.page_count < 0.5 * previous.pages:
        lost.append(f"{document.page_count} pages contre {previous.pages}")
    if len(document.chunks) < 0.5 * previous.chunks:
        lost.append(f"{len(document.chunks)} passages contre {previous.chunks}")
    if len(previous.initiatives) >= 3 and len(document.initiatives) < 0.5 * len(previous.initiatives):
        lost.append(f"{len(document.initiatives)} initiatives contre {len(previous.initiatives)}")
    if not lost:
        return None
    return ("la nouvelle version est bien plus pauvre que celle de la base (" + ", ".join(lost)
            + ") : remplacement refusé, la version indexée reste ; relancez avec --force pour remplacer quand même")


def _delete_other_versions(store: Store, source: str, version: str) -> int:
    stale = store.chunk_ids({"$and": [{"source": source}, {"doc_version": {"$ne": version}}]})
    store.delete_chunks(stale)
    return len(stale)


def stored_id(version: str, chunk: Chunk) -> str:
    return f"{version}:{chunk.chunk_id.rsplit(':', 1)[1]}"


def _write_chunks(store: Store, document: ParsedDocument, version: str, progress: bool) -> int:
    hashes = [_text_hash(store, chunk) for chunk in document.chunks]
    cache = store.cached_embeddings(hashes)
    embedded = 0
    bar = tqdm(total=len(document.chunks), desc=document.source[:40], unit="passage", file=sys.stderr,
               disable=not progress, leave=False)
    start = 0
    while start < len(document.chunks):
        # passages to embed are written 8 at a time (embedding dominates; a kill loses little), cached ones
        # in large batches (a Chroma call costs far more than a row)
        window = hashes[start : start + WRITE_BATCH]
        cheap = getattr(store.embedder, "prefilled", False) or all(h in cache for h in window)
        step = WRITE_BATCH if cheap else BATCH
        batch, batch_hashes = document.chunks[start : start + step], hashes[start : start + step]
        missing = [c.embed_text for c, h in zip(batch, batch_hashes, strict=True) if h not in cache]
        fresh = iter(store.embedder.embed_documents(missing))
        vectors = [cache[h] if h in cache else next(fresh) for h in batch_hashes]
        embedded += len(missing)
        store.upsert_chunks(
            ids=[stored_id(version, c) for c in batch],
            texts=[c.text for c in batch],
            embeddings=vectors,
            metadatas=[_metadata(store, document, version, c, h) for c, h in zip(batch, batch_hashes, strict=True)],
        )
        bar.update(len(batch))
        start += step
    bar.close()
    return embedded


def _text_hash(store: Store, chunk: Chunk) -> str:
    """The embedding cache's key: the same text under the same embedder (and version) has the same vector."""
    return hashlib.sha256(f"{store.embedder.name}\n{store.embedder.version}\n{chunk.embed_text}".encode()).hexdigest()


def _metadata(store: Store, document: ParsedDocument, version: str, chunk: Chunk, text_hash: str) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "source": document.source, "title": document.title, "section": chunk.section,
        "doc_sha256": document.sha256, "doc_version": version, "text_sha256": text_hash,
        "embedder": store.embedder.name, "position": int(chunk.chunk_id.rsplit(":", 1)[1]),
    }
    for key in ("publisher", "date"):
        if getattr(document, key):
            meta[key] = getattr(document, key)
    if chunk.pages:
        meta["page"], meta["pages"], meta["page_offsets"] = chunk.pages[0], chunk.pages, chunk.page_offsets
    initiative = chunk.initiative
    if initiative is not None:
        meta.update(initiative_id=initiative.initiative_id, initiative=initiative.title,
                    resource_centre=initiative.resource_centre)
        if initiative.region:
            meta["region"] = initiative.region
        if initiative.place:
            meta["place"] = initiative.place
    return meta
