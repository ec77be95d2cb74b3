"""The composition root: the one place that turns ``Settings`` into the running parts.

    Settings → Store → HybridRetriever → Assistant (retriever passed in) → optional LLM client

The CLI's commands, the web app (``quartiers.web.service.Service``, which the API shares), ``quartiers eval``,
``eval/*.py`` and ``bench/common.py`` all build through here, so a ``QUARTIERS_*`` setting (embedder, Chroma
server, collection, LLM endpoint) reaches every one of them. Nothing else constructs a ``Store`` from
settings or picks an LLM endpoint.

    settings = Settings()
    store = build_store(settings)
    assistant = build_assistant(settings, "llm", retriever=build_retriever(store))

Heavy modules (chromadb, langchain, models) are imported inside the functions: the CLI imports this module
while ``quartiers --help`` must stay instant.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quartiers.results import ANSWERERS
from quartiers.settings import Settings, eval_store_dir

if TYPE_CHECKING:
    from assistant.chain import Assistant
    from assistant.llm_client import LLMConfig
    from assistant.local_llm import LocalServer
    from vectorstore.retriever import HybridRetriever
    from vectorstore.store import Store

LOCAL_MODEL_NAME = "local-gguf"  # llama.cpp serves one model whatever name is asked for
EVAL_SUFFIX = "-eval"  # the evaluation's collection on a shared Chroma server: never the user's


def settings_for(base: Settings | None = None, **overrides: Any) -> Settings:
    """``base`` (default: the environment) with the given fields replaced; ``None`` values are ignored, so
    CLI flags that were not given leave the environment's value in place."""
    settings = base if base is not None else Settings()
    given = {key: value for key, value in overrides.items() if value is not None}
    return settings.model_copy(update=given) if given else settings


def build_store(settings: Settings) -> Store:
    """The store the settings describe: local Chroma files under ``store``, or the Chroma server at
    ``chroma_url`` (then ``store`` keeps the caches), with the configured embedder."""
    from vectorstore.store import Store

    return Store(settings.store, settings.collection, settings.chroma_url, settings.embedder)


def build_retriever(store: Store, weights: Mapping[str, float] | None = None,
                    rrf_k: int | None = None) -> HybridRetriever:
    """The hybrid retriever over ``store`` (indexes loaded once); weights and ``rrf_k`` for the
    evaluation's ablations, defaults otherwise."""
    from vectorstore.retriever import RRF_K, HybridRetriever

    return HybridRetriever(store, weights=weights, rrf_k=RRF_K if rrf_k is None else rrf_k)


def llm_config(settings: Settings) -> LLMConfig | None:
    """The endpoint to use: ``QUARTIERS_LLM_GGUF`` (a local xllamacpp server started here, once per
    process) or ``QUARTIERS_LLM_BASE_URL``; None when neither is set. Raises ``LocalServerError``."""
    from pydantic import SecretStr

    from assistant.llm_client import LLMConfig

    key: SecretStr | None
    if settings.llm_gguf:
        server = _local_server(str(settings.llm_gguf))
        url, model, key = server.base_url, settings.llm_model or LOCAL_MODEL_NAME, server.api_key
    elif settings.llm_base_url:
        url, model, key = settings.llm_base_url, settings.llm_model or "default", settings.llm_api_key
    else:
        return None
    return LLMConfig(url, model, key, timeout_s=settings.llm_timeout_s, max_retries=settings.llm_max_retries)


_SERVERS: dict[str, LocalServer] = {}


def _local_server(gguf: str) -> LocalServer:
    from assistant.local_llm import LocalServer

    if gguf not in _SERVERS:  # the UI and eval build assistants more than once: one model in memory
        _SERVERS[gguf] = LocalServer.start(Path(gguf))
    return _SERVERS[gguf]


def build_assistant(settings: Settings, answerer: str = "extractive", *, store: Store | None = None,
                    retriever: HybridRetriever | None = None) -> Assistant:
    """The assistant for ``answerer`` over ``retriever`` (else one built over ``store``, else over the
    settings' store). When the LLM asked for cannot be had, an extractive assistant whose answers say why
    in ``fallback``."""
    from assistant.chain import Assistant
    from assistant.local_llm import LocalServerError

    if answerer not in ANSWERERS:
        raise ValueError(f"répondeur inconnu : {answerer}")
    if retriever is None:
        retriever = build_retriever(store if store is not None else build_store(settings))
    # every answerer shares the one retriever, whose lexical side also gives the idf's term counts
    over = partial(Assistant, retriever.store, retriever=retriever, term_statistics=retriever.term_statistics)
    if answerer == "extractive":
        return over()
    try:
        config = llm_config(settings)
    except LocalServerError as error:
        return over(unavailable=f"local n'a pas démarré ({error})")
    if config is None:
        return over(unavailable="n'est pas configuré (QUARTIERS_LLM_BASE_URL ou QUARTIERS_LLM_GGUF)")
    from assistant.llm import LLMAnswerer
    from assistant.llm_client import ChatClient

    return over(LLMAnswerer(ChatClient(config)))


def eval_settings(settings: Settings, store: Path | None = None, collection: str | None = None) -> Settings:
    """The evaluation's own store, never the user's: its own folder (``store``, else the evaluation's
    cache folder), and on a shared Chroma server (``chroma_url``) its own collection, so an evaluation
    never rewrites the collection users query. Embedder, LLM and the other settings are the user's."""
    if collection is None and settings.chroma_url:
        collection = f"{settings.collection}{EVAL_SUFFIX}"
    return settings_for(settings, store=store or eval_store_dir(), collection=collection)


def prepared_eval_store(settings: Settings, store: Path | None = None, collection: str | None = None,
                        progress: bool = False) -> Store:
    """The evaluation's store (``eval_settings``) holding the bundled corpus, re-ingested when the
    pipeline changed: what ``quartiers eval``, ``eval/*.py`` and ``bench/`` run on."""
    from quartiers import BUNDLED_CORPUS
    from vectorstore.indexer import ingest_paths

    built = build_store(eval_settings(settings, store, collection))
    ingest_paths(built, [BUNDLED_CORPUS], progress=progress)
    return built


def foreign_settings(settings: Settings, folder: Path) -> Settings:
    """The store of the third-party PDFs' evaluation, beside the evaluation's own (``folder``); on a
    shared Chroma server, a collection of its own."""
    collection = f"{settings.collection}-foreign" if settings.chroma_url else None
    return settings_for(settings, store=folder, collection=collection)
