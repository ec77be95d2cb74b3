"""A SIGKILL mid-ingest, and a store built by an older pipeline version."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings

from tests.conftest import cli_command, run_cli, run_json
from tests.vectorstore.test_indexer import chunk_rows


def test_sigkill_mid_ingest_then_rerun_gives_the_same_store_as_a_clean_run(tmp_path: Path, small_md: Path) -> None:
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    assert run_cli("ingest", small_md, store=clean).returncode == 0

    process = subprocess.Popen(cli_command("ingest", small_md, "--store", killed), stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, env={k: v for k, v in os.environ.items()
                                                               if not k.startswith("QUARTIERS_")})
    seen = bytearray()
    first_batch_written = threading.Event()

    def watch() -> None:
        assert process.stderr is not None
        while chunk := process.stderr.read(1):
            seen.extend(chunk)
            if b" 8/" in seen or b" 16/" in seen:  # the progress bar: a batch of chunks is stored
                first_batch_written.set()

    threading.Thread(target=watch, daemon=True).start()
    assert first_batch_written.wait(timeout=300), seen.decode(errors="replace")
    process.send_signal(signal.SIGKILL)
    process.wait()

    code, stats = run_json("stats", store=killed)
    assert stats["documents"] == []  # no completion record: not counted as ingested
    assert any("ingestion interrompue" in w for w in stats["warnings"])
    assert chunk_rows(killed)  # ...though some chunks were written

    code, report = run_json("ingest", small_md, store=killed)
    assert code == 0
    assert report["files"][0]["embedded"] < report["files"][0]["chunks"]  # the written part was reused
    assert chunk_rows(killed) == chunk_rows(clean)
    assert run_json("stats", store=killed)[1]["documents"] == run_json("stats", store=clean)[1]["documents"]


def _age_document(store: Path, source: str) -> None:
    """Make the stored build of ``source`` look like one made by an older pipeline: record and chunks."""
    settings = ChromaSettings(anonymized_telemetry=False)
    client = chromadb.PersistentClient(path=str(store / "chroma"), settings=settings)
    records, chunks = client.get_collection("quartiers-documents"), client.get_collection("quartiers")
    meta = dict((records.get(ids=[source], include=["metadatas"])["metadatas"] or [{}])[0])
    meta.update(pipeline_version="0.0-old", doc_version="0ld0ld0ld0ld0ld0")
    records.update(ids=[source], metadatas=[meta])
    got = chunks.get(where={"source": source}, include=["metadatas"])
    aged = [dict(m) | {"doc_version": "0ld0ld0ld0ld0ld0"} for m in got["metadatas"] or []]
    chunks.update(ids=got["ids"], metadatas=aged)  # type: ignore[arg-type]


def test_documents_from_an_older_pipeline_are_reported_and_rebuilt(store_copy: Path, small_md: Path) -> None:
    assert run_cli("ingest", small_md, store=store_copy).returncode == 0
    _age_document(store_copy, "illustrations.md")
    code, found = run_json("retrieve", "Halte du Cœur", "--filter", "source=illustrations.md", store=store_copy)
    assert found["passages"]  # the old build still answers until the new one is complete
    code, stats = run_json("stats", store=store_copy)
    assert any(w.startswith("illustrations.md : indexé par une autre version du pipeline") for w in stats["warnings"])
    code, report = run_json("ingest", store=store_copy)  # names only the bundled corpus
    assert code == 0
    statuses = {f["source"]: f["status"] for f in report["files"]}
    assert statuses == {"quartiers-covid-crpv-2020.pdf": "unchanged", "illustrations.md": "replaced"}
    assert run_json("stats", store=store_copy)[1]["warnings"] == []
    versions = {meta["doc_version"] for _, meta in chunk_rows(store_copy).values()}
    assert "0ld0ld0ld0ld0ld0" not in versions  # the old build's chunks are gone


def test_a_stray_copy_left_by_a_killed_run_is_removed_by_the_next(store_copy: Path, small_md: Path) -> None:
    import time

    from vectorstore.indexer import STRAY_AFTER_S
    from vectorstore.ingest_lock import ingesting

    stray = store_copy / "documents" / "quartiers" / "0123456789abcdef-stale.pdf"
    stray.write_bytes(b"%PDF-1.4 old build")
    old = time.time() - STRAY_AFTER_S - 60
    os.utime(stray, (old, old))
    fresh = store_copy / "documents" / "quartiers" / "fedcba9876543210-running.pdf"  # another run's, in progress
    fresh.write_bytes(b"%PDF-1.4 being written")
    with ingesting(store_copy):  # that other run
        code, _ = run_json("ingest", small_md, store=store_copy)
    assert code == 0
    assert not stray.exists() and fresh.exists()
    kept = {p.name for p in (store_copy / "documents" / "quartiers").iterdir()}
    code, stats = run_json("stats", store=store_copy)
    assert len(kept) == len(stats["documents"]) + 1  # every document's copy, and the other run's
    code, _ = run_json("ingest", small_md, store=store_copy)  # no other run now: a leftover, however recent
    assert code == 0 and not fresh.exists()
