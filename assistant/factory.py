"""Kept for the old import path only: the parts are built in ``quartiers.components`` (the composition
root). ``build_assistant(store, settings, answerer)`` and ``llm_config`` still work and delegate there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from quartiers.results import ANSWERERS  # re-exported: its old import path

if TYPE_CHECKING:
    from assistant.chain import Assistant
    from assistant.llm_client import LLMConfig
    from quartiers.settings import Settings
    from vectorstore.store import Store

__all__ = ["ANSWERERS", "build_assistant", "llm_config"]


def build_assistant(store: Store, settings: Settings, answerer: str = "extractive") -> Assistant:
    """``quartiers.components.build_assistant(settings, answerer, store=store)``."""
    from quartiers import components  # imported here: the root sits above this package, never below it

    return components.build_assistant(settings, answerer, store=store)


def llm_config(settings: Settings) -> LLMConfig | None:
    """``quartiers.components.llm_config``."""
    from quartiers import components

    return components.llm_config(settings)
