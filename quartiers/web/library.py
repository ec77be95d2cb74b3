"""Précédents and Documents tabs: the corpus' initiatives as a searchable table, and the documents in the
store with upload and removal. Search ranks with ``vectorstore.precedents``; ingestion is ``ingest``'s."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.extraction_text import reading_summary
from quartiers.web import render
from quartiers.web.service import Service
from vectorstore.keys import fold
from vectorstore.precedents import find_precedents

INITIATIVE_COLUMNS = ["Initiative", "Centre de ressources", "Région", "Lieu", "Pages"]
DOCUMENT_COLUMNS = ["Titre", "Fichier", "Éditeur", "Date", "Pages", "Passages", "Initiatives", "Lecture du PDF"]
ALL_REGIONS = "Toutes les régions"


def _pages(pages: list[int]) -> str:
    return f"{pages[0]}–{pages[-1]}" if len(pages) > 1 and pages[-1] != pages[0] else str(pages[0]) if pages else ""


class Library:
    def __init__(self, service: Service) -> None:
        self.service = service

    def initiatives(self, query: str, region: str | None) -> tuple[list[list[Any]], list[dict[str, Any]]]:
        """Rows shown and the initiatives behind them (same order): matches on the table's own words first,
        then initiatives the precedents search finds for the query as a theme."""
        every = self.service.summary()["initiatives"]
        if region and region != ALL_REGIONS:
            every = [i for i in every if fold(i.get("region") or "") == fold(region)]
        query = (query or "").strip()
        if query:
            wanted = fold(query)
            words = [i for i in every if wanted in fold(" ".join(str(i.get(k) or "") for k in
                                                                   ("title", "resource_centre", "region", "place")))]
            by_id = {i["initiative_id"]: i for i in every}
            themed = [by_id[p.initiative_id] for p in find_precedents(self.service.assistant().retriever, query, k=15)
                      if p.initiative_id in by_id]
            every = list({i["initiative_id"]: i for i in words + themed}.values())
        rows = [[i["title"], i.get("resource_centre") or "", i.get("region") or "", i.get("place") or "",
                 _pages(i.get("pages") or [])] for i in every]
        return rows, every

    def regions(self) -> list[str]:
        return [ALL_REGIONS, *self.service.filter_choices()["region"]]

    def initiative(self, shown: list[dict[str, Any]], index: Any, pdf_link: render.PdfLink) -> tuple[str, Any]:
        row = index[0] if isinstance(index, list | tuple) else int(index)
        if not 0 <= row < len(shown):
            return render.passages_html([], pdf_link), None
        chosen = shown[row]
        passages = self.service.initiative_passages(chosen["initiative_id"])
        title = f"<h2>{escape(chosen['title'])}</h2>"
        return title + render.passages_html(passages, pdf_link), chosen

    def documents(self) -> list[list[Any]]:
        data = self.service.summary()
        counts: dict[str, int] = {}
        for initiative in data["initiatives"]:
            counts[initiative["source"]] = counts.get(initiative["source"], 0) + 1
        return [[d["title"], d["source"], d.get("publisher") or "", d.get("date") or "", d["pages"] or "", d["chunks"],
                 counts.get(d["source"], 0), reading_summary(d.get("extraction"))] for d in data["documents"]]

    def upload(self, files: list[Any] | None, progress: gr.Progress = gr.Progress(track_tqdm=True)) -> str:  # noqa: B008
        """Ingests uploads (Gradio stored them under names of its own); returns a French report.
        Gradio shows the indexer's progress bars (tqdm) on the status while this runs in a worker."""
        if not files:
            return "Choisissez d'abord un ou plusieurs fichiers (PDF, Markdown ou texte)."
        pairs = [(Path(_path(f)), Path(_original_name(f)).name) for f in files]
        report = self.service.ingest_uploads(pairs)
        labels = {"added": "ajouté", "replaced": "remplacé", "unchanged": "déjà à jour"}
        lines = []
        for result in report.files:
            if result.status == "failed":
                lines.append(f"- **Échec** : {escape(result.error or result.source)}")
            else:
                reading = reading_summary(result.extraction)
                lines.append(f"- {escape(result.source)} : {labels[result.status]}, "
                             f"{result.chunks} passages" + (f" ({escape(reading)})" if reading else ""))
            lines += [f"- **Attention** : {escape(w)}" for w in result.warnings]
        return f"**Indexation terminée en {report.seconds:.1f} s.**\n\n" + "\n".join(lines)

    def remove(self, source: str | None) -> str:
        if not source:
            return "Choisissez le document à retirer."
        removed = self.service.remove(source)
        if removed < 0:
            return f"{escape(source)} : document inconnu dans cette base."
        return f"**{escape(source)}** retiré ({removed} passages supprimés)."


def _path(file: Any) -> str:
    return str(getattr(file, "name", None) or getattr(file, "path", None) or file)


def _original_name(file: Any) -> str:
    """The name the user's file had: Gradio keeps it as the last part of the path it stored the upload at."""
    return str(getattr(file, "orig_name", None) or Path(_path(file)).name)
