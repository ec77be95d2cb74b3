"""The composition root: an ``Assistant`` built from the settings, for the answerer asked for.

The CLI (ask, chat, eval) and the UI call ``build_assistant``; none of them builds an LLM client itself.

    assistant = build_assistant(open_store(settings), settings, "llm")
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from assistant.chain import Assistant
from assistant.llm import LLMAnswerer
from assistant.llm_client import ChatClient, LLMConfig
from assistant.local_llm import LocalServer, LocalServerError

if TYPE_CHECKING:
    from quartiers.settings import Settings
    from vectorstore.store import Store

ANSWERERS = ("extractive", "llm")
LOCAL_MODEL_NAME = "local-gguf"  # llama.cpp serves one model whatever name is asked for


def llm_config(settings: Settings) -> LLMConfig | None:
    """The endpoint to use: ``QUARTIERS_LLM_GGUF`` (a local xllamacpp server started here, once per
    process) or ``QUARTIERS_LLM_BASE_URL``; None when neither is set. Raises ``LocalServerError``."""
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
    if gguf not in _SERVERS:  # the UI and eval build assistants more than once: one model in memory
        _SERVERS[gguf] = LocalServer.start(Path(gguf))
    return _SERVERS[gguf]


def build_assistant(store: Store, settings: Settings, answerer: str = "extractive") -> Assistant:
    """The assistant for ``answerer``; when the LLM asked for cannot be had, an extractive one whose
    answers say why in ``fallback``."""
    if answerer not in ANSWERERS:
        raise ValueError(f"répondeur inconnu : {answerer}")
    if answerer == "extractive":
        return Assistant(store)
    try:
        config = llm_config(settings)
    except LocalServerError as error:
        return Assistant(store, unavailable=f"local n'a pas démarré ({error})")
    if config is None:
        return Assistant(store, unavailable="n'est pas configuré (QUARTIERS_LLM_BASE_URL ou QUARTIERS_LLM_GGUF)")
    return Assistant(store, LLMAnswerer(ChatClient(config)))
