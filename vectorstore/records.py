"""The store's error and a document's completion record: written after all of its chunks, so a
document interrupted midway counts as not ingested (``vectorstore.store`` re-exports both)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


class StoreError(Exception):
    """A store that cannot serve this request; the message is shown to the user."""


@dataclass
class DocumentRecord:
    source: str
    title: str
    sha256: str
    kind: str
    pages: int | None
    chunks: int
    pipeline_version: str
    embedder: str
    embedder_version: str
    stored_file: str
    initiatives: list[dict[str, Any]]
    signature: list[int]
    doc_version: str = ""  # the build whose chunks readers trust (see indexer.document_version)
    publisher: str | None = None
    date: str | None = None
    extraction: dict[str, Any] | None = None  # how each page was read (PDFs): see ingest.pdf

    def to_metadata(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        data["initiatives"] = json.dumps(self.initiatives, ensure_ascii=False)
        data["signature"] = json.dumps(self.signature)
        data["extraction"] = json.dumps(self.extraction or {}, ensure_ascii=False)
        return data

    @classmethod
    def from_metadata(cls, data: dict[str, Any]) -> DocumentRecord:
        fields = dict(data)
        fields["initiatives"] = json.loads(str(fields.get("initiatives") or "[]"))
        fields["signature"] = json.loads(str(fields.get("signature") or "[]"))
        fields.setdefault("pages", None)
        fields.setdefault("doc_version", "")
        fields["extraction"] = json.loads(str(fields.get("extraction") or "{}")) or None
        fields.setdefault("publisher", None)
        fields.setdefault("date", None)
        return cls(**{k: fields[k] for k in cls.__dataclass_fields__})
