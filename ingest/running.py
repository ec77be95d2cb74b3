"""Running headers and footers: lines that repeat at a page's edge, whatever the layout.

A line is running when, digits masked, it recurs at the top or bottom of many pages: of all pages, or
of the odd or the even pages alone (a header on odd pages, a bare number on even ones). Page numbers in
their usual forms (``12``, ``3 / 58``, ``Page 12/102``, ``- 12 -``) at an edge are running on any page.
A heading that recurs only twice is content: at least three pages and a third of a parity's pages.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.pdf_lines import Line

_EDGE = 3  # lines considered at each edge, in reading order and by position
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.)\s*)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s*(?:/|sur|of)\s*\d{1,4})?$", re.IGNORECASE
)




def running_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def _edges(lines: list[Line]) -> set[int]:
    """Indices of the lines at the top or bottom of a page, in reading order or by height."""
    if not lines:
        return set()
    by_height = sorted(range(len(lines)), key=lambda i: -lines[i].y)
    order = list(range(len(lines)))
    return set(order[:_EDGE] + order[-_EDGE:] + by_height[:_EDGE] + by_height[-_EDGE:])


def running_keys(pages: list[list[Line]]) -> set[str]:
    """The digit-masked texts that run along the pages' edges."""
    if len(pages) < 3:
        return set()
    groups = {"all": range(len(pages)), "odd": range(0, len(pages), 2), "even": range(1, len(pages), 2)}
    running: set[str] = set()
    for indices in groups.values():
        counts: Counter[str] = Counter()
        for i in indices:
            counts.update({running_key(pages[i][j].text) for j in _edges(pages[i])})
        threshold = max(3, round(len(indices) / 3))
        running |= {key for key, count in counts.items() if count >= threshold and key}
    return running


def _end_numbers(text: str) -> set[int]:
    """The numbers a line opens or closes on (``6 Chapitre 2.`` → 6; ``Page 3/42`` → 3 and 42)."""
    words = text.split()
    if not words:
        return set()
    ends = {words[0], words[-1], *words[0].split("/"), *words[-1].split("/")}
    return {int(w) for w in (e.strip(".-–—()") for e in ends) if w.isascii() and w.isdigit() and len(w) <= 4}


def page_number_offset(pages: list[list[Line]]) -> int | None:
    """printed number − page index, when the edges of many pages carry their page's number."""
    offsets: Counter[int] = Counter()
    for index, lines in enumerate(pages, start=1):
        found = {n - index for j in _edges(lines) for n in _end_numbers(lines[j].text)}
        offsets.update(found)
    if not offsets:
        return None
    offset, count = offsets.most_common(1)[0]
    return offset if count >= max(3, len(pages) / 4) else None


def drop_running_lines(pages: list[list[Line]]) -> tuple[list[list[Line]], int]:
    """The pages without their running lines, and how many lines were dropped.

    Besides repeated lines, an edge line that opens or closes on its page's printed number is running
    (``6 Chapitre 2. Candidater…`` on one page, ``2.3. Enregistrement… 7`` on the next).
    """
    running = running_keys(pages)
    offset = page_number_offset(pages)
    kept: list[list[Line]] = []
    dropped = 0
    for index, lines in enumerate(pages, start=1):
        edges = _edges(lines)
        body = [
            line for i, line in enumerate(lines)
            if not (i in edges and (
                running_key(line.text) in running
                or is_page_number(line.text)
                or (offset is not None and index + offset in _end_numbers(line.text) and len(line.text) < 160)
            ))
        ]
        dropped += len(lines) - len(body)
        kept.append(body)
    return kept, dropped
