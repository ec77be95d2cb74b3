"""PDF → blocks with pypdf, page by page.

pypdf marks no headings and this kind of report has no outline, so structure is recovered from what
``extract_text(visitor_text=...)`` reports for every run of text: its font, size and position. Lines
repeated at the top or bottom of most pages (running header, page numbers) are dropped.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

import pypdf
from pypdf.errors import PdfReadError

from ingest.clean import append_text, normalise
from ingest.errors import IngestError
from ingest.model import Block

_MIN_TEXT_CHARS_PER_PAGE = 20  # below this on average, the PDF is a scan without a text layer


@dataclass
class _Line:
    page: int
    y: float
    size: float
    bold: bool
    italic: bool
    text: str


def read_pdf(path: Path) -> tuple[list[Block], int, str | None]:
    """Return the blocks, the page count and the title from the PDF's metadata."""
    reader = _open(path)
    pages = [_page_lines(page, number) for number, page in enumerate(reader.pages, start=1)]
    if sum(len(line.text) for lines in pages for line in lines) < _MIN_TEXT_CHARS_PER_PAGE * len(pages):
        raise IngestError(path, "PDF sans texte extractible (document scanné ?), rien à indexer")
    pages = _drop_running_lines(pages)
    title = None
    if reader.metadata is not None and reader.metadata.title:
        title = normalise(str(reader.metadata.title)) or None
    return _blocks(pages), len(reader.pages), title


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
        raise IngestError(path, f"PDF illisible ou corrompu ({type(error).__name__})") from error
    except Exception as error:  # pypdf raises many kinds on damaged files; none may stop the others
        if "decrypt" in str(error).lower() or "crypt" in type(error).__name__.lower():
            raise IngestError(path, "PDF chiffré, impossible d'en extraire le texte") from error
        raise IngestError(path, f"PDF illisible ou corrompu ({type(error).__name__})") from error
    return reader


def _page_lines(page: Any, number: int) -> list[_Line]:
    runs: list[tuple[float, float, str, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        if not text.strip():
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs(font_size * tm[3] * cm[3]) or abs(font_size)
        name = str((font or {}).get("/BaseFont", ""))
        runs.append((y, size, name, text.replace("\n", " ")))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:  # one damaged page must not cost the rest of the document
        return []
    lines: list[_Line] = []
    for y, size, font, text in runs:
        if lines and abs(lines[-1].y - y) < 0.5 * size:
            line = lines[-1]
            line.text += text
            line.size = max(line.size, size)
            line.bold = line.bold and "Bold" in font
            line.italic = line.italic and ("Italic" in font or "Oblique" in font)
        else:
            italic = "Italic" in font or "Oblique" in font
            lines.append(_Line(number, y, size, "Bold" in font, italic, text))
    for line in lines:
        line.text = normalise(line.text)
    return [line for line in lines if line.text]


def _running_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _drop_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop header/footer lines: the same text (digits aside) at a page edge on most pages."""
    edge = 3
    counts: Counter[str] = Counter()
    for lines in pages:
        counts.update({_running_key(line.text) for line in lines[:edge] + lines[-edge:]})
    threshold = max(2, len(pages) // 2)
    running = {key for key, count in counts.items() if count >= threshold} if len(pages) >= 3 else set()
    kept = []
    for lines in pages:
        body = [
            line
            for i, line in enumerate(lines)
            if not (
                (i < edge or i >= len(lines) - edge) and (_running_key(line.text) in running or line.text.isdigit())
            )
        ]
        kept.append(body)
    return kept


def _blocks(pages: list[list[_Line]]) -> list[Block]:
    lines = [line for page in pages for line in page]
    if not lines:
        return []
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
    body_size = sizes.most_common(1)[0][0]
    heading_sizes = sorted({round(line.size, 1) for line in lines if _is_heading(line, body_size)}, reverse=True)
    gaps = [abs(b.y - a.y) for a, b in itertools.pairwise(lines) if a.page == b.page and not _is_heading(a, body_size)]
    line_gap = median(gaps) if gaps else body_size * 1.4

    blocks: list[Block] = []
    current: list[_Line] = []

    def flush() -> None:
        if not current:
            return
        first = current[0]
        block = Block("paragraph", "", italic=all(line.italic for line in current))
        for line in current:
            append_text(block, line.text, line.page)
        if _is_heading(first, body_size):
            block.kind, block.level, block.italic = "heading", heading_sizes.index(round(first.size, 1)) + 1, False
        blocks.append(block)
        current.clear()

    for line in lines:
        if current:
            previous = current[-1]
            same_style = (
                _is_heading(previous, body_size) == _is_heading(line, body_size)
                and round(previous.size, 1) == round(line.size, 1)
                and previous.italic == line.italic
            )
            close = previous.page == line.page and abs(line.y - previous.y) < 1.45 * max(line_gap, previous.size)
            if not (same_style and close):
                flush()  # a page break ends a block too; cut sentences are rejoined afterwards
        current.append(line)
    flush()
    return blocks


def _is_heading(line: _Line, body_size: float) -> bool:
    return (line.bold and line.size >= body_size * 1.1) or line.size >= body_size * 1.3
