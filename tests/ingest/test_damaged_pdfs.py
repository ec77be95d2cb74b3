"""Damaged files: a PDF whose text is mostly lost or garbled is refused by name, never indexed as good,
and a much poorer version never silently replaces a stored document."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ingest import IngestError, parse_file
from tests.conftest import BUNDLED_PDF, run_json
from tests.pdf_maker import simple_pdf


@pytest.fixture(scope="module")
def reference_chars() -> int:
    return sum(len(chunk.text) for chunk in parse_file(BUNDLED_PDF).chunks)


@pytest.mark.parametrize("seed", range(12))
def test_a_byte_flipped_report_is_refused_or_keeps_its_text(seed: int, reference_chars: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    data = bytearray(BUNDLED_PDF.read_bytes())
    for _ in range(rng.choice([5, 20, 100])):
        data[rng.randrange(len(data))] = rng.randrange(256)
    damaged = tmp_path / "rapport-abime.pdf"
    damaged.write_bytes(bytes(data))
    try:
        document = parse_file(damaged)
    except IngestError as error:
        assert "rapport-abime.pdf" in str(error) and error.reason[:1].isupper()
        assert "Error" not in error.reason  # French words, no exception class
        return
    kept = sum(len(chunk.text) for chunk in document.chunks)
    assert kept >= 0.5 * reference_chars, (seed, kept, document.extraction.get("damaged_pages"))


def test_a_much_poorer_version_does_not_replace_the_stored_one(store_copy: Path, tmp_path: Path) -> None:
    poor = tmp_path / "quartiers-covid-crpv-2020.pdf"
    poor.write_bytes(simple_pdf([["Quartiers populaires", "Une seule page reste lisible dans cette copie."]]))
    code, report = run_json("ingest", poor, store=store_copy)
    assert code == 1
    [failed] = report["files"]
    assert failed["status"] == "failed" and "remplacement refusé" in failed["error"] and "--force" in failed["error"]
    code, stats = run_json("stats", store=store_copy)
    assert stats["totals"]["initiatives"] == 29 and stats["documents"][0]["pages"] == 33
    code, report = run_json("ingest", poor, "--force", store=store_copy)
    assert code == 0 and report["files"][0]["status"] == "replaced"
