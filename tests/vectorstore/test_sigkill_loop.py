"""SIGKILL at random moments of an ingest, and just before each step of a replacement: after a rerun the
store is the one a clean run builds (chunks, ids, texts, metadata, completion records, lexical index rows,
stored copies). Real ``quartiers ingest`` processes, a real Chroma store, the real e5 embedder."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, _clean_env, cli_command, run_cli
from tests.vectorstore.test_indexer import chunk_rows

pytestmark = pytest.mark.slow  # 20 + 8 killed runs, each rerun to completion (7-15 min on 2 shared cores)
RANDOM_KILLS = 20
# (step, n): killed just before the n-th call of the step (tests/vectorstore/kill_at.py), in replacement order
REPLACEMENT_STEPS = [("copy", 1), ("upsert", 1), ("upsert", 2), ("record", 1), ("delete", 1), ("unlink", 1),
                     ("lexical-drop", 1), ("lexical-add", 1)]


def _ingest(document: Path, store: Path, kill_at: tuple[str, int] | None = None) -> subprocess.Popen[bytes]:
    command = cli_command("ingest", document, "--store", store)
    if kill_at is not None:
        command = [sys.executable, "-m", "tests.vectorstore.kill_at", kill_at[0], str(kill_at[1]), *command[3:]]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_clean_env(None), cwd=ROOT)


def _completed(document: Path, store: Path) -> None:
    """The rerun, in this process (``quartiers.cli.main``): the same code path, without a cold start."""
    done = run_cli("ingest", document, store=store)
    assert done.returncode == 0, done.stderr


def state(store: Path) -> dict[str, Any]:
    """What a reader of the store can see, minus nothing: chunks, records, lexical rows, stored copies."""
    lexical = sqlite3.connect(store / "lexical" / "quartiers.sqlite")
    try:
        rows = lexical.execute("SELECT c.chunk_id, c.doc_version, c.source, c.initiative_id, t.tokens FROM chunks c "
                               "JOIN terms t ON t.rowid = c.rowid ORDER BY c.chunk_id").fetchall()
        versions = lexical.execute("SELECT * FROM versions ORDER BY doc_version").fetchall()
    finally:
        lexical.close()
    records = chunk_rows(store, "quartiers-documents")
    copies = sorted(p.name for p in (store / "documents").rglob("*") if p.is_file())
    return {"chunks": chunk_rows(store), "records": {k: m for k, (_, m) in records.items()}, "lexical": rows,
            "lexical_versions": versions, "copies": copies}


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory, small_md: Path) -> tuple[Path, Path]:
    """Two versions of one document (same name): a part of the report, then that part edited."""
    text = small_md.read_text(encoding="utf-8")
    cut = text.index("\n#", 14_000)  # the first initiatives: more passages than one batch of writes
    folder = tmp_path_factory.mktemp("versions")
    for name in ("v1", "v2"):
        (folder / name).mkdir()
    first, second = folder / "v1" / "illustrations.md", folder / "v2" / "illustrations.md"
    first.write_text(text[:cut], encoding="utf-8")
    paragraphs = text[:cut].split("\n\n")
    paragraphs[len(paragraphs) // 2] += " Une phrase ajoutée par la nouvelle version du document."
    second.write_text("\n\n".join(paragraphs) + "\n\nUn paragraphe final, propre à la seconde version.\n",
                      encoding="utf-8")
    return first, second


def test_random_kills_during_an_ingest_then_a_rerun_give_the_clean_store(versions: tuple[Path, Path],
                                                                          tmp_path: Path) -> None:
    document = versions[0]
    clean = tmp_path / "clean"
    started = time.monotonic()  # the killed runs are processes: so is the run they are timed against
    assert _ingest(document, clean).wait(timeout=300) == 0
    duration = time.monotonic() - started
    expected = state(clean)
    rng = random.Random(15)
    for kill in range(RANDOM_KILLS):
        store = tmp_path / f"killed-{kill}"
        process = _ingest(document, store)
        moment = rng.uniform(0.2, 1.0) * duration  # imports take the first fifth or so
        try:
            process.wait(timeout=moment)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        _completed(document, store)
        assert state(store) == expected, f"kill {kill} at {moment:.1f}s of {duration:.1f}s"
        shutil.rmtree(store)


@pytest.mark.parametrize("step", REPLACEMENT_STEPS, ids=[f"{s}-{n}" for s, n in REPLACEMENT_STEPS])
def test_a_kill_at_each_step_of_a_replacement_then_a_rerun_gives_the_clean_store(
        step: tuple[str, int], versions: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory,
        tmp_path: Path) -> None:
    first, second = versions
    base = tmp_path_factory.getbasetemp() / "replacement-base"
    clean = tmp_path_factory.getbasetemp() / "replacement-clean"
    if not clean.exists():  # built once for all the steps: v1, then v2 over it
        _completed(first, base)
        shutil.copytree(base, clean)
        _completed(second, clean)
    store = tmp_path / "store"
    shutil.copytree(base, store)
    process = _ingest(second, store, kill_at=step)
    _, err = process.communicate(timeout=300)
    assert process.returncode == -9, f"{step} was never reached: {err.decode(errors='replace')[-2000:]}"
    _completed(second, store)
    assert state(store) == state(clean)
