"""The PDF extraction report (``ingest.pdf``) in one French line, as the CLI and the web app show it."""

from __future__ import annotations

from typing import Any


def _percent(share: float) -> str:
    return f"{100 * share:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " %"


def reading_summary(extraction: dict[str, Any] | None) -> str:
    """How a PDF was read, in one French line: why a document may answer badly is visible at a glance."""
    if not extraction:
        return ""
    names = {"pypdf": "pypdf", "pdfium": "PDFium", "ocr": "OCR"}
    parts = [" · ".join(f"{names[k]} {n} p." for k, n in extraction.get("extractors", {}).items())]
    before, after = extraction.get("glued_share_before", 0.0), extraction.get("glued_share_after", 0.0)
    parts.append(f"mots collés {_percent(before)} → {_percent(after)}" if before != after
                 else f"mots collés {_percent(after)}")
    if extraction.get("running_lines_removed"):
        parts.append(f"{extraction['running_lines_removed']} lignes d'en-tête ou de pied retirées")
    if extraction.get("tables"):
        parts.append(f"{extraction['tables']} tableaux (p. " + ", ".join(map(str, extraction["table_pages"])) + ")")
    if extraction.get("footnotes"):
        parts.append(f"{extraction['footnotes']} notes de bas de page")
    if extraction.get("contents_pages"):
        parts.append("sommaire p. " + ", ".join(map(str, extraction["contents_pages"])))
    if extraction.get("empty_pages"):
        parts.append("pages sans texte : " + ", ".join(map(str, extraction["empty_pages"])))
    return " ; ".join(parts)
