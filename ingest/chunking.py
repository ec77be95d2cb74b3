"""Section-aware chunks: sentence boundaries, ~120-300 words, a little overlap, never across a section.

A chunk never crosses a heading or an initiative's boundary, so every passage carries one heading
path and at most one initiative. What is embedded is the heading path (and the initiative's
attribution) followed by the passage, which is how a question naming a section finds its text.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.model import Block, Chunk, Initiative
from ingest.structure import Section
from quartiers.text_toolkit import (
    CUT_EVERY_WORDS,
    MAX_SENTENCE_WORDS,
    heading_path,
    join_headings,
    paragraph_sentence_spans,
)
from quartiers.text_toolkit import sentence_spans as sentence_spans  # re-exported: its old import path

# The toolkit's sentence bounds are the chunk's: no sentence outgrows a chunk, a run-on one is cut at the target.
TARGET_WORDS = CUT_EVERY_WORDS
MAX_WORDS = MAX_SENTENCE_WORDS
OVERLAP_WORDS = 45
_CAPTION_WORDS = 40  # a paragraph this short just before a table introduces it


@dataclass
class _Sentence:
    text: str
    pages: list[int]
    paragraph: int  # index of the paragraph it comes from, to keep paragraph breaks in chunks

    @property
    def words(self) -> int:
        return len(self.text.split())


def split_sentences(block: Block) -> list[tuple[int, int]]:
    """Character spans of the sentences of a paragraph."""
    return paragraph_sentence_spans(block.text)


def chunk_sections(paired: list[tuple[Block, Section]], doc_sha256: str) -> list[Chunk]:
    """Chunks of the text, then chunks of the footnotes: a note never cuts the passage it interrupts."""
    chunks: list[Chunk] = []
    for kind_is_note in (False, True):
        group: list[tuple[Block, Section]] = []
        for item in (i for i in paired if (i[0].kind == "footnote") == kind_is_note):
            if item[0].kind == "table":  # whole rows, with the caption just before it
                caption = group[-1][0].text if group and len(group[-1][0].text.split()) <= _CAPTION_WORDS else ""
                if group:
                    chunks.extend(_chunk_group(group, doc_sha256, len(chunks)))
                    group = []
                chunks.append(_table_chunk(item, caption, doc_sha256, len(chunks)))
                continue
            previous = group[-1] if group else None
            if previous is not None and (
                previous[1].path != item[1].path or previous[1].initiative is not item[1].initiative
            ):
                chunks.extend(_chunk_group(group, doc_sha256, len(chunks)))
                group = []
            group.append(item)
        if group:
            chunks.extend(_chunk_group(group, doc_sha256, len(chunks)))
    return chunks


def _table_chunk(item: tuple[Block, Section], caption: str, doc_sha256: str, index: int) -> Chunk:
    block, section = item
    text = f"{caption}\n\n{block.text}" if caption else block.text
    header = _header(section.path, section.initiative)
    pages = block.pages_between(0, len(block.text))
    embed_text = f"{header}\n{text}" if header else text
    return Chunk(chunk_id=f"{doc_sha256[:16]}:{index:04d}", text=text, embed_text=embed_text,
                 section=section.path, pages=pages, initiative=section.initiative, page_offsets=[0] * len(pages))


def _chunk_group(group: list[tuple[Block, Section]], doc_sha256: str, first_index: int) -> list[Chunk]:
    section = group[0][1]
    sentences: list[_Sentence] = []
    for paragraph_index, (block, _) in enumerate(group):
        for start, end in split_sentences(block):
            sentences.append(_Sentence(block.text[start:end].strip(), block.pages_between(start, end), paragraph_index))
    windows = _pack(sentences)
    header = _header(section.path, section.initiative)
    chunks = []
    for offset, window in enumerate(windows):
        text = _render(window)
        pages: list[int] = []
        for sentence in window:
            pages.extend(page for page in sentence.pages if page not in pages)
        page_offsets = _page_offsets(window, text, sorted(pages))
        chunks.append(
            Chunk(
                chunk_id=f"{doc_sha256[:16]}:{first_index + offset:04d}",
                text=text,
                embed_text=f"{header}\n{text}" if header else text,
                section=section.path,
                pages=sorted(pages),
                initiative=section.initiative,
                page_offsets=page_offsets,
            )
        )
    return chunks


def _pack(sentences: list[_Sentence]) -> list[list[_Sentence]]:
    """Greedy windows of whole sentences; each new window repeats the previous one's last sentences."""
    windows: list[list[_Sentence]] = []
    current: list[_Sentence] = []
    new_words = 0  # words not already in the previous window
    for sentence in sentences:
        words = sum(s.words for s in current)
        if current and new_words > 0 and (words >= TARGET_WORDS or words + sentence.words > MAX_WORDS):
            windows.append(current)
            current = _overlap(current)
            new_words = 0
        current.append(sentence)
        new_words += sentence.words
    if current and new_words > 0:
        tail_words = sum(s.words for s in current)
        if windows and tail_words - sum(s.words for s in _overlap(windows[-1])) < 40 and (
            sum(s.words for s in windows[-1]) + new_words <= MAX_WORDS + 60
        ):
            windows[-1].extend(current[len(_overlap(windows[-1])) :])  # a short tail joins its predecessor
        else:
            windows.append(current)
    return windows


def _overlap(window: list[_Sentence]) -> list[_Sentence]:
    kept: list[_Sentence] = []
    for sentence in reversed(window[1:]):
        if sum(s.words for s in kept) + sentence.words > OVERLAP_WORDS:
            break
        kept.insert(0, sentence)
    return kept


def _page_offsets(window: list[_Sentence], text: str, pages: list[int]) -> list[int]:
    """For each page, the offset of the first sentence that starts on it (0 for the first page)."""
    offsets: list[int] = []
    cursor = 0
    starts: dict[int, int] = {}
    for sentence in window:
        position = text.find(sentence.text, cursor)
        cursor = max(cursor, position)
        if sentence.pages and sentence.pages[0] not in starts:
            starts[sentence.pages[0]] = max(position, 0)
    for i, page in enumerate(pages):
        offsets.append(0 if i == 0 else starts.get(page, offsets[-1] if offsets else 0))
    return offsets


def _render(window: list[_Sentence]) -> str:
    parts: list[str] = []
    for i, sentence in enumerate(window):
        if i and sentence.paragraph != window[i - 1].paragraph:
            parts.append("\n\n")
        elif i:
            parts.append(" ")
        parts.append(sentence.text)
    return "".join(parts)


def _header(path: str, initiative: Initiative | None) -> str:
    """The last two levels of the heading path: enough context, without paying to embed long part titles."""
    path = join_headings(heading_path(path)[-2:])
    if initiative is None:
        return path
    where = ", ".join(x for x in (initiative.resource_centre, initiative.region, initiative.place) if x)
    return f"{path} ({where})"
