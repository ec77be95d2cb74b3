"""The Chroma store: chunks in one collection, one completion record per document in another.

The document record is written after all of a document's chunks, so a document interrupted midway
counts as not ingested; readers only trust chunks whose ``doc_sha256`` matches a record. Vectors are
always supplied by us: Chroma never embeds (its default model would be downloaded).
"""

from __future__ import annotations

import contextlib
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from vectorstore.embedders import QuartiersEmbeddings, embedder_name, make_embedder
from vectorstore.paging import get_all, pages
from vectorstore.records import DocumentRecord, StoreError
from vectorstore.text_hashes import TextHashes

_RECORD_DIM = [1.0]
# chromadb 1.5 binds one SQLite variable per returned row (or per id asked for) and SQLite allows 32,766:
# every read that could grow with the corpus goes through ``pages`` or asks for at most this many ids.
PAGE = 5_000  # document records need a vector; they are never searched by it
# Chroma's rule (3-512 characters), leaving room for the "-documents" suffix of the records collection.
_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,498}[A-Za-z0-9]$")


class Store:
    """One corpus: a Chroma collection of chunks plus its document records."""

    def __init__(self, folder: Path, collection: str = "quartiers", chroma_url: str | None = None,
                 embedder_spec: str = "e5") -> None:
        if not _COLLECTION_NAME.match(collection):
            raise StoreError(f"nom de collection « {collection} » invalide : 3 à 500 caractères parmi lettres, "
                             "chiffres, « . », « _ » et « - », commençant et finissant par une lettre ou un chiffre")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.collection_name = collection
        self.chroma_url = chroma_url
        self.embedder_spec = embedder_spec
        self._embedder: QuartiersEmbeddings | None = None
        self._text_hashes: TextHashes | None = None
        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if chroma_url:
                url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
                self.client: Any = chromadb.HttpClient(
                    host=url.hostname or "127.0.0.1", port=url.port or 8000, ssl=url.scheme == "https",
                    settings=settings,
                )
            else:
                self.client = chromadb.PersistentClient(path=str(self.folder / "chroma"), settings=settings)
            self._open_collections()
        except StoreError:
            raise
        except Exception as error:  # chromadb raises bare ValueError/Exception for an unreachable server
            where = f"le serveur Chroma {chroma_url}" if chroma_url else f"la base {self.folder / 'chroma'}"
            raise StoreError(f"impossible d'ouvrir {where} ({type(error).__name__})") from error

    def _open_collections(self) -> None:
        self.chunks = self.client.get_or_create_collection(
            self.collection_name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        self.records = self.client.get_or_create_collection(f"{self.collection_name}-documents",
                                                            embedding_function=None)

    @property
    def location(self) -> str:
        return self.chroma_url or str(self.folder / "chroma")

    @property
    def documents_folder(self) -> Path:
        """Copies of ingested files, so stale documents can be rebuilt and the UI can serve them."""
        path = self.folder / "documents" / self.collection_name
        path.mkdir(parents=True, exist_ok=True)
        return path

    # --- embedder identity -------------------------------------------------------------
    def built_with(self) -> str | None:
        """Name of the embedder that built this store, or None for an empty store."""
        value = (self.chunks.metadata or {}).get("embedder")
        return str(value) if value else None

    def check_embedder(self) -> None:
        """Refuse to mix vectors of two models in one collection."""
        built, wanted = self.built_with(), embedder_name(self.embedder_spec)
        if built and built != wanted and self.chunks.count() > 0:
            raise StoreError(
                f"la base « {self.collection_name} » a été construite avec l'encodeur « {built} », "
                f"pas « {wanted} » : utilisez QUARTIERS_EMBEDDER={built.removeprefix('st:')} "
                "ou reconstruisez-la avec « quartiers ingest --reset »"
            )

    @property
    def embedder(self) -> QuartiersEmbeddings:
        if self._embedder is None:
            self.check_embedder()
            self._embedder = make_embedder(self.embedder_spec)
            if self.built_with() != self._embedder.name and self.chunks.count() == 0:
                self.chunks.modify(metadata={"embedder": self._embedder.name})  # an emptied store may change
        return self._embedder

    # --- records ---------------------------------------------------------------------------
    def records_by_source(self) -> dict[str, DocumentRecord]:
        got = get_all(self.records, include=["metadatas"])
        return {
            str(meta["source"]): DocumentRecord.from_metadata(dict(meta))
            for meta in got["metadatas"]
            if meta
        }

    def count_version(self, version: str) -> int:
        return len(self.chunk_ids({"doc_version": version}))

    def trusted_versions(self) -> set[str]:
        """Document builds that completed: the only chunks readers may serve."""
        return {record.doc_version for record in self.records_by_source().values()}

    def write_record(self, record: DocumentRecord) -> None:
        self.records.upsert(ids=[record.source], embeddings=[_RECORD_DIM], metadatas=[record.to_metadata()])
        self._bump()

    def delete_record(self, source: str) -> None:
        self.records.delete(ids=[source])
        self._bump()

    def _bump(self) -> None:
        """Mark the records changed, in the collection itself: readers in other processes, or on other
        machines sharing a Chroma server, notice it with one small request (``generation``)."""
        self.records.modify(metadata={"generation": uuid.uuid4().hex})

    def reopen(self) -> None:
        """See another process's writes to a local store: chromadb keeps one engine per folder and
        process, whose vector index never reloads what another process added. A fresh engine does; the
        old one is stopped a little later, once queries already running on it are done."""
        if self.chroma_url:
            return  # a server serves every client the same collection
        from chromadb.api.shared_system_client import SharedSystemClient

        old = SharedSystemClient._identifier_to_system.pop(str(self.folder / "chroma"), None)
        SharedSystemClient._identifier_to_refcount.pop(str(self.folder / "chroma"), None)
        self.client = chromadb.PersistentClient(path=str(self.folder / "chroma"), settings=self.client.get_settings())
        self._open_collections()
        if old is not None:
            timer = threading.Timer(60, old.stop)
            timer.daemon = True
            timer.start()

    def generation(self) -> str:
        """Changes whenever a document is added, replaced or removed, by any process."""
        current = self.client.get_collection(f"{self.collection_name}-documents", embedding_function=None)
        return str((current.metadata or {}).get("generation", ""))

    # --- chunks ----------------------------------------------------------------------------
    def chunk_ids(self, where: dict[str, Any] | None = None) -> list[str]:
        return get_all(self.chunks, where=where)["ids"]

    @property
    def text_hashes(self) -> TextHashes:
        """Which chunks hold a passage text (``text_hashes``): the embedding cache's index."""
        if self._text_hashes is None:
            def backfill() -> Iterator[tuple[str, str]]:
                for page in pages(self.chunks, include=["metadatas"]):
                    for chunk_id, meta in zip(page["ids"], page["metadatas"], strict=True):
                        if meta and meta.get("text_sha256"):
                            yield str(chunk_id), str(meta["text_sha256"])

            path = self.folder / "derived" / f"{self.collection_name}-text-hashes.sqlite"
            self._text_hashes = TextHashes(path, backfill)
        return self._text_hashes

    def cached_embeddings(self, text_hashes: list[str]) -> dict[str, list[float]]:
        """Embeddings already stored for these chunk-text hashes: an edit re-embeds only what changed.
        The chunks are found through ``text_hashes`` and read by id: no metadata filter over the corpus."""
        cache: dict[str, list[float]] = {}
        candidates = self.text_hashes.ids_for(sorted(set(text_hashes)))
        ids = [i for found in candidates.values() for i in found]
        for page in pages(self.chunks, ids=ids, include=["embeddings", "metadatas"], size=500):
            for meta, vector in zip(page["metadatas"], page["embeddings"], strict=True):
                # the hash names the embedder and its version; the check guards an index gone stale
                if meta and meta.get("embedder") == self.embedder.name and str(meta["text_sha256"]) not in cache:
                    cache[str(meta["text_sha256"])] = [float(x) for x in vector]
        return cache

    def upsert_chunks(self, ids: list[str], texts: list[str], embeddings: list[list[float]],
                      metadatas: list[dict[str, Any]]) -> None:
        self.chunks.upsert(
            ids=ids, documents=texts, embeddings=embeddings, metadatas=metadatas  # type: ignore[arg-type]
        )
        self.text_hashes.stored((i, str(m["text_sha256"])) for i, m in zip(ids, metadatas, strict=True)
                                if m.get("text_sha256"))

    def delete_chunks(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 500):
            self.chunks.delete(ids=ids[start : start + 500])
        self.text_hashes.forget(ids)

    def reset(self) -> None:
        """Drop both collections (and the stored file copies) of this corpus.

        Items are deleted before their collections: with chromadb 1.5, a collection dropped while it
        still held items leaks their metadata (e.g. ``pages``) into records of the collection created
        next under the same name in the same process.
        """
        for collection in (self.records, self.chunks):  # records first: no record may outlive its chunks
            ids = get_all(collection)["ids"]
            for start in range(0, len(ids), 500):
                collection.delete(ids=ids[start : start + 500])
        for name in (f"{self.collection_name}-documents", self.collection_name):
            with contextlib.suppress(Exception):  # absent already: nothing to drop
                self.client.delete_collection(name)
        for path in self.documents_folder.glob("*"):
            path.unlink()
        self.text_hashes.clear()
        self._open_collections()


def open_store(settings: Any) -> Store:
    """The store described by a ``Settings`` object."""
    return Store(settings.store, settings.collection, settings.chroma_url, settings.embedder)
