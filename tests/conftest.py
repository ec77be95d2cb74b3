"""Shared fixtures: the bundled corpus is parsed and ingested once per test session, with the real
pypdf, the real default embedder and a real Chroma folder; tests that change a store work on a copy.

Two tiers, marked here from the fixtures a test uses (no test file needs to say it): ``integration``
for tests on real documents, stores or servers, ``slow`` for those that build a store or start a server.
``python -m pytest -m "not slow"`` is the quick run; CI runs everything. No test reaches beyond this
machine: an autouse guard refuses any connection that is not to loopback.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ingest import ParsedDocument, parse_file
from quartiers import BUNDLED_CORPUS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
BUNDLED_PDF = BUNDLED_CORPUS / "quartiers-covid-crpv-2020.pdf"
REPORT_MD = FIXTURES / "quartiers-covid-crpv-2020.md"

# Fixtures that build a store or start a server (slow), and those that read real documents (integration).
SLOW_FIXTURES = {"built_store", "store_copy", "small_md", "llm_server"}
INTEGRATION_FIXTURES = SLOW_FIXTURES | {"pdf_document", "md_document"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & SLOW_FIXTURES or item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.integration)
        elif used & INTEGRATION_FIXTURES:
            item.add_marker(pytest.mark.integration)


class NetworkBlocked(OSError):
    """A test tried to reach beyond this machine."""


def _loopback(address: Any) -> bool:
    host = str(address[0]) if isinstance(address, tuple) else str(address)
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:  # a name other than localhost would need a lookup, and then a way out
        return False


@pytest.fixture(scope="session", autouse=True)
def no_network() -> Iterator[None]:
    """Every socket connection of this process must go to loopback (servers the tests start)."""
    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refuse(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address):
            raise NetworkBlocked(f"test tried to reach {address!r}: only loopback is allowed")

    def connect(sock: socket.socket, address: Any) -> None:
        refuse(sock, address)
        original_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        refuse(sock, address)
        return original_connect_ex(sock, address)

    setattr(socket.socket, "connect", connect)  # noqa: B010  (a method replaced on the class: mypy's view)
    setattr(socket.socket, "connect_ex", connect_ex)  # noqa: B010
    try:
        yield
    finally:
        setattr(socket.socket, "connect", original_connect)  # noqa: B010
        setattr(socket.socket, "connect_ex", original_connect_ex)  # noqa: B010


def cli_command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "quartiers.cli", *map(str, args)]


def _clean_env(env: dict[str, str] | None) -> dict[str, str]:
    """The environment a ``quartiers`` run sees: no QUARTIERS_* of the caller's, then ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QUARTIERS_")}
    return {**clean, "HF_HUB_OFFLINE": "1", **(env or {})}


@dataclass
class CliResult:
    """What a run of the command line printed and returned (the fields of ``subprocess.CompletedProcess``)."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_cli(*args: str | Path, store: Path | None = None, env: dict[str, str] | None = None,
            input: str = "", timeout: float | None = None) -> CliResult:
    """Run ``quartiers`` in this process (``quartiers.cli.main``), as a user would call it, with the
    environment ``env`` and no QUARTIERS_* of the caller's: the same code path as the installed command
    without a cold start per call. ``run_process`` is the real subprocess, for the smoke tests.
    ``timeout`` is accepted for the subprocess form's sake and not used here.

    An ``env`` beyond ``QUARTIERS_*`` settings (``PATH``, ``HOME``…) describes a process, not settings, and
    what reads it may be cached per process (the Tesseract lookup): such a run is a real subprocess."""
    if any(not name.startswith("QUARTIERS_") for name in env or {}):
        done = run_process(*args, store=store, env=env, timeout=timeout or 600, input=input)
        return CliResult(done.returncode, done.stdout, done.stderr)
    from quartiers.cli import main

    argv = [*map(str, args), *(["--store", str(store)] if store is not None else [])]
    out, err = io.StringIO(), io.StringIO()
    stdin, sys.stdin = sys.stdin, io.StringIO(input)
    try:
        with _environment(_clean_env(env)), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exit:  # argparse's usage errors and the commands' refusals
                code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
                if isinstance(exit.code, str):
                    print(exit.code, file=sys.stderr)
    finally:
        sys.stdin = stdin
    return CliResult(code, out.getvalue(), err.getvalue())


def run_process(*args: str | Path, store: Path | None = None, env: dict[str, str] | None = None,
                timeout: float = 600, input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real ``quartiers`` command in a subprocess (smoke tests of the installed entry point)."""
    command = cli_command(*args)
    if store is not None:
        command += ["--store", str(store)]
    return subprocess.run(command, capture_output=True, text=True, env=_clean_env(env), timeout=timeout, cwd=ROOT,
                          input=input)


def run_json(*args: str | Path, store: Path | None = None, **kwargs: Any) -> tuple[int, dict]:
    result = run_cli(*args, "--json", store=store, **kwargs)
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
