"""PDF → blocks, page by page, with an extraction report saying how each page was read.

pypdf reads every page (the user's choice of library). A page whose pypdf text comes out with its words
glued together (``ingest.glue``) is read again with PDFium and that reading is kept when it is cleaner.
A scan (no text layer) is read by Tesseract when it is installed, else refused. Running headers and
footers are dropped (``ingest.running``); structure is recovered from the outline, numbering and fonts
(``ingest.pdf_blocks``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdf
from pypdf.errors import PdfReadError

from ingest.clean import normalise
from ingest.doc_metadata import DocumentFacts, document_facts
from ingest.errors import IngestError
from ingest.glue import GlueMeter, readable_share, vocabulary
from ingest.model import Block
from ingest.ocr import PACKAGES, ocr_language, ocr_lines
from ingest.pdf_blocks import build_blocks, outline_titles
from ingest.pdf_lines import Line, pdfium_lines, pypdf_lines
from ingest.pdf_tables import Table, place_tables, read_tables, ruled_pages
from ingest.running import drop_running_lines

_MIN_TEXT_CHARS_PER_PAGE = 20  # below this on average, the PDF is a scan without a text layer
_GLUED_PAGE = 0.005  # a page with more glued tokens than this is read again with PDFium
_MAX_CONTROL, _MIN_WORDS = 0.05, 0.3  # a page's text beyond these (control chars, share of words) is damaged
_MAX_DAMAGED = 0.3  # beyond this share of damaged pages the file is refused (byte-flipped copies lose 40 %+)


@dataclass
class PdfExtraction:
    blocks: list[Block]
    page_count: int
    facts: DocumentFacts
    report: dict[str, Any] = field(default_factory=dict)


def read_pdf(path: Path) -> PdfExtraction:
    """The document's blocks, page count, stated facts and extraction report."""
    counter = _WarningCounter()
    pypdf_logger = logging.getLogger("pypdf")
    pypdf_logger.addHandler(counter)
    pypdf_logger.propagate = False  # damaged-file chatter: counted here, said once per file by the indexer
    try:
        extraction = _read(path)
    finally:
        pypdf_logger.removeHandler(counter)
    extraction.report["pypdf_warnings"] = counter.count
    return extraction


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _read(path: Path) -> PdfExtraction:
    reader = _open(path)
    unreadable: set[int] = set()
    pypdf_pages = [_safe_lines(pypdf_lines, page, number, unreadable) for number, page in enumerate(reader.pages, 1)]
    document = _pdfium_document(path)
    pdfium_text = [_pdfium_text(document, i) for i in range(len(pypdf_pages))] if document is not None else []
    pypdf_text = "\n".join(line.text for page in pypdf_pages for line in page)
    known = vocabulary(pypdf_text) & vocabulary("\n".join(pdfium_text))  # words both extractors write alone
    meter = GlueMeter(known)
    pages, extractors = [], []
    glued_before = glued_after = tokens = 0
    for i, lines in enumerate(pypdf_pages):
        glued, count = meter.count("\n".join(line.text for line in lines))
        glued_before, tokens, kept, extractor = glued_before + glued, tokens + count, lines, "pypdf"
        if document is not None and count and glued / count > _GLUED_PAGE:
            other = _safe_lines(lambda _p, n: pdfium_lines(document, n - 1), None, i + 1)
            other_glued, other_count = meter.count("\n".join(line.text for line in other))
            if other_count >= 0.9 * count and other_glued < glued:
                kept, extractor, glued = other, "pdfium", other_glued
        glued_after += glued
        pages.append(kept)
        extractors.append(extractor)
    damaged = [i + 1 for i, page in enumerate(pages) if _damaged("\n".join(line.text for line in page))]
    damaged = sorted(set(damaged) | {i + 1 for i in unreadable})
    if len(damaged) > _MAX_DAMAGED * len(pages):  # a scan's empty pages are not damaged: OCR reads them below
        raise IngestError(path, f"PDF endommagé : le texte de {len(damaged)} pages sur {len(pages)} est illisible "
                                "(caractères de contrôle, mots inconnus ou pages qui ne se lisent pas)")
    pages = [[] if i + 1 in damaged else page for i, page in enumerate(pages)]  # garbage is never indexed
    text_chars = sum(len(line.text) for page in pages for line in page)
    if text_chars < _MIN_TEXT_CHARS_PER_PAGE * len(pages):
        pages, extractors = _ocr(path, document, pages, extractors)
    facts = document_facts(pages, _metadata(reader, "title"), _metadata(reader, "author"))  # headers state facts too
    pages, running = drop_running_lines(pages)
    tables = _tables(path, document)
    for page_tables in _by_page(tables, len(pages)):
        if page_tables:
            index = page_tables[0].page - 1
            pages[index] = place_tables(pages[index], page_tables, Line)
    outline = _outline(reader)
    blocks = build_blocks(pages, outline_titles(outline))
    report = {
        "pages": len(pages),
        "empty_pages": [i + 1 for i, page in enumerate(pages) if sum(len(line.text) for line in page) < 20],
        "extractors": {name: extractors.count(name) for name in ("pypdf", "pdfium", "ocr") if name in extractors},
        "pdfium_pages": [i + 1 for i, name in enumerate(extractors) if name == "pdfium"],
        "ocr_pages": [i + 1 for i, name in enumerate(extractors) if name == "ocr"],
        "glued_share_before": round(glued_before / tokens, 5) if tokens else 0.0,
        "glued_share_after": round(glued_after / tokens, 5) if tokens else 0.0,
        "running_lines_removed": running,
        "damaged_pages": damaged,
        "outline_entries": len(outline),
        "headings": sum(1 for block in blocks if block.kind == "heading"),
        "footnotes": sum(1 for block in blocks if block.kind == "footnote"),
        "tables": len(tables),
        "table_pages": sorted({table.page for table in tables}),
        "contents_pages": sorted({p for block in blocks if block.kind == "contents" for _, p in block.page_starts}),
    }
    if document is not None:
        document.close()
    return PdfExtraction(blocks, len(reader.pages), facts, report)


