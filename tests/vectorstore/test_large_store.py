"""A store past 32,767 chunks, where chromadb 1.5 used to fail every unpaged read ("too many SQL variables").

It is built cheaply and in the real format: copies of the bundled report under other file names go
through the real indexer, and every vector comes from the embedding cache (same passage text, same
hash), so nothing is embedded; the commands a user runs then work on it as on any store.
"""

from __future__ import annotations

import hashlib
import math
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from ingest import ParsedDocument
from quartiers.settings import Settings
from quartiers.web.service import Service
from tests.conftest import BUNDLED_PDF, run_json
from vectorstore.indexer import IngestReport, index_document
from vectorstore.store import Store

pytestmark = pytest.mark.slow
PAST_THE_LIMIT = 32_767 + 500


@pytest.fixture(scope="module")
def large_store(built_store: Path, pdf_document: ParsedDocument, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("large") / "store"
    shutil.copytree(built_store, folder)
    store = Store(folder)
    records, report = store.records_by_source(), IngestReport()
    copies = math.ceil(PAST_THE_LIMIT / len(pdf_document.chunks))
    for number in range(copies):
        copy = replace(pdf_document, source=f"copie-{number:03d}.pdf",
                       sha256=hashlib.sha256(f"{pdf_document.sha256}-{number}".encode()).hexdigest())
        result = index_document(store, copy, BUNDLED_PDF, records, report)
        assert result.status == "added" and result.embedded == 0, result  # every vector from the cache
    assert store.chunks.count() > 32_767
    return folder


def test_stats_counts_every_chunk(large_store: Path) -> None:
    code, data = run_json("stats", store=large_store)
    assert code == 0, data
    assert data["totals"]["chunks"] > 32_767 and data["totals"]["documents"] > 60
    assert not data["warnings"]


def test_ask_answers_from_the_large_store(large_store: Path) -> None:
    code, data = run_json("ask", "Comment Nantes a-t-elle organisé l'aide alimentaire ?", store=large_store)
    assert code == 0, data
    assert not data["refused"] and "450" in data["answer"]


def test_ingest_adds_one_more_document_and_it_is_found(large_store: Path, small_md: Path, tmp_path: Path) -> None:
    code, data = run_json("ingest", "--no-progress", small_md, store=large_store)
    assert code == 0, data
    assert data["files"][0]["status"] == "added"
    code, found = run_json("retrieve", "Halte du Cœur", "--filter", "source=illustrations.md", store=large_store)
    assert code == 0 and found["passages"] and {p["source"] for p in found["passages"]} == {"illustrations.md"}
    again = tmp_path / "rapport-bis.pdf"  # the report once more: hundreds of stored copies match it
    shutil.copyfile(BUNDLED_PDF, again)
    code, data = run_json("ingest", "--no-progress", again, store=large_store)
    assert code == 0, data
    [warning] = data["files"][0]["warnings"]  # one warning naming the closest document, not one per copy
    assert warning.startswith("rapport-bis.pdf : contenu presque identique à « ") and "déjà dans la base" in warning


def test_the_web_service_lists_and_answers_on_the_large_store(large_store: Path) -> None:
    service = Service(Settings(store=large_store))
    summary = service.summary()
    assert summary["totals"]["chunks"] > 32_767
    assert "copie-000.pdf" in service.filter_choices()["source"]
    answer = service.assistant().answer("Comment Nantes a-t-elle organisé l'aide alimentaire ?")
    assert not answer.refused and answer.citations[0].page == 27
