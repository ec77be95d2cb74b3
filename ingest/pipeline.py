"""One file → one ParsedDocument: load, clean, recover structure, chunk.

``PIPELINE_VERSION`` names what cleaning and chunking produce; bump it whenever their output
changes, so stores built by older code are detected as stale and rebuilt by ``quartiers ingest``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from ingest.chunking import MAX_WORDS, OVERLAP_WORDS, TARGET_WORDS, chunk_sections
from ingest.clean import merge_cut_paragraphs
from ingest.doc_metadata import DocumentFacts
from ingest.errors import IngestError
from ingest.model import Block, ParsedDocument
from ingest.pdf import read_pdf
from ingest.structure import sections
from ingest.text import read_text

PIPELINE_VERSION = f"2026.12-1/chunks-{TARGET_WORDS}-{MAX_WORDS}-{OVERLAP_WORDS}"
SUPPORTED_SUFFIXES = {".pdf": "pdf", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}


def parse_file(path: Path, source: str | None = None) -> ParsedDocument:
    """Parse one file; raises IngestError with a French reason naming the file."""
    path = Path(path)
    if not path.exists():
        raise IngestError(path, "fichier introuvable")
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        supported = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise IngestError(path, f"extension « {path.suffix or '(aucune)'} » non prise en charge ({supported})")
    limit_mb = _max_mb(kind)
    size = path.stat().st_size
    if size > limit_mb * 1024 * 1024:
        what = "un PDF" if kind == "pdf" else "un fichier texte"
        raise IngestError(path, f"fichier trop volumineux ({size / 1024 / 1024:.0f} Mo ; au plus {limit_mb} Mo pour "
                                f"{what}, réglage QUARTIERS_MAX_{'PDF' if kind == 'pdf' else 'TEXT'}_MB)")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IngestError(path, f"lecture impossible ({error.strerror})") from error
    if not data:
        raise IngestError(path, "fichier vide, rien à indexer")
    sha256 = hashlib.sha256(data).hexdigest()
    source = source or path.name
    page_count: int | None = None
    facts = DocumentFacts()
    extraction: dict[str, Any] = {}
    if kind == "pdf":
        pdf = read_pdf(path)
        blocks, page_count, facts, extraction = pdf.blocks, pdf.page_count, pdf.facts, pdf.report
    else:
        blocks = read_text(path, data)
    blocks = merge_cut_paragraphs(blocks)
    if not any(block.kind == "paragraph" for block in blocks):
        raise IngestError(path, "aucun texte exploitable dans ce fichier")
    document = ParsedDocument(
        source=source,
        title=facts.title or _title_from_blocks(blocks) or Path(source).stem,
        sha256=sha256,
        kind=kind,  # type: ignore[arg-type]
        page_count=page_count,
        blocks=blocks,
        publisher=facts.publisher,
        date=facts.date,
        extraction=extraction,
    )
    paired = sections(blocks, source)
    document.chunks = chunk_sections(paired, sha256)
    seen: dict[str, None] = {}
    for chunk in document.chunks:
        if chunk.initiative is not None:
            if chunk.initiative.initiative_id not in seen:
                seen[chunk.initiative.initiative_id] = None
                document.initiatives.append(chunk.initiative)
            chunk.initiative.pages = sorted(set(chunk.initiative.pages) | set(chunk.pages))
    return document


def _max_mb(kind: str) -> int:
    """Largest file parsed, per type: a 20 MB one-line text file held ingestion for a quarter of an hour."""
    name, default = ("QUARTIERS_MAX_PDF_MB", 200) if kind == "pdf" else ("QUARTIERS_MAX_TEXT_MB", 10)
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


def _title_from_blocks(blocks: list[Block]) -> str | None:
    """A short cover paragraph before the first heading, else the first heading."""
    first = next((block for block in blocks if block.kind in ("heading", "paragraph")), blocks[0])
    if first.kind == "paragraph" and len(first.text.split()) <= 20:
        text = first.text
        return text[0] + text[1:].lower() if text.isupper() else text
    headings = [block for block in blocks if block.kind == "heading"]
    return headings[0].text if headings else None
