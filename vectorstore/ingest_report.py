"""What one ``ingest`` run reports, per file and in total (its ``--json`` shape: ``to_json``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FileResult:
    source: str
    status: str  # added | unchanged | replaced | failed
    chunks: int = 0
    error: str | None = None
    pages: int | None = None
    embedded: int = 0  # chunks embedded by this run (the others came from the cache)
    warnings: list[str] = field(default_factory=list)
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    extraction: dict[str, Any] | None = None  # the PDF extraction report (pages, extractors, glue...)


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    added: int = 0  # chunks written
    unchanged: int = 0  # chunks of documents left as they were
    removed: int = 0  # chunks deleted (older versions)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.status == "failed")

    def to_json(self) -> dict[str, Any]:
        return {
            "files": [f.__dict__ for f in self.files],
            "totals": {"added": self.added, "unchanged": self.unchanged, "removed": self.removed,
                       "failed": self.failed, "files": len(self.files),
                       "pages": sum(f.pages or 0 for f in self.files if f.status != "failed")},
            "seconds": round(self.seconds, 2),
        }
