"""Tables of a PDF page: found from their ruling lines, read row by row, kept whole.

pypdf and PDFium give a table's cells as loose lines, one cell after another, so a row's figures end up
far from its label. Pages that draw enough rules (PDFium counts them cheaply) are read again with
``pdfplumber`` (MIT, over pdfminer.six), whose table finder follows the drawn grid. A row whose first cell
is empty continues the row above (a wrapped cell); columns empty in every row are dropped; a "table" of
fewer than two columns or two rows is a framed paragraph, not a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.clean import normalise

_MIN_RULES = 6  # thin drawn paths on a page before its tables are looked for
_PATH_OBJECT = 2  # FPDF_PAGEOBJ_PATH


@dataclass
class Table:
    page: int
    top: float  # PDF units from the page's bottom, like the lines' baselines
    bottom: float
    left: float
    right: float
    rows: list[list[str]]


def ruled_pages(document: Any) -> list[int]:
    """0-based indices of the pages that draw at least a few rules (thin horizontal or vertical paths)."""
    import pypdfium2.raw as pdfium_c

    found = []
    for index in range(len(document)):
        page = document[index]
        rules = 0
        for object_index in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
            obj = pdfium_c.FPDFPage_GetObject(page.raw, object_index)
            if pdfium_c.FPDFPageObj_GetType(obj) != _PATH_OBJECT:
                continue
            try:
                left, bottom, right, top = _bounds(obj)
            except Exception:
                continue
            if min(right - left, top - bottom) < 2.5 and max(right - left, top - bottom) > 20:
                rules += 1
        page.close()
        if rules >= _MIN_RULES:
            found.append(index)
    return found


def _bounds(obj: Any) -> tuple[float, float, float, float]:
    import ctypes

    import pypdfium2.raw as pdfium_c

    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        raise ValueError("no bounds")
    return left.value, bottom.value, right.value, top.value


def read_tables(path: Path, indices: list[int]) -> list[Table]:
    """The tables of the given pages (0-based), cleaned; pages pdfplumber cannot read are skipped."""
    if not indices:
        return []
    import pdfplumber

    tables: list[Table] = []
    with pdfplumber.open(path) as pdf:
        for index in indices:
            try:
                page = pdf.pages[index]
                found = page.find_tables()
            except Exception:  # a damaged page keeps its plain text
                continue
            for table in found:
                rows = clean_rows(table.extract())
                if rows:
                    x0, top, x1, bottom = table.bbox
                    tables.append(Table(index + 1, page.height - top, page.height - bottom, x0, x1, rows))
            page.close()
    return tables


def clean_rows(raw: list[list[str | None]]) -> list[list[str]]:
    """Rows of normalised cells: wrapped rows joined, empty columns dropped; [] when it is no real table."""
    rows: list[list[str]] = []
    for raw_row in raw:
        cells = [normalise((cell or "").replace("\n", " ")) for cell in raw_row]
        if not any(cells):
            continue
        if rows and not cells[0] and len(cells) == len(rows[-1]):
            rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]  # a wrapped cell
        else:
            rows.append(cells)
    width = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (width - len(row)) for row in rows]
    keep = [i for i in range(width) if any(row[i] for row in rows)]
    rows = [[row[i] for i in keep] for row in rows]
    if len(keep) < 2 or len(rows) < 2:
        return []
    return rows


def render_rows(rows: list[list[str]]) -> list[str]:
    """One line of text per row, cells separated by `` | `` (empty cells dropped)."""
    lines = []
    for row in rows:
        cells = [cell for i, cell in enumerate(row) if cell and (i == 0 or cell != row[i - 1])]  # merged cells
        lines.append(" | ".join(cells))
    return lines


def place_tables(lines: list[Any], tables: list[Table], line_type: Any) -> list[Any]:
    """The page's lines with each table's loose cell lines replaced by one line carrying its rows."""
    for table in tables:
        inside = [
            i for i, line in enumerate(lines)
            if table.bottom - 2 <= line.y <= table.top + 2 and table.left - 2 <= line.x <= table.right + 2
        ]
        at = inside[0] if inside else next((i for i, line in enumerate(lines) if line.y < table.top), len(lines))
        size = lines[inside[0]].size if inside else 10.0
        kept = [line for i, line in enumerate(lines) if i not in set(inside)]
        at -= sum(1 for i in inside if i < at)
        kept.insert(at, line_type(table.page, table.top, size, False, False, "", table.left, rows=table.rows))
        lines = kept
    return lines
