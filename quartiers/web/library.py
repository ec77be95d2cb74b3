"""Précédents and Documents tabs: the corpus' initiatives as an explorer (filters by theme, region and
document, a table that fits, counts per theme and region, the precedent dossier), and the documents in the
store with upload and removal. Search ranks with ``vectorstore.precedents`` (the chat's search); themes are
``vectorstore.themes``'; the dossier is ``quartiers.dossier``; ingestion is ``ingest``'s."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import gradio as gr

from ingest.extraction_text import reading_summary
from quartiers import BUNDLED_CORPUS, dossier
from quartiers.web import render
from quartiers.web.exports import export_folder
from quartiers.web.service import Service
from vectorstore.keys import fold
from vectorstore.themes import THEMES, slug_for

INITIATIVE_COLUMNS = ["Initiative", "Thèmes", "Centre de ressources", "Région", "Lieu", "Pages"]
# Widths that keep every column on screen at 1400 px (the title wraps; the others stay short).
INITIATIVE_WIDTHS: list[str | int] = ["34%", "19%", "17%", "13%", "11%", "6%"]
DOCUMENT_COLUMNS = ["Titre", "Fichier", "Éditeur", "Date", "Pages", "Passages", "Initiatives", "Lecture du PDF"]
ALL_REGIONS = "Toutes les régions"
ALL_THEMES = "Tous les thèmes"
ALL_DOCUMENTS = "Tous les documents"


def _pages(pages: list[int]) -> str:
    return f"{pages[0]}–{pages[-1]}" if len(pages) > 1 and pages[-1] != pages[0] else str(pages[0]) if pages else ""


def _bars(title: str, counts: dict[str, int], css_id: str) -> str:
    """A bar chart in plain HTML: readable by screen readers as a list, no plotting library."""
    if not counts:
        return ""
    top = max(counts.values())
    items = "".join(
        f'<li><span class="bar-label">{escape(name)}</span><span class="bar" style="width:{70 * n / top:.0f}%">'
        f'</span><span class="bar-count">{n}</span></li>'
        for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], fold(kv[0]))))
    return f'<figure id="{css_id}"><figcaption>{escape(title)}</figcaption><ul class="bars">{items}</ul></figure>'


class Library:
    def __init__(self, service: Service) -> None:
        self.service = service

    def initiatives(self, query: str, region: str | None, theme: str | None = None,
                    source: str | None = None) -> tuple[list[list[Any]], list[dict[str, Any]]]:
        """Rows shown and the initiatives behind them (same order): matches on the table's own words first,
        then initiatives the precedents search finds for the query (the chat's search)."""
        every = self.service.summary()["initiatives"]
        if region and region != ALL_REGIONS:
            every = [i for i in every if fold(i.get("region") or "") == fold(region)]
        slug = slug_for(theme) if theme and theme != ALL_THEMES else None
        if slug:
            every = [i for i in every if slug in (i.get("themes") or [])]
        if source and source != ALL_DOCUMENTS:
            every = [i for i in every if i.get("source") == source]
        query = (query or "").strip()
        sentences: dict[str, str] = {}
        if query:
            wanted = fold(query)
            words = [i for i in every if wanted in fold(" ".join(str(i.get(k) or "") for k in
                                                                   ("title", "resource_centre", "region", "place")))]
            by_id = {i["initiative_id"]: i for i in every}
            found = self.service.precedents(query, k=15)
            sentences = {p.initiative_id: p.sentence for p in found if p.initiative_id}
            themed = [by_id[p.initiative_id] for p in found if p.initiative_id in by_id]
            every = list({i["initiative_id"]: i for i in words + themed}.values())
        rows = [[i["title"], ", ".join(i.get("theme_labels") or []), i.get("resource_centre") or "",
                 i.get("region") or "", i.get("place") or "", _pages(i.get("pages") or [])] for i in every]
        return rows, [i | {"sentence": sentences.get(i["initiative_id"])} for i in every]

    def explore(self, query: str, region: str | None, theme: str | None, source: str | None) -> tuple[Any, ...]:
        """The table, what is behind it, the chart of counts, and the dossier's choices (all shown, ticked)."""
        rows, behind = self.initiatives(query, region, theme, source)
        choices = [(i["title"], i["initiative_id"]) for i in behind]
        return rows, behind, self.chart(behind), gr.CheckboxGroup(choices=choices, value=[c[1] for c in choices])

    def chart(self, shown: list[dict[str, Any]]) -> str:
        themes: dict[str, int] = {}
        regions: dict[str, int] = {}
        for initiative in shown:
            for label in initiative.get("theme_labels") or []:
                themes[label] = themes.get(label, 0) + 1
            region = initiative.get("region") or "Non précisée"
            regions[region] = regions.get(region, 0) + 1
        if not shown:
            return "<p>Aucune initiative ne correspond à ces critères.</p>"
        return (f'<div class="charts"><p>{len(shown)} initiative(s) affichée(s).</p>'
                + _bars("Initiatives par thème", themes, "chart-themes")
                + _bars("Initiatives par région", regions, "chart-regions") + "</div>")

    def regions(self) -> list[str]:
        return [ALL_REGIONS, *self.service.filter_choices()["region"]]

    def themes(self) -> list[str]:
        return [ALL_THEMES, *(label for label, _ in THEMES.values())]

    def sources(self) -> list[str]:
        return [ALL_DOCUMENTS, *self.service.filter_choices()["source"]]

    def initiative(self, shown: list[dict[str, Any]], index: Any, pdf_link: render.PdfLink) -> tuple[str, Any]:
        row = index[0] if isinstance(index, list | tuple) else int(index)
        if not 0 <= row < len(shown):
            return render.passages_html([], pdf_link), None
        chosen = shown[row]
        passages = self.service.initiative_passages(chosen["initiative_id"])
        title = f"<h2>{escape(chosen['title'])}</h2>"
        return title + render.passages_html(passages, pdf_link), chosen

    def dossier(self, shown: list[dict[str, Any]], selected: list[str] | None, query: str) -> tuple[str, Any]:
        """The note de précédents for the ticked initiatives (all shown ones when none is ticked), as Markdown
        (shown and downloadable) and as a Word document."""
        wanted = set(selected or [])
        chosen = [i for i in shown if i["initiative_id"] in wanted] or list(shown)
        if not chosen:
            return "Aucune initiative à exporter : modifiez les filtres.", None
        entries = [dossier.entry_for(i, self.service.initiative_passages(i["initiative_id"]), i.get("sentence"))
                   for i in chosen]
        subject = (query or "").strip() or None
        text = dossier.markdown(entries, subject)
        folder = export_folder(text)
        (folder / "note-de-precedents.md").write_text(text, encoding="utf-8")
        path = dossier.docx(entries, folder / "note-de-precedents.docx", subject)
        return text, [str(folder / "note-de-precedents.md"), str(path)]

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
        return f"{_upload_heading(report.files, report.seconds)}\n\n" + "\n".join(lines)

    def removal_question(self, source: str | None) -> tuple[str | None, str]:
        """(the confirmation asked before removing ``source``, or None; the status line meanwhile)."""
        if not source:
            return None, "Choisissez le document à retirer."
        document = next((d for d in self.service.summary()["documents"] if d["source"] == source), None)
        if document is None:
            return None, f"{escape(source)} : document inconnu dans cette base."
        bundled = (" C'est le rapport fourni avec l'application : il ne sera réindexé que si la base est vide "
                   "au prochain démarrage." if (BUNDLED_CORPUS / source).exists() else "")
        question = (f"**Retirer « {escape(document['title'] or source)} » ({escape(source)}) et ses "
                    f"{document['chunks']} passages de la base ?** Ses réponses et ses initiatives disparaîtront ; "
                    f"pour le retrouver, il faudra l'indexer de nouveau.{bundled}")
        return question, "Confirmez ou annulez le retrait ci-dessus."

    def remove(self, source: str | None) -> str:
        if not source:
            return "Choisissez le document à retirer."
        removed = self.service.remove(source)
        if removed < 0:
            return f"{escape(source)} : document inconnu dans cette base."
        return f"**{escape(source)}** retiré ({removed} passages supprimés)."


def _upload_heading(files: list[Any], seconds: float) -> str:
    """"Indexation terminée" only when every file was indexed: a failure is said in the heading itself."""
    failed = sum(1 for result in files if result.status == "failed")
    if not failed:
        return f"**Indexation terminée en {seconds:.1f} s.**"
    if failed == len(files):
        return f"**Échec de l'indexation : aucun fichier n'a été indexé** ({failed} refusé(s) ou illisible(s))."
    return (f"**Indexation partielle en {seconds:.1f} s : {failed} fichier(s) sur {len(files)} n'ont pas pu être "
            "indexés.**")


def _path(file: Any) -> str:
    return str(getattr(file, "name", None) or getattr(file, "path", None) or file)


def _original_name(file: Any) -> str:
    """The name the user's file had: Gradio keeps it as the last part of the path it stored the upload at."""
    return str(getattr(file, "orig_name", None) or Path(_path(file)).name)
