"""What the web UI (and the API beside it) needs from the rest of the house, in one place: the store, the
retriever and assistants (built by ``quartiers.components``, rebuilt when the store changes), the documents
and initiatives it holds, precedent search, uploads, removals and feedback.

The web modules reach the store and the retriever only through here. What a page load reads (the store's
summary, which documents have a stored copy) is computed once per change of the store, not once per table
or per streamed sentence: this process is the store's writer, so its own writes are what invalidate it.
An upload or a removal keeps the loaded retriever and assistants: they take in the new or removed
document version alone (the lexical, USE and sentence indexes are updated one version at a time).
It decides nothing about retrieval or answers.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant import Answer, Assistant
from ingest import SUPPORTED_SUFFIXES
from quartiers import BUNDLED_CORPUS
from quartiers.components import build_assistant, build_retriever, build_store
from quartiers.settings import Settings
from vectorstore.indexer import FileResult, IngestReport, ingest_paths, remove_sources
from vectorstore.keys import fold
from vectorstore.precedents import Precedent, find_precedents
from vectorstore.retriever import HybridRetriever, Passage
from vectorstore.stats import summary

FEEDBACK_FILE = "feedback.jsonl"
UNSAFE = re.compile(r"[^\w.\- ]+")


class UploadError(ValueError):
    """An upload refused before ingestion (type or size); the message is French and names the file."""


def safe_name(name: str) -> str:
    """A document's name from an uploaded file's name: no folders, no control or odd characters.

    It only names the document (its ``source``); where the copy is written is decided by the indexer.
    """
    base = UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    return base[:120] or "document"


class Service:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = build_store(settings)
        self._lock = threading.Lock()  # one writer at a time; readers keep the assistant they got
        # the first visitors arrive together: one retriever and one assistant per answerer get built, not one each
        self._building = threading.RLock()
        self._retriever: HybridRetriever | None = None
        self._assistants: dict[str, Assistant] = {}  # by answerer, all over the one retriever
        self._changed()

    def _changed(self) -> None:
        """After a write of this process: what a page load reads is recomputed; the retriever and the
        assistants take in the change incrementally (readers follow writers), they are not rebuilt."""
        if self._assistants:
            for assistant in list(self._assistants.values()):  # a visitor may be adding one
                assistant.refresh()
        elif self._retriever is not None:
            self._retriever.follow(every_s=0)
        self._summary: dict[str, Any] | None = None
        self._stored_files: dict[str, Path] | None = None

    def ensure_corpus(self, progress: bool = True) -> IngestReport | None:
        """An empty store gets the bundled corpus, so a fresh install has something to answer from."""
        if self.store.records_by_source():
            return None
        with self._lock:
            report = ingest_paths(self.store, [BUNDLED_CORPUS], progress=progress)
            self._changed()
        return report

    def warm(self) -> None:
        """Load the indexes and models before the first visitor asks, not while they wait."""
        retriever = self.retriever()
        if len(retriever):
            retriever.search("échauffement", k=1)
            self.assistant()
            self.summary()

    @property
    def llm_configured(self) -> bool:
        return bool(self.settings.llm_base_url or self.settings.llm_gguf)

    def retriever(self) -> HybridRetriever:
        """The one retriever of this process (indexes loaded once), shared by every answerer."""
        with self._building:
            if self._retriever is None:
                self._retriever = build_retriever(self.store)
            return self._retriever

    def assistant(self, answerer: str = "extractive") -> Assistant:
        """The assistant for ``answerer`` (``components.build_assistant``: an unreachable LLM means
        extractive answers that say why)."""
        with self._building:
            if answerer not in self._assistants:
                self._assistants[answerer] = build_assistant(self.settings, answerer, retriever=self.retriever())
            return self._assistants[answerer]

    def summary(self) -> dict[str, Any]:
        """``vectorstore.stats.summary`` of the store, computed once per change (every table, filter and
        chart of a page load reads this one)."""
        if self._summary is None:
            # the loaded retriever derives the themes: no second load of the indexes
            retriever = self.retriever() if self.store.records_by_source() else None
            self._summary = summary(self.store, self.settings.embedder, retriever)
        return self._summary

    def filter_choices(self) -> dict[str, list[str]]:
        """Values offered by the filters; spellings that filters treat as one ("Bretagne – …" and
        "Bretagne - …") are offered once."""
        data = self.summary()

        def distinct(key: str) -> list[str]:
            seen: dict[str, str] = {}
            for initiative in data["initiatives"]:
                if initiative.get(key):
                    seen.setdefault(fold(initiative[key]), initiative[key])
            return sorted(seen.values(), key=fold)

        return {"source": [d["source"] for d in data["documents"]], "region": distinct("region"),
                "resource_centre": distinct("resource_centre")}

    def initiative_passages(self, initiative_id: str) -> list[Passage]:
        """An initiative's passages in reading order."""
        return self.retriever().initiative_passages(initiative_id)

    def precedents(self, theme: str, k: int = 15, filters: dict[str, list[str]] | None = None) -> list[Precedent]:
        """``vectorstore.precedents.find_precedents`` on this process' retriever."""
        return find_precedents(self.retriever(), theme, k=k, filters=filters)

    def stored_file(self, source: str) -> Path | None:
        """The stored copy of ``source`` (for the app's PDF links), from a map read once per change: the
        sources panel asks for it on every streamed sentence."""
        if self._stored_files is None:
            folder = self.store.documents_folder
            self._stored_files = {name: folder / record.stored_file
                                  for name, record in self.store.records_by_source().items()
                                  if record.stored_file and (folder / record.stored_file).exists()}
        return self._stored_files.get(source)

    def check_upload(self, path: Path, original_name: str) -> None:
        suffix = Path(original_name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise UploadError(f"{original_name} : type de fichier non pris en charge (acceptés : {allowed})")
        limit = self.settings.upload_max_mb
        if path.stat().st_size > limit * 1024 * 1024:
            raise UploadError(f"{original_name} : fichier trop volumineux (limite : {limit} Mo)")

    def ingest_uploads(self, files: list[tuple[Path, str]]) -> IngestReport:
        """Ingest uploaded files under safe names; refused files are reported, never half-stored."""
        report = IngestReport()
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="quartiers-upload-") as folder:
            accepted: list[Path] = []
            for path, original in files:
                try:
                    self.check_upload(path, original)
                except UploadError as error:
                    report.files.append(FileResult(safe_name(original), "failed", error=str(error)))
                    continue
                target = Path(folder) / safe_name(original)
                shutil.copyfile(path, target)
                accepted.append(target)
            if accepted:
                with self._lock:
                    done = ingest_paths(self.store, accepted, progress=True)
                    self._changed()
                report.files += done.files
                report.added, report.unchanged, report.removed = done.added, done.unchanged, done.removed
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, source: str) -> int:
        with self._lock:
            removed = remove_sources(self.store, [source])[source]
            self._changed()
        return removed

    def record_feedback(self, answer: Answer, liked: bool) -> Path:
        """One JSON line per vote, beside the store, for the team to review bad answers."""
        path = self.store.folder / FEEDBACK_FILE
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "liked": liked, "question": answer.question,
                 "rewritten_question": answer.rewritten_question, "answer": answer.answer,
                 "refused": answer.refused, "answerer": answer.answerer,
                 "citations": [asdict(c) for c in answer.citations]}
        with self._lock, path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return path
