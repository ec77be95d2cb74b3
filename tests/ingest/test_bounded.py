"""The time bound per file: a file that parses too long is refused by name, the others are ingested, and
nothing already stored is lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import IngestError
from ingest.bounded import parse_file_within
from tests.conftest import BUNDLED_PDF, run_json
from tests.pdf_maker import simple_pdf

LINE = "Les habitants du quartier ont organisé une distribution de repas avec les associations et la mairie."


def _long_pdf(path: Path, pages: int = 200) -> Path:
    """Two hundred real pages: several seconds of parsing on any machine, far beyond a half-second bound."""
    path.write_bytes(simple_pdf([[LINE] * 30 for _ in range(pages)]))
    return path


def test_the_parse_result_is_the_same_in_the_child_process() -> None:
    inside, outside = parse_file_within(BUNDLED_PDF, seconds=0), parse_file_within(BUNDLED_PDF, seconds=600)
    assert [c.text for c in outside.chunks] == [c.text for c in inside.chunks]
    assert [i.title for i in outside.initiatives] == [i.title for i in inside.initiatives]


def test_a_refusal_raised_in_the_child_keeps_its_french_reason(tmp_path: Path) -> None:
    empty = tmp_path / "vide.md"
    empty.write_bytes(b"")
    with pytest.raises(IngestError) as refused:
        parse_file_within(empty, seconds=600)
    assert str(refused.value) == "vide.md : fichier vide, rien à indexer"


@pytest.mark.slow  # about 30 s: one CLI ingest of a short text beside a 200-page PDF
def test_a_file_over_the_time_bound_is_refused_by_name_and_the_others_go_on(store_copy: Path, tmp_path: Path) -> None:
    slow = _long_pdf(tmp_path / "rapport-lent.pdf")
    short = tmp_path / "note.txt"
    short.write_text("Note de synthèse\n\nLe centre social a ouvert une permanence numérique chaque mardi.\n",
                     encoding="utf-8")
    _, before = run_json("stats", store=store_copy)
    code, report = run_json("ingest", slow, short, "--no-progress", store=store_copy,
                            env={"QUARTIERS_MAX_FILE_SECONDS": "0.5"})
    assert code == 1
    files = {f["source"]: f for f in report["files"]}
    assert files["rapport-lent.pdf"]["status"] == "failed"
    assert files["rapport-lent.pdf"]["error"].startswith("rapport-lent.pdf : lecture trop longue (plus de 0.5 s)")
    assert "QUARTIERS_MAX_FILE_SECONDS" in files["rapport-lent.pdf"]["error"]
    assert files["note.txt"]["status"] == "added"
    _, after = run_json("stats", store=store_copy)
    kept = [d for d in after["documents"] if d["source"] != "note.txt"]
    assert kept == before["documents"]  # the stored report is intact
    assert "rapport-lent.pdf" not in {d["source"] for d in after["documents"]}
