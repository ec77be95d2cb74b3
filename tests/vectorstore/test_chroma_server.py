"""The HTTP path: a real Chroma server (``chroma run`` on 127.0.0.1), started and stopped by the test."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.local_llm import free_port
from bench.served import stop
from tests.conftest import ROOT, _clean_env, cli_command, run_cli, run_json


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    with serving(tmp_path) as (url, _):
        yield url


@contextmanager
def serving(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real ``chroma run`` on a free loopback port: (its URL, its process, for a test that stops it)."""
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    log = (tmp_path / "chroma.log").open("w")
    process = subprocess.Popen(
        [str(chroma), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(tmp_path / "server")],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError((tmp_path / "chroma.log").read_text()) from None
                time.sleep(0.3)
        yield url, process
    finally:
        stop(process, timeout=15)
        log.close()


def test_ingest_and_stats_through_a_chroma_server(chroma_server: str, tmp_path: Path, small_md: Path) -> None:
    env = {"QUARTIERS_CHROMA_URL": chroma_server}
    local = tmp_path / "local"
    code, report = run_json("ingest", small_md, store=local, env=env)
    assert code == 0, report
    assert report["files"][0]["status"] == "added"
    code, stats = run_json("stats", store=local, env=env)
    assert stats["store"] == chroma_server
    assert [d["source"] for d in stats["documents"]] == ["illustrations.md"]
    assert stats["totals"]["initiatives"] >= 4
    assert not (local / "chroma").exists()  # the vectors live on the server
    code, again = run_json("ingest", small_md, store=tmp_path / "other-instance", env=env)
    assert again["files"][0]["status"] == "unchanged"  # a second app instance sees the same store
    code, found = run_json("retrieve", "Halte du Cœur aide alimentaire Nantes", store=tmp_path / "third", env=env)
    assert code == 0  # its lexical and USE indexes are derived from what the server holds
    assert "450 ménages" in found["passages"][0]["text"] and found["passages"][0]["place"] == "Nantes"


def test_two_instances_on_one_server_see_each_other_documents(chroma_server: str, tmp_path: Path,
                                                              small_md: Path) -> None:
    from vectorstore.retriever import HybridRetriever
    from vectorstore.store import Store

    env = {"QUARTIERS_CHROMA_URL": chroma_server}
    code, report = run_json("ingest", small_md, store=tmp_path / "first", env=env)
    assert code == 0, report
    second = HybridRetriever(Store(tmp_path / "second", chroma_url=chroma_server))  # a running app instance
    assert {p.get("source") for p in second.search("Halte du Cœur", k=3)} == {"illustrations.md"}
    assert run_cli("remove", "illustrations.md", store=tmp_path / "first", env=env).returncode == 0
    assert second.follow(every_s=0) and len(second) == 0
    code, report = run_json("ingest", small_md, store=tmp_path / "first", env=env)
    assert code == 0 and second.follow(every_s=0)
    assert {p.get("source") for p in second.search("Halte du Cœur", k=3, mode="lexical")} == {"illustrations.md"}


@pytest.mark.slow  # a Chroma server and an `ask -` process (about 30 s)
def test_ask_lines_go_on_with_a_clear_error_when_the_chroma_server_stops(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nLe comité de quartier a ouvert trois jardins partagés au printemps avec vingt "
                    "bénévoles.\n", encoding="utf-8")
    with serving(tmp_path) as (url, server):
        env = {"QUARTIERS_CHROMA_URL": url}
        assert run_cli("ingest", note, store=tmp_path / "local", env=env).returncode == 0
        ask = subprocess.Popen(cli_command("ask", "-", "--store", tmp_path / "local"), stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_clean_env(env),
                               cwd=ROOT)
        assert ask.stdin is not None and ask.stdout is not None

        def asked(question: str) -> dict[str, object]:
            assert ask.stdin is not None and ask.stdout is not None
            ask.stdin.write(json.dumps({"question": question}) + "\n")
            ask.stdin.flush()
            return json.loads(ask.stdout.readline())

        try:
            first = asked("Combien de jardins partagés le comité a-t-il ouverts ?")
            assert "error" not in first and first["passages"], first  # read from the server
            stop(server, timeout=15)
            time.sleep(2.5)  # past the retriever's look at the store (every 2 s): the next line reaches the server
            for question in ("Combien de bénévoles ?", "Quand les jardins ont-ils ouvert ?"):
                assert asked(question)["error"] == "la base n'a pas pu répondre"  # one line each, the run goes on
            _, err = ask.communicate(timeout=60)
        finally:
            if ask.poll() is None:
                ask.kill()
        assert ask.returncode == 0 and "Traceback" not in err, err[-2000:]
