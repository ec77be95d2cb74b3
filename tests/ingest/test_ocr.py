"""Scanned PDFs: read by Tesseract when Debian's tesseract-ocr and tesseract-ocr-fra are installed, else
refused with a French message naming them. The scan is made by ``bench.scan_maker``: text rendered to an
image, saved as PDF."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.scan_maker import make_scan
from ingest import parse_file
from ingest.ocr import ocr_language
from tests.conftest import run_json


@pytest.mark.skipif(ocr_language() is None, reason="tesseract-ocr and tesseract-ocr-fra are not installed")
def test_a_scan_is_read_by_ocr_and_the_report_says_so(tmp_path: Path) -> None:
    document = parse_file(make_scan(tmp_path / "scan.pdf"))
    text = " ".join(chunk.text for chunk in document.chunks).lower()
    # PIL's bundled font has no accented glyphs: the unaccented words are what the image really shows
    assert "paniers alimentaires chaque semaine pendant le confinement" in text and "domicile" in text
    assert document.extraction["ocr_pages"] == [1]
    assert document.extraction["extractors"] == {"ocr": 1}


def test_without_tesseract_a_scan_is_refused_naming_the_packages(tmp_path: Path) -> None:
    scan = make_scan(tmp_path / "scan.pdf")
    env = {"PATH": str(tmp_path / "no-tesseract-here"), "HOME": os.environ.get("HOME", "/root")}
    code, report = run_json("ingest", scan, store=tmp_path / "store", env=env)
    assert code == 1
    [failed] = report["files"]
    assert failed["status"] == "failed"
    assert "scan.pdf" in failed["error"] and "tesseract-ocr tesseract-ocr-fra" in failed["error"]

