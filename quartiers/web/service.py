"""What the web UI needs from the rest of the house, in one place: the store, the assistant (rebuilt when
the store changes), the documents and initiatives it holds, uploads, removals and feedback.

It calls ``ingest``, ``vectorstore`` and ``assistant``; it decides nothing about retrieval or answers.
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

from assistant import Answer, Assistant, build_assistant
from ingest import SUPPORTED_SUFFIXES
from quartiers import BUNDLED_CORPUS
from quartiers.settings import Settings
from vectorstore import open_store
from vectorstore.indexer import FileResult, IngestReport, ingest_paths, remove_sources
from vectorstore.keys import fold
from vectorstore.retriever import Passage
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
        self.store = open_store(settings)
        self._assistants: dict[str, Assistant] = {}  # by answerer; dropped whenever the store changes
        self._lock = threading.Lock()  # one writer at a time; readers keep the assistant they got

    def ensure_corpus(self, progress: bool = True) -> IngestReport | None:
        """An empty store gets the bundled corpus, so a fresh install has something to answer from."""
        if self.store.records_by_source():
            return None
        with self._lock:
            report = ingest_paths(self.store, [BUNDLED_CORPUS], progress=progress)
            self._assistants = {}
        return report

    def warm(self) -> None:
        """Load the indexes and models before the first visitor asks, not while they wait."""
        retriever = self.assistant().retriever
        if len(retriever):
            retriever.search("échauffement", k=1)

    @property
    def llm_configured(self) -> bool:
        return bool(self.settings.llm_base_url or self.settings.llm_gguf)

    def assistant(self, answerer: str = "extractive") -> Assistant:
        """The assistant for ``answerer`` (``build_assistant``: an unreachable LLM means extractive
        answers that say why)."""
        if answerer not in self._assistants:
            self._assistants[answerer] = build_assistant(self.store, self.settings, answerer)
        return self._assistants[answerer]

    def summary(self) -> dict[str, Any]:
        # the app's loaded retriever derives the themes: no second load of the indexes per table refresh
        retriever = self.assistant().retriever if self.store.records_by_source() else None
        return summary(self.store, self.settings.embedder, retriever)

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
        retriever = self.assistant().retriever
        found = [Passage(i, retriever.texts[i], m) for i, m in retriever.metadata.items()
                 if m.get("initiative_id") == initiative_id]
        return sorted(found, key=lambda p: int(p.get("position") or 0))

    def stored_file(self, source: str) -> Path | None:
        record = self.store.records_by_source().get(source)
        path = self.store.documents_folder / record.stored_file if record else None
        return path if path is not None and path.exists() else None

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
                    self._assistants = {}
                report.files += done.files
                report.added, report.unchanged, report.removed = done.added, done.unchanged, done.removed
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, source: str) -> int:
        with self._lock:
            removed = remove_sources(self.store, [source])[source]
            self._assistants = {}
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
