"""Damaged files: a PDF whose text is mostly lost or garbled is refused by name, never indexed as good,
and a much poorer version never silently replaces a stored document."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from ingest import IngestError, parse_file
from tests.conftest import BUNDLED_PDF, run_json, run_process
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


def _shifted_xref(lines: list[str]) -> bytes:
    """A readable PDF whose cross-reference offsets are all off by a few bytes: pypdf finds each object
    anyway, saying so in one English warning per lookup (18 for these three pages)."""
    data = simple_pdf([lines * 4 for _ in range(3)])
    return re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) + 7), data)


@pytest.mark.slow  # a real ``quartiers ingest`` process: its file reader is a child whose stderr is the terminal's
def test_pypdf_warnings_are_one_french_line_per_file_naming_it(tmp_path: Path) -> None:
    names = ["rapport-abime.pdf", "bilan-abime.pdf"]
    texts = [["Les habitants du quartier ont organisé une distribution de repas avec les associations.",
              "Les bénévoles ont livré les personnes âgées isolées pendant le confinement du printemps."],
             ["La mairie a prêté une salle pour les familles et les jeunes du centre social.",
              "Les animateurs ont proposé des ateliers de soutien scolaire aux enfants du collège."]]
    for name, lines in zip(names, texts, strict=True):
        (tmp_path / name).write_bytes(_shifted_xref(lines))
    done = run_process("ingest", "--no-progress", *(tmp_path / n for n in names), store=tmp_path / "store")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines and all(any(f"{name} :" in line for name in names) for line in lines), lines  # none unnamed
    for name in names:
        [folded] = [line for line in lines if "pypdf" in line and name in line]
        assert re.search(r"\b\d+ anomalies de structure relevées par pypdf", folded), folded
    assert not re.search(r"Object \d+ \d+ found|Ignoring wrong|WARNING|Traceback", done.stderr)  # pypdf's own English
