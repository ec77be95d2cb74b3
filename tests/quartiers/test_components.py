"""One composition root: every consumer (CLI, web service, ``quartiers eval``, ``eval/*.py``, ``bench``)
builds its store through ``quartiers.components``, so the user's ``QUARTIERS_*`` settings reach it.

A Chroma server URL on a closed loopback port proves the setting arrived: the consumer must fail naming
that server, where one that ignores the setting would quietly build a local store instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.local_llm import free_port
from quartiers import components
from quartiers.settings import Settings
from tests.conftest import run_cli
from vectorstore import EmbedderError, StoreError


@pytest.fixture
def closed_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # a port nothing listens on


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[str, str], None]]:
    for name in [n for n in os.environ if n.startswith("QUARTIERS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("QUARTIERS_STORE", str(tmp_path / "user-store"))
    yield lambda name, value: monkeypatch.setenv(name, value)


def test_flags_win_and_absent_flags_keep_the_environment(environment: Callable[[str, str], None]) -> None:
    environment("QUARTIERS_COLLECTION", "corpus-env")
    assert components.settings_for().collection == "corpus-env"
    assert components.settings_for(collection=None).collection == "corpus-env"
    assert components.settings_for(collection="corpus-flag").collection == "corpus-flag"


def test_cli_commands_reach_the_configured_chroma_server(environment: Callable[[str, str], None],
                                                          closed_url: str) -> None:
    for command in (["stats"], ["retrieve", "aide alimentaire"], ["ask", "Qui ?"], ["remove", "x.pdf"],
                    ["ingest", "--no-progress"]):
        result = run_cli(*command, "--json", env={"QUARTIERS_CHROMA_URL": closed_url})
        assert result.returncode == 1, command
        assert closed_url in result.stdout, (command, result.stdout)


def test_eval_command_reaches_the_configured_chroma_server(closed_url: str, tmp_path: Path) -> None:
    """``quartiers eval`` used to build a local store whatever QUARTIERS_CHROMA_URL said."""
    result = run_cli("eval", "--subset", "1", "--report", tmp_path / "report", "--json", store=tmp_path / "eval",
                     env={"QUARTIERS_CHROMA_URL": closed_url})
    assert result.returncode == 1 and closed_url in result.stdout, result.stdout
    assert not (tmp_path / "eval" / "chroma").exists()  # no local store built behind the user's back


def test_the_evaluation_never_writes_the_users_collection(tmp_path: Path) -> None:
    user = Settings(store=tmp_path / "user", collection="quartiers", chroma_url="http://chroma.example:8000")
    evaluated = components.eval_settings(user, tmp_path / "eval")
    assert evaluated.store == tmp_path / "eval" and evaluated.chroma_url == user.chroma_url
    assert evaluated.collection == "quartiers-eval"
    local = components.eval_settings(Settings(store=tmp_path / "user", collection="mine"))
    assert local.collection == "mine" and local.store != tmp_path / "user"
    foreign = components.foreign_settings(user, tmp_path / "foreign")
    assert foreign.collection not in (user.collection, evaluated.collection)


@pytest.mark.parametrize("consumer", ["bench", "eval.retrieval", "eval.precedents", "service"])
def test_other_consumers_reach_the_configured_chroma_server(consumer: str, environment: Callable[[str, str], None],
                                                             closed_url: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    environment("QUARTIERS_CHROMA_URL", closed_url)
    with pytest.raises(StoreError, match=closed_url.replace(".", r"\.")):
        if consumer == "bench":
            from bench.common import prepared_store

            prepared_store("bench", ["--store", str(tmp_path / "bench")])
        elif consumer == "eval.retrieval":
            from eval import retrieval

            monkeypatch.setattr("sys.argv", ["retrieval", "--store", str(tmp_path / "r"), "--no-naive"])
            retrieval.main()
        elif consumer == "eval.precedents":
            from eval import precedents

            precedents.main(["--store", str(tmp_path / "p")])
        else:
            from quartiers.web.service import Service

            Service(components.settings_for())


@pytest.mark.parametrize("consumer", ["cli", "eval", "bench", "service"])
def test_every_consumer_embeds_with_the_configured_embedder(consumer: str, environment: Callable[[str, str], None],
                                                             tmp_path: Path) -> None:
    """An embedder folder that does not exist must be refused by whoever was meant to use it."""
    missing = str(tmp_path / "no-such-model")
    environment("QUARTIERS_EMBEDDER", missing)
    text = tmp_path / "note.md"
    text.write_text("# Note\n\nUne phrase à encoder pour vérifier l'encodeur choisi.\n", encoding="utf-8")
    if consumer in ("cli", "eval"):
        command: list[str | Path] = (["ingest", text, "--no-progress"] if consumer == "cli"
                                     else ["eval", "--subset", "1", "--report", tmp_path / "report"])
        result = run_cli(*command, "--json", store=tmp_path / consumer, env={"QUARTIERS_EMBEDDER": missing})
        assert result.returncode == 1 and "no-such-model" in result.stdout, result.stdout
        return
    with pytest.raises((EmbedderError, StoreError), match="no-such-model"):
        if consumer == "bench":
            from bench.common import prepared_store

            prepared_store("bench", ["--store", str(tmp_path / "bench")])
        else:
            from quartiers.web.service import Service

            Service(components.settings_for()).ensure_corpus(progress=False)


def test_answerers_share_one_retriever_and_an_unconfigured_llm_says_why(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "store")
    retriever = components.build_retriever(components.build_store(settings))
    extractive = components.build_assistant(settings, "extractive", retriever=retriever)
    llm = components.build_assistant(settings, "llm", retriever=retriever)
    assert extractive.retriever is retriever and llm.retriever is retriever
    assert llm.llm is None and "QUARTIERS_LLM_BASE_URL" in (llm.unavailable or "")
    with pytest.raises(ValueError, match="répondeur inconnu"):
        components.build_assistant(settings, "oracle", retriever=retriever)
