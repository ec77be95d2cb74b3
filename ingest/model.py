"""Data types that flow out of ingestion: blocks of a parsed document, then chunks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# footnotes are kept apart from the text they interrupt; contents pages are read for structure, not indexed;
# a table block holds whole rows (one per paragraph) and becomes a chunk of its own
BlockKind = Literal["heading", "paragraph", "footnote", "contents", "table"]


@dataclass
class Block:
    """One heading or paragraph of a document, in reading order.

    ``page_starts`` maps character offsets of ``text`` to the 1-based page that starts there,
    so a paragraph that runs across a page break still knows which words sit on which page.
    """

    kind: BlockKind
    text: str
    page_starts: list[tuple[int, int]] = field(default_factory=list)
    level: int = 0  # heading level, 1 = top
    italic: bool = False  # the whole block is emphasised (attribution lines often are)

    def pages_between(self, start: int, end: int) -> list[int]:
        """Pages covered by the characters ``text[start:end]``."""
        pages: list[int] = []
        for i, (offset, page) in enumerate(self.page_starts):
            next_offset = self.page_starts[i + 1][0] if i + 1 < len(self.page_starts) else len(self.text) + 1
            if offset < end and next_offset > start and page not in pages:
                pages.append(page)
        return pages


@dataclass
class Initiative:
    """An illustrated local initiative: a heading followed by an attribution line."""

    initiative_id: str
    title: str
    resource_centre: str
    region: str | None
    place: str | None
    pages: list[int] = field(default_factory=list)


@dataclass
class Chunk:
    chunk_id: str
    text: str  # the passage as quoted to users
    embed_text: str  # what is embedded: heading path + passage
    section: str
    pages: list[int]
    initiative: Initiative | None = None
    # Offset in ``text`` of the first sentence starting on each page (parallel to ``pages``), so a
    # quote taken from the chunk can be cited at its own page rather than the chunk's first.
    page_offsets: list[int] = field(default_factory=list)

    @property
    def page(self) -> int | None:
        return self.pages[0] if self.pages else None


@dataclass
class ParsedDocument:
    source: str  # file name, the document's identity in the store
    title: str
    sha256: str
    kind: Literal["pdf", "markdown", "text"]
    page_count: int | None
    blocks: list[Block]
    chunks: list[Chunk] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    publisher: str | None = None  # as the first pages state it (PDF); None when they do not
    date: str | None = None  # e.g. "juillet 2019", as stated
    extraction: dict[str, Any] = field(default_factory=dict)  # how each page was read (PDF)

    @property
    def full_text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks if block.kind != "contents")
