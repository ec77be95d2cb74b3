"""A PDF's lines → blocks: headings (outline, numbering, font), paragraphs, footnotes, contents pages.

Headings come, in order of trust, from the PDF's outline (its titles and depths), from numbering
(``2.1.1`` is a level-3 heading, ``I.`` or ``A.`` a part), and from font size and weight (larger or bold
lines than the body text). A footnote (a small line opening with its number, and the small lines that
follow it) becomes a block of its own at the end of its page, never merged into the sentence it
interrupts. A table of contents page (most lines ending on a page number) is kept apart, not indexed.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from statistics import median

from ingest.clean import append_text
from ingest.model import Block
from ingest.pdf_lines import Line
from ingest.pdf_tables import render_rows
from vectorstore.keys import fold

_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})[.)-]?\s+(?P<title>[A-ZÀ-Ý«\"'(].{2,})$")
_ROMAN = re.compile(r"^(?P<num>[IVX]{1,5})[.)-]\s+(?P<title>[A-ZÀ-Ý«\"'(].{2,})$")
_LETTERED = re.compile(r"^(?P<num>[A-H])[.)-]\s+(?P<title>[A-ZÀ-Ý«\"'(].{2,})$")
_FOOTNOTE_START = re.compile(r"^(?:\(?\d{1,3}\)|\d{1,3}|[⁰-⁹]+)\s*[^\s\d.,%]")
_CONTENTS_LINE = re.compile(r"(?:\.{2,}|…|\s)\s*(?:p\.\s*)?\d{1,3}$")
_MAX_HEADING_WORDS = 18
_TABLE_WORDS = 220
_HEADER_WORDS = 40


def outline_titles(outline: list[tuple[str, int]]) -> dict[str, int]:
    """Folded outline title → heading level (1 = top)."""
    return {_key(title): depth + 1 for title, depth in outline if _key(title)}


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", fold(text)))


def contents_pages(pages: list[list[Line]]) -> set[int]:
    """Pages that are a table of contents: at least six lines, most ending on a page number."""
    found = set()
    for lines in pages:
        if len(lines) >= 6:
            entries = sum(1 for line in lines if _CONTENTS_LINE.search(line.text) and len(line.text) > 8)
            if entries >= 0.5 * len(lines):
                found.add(lines[0].page)
    return found


def _numbered_level(text: str, below: int = 1) -> int:
    """The depth of a numbered heading (``2.1.1 Titre`` → 3, ``II. Titre`` → 1), else 0. A lettered one
    (``A) Titre``) sits just ``below`` the last numbered heading."""
    if len(text.split()) > _MAX_HEADING_WORDS or text.rstrip().endswith((".", ";", ",")):
        return 0
    match = _NUMBERED.match(text)
    if match:
        return match.group("num").count(".") + 1
    if _ROMAN.match(text):
        return 1
    return below if _LETTERED.match(text) else 0


class _Styles:
    """What body text looks like in this document, to tell headings and footnotes from it."""

    def __init__(self, lines: list[Line]) -> None:
        sizes: Counter[float] = Counter()
        for line in lines:
            sizes[round(line.size, 1)] += len(line.text)
        self.body = sizes.most_common(1)[0][0]
        self.heading_sizes = sorted({round(line.size, 1) for line in lines if self.is_heading(line)}, reverse=True)

    def is_heading(self, line: Line) -> bool:
        short = len(line.text.split()) <= _MAX_HEADING_WORDS * 2
        return short and ((line.bold and line.size >= self.body * 1.1) or line.size >= self.body * 1.3)

    def is_small(self, line: Line) -> bool:
        return line.size <= self.body * 0.9

    def level(self, line: Line) -> int:
        return self.heading_sizes.index(round(line.size, 1)) + 1


def _move_footnotes(page: list[Line], styles: _Styles) -> tuple[list[Line], list[list[Line]]]:
    """The page's lines without its footnotes, and the footnotes (each a list of lines)."""
    body: list[Line] = []
    notes: list[list[Line]] = []
    in_note = False
    for line in page:
        if styles.is_small(line) and not styles.is_heading(line) and _FOOTNOTE_START.match(line.text):
            notes.append([line])
            in_note = True
        elif in_note and styles.is_small(line) and not styles.is_heading(line):
            notes[-1].append(line)
        else:
            in_note = False
            body.append(line)
    return body, notes


