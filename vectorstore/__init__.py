"""Embeddings and the Chroma store: the one source of truth for what has been ingested."""

from vectorstore.embedders import EmbedderError, QuartiersEmbeddings, embedder_name, make_embedder
from vectorstore.store import DocumentRecord, Store, StoreError, open_store

__all__ = [
    "DocumentRecord",
    "EmbedderError",
    "QuartiersEmbeddings",
    "Store",
    "StoreError",
    "embedder_name",
    "make_embedder",
    "open_store",
]
