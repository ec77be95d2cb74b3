"""SIGKILL at random moments of an ingest, and just before each step of a replacement: after a rerun the
store is the one a clean run builds (chunks, ids, texts, metadata, completion records, lexical index rows,
stored copies). Real ``quartiers ingest`` processes, a real Chroma store, the real e5 embedder.

Each killed run is a child imported ahead of time (``kill_at.Children``): its imports overlap the previous
rerun, and its kill moment counts from the ingest's start, so no kill is spent in the interpreter's start.
Where the kills landed is printed (``-s``), read from what each left on disk.
"""

from __future__ import annotations

import collections
import random
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, _clean_env, run_cli
from tests.vectorstore.kill_at import Children
from tests.vectorstore.test_indexer import chunk_rows
from vectorstore.lexical import index_path, versions_at

pytestmark = pytest.mark.slow  # 20 + 8 killed runs, each rerun to completion (4-8 min on 2 shared cores)
RANDOM_KILLS = 20
# (step, n): killed just before the n-th call of the step (tests/vectorstore/kill_at.py), in replacement order
REPLACEMENT_STEPS = [("copy", 1), ("upsert", 1), ("upsert", 2), ("record", 1), ("delete", 1), ("unlink", 1),
                     ("lexical-drop", 1), ("lexical-add", 1)]


@pytest.fixture(scope="module")
def children() -> Iterator[Children]:
    pool = Children(_clean_env(None), ROOT)
    pool.prepare()
    yield pool
    pool.close()


def _ingest(children: Children, document: Path, store: Path,
            kill_at: tuple[str, int] | None = None) -> tuple[subprocess.Popen[bytes], float]:
    return children.go(["ingest", str(document), "--store", str(store)], kill_at)


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


@pytest.fixture(scope="module")
def clean_first(versions: tuple[Path, Path], children: Children,
                tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], float]:
    """The first version ingested into an empty store by a child, as the killed runs are, timed from its
    start: the random kills' reference and moment scale, and the store each replacement starts from."""
    store = tmp_path_factory.mktemp("clean") / "first"
    process, started = _ingest(children, versions[0], store)
    _, err = process.communicate(timeout=300)
    duration = time.monotonic() - started
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return store, state(store), duration


@pytest.fixture(scope="module")
def clean_second(versions: tuple[Path, Path], clean_first: tuple[Path, dict[str, Any], float],
                 tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What a replacement completed without a kill leaves: the first version's store, then the second."""
    store = tmp_path_factory.mktemp("clean") / "second"
    shutil.copytree(clean_first[0], store)
    _completed(versions[1], store)
    return state(store)


def kill_stage(store: Path, process: subprocess.Popen[bytes]) -> str:
    """Where a kill landed, read from what the killed run left (its files, before any rerun opens them)."""
    database = store / "chroma" / "chroma.sqlite3"
    if not database.exists():
        return "1 before the store (parsing)"
    chroma = sqlite3.connect(database)
    try:
        held = dict(chroma.execute("SELECT c.name, count(*) FROM embeddings e JOIN segments s ON e.segment_id = s.id "
                                   "JOIN collections c ON s.collection = c.id GROUP BY c.name").fetchall())
    except sqlite3.OperationalError:  # killed while Chroma was creating its tables
        return "2 store being created"
    finally:
        chroma.close()
    if not held.get("quartiers-documents"):
        if held.get("quartiers"):
            return f"4 {held['quartiers']} chunks written, no record"
        copied = any(p.is_file() for p in (store / "documents").rglob("*"))
        return "3 file copied, no chunk" if copied else "2 store opened, no copy"
    if not versions_at(index_path(store, "quartiers")):
        return "5 record written, lexical index behind"
    if not (store / "derived" / "quartiers-themes.json").exists():
        return "6 lexical index written, USE and themes behind"
    return "7 after the last write"


def test_random_kills_during_an_ingest_then_a_rerun_give_the_clean_store(
        versions: tuple[Path, Path], children: Children, clean_first: tuple[Path, dict[str, Any], float],
        tmp_path: Path) -> None:
    document = versions[0]
    _, expected, duration = clean_first
    rng = random.Random(15)
    stages: list[str] = []
    for attempt in range(3 * RANDOM_KILLS):
        if len(stages) == RANDOM_KILLS:
            break
        store = tmp_path / f"killed-{attempt}"
        process, started = _ingest(children, document, store)
        moment = rng.uniform(0.0, 1.0) * duration  # from the ingest's start, as the clean run's duration
        try:
            process.wait(timeout=moment)
            duration = time.monotonic() - started  # finished first (a quieter machine): rescale, no kill counted
        except subprocess.TimeoutExpired:
            process.kill()
        process.communicate()
        if process.returncode != 0:
            stages.append(kill_stage(store, process))
        children.prepare()  # the next child imports while this rerun runs
        _completed(document, store)
        assert state(store) == expected, f"attempt {attempt} at {moment:.1f}s of {duration:.1f}s"
        shutil.rmtree(store)
    assert len(stages) == RANDOM_KILLS, stages
    print(f"\nkills over a {duration:.1f} s ingest:", *sorted(collections.Counter(stages).items()), sep="\n  ")


@pytest.mark.parametrize("step", REPLACEMENT_STEPS, ids=[f"{s}-{n}" for s, n in REPLACEMENT_STEPS])
def test_a_kill_at_each_step_of_a_replacement_then_a_rerun_gives_the_clean_store(
        step: tuple[str, int], versions: tuple[Path, Path], children: Children,
        clean_first: tuple[Path, dict[str, Any], float], clean_second: dict[str, Any], tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(clean_first[0], store)
    process, _ = _ingest(children, versions[1], store, kill_at=step)
    _, err = process.communicate(timeout=300)
    assert process.returncode == -9, f"{step} was never reached: {err.decode(errors='replace')[-2000:]}"
    children.prepare()
    _completed(versions[1], store)
    assert state(store) == clean_second