def build_blocks(pages: list[list[Line]], outline: dict[str, int] | None = None) -> list[Block]:
    """Blocks in reading order; each page's footnotes after its text."""
    lines = [line for page in pages for line in page]
    if not lines:
        return []
    styles = _Styles(lines)
    outline = outline or {}
    gaps = [abs(b.y - a.y) for a, b in itertools.pairwise(lines) if a.page == b.page and not styles.is_heading(a)]
    line_gap = median(gaps) if gaps else styles.body * 1.4
    toc = contents_pages(pages)
    last_numbered = [0]

    def heading_level(line: Line) -> int:
        if _key(line.text) in outline:
            return outline[_key(line.text)]
        numbered = _numbered_level(line.text, last_numbered[0] + 1)
        if numbered and not _LETTERED.match(line.text):
            last_numbered[0] = numbered
        if styles.is_heading(line):
            return numbered or styles.level(line)
        return numbered if numbered and (line.bold or line.size > styles.body * 1.05) else 0

    blocks: list[Block] = []
    for page in pages:
        if page and page[0].page in toc:
            block = Block("contents", "")
            for line in page:
                append_text(block, line.text, line.page)
                block.text += "\n"
            block.text = block.text.strip()
            blocks.append(block)
            continue
        body, notes = _move_footnotes(page, styles)
        blocks.extend(_paragraphs(body, styles, line_gap, heading_level, outline))
        for note in notes:
            block = Block("footnote", "")
            for line in note:
                append_text(block, line.text, line.page)
            blocks.append(block)
    return blocks


def table_blocks(line: Line) -> list[Block]:
    """A table as blocks of whole rows (one row per paragraph), at most ~``_TABLE_WORDS`` words each;
    every part after the first repeats the header row, so each chunk can be read alone."""
    rendered = render_rows(line.rows or [])
    header = rendered[0] if len(rendered[0].split()) <= _HEADER_WORDS else ""  # a long first row is data
    rows = [piece for row in (rendered[1:] if header else rendered) for piece in _split_long(row)]
    parts: list[list[str]] = [[header] if header else []]
    for row in rows:
        if len(parts[-1]) > bool(header) and sum(len(r.split()) for r in parts[-1]) + len(row.split()) > _TABLE_WORDS:
            parts.append([header] if header else [])
        parts[-1].append(row)
    blocks = []
    for part in parts:
        block = Block("table", "\n\n".join(part))
        block.page_starts.append((0, line.page))
        blocks.append(block)
    return blocks


def _split_long(row: str) -> list[str]:
    """A row longer than a chunk is cut between its sentences (never inside one)."""
    if len(row.split()) <= _TABLE_WORDS:
        return [row]
    pieces: list[str] = [""]
    for sentence in re.split(r"(?<=[.!?»])\s+", row):
        if pieces[-1] and len(pieces[-1].split()) + len(sentence.split()) > _TABLE_WORDS:
            pieces.append("")
        pieces[-1] = f"{pieces[-1]} {sentence}".strip()
    return pieces


def _reads_as_heading(text: str, first_line: str, outline: dict[str, int]) -> bool:
    """A run of large or bold lines is a heading only if it reads as one: short, not a sentence. Bold
    sentences inside a paragraph (emphasis) and pages set in a larger size are text."""
    if _key(first_line) in outline or _numbered_level(first_line):
        return True
    words = text.split()
    return len(words) <= 2 * _MAX_HEADING_WORDS and not text.rstrip().endswith((".", ";", ",")) and not (
        text[:1].islower()
    )


def _continues_heading(previous: Line, line: Line, line_gap: float) -> bool:
    """A heading wrapped over several lines: same size and weight, just below, not numbered itself."""
    return (
        round(previous.size, 1) == round(line.size, 1)
        and previous.bold == line.bold
        and abs(line.y - previous.y) < 1.45 * max(line_gap, previous.size)
        and not _numbered_level(line.text)
        and not previous.text.rstrip().endswith((".", ":"))
    )


def _paragraphs(lines: list[Line], styles: _Styles, line_gap: float, level_of: Callable[[Line], int],
                outline: dict[str, int]) -> list[Block]:
    blocks: list[Block] = []
    current: list[tuple[Line, int]] = []

    def flush() -> None:
        if not current:
            return
        level = current[0][1]
        block = Block("paragraph", "", italic=all(line.italic for line, _ in current))
        for line, _ in current:
            append_text(block, line.text, line.page)
        if level and _reads_as_heading(block.text, current[0][0].text, outline):
            block.kind, block.level, block.italic = "heading", level, False
        blocks.append(block)
        current.clear()

    for line in lines:
        if line.rows:  # a table: its own blocks, split by rows, each part under the header row
            flush()
            blocks.extend(table_blocks(line))
            continue
        level = level_of(line)
        if current:
            previous, previous_level = current[-1]
            whole = _key(previous.text) in outline  # an outline title is complete on its line
            if previous_level and not level and not whole and _continues_heading(previous, line, line_gap):
                level = previous_level
            same_style = (
                bool(previous_level) == bool(level)
                and round(previous.size, 1) == round(line.size, 1)
                and previous.italic == line.italic
                and not (level and (_numbered_level(line.text) or whole))  # a new numbered/outline heading
            )
            close = abs(line.y - previous.y) < 1.45 * max(line_gap, previous.size)
            if not (same_style and close):
                flush()
        current.append((line, level))
    flush()
    return blocks
