"""Scanned pages → lines, with Debian's Tesseract when it is installed (``tesseract-ocr``, ``tesseract-ocr-fra``).

Pages are rendered with PDFium (``pypdfium2``) and read by the ``tesseract`` program in TSV mode, which
gives every word with its box: words are grouped into lines whose height stands for the font size, so
the structure step treats OCR'd pages like the others. Without Tesseract, a scan is refused with a
French message naming the packages to install.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.pdf_lines import Line, _LineBuilder

PACKAGES = "tesseract-ocr tesseract-ocr-fra"
_DPI = 300
_TIMEOUT_S = 120


@lru_cache(maxsize=1)
def ocr_language() -> str | None:
    """``fra`` (with ``eng`` when present) if Tesseract and its French data are installed, else None."""
    if shutil.which("tesseract") is None:
        return None
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    languages = set(listed.split())
    if "fra" not in languages:
        return None
    return "fra+eng" if "eng" in languages else "fra"


def ocr_lines(document: Any, index: int, language: str) -> list[Line]:
    """The lines of page ``index`` (0-based) of a ``pypdfium2.PdfDocument``, read by Tesseract."""
    page = document[index]
    scale = _DPI / 72
    image = page.render(scale=scale).to_pil()
    height_pt = page.get_height()
    page.close()
    with tempfile.TemporaryDirectory(prefix="quartiers-ocr-") as folder:
        png = Path(folder) / "page.png"
        image.save(png)
        result = subprocess.run(
            ["tesseract", str(png), "stdout", "-l", language, "--psm", "3", "tsv"],
            capture_output=True, text=True, timeout=_TIMEOUT_S,
        )
    words: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in csv.DictReader(io.StringIO(result.stdout), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip() and float(row.get("conf") or -1) >= 0:
            words.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    builder = _LineBuilder(index + 1)
    for line_words in words.values():
        tops = [int(w["top"]) + int(w["height"]) for w in line_words]
        baseline = height_pt - max(tops) / scale
        size = max(int(w["height"]) for w in line_words) / scale * 1.3  # cap height → font size, roughly
        left = min(int(w["left"]) for w in line_words) / scale
        text = " ".join(w["text"] for w in line_words)
        builder.lines.append(Line(index + 1, baseline, size, False, False, text, left))
    return builder.finish()
