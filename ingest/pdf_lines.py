"""One PDF page → its lines of text, with the font size, weight and position the structure step needs.

Two extractors give the same ``Line``s: pypdf (the default), through the runs its visitor reports, and
PDFium (``pypdfium2``), char by char, for pages whose pypdf text comes out with words glued together
(LaTeX/DocBook PDFs position every word and pypdf loses the gaps; PDFium keeps them).

Both keep the spaces the PDF gives (pypdf reports them as runs of their own on many PDFs), split a footnote
call from the word it follows (a small raised number becomes `` ⁶²``: a separate token in superscript
digits, which no figure-reading rule takes for a quantity) and drop private-use glyphs (bullets from
symbol fonts, U+F06E...).
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from typing import Any

from ingest.clean import normalise

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_CALL = re.compile(r"^\(?\d{1,3}\)?$|^\*{1,3}$")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_CALL_OPEN, _CALL_CLOSE = "\ue000", "\ue001"  # marks a call until NFKC is done (it would fold ¹² back to 12)
_MARKED_CALL = re.compile(f"{_CALL_OPEN}(\\d+){_CALL_CLOSE}")


@dataclass
class Line:
    page: int
    y: float  # baseline, in PDF units (up is larger)
    size: float  # font size in points
    bold: bool
    italic: bool
    text: str
    x: float = 0.0  # left edge
    rows: list[list[str]] | None = None  # a whole table (ingest.pdf_tables) standing in for its cells


def _is_bold(font: str, weight: int = -1) -> bool:
    return weight >= 600 or any(mark in font for mark in ("Bold", "Black", "Heavy", "Semibold", "Demi"))


def _is_italic(font: str) -> bool:
    return "Italic" in font or "Oblique" in font


class _LineBuilder:
    """Accumulates pieces of text (runs or chars) into lines: same baseline, same line."""

    def __init__(self, page: int) -> None:
        self.page = page
        self.lines: list[Line] = []
        self._sizes: list[float] = []  # the size of the main text of the current line

    def space(self) -> None:
        if self.lines and not self.lines[-1].text.endswith(" "):
            self.lines[-1].text += " "

    def add(self, text: str, x: float, y: float, size: float, font: str, weight: int = -1) -> None:
        text = _PRIVATE_USE.sub("", text)
        if not text.strip():
            if text:
                self.space()
            return
        line = self.lines[-1] if self.lines else None
        if line is not None and _CALL.match(text.strip()) and size <= 0.8 * line.size and (
            0.1 * line.size < y - line.y < 0.8 * line.size
        ):
            digits = text.strip().strip("()")
            if digits.isdigit():  # a footnote call: its own token, never glued to the word
                line.text = line.text.rstrip() + f" {_CALL_OPEN}{digits}{_CALL_CLOSE} "
            return
        if line is not None and abs(line.y - y) < 0.5 * max(size, line.size) and x >= line.x - 1:
            line.text += text
            if size > line.size:
                line.size = size
            line.bold = line.bold and _is_bold(font, weight)
            line.italic = line.italic and _is_italic(font)
            return
        self.lines.append(Line(self.page, y, size, _is_bold(font, weight), _is_italic(font), text, x))

    def finish(self) -> list[Line]:
        for line in self.lines:
            line.text = _MARKED_CALL.sub(lambda m: m.group(1).translate(_SUPERSCRIPT), normalise(line.text))
        return [line for line in self.lines if line.text]


def pypdf_lines(page: Any, number: int) -> list[Line]:
    """The page's lines as pypdf's visitor reports them (font, size and position of each run)."""
    builder = _LineBuilder(number)

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if not text.strip():
            builder.space()  # spaces and line ends pypdf reports as runs of their own are word gaps
            return
        size = abs(font_size * tm[3] * cm[3]) or abs(font_size)
        builder.add(text.replace("\n", " "), x, y, size, str((font or {}).get("/BaseFont", "")))

    page.extract_text(visitor_text=visit)
    return builder.finish()


def pdfium_lines(document: Any, index: int) -> list[Line]:
    """The page's lines as PDFium reads them, char by char (it inserts the word gaps a layout implies)."""
    import pypdfium2.raw as pdfium_c

    page = document[index]
    textpage = page.get_textpage()
    builder = _LineBuilder(index + 1)
    name_buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int(0)
    origin_x, origin_y = ctypes.c_double(0), ctypes.c_double(0)
    font_cache: dict[tuple[float, int], str] = {}
    pending = ""
    start: tuple[float, float, float, str, int] | None = None

    def flush() -> None:
        nonlocal pending, start
        if start is not None and pending:
            builder.add(pending, *start)
        pending, start = "", None

    for i in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage, i) or 32)
        if char in "\r\n":
            flush()
            continue
        if char.isspace():
            flush()
            builder.space()
            continue
        pdfium_c.FPDFText_GetCharOrigin(textpage, i, ctypes.byref(origin_x), ctypes.byref(origin_y))
        left, bottom = origin_x.value, origin_y.value  # the baseline, as pypdf's runs report it
        size = round(float(pdfium_c.FPDFText_GetFontSize(textpage, i)), 1)
        weight = int(pdfium_c.FPDFText_GetFontWeight(textpage, i))
        key = (size, weight)
        if key not in font_cache:
            pdfium_c.FPDFText_GetFontInfo(textpage, i, name_buffer, len(name_buffer), ctypes.byref(flags))
            italic = "Italic" if flags.value & 64 else ""
            font_cache[key] = name_buffer.value.decode("latin-1", "replace") + italic
        style = (left, bottom, size, font_cache[key], weight)
        if start is None or style[2:] != start[2:] or abs(bottom - start[1]) > 0.3 * size:
            flush()
            start = style
        pending += char
    flush()
    textpage.close()
    page.close()
    return builder.finish()
