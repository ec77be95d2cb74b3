"""Files → clean, structured, chunked documents (no storage here: that is ``vectorstore``)."""

from ingest.errors import IngestError
from ingest.model import Block, Chunk, Initiative, ParsedDocument
from ingest.pipeline import PIPELINE_VERSION, SUPPORTED_SUFFIXES, parse_file

__all__ = [
    "PIPELINE_VERSION",
    "SUPPORTED_SUFFIXES",
    "Block",
    "Chunk",
    "IngestError",
    "Initiative",
    "ParsedDocument",
    "parse_file",
]
