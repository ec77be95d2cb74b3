"""A long-running reader (the web app's retriever) sees what another process ingests or removes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from vectorstore.retriever import HybridRetriever
from vectorstore.store import Store

pytestmark = pytest.mark.slow
ONLY_NEW = {"source": ["illustrations.md"]}


def test_a_running_retriever_follows_another_process_ingest_and_removal(store_copy: Path, small_md: Path) -> None:
    retriever = HybridRetriever(Store(store_copy))
    served = len(retriever)
    assert retriever.search("Halte du Cœur", k=5, filters=ONLY_NEW) == []
    assert run_cli("ingest", small_md, store=store_copy).returncode == 0  # another process writes
    assert retriever.follow(every_s=0)
    assert len(retriever) > served
    for mode in ("lexical", "dense", "use"):
        found = retriever.search("Halte du Cœur", k=5, filters=ONLY_NEW, mode=mode)  # type: ignore[arg-type]
        assert found and {p.get("source") for p in found} == {"illustrations.md"}, mode
    assert not retriever.follow(every_s=0)  # nothing changed since: one small request, nothing reloaded
    assert run_cli("remove", "illustrations.md", store=store_copy).returncode == 0
    assert retriever.follow(every_s=0)
    assert len(retriever) == served
    assert retriever.search("Halte du Cœur", k=5, filters=ONLY_NEW) == []
    assert all(p.get("source") != "illustrations.md" for p in retriever.search("Halte du Cœur", k=10))