def _tables(path: Path, document: Any) -> list[Table]:
    if document is None:
        return []
    try:
        return read_tables(path, ruled_pages(document))
    except Exception:  # tables are a refinement: without them, cells stay as loose lines
        return []


def _by_page(tables: list[Table], count: int) -> list[list[Table]]:
    pages: list[list[Table]] = [[] for _ in range(count)]
    for table in tables:
        pages[table.page - 1].append(table)
    return pages


def _open(path: Path) -> pypdf.PdfReader:
    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(path, "PDF chiffré, impossible d'en extraire le texte")
        if len(reader.pages) == 0:
            raise IngestError(path, "PDF sans aucune page")
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise IngestError(path, "PDF illisible ou corrompu (structure du fichier endommagée)") from error
    except Exception as error:  # pypdf raises many kinds on damaged files; none may stop the others
        if "decrypt" in str(error).lower() or "crypt" in type(error).__name__.lower():
            raise IngestError(path, "PDF chiffré, impossible d'en extraire le texte") from error
        raise IngestError(path, "PDF illisible ou corrompu (structure du fichier endommagée)") from error
    return reader


def _safe_lines(read: Any, page: Any, number: int, failed: set[int] | None = None) -> list[Line]:
    try:
        return list(read(page, number))
    except Exception:  # one damaged page must not cost the rest of the document
        if failed is not None:
            failed.add(number - 1)
        return []


def _damaged(text: str) -> bool:
    control, words = readable_share(text)
    return control > _MAX_CONTROL or words < _MIN_WORDS


def _pdfium_document(path: Path) -> Any:
    try:
        import pypdfium2

        return pypdfium2.PdfDocument(path)
    except Exception:  # PDFium refuses some files pypdf reads: then pypdf alone it is
        return None


def _pdfium_text(document: Any, index: int) -> str:
    try:
        page = document[index]
        textpage = page.get_textpage()
        text = str(textpage.get_text_range())
        textpage.close()
        page.close()
        return text
    except Exception:
        return ""


def _ocr(
    path: Path, document: Any, pages: list[list[Line]], extractors: list[str]
) -> tuple[list[list[Line]], list[str]]:
    """Read the pages without text with Tesseract, or refuse the scan naming what to install."""
    language = ocr_language()
    if language is None or document is None:
        raise IngestError(
            path, f"PDF sans texte extractible (document scanné ?) : installez {PACKAGES} pour le lire par OCR"
        )
    pages, extractors = list(pages), list(extractors)
    for i, lines in enumerate(pages):
        if sum(len(line.text) for line in lines) < _MIN_TEXT_CHARS_PER_PAGE:
            try:
                pages[i], extractors[i] = ocr_lines(document, i, language), "ocr"
            except Exception as error:
                raise IngestError(path, f"OCR impossible à la page {i + 1} (Tesseract a échoué)") from error
    if sum(len(line.text) for page in pages for line in page) < _MIN_TEXT_CHARS_PER_PAGE * len(pages):
        raise IngestError(path, "PDF sans texte extractible : l'OCR n'y a rien lu (pages blanches ou illisibles)")
    return pages, extractors


def _outline(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    """(title, depth) of every outline entry, in order; empty when the PDF has none or it is damaged."""
    entries: list[tuple[str, int]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif getattr(item, "title", None):
                entries.append((normalise(str(item.title)), depth))

    try:
        walk(reader.outline, 0)
    except Exception:
        return []
    return entries


def _metadata(reader: pypdf.PdfReader, field_name: str) -> str | None:
    try:
        value = getattr(reader.metadata, field_name, None) if reader.metadata is not None else None
    except Exception:
        return None
    return normalise(str(value)) or None if value else None
