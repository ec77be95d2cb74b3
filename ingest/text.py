"""Markdown and plain-text files → blocks.

Encoding is detected (UTF-8 first, then charset-normalizer): a latin-1 file is read correctly rather
than rejected, and a binary file that merely carries a text extension is refused with a clear reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from charset_normalizer import from_bytes

from ingest.clean import append_text, normalise, strip_markup
from ingest.errors import IngestError
from ingest.model import Block

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+(?:>\s*)?")
_QUOTE = re.compile(r"^\s*>\s?")
_WHOLE_ITALIC = re.compile(r"^\*(?!\*)(.+)(?<!\*)\*$|^_(.+)_$")


def decode(path: Path, data: bytes) -> str:
    """Bytes → text, or an IngestError saying why this is not text."""
    if not data.strip():
        raise IngestError(path, "fichier vide, rien à indexer")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (Windows' "Unicode")
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise IngestError(path, "texte UTF-16 mal formé") from error
        if _looks_like_text(text):
            return text
    if b"\x00" in data[:8192]:
        raise IngestError(path, "fichier binaire, ce n'est pas du texte")
    for encoding in ("utf-8-sig", "cp1252"):  # French documents: UTF-8, else Windows-1252 / latin-1
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    best = from_bytes(data).best()
    if best is None:
        raise IngestError(path, "encodage du texte non reconnu")
    text = str(best)
    if not _looks_like_text(text):
        raise IngestError(path, "fichier binaire, ce n'est pas du texte")
    return text


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t\f") or 0x7F <= ord(ch) < 0xA0)
    return controls <= len(text) * 0.01


def read_text(path: Path, data: bytes) -> list[Block]:
    """Parse Markdown headings, paragraphs and list items; plain text is the same minus headings."""
    text = decode(path, data)
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(_paragraph(paragraph))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        heading = _HEADING.match(line)
        if heading:
            flush()
            title = normalise(strip_markup(heading.group(2)))
            if title:
                blocks.append(Block("heading", title, level=len(heading.group(1))))
        elif not line.strip():
            flush()
        elif _BULLET.match(line):
            flush()  # each list item stands alone, as it does on the page
            paragraph.append(_BULLET.sub("", line))
        else:
            paragraph.append(_QUOTE.sub("", line))
    flush()
    return [block for block in blocks if block.text]


def _paragraph(lines: list[str]) -> Block:
    raw = " ".join(line.strip() for line in lines)
    italic = bool(_WHOLE_ITALIC.match(raw.strip()))
    block = Block("paragraph", "", italic=italic)
    for line in lines:
        append_text(block, normalise(strip_markup(line)), None)
    return block
