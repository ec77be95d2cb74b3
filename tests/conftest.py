"""Shared fixtures: the bundled corpus is parsed and ingested once per test session, with the real
pypdf, the real default embedder and a real Chroma folder; tests that change a store work on a copy."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest import ParsedDocument, parse_file
from quartiers import BUNDLED_CORPUS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED_PDF = BUNDLED_CORPUS / "quartiers-covid-crpv-2020.pdf"
REPORT_MD = FIXTURES / "quartiers-covid-crpv-2020.md"


def cli_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "quartiers.cli", *map(str, args)]


def run_cli(*args: str | Path, store: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the real ``quartiers`` command in a subprocess, as a user would."""
    command = cli_command(*args)
    if store is not None:
        command += ["--store", str(store)]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("QUARTIERS_")}
    full_env.update({"HF_HUB_OFFLINE": "1", **(env or {})})
    return subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=timeout, cwd=ROOT)


def run_json(*args: str | Path, store: Path | None = None, **kwargs: object) -> tuple[int, dict]:
    result = run_cli(*args, "--json", store=store, **kwargs)  # type: ignore[arg-type]
    assert result.stdout.strip(), result.stderr
    return result.returncode, json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def pdf_document() -> ParsedDocument:
    return parse_file(BUNDLED_PDF)


@pytest.fixture(scope="session")
def md_document() -> ParsedDocument:
    return parse_file(REPORT_MD)


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the bundled PDF, built once by ``quartiers ingest`` (about half a minute)."""
    folder = tmp_path_factory.mktemp("store") / "built"
    code, report = run_json("ingest", "--no-progress", store=folder)
    assert code == 0, report
    return folder


@pytest.fixture
def store_copy(built_store: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the built store, for tests that change it."""
    target = tmp_path / "store"
    shutil.copytree(built_store, target)
    yield target


@pytest.fixture(scope="session")
def small_md(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The illustrations part of the Markdown report: a real document, quicker to embed than the whole."""
    text = REPORT_MD.read_text(encoding="utf-8")
    start = text.index("# Illustrations d'acteur.rice.s agissant")
    path = tmp_path_factory.mktemp("docs") / "illustrations.md"
    path.write_text(text[start:], encoding="utf-8")
    return path


@dataclass(frozen=True)
class LLMServer:
    base_url: str
    api_key: str
    gguf: Path

    def env(self, api_key: str | None = None) -> dict[str, str]:
        """What a ``quartiers`` subprocess needs to use this server (run_cli strips QUARTIERS_*)."""
        return {"QUARTIERS_LLM_BASE_URL": self.base_url, "QUARTIERS_LLM_MODEL": "smollm2",
                "QUARTIERS_LLM_API_KEY": api_key or self.api_key}


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LLMServer]:
    """A real llama.cpp server (xllamacpp) with SmolLM2-135M on a free loopback port, behind an API key,
    in a child process stopped by its PID at teardown."""
    from tests.llm_model import ENV, model_path

    gguf = model_path()
    if not gguf.is_file():
        pytest.skip(f"test model absent: {gguf} (`python -m tests.llm_model` fetches it; {ENV} points elsewhere)")
    pytest.importorskip("xllamacpp", reason='xllamacpp is not installed (pip install -e ".[llm-test]")')
    from pydantic import SecretStr

    from assistant.local_llm import LocalServer

    key = "cle-de-test-" + secrets.token_hex(8)
    log = tmp_path_factory.mktemp("llm") / "server.log"
    server = LocalServer.start(gguf, api_key=SecretStr(key), log=log)
    try:
        yield LLMServer(server.base_url, key, gguf)
    finally:
        server.stop()
