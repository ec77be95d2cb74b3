"""PDF parsing throughput, per document: the full loader beside pypdf's bare text extraction, in one run.

    .venv/bin/python -m bench.pdf_bench [--corpus DIR] [--repeat 1] [--json]

For the bundled report and each PDF of ``dev-foreign``, prints pages per second of ``parse_file`` (pypdf
runs, glue check, PDFium for glued pages, running lines, tables, structure, chunks) and of the baseline
(``pypdf.PdfReader(...).pages[i].extract_text()`` on every page), with what the loader did (PDFium pages,
tables). Where Tesseract is installed, the OCR of a generated one-page scan is timed too. Figures, not
assertions: the machine's other load shows in them.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import pypdf

from bench.scan_maker import make_scan
from eval.foreign import default_corpus
from ingest import parse_file
from ingest.ocr import ocr_language
from quartiers import BUNDLED_CORPUS


def _best(function: Any, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def measure(pdf: Path, repeat: int) -> dict[str, Any]:
    pages = len(pypdf.PdfReader(pdf).pages)
    baseline = _best(lambda: [page.extract_text() for page in pypdf.PdfReader(pdf).pages], repeat)
    document = parse_file(pdf)
    loader = _best(lambda: parse_file(pdf), repeat)
    report = document.extraction
    return {
        "document": pdf.name, "pages": pages,
        "loader_pages_per_s": round(pages / loader, 1), "baseline_pages_per_s": round(pages / baseline, 1),
        "loader_s": round(loader, 2), "baseline_s": round(baseline, 2),
        "pdfium_pages": len(report.get("pdfium_pages", [])), "tables": report.get("tables", 0),
        "chunks": len(document.chunks),
    }


def ocr_figure() -> dict[str, Any] | None:
    if ocr_language() is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        scan = make_scan(Path(folder) / "scan.pdf")
        seconds = _best(lambda: parse_file(scan), 1)
    return {"document": "scan d'une page (généré)", "pages": 1, "loader_pages_per_s": round(1 / seconds, 2),
            "loader_s": round(seconds, 2), "ocr": True}


def main() -> None:
    parser = argparse.ArgumentParser(description="Débit de lecture des PDF, document par document.")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pdfs = [BUNDLED_CORPUS / "quartiers-covid-crpv-2020.pdf", *sorted(args.corpus.glob("*.pdf"))]
    rows = [measure(pdf, args.repeat) for pdf in pdfs]
    if (ocr := ocr_figure()) is not None:
        rows.append(ocr)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    print(f"{'document':<44} {'pages':>5} {'chargeur p/s':>12} {'pypdf seul p/s':>14} {'PDFium':>6} {'tables':>6}")
    for row in rows:
        print(f"{row['document'][:44]:<44} {row['pages']:>5} {row['loader_pages_per_s']:>12} "
              f"{row.get('baseline_pages_per_s', '—'):>14} {row.get('pdfium_pages', '—'):>6} "
              f"{row.get('tables', '—'):>6}")


if __name__ == "__main__":
    main()
