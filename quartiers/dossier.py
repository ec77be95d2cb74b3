"""The precedent dossier ("note de précédents"): what an officer hands to an elected official.

Per initiative: its title, place, actor (resource centre, region), themes, the quoted sentences with
their page, and the document's reference. As Markdown, and as a Word document through python-docx
(offline, no office suite). Every quote is verbatim from a stored passage; nothing else is written
but metadata.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ingest.chunking import sentence_spans
from quartiers.results import Passage
from vectorstore.themes import theme_label

QUOTES_PER_INITIATIVE = 2


@dataclass
class Quote:
    text: str
    page: int | None


@dataclass
class DossierEntry:
    title: str
    place: str | None
    resource_centre: str | None
    region: str | None
    themes: list[str]
    source: str
    document_title: str
    pages: list[int]
    quotes: list[Quote] = field(default_factory=list)

    @property
    def actor(self) -> str:
        return ", ".join(x for x in (self.resource_centre, self.region) if x)

    @property
    def reference(self) -> str:
        pages = f"p. {self.pages[0]}" if self.pages and self.pages[0] == self.pages[-1] else (
            f"p. {self.pages[0]}-{self.pages[-1]}" if self.pages else "")
        return ", ".join(x for x in (f"« {self.document_title} »", self.source, pages) if x)



def entry_for(initiative: dict, passages: list[Passage], sentence: str | None = None) -> DossierEntry:
    """An initiative (as ``stats`` lists it) and its passages in reading order; ``sentence``, if given (the
    precedents search's best one), is quoted first, then the opening sentences."""
    quotes: list[Quote] = []
    if sentence:
        for p in passages:
            if (at := p.text.find(sentence)) >= 0:
                quotes.append(Quote(sentence, p.page_at(at)))
                break
    for p in passages:
        for start, end in sentence_spans(p.text):
            text = p.text[start:end].strip()
            if len(quotes) >= QUOTES_PER_INITIATIVE:
                break
            if len(text.split()) >= 6 and all(text != q.text for q in quotes):
                quotes.append(Quote(text, p.page_at(start + p.text[start:end].find(text))))
    title = str(passages[0].get("title")) if passages else ""
    return DossierEntry(title=initiative["title"], place=initiative.get("place"),
                        resource_centre=initiative.get("resource_centre"), region=initiative.get("region"),
                        themes=list(initiative.get("themes") or []), source=initiative.get("source") or "",
                        document_title=title, pages=list(initiative.get("pages") or []), quotes=quotes)


def heading(subject: str | None) -> str:
    return f"Note de précédents — {subject}" if subject else "Note de précédents"


def markdown(entries: list[DossierEntry], subject: str | None = None) -> str:
    lines = [f"# {heading(subject)}", "", f"{len(entries)} initiative(s), extraites du corpus le "
             f"{time.strftime('%d/%m/%Y')}. Les citations sont reproduites mot pour mot.", ""]
    for i, entry in enumerate(entries, start=1):
        lines += [f"## {i}. {entry.title}", ""]
        if entry.place:
            lines.append(f"- **Lieu** : {entry.place}")
        if entry.actor:
            lines.append(f"- **Porteur** : {entry.actor}")
        if entry.themes:
            lines.append(f"- **Thèmes** : {', '.join(theme_label(t) for t in entry.themes)}")
        lines.append(f"- **Référence** : {entry.reference}")
        lines.append("")
        for quote in entry.quotes:
            page = f" (p. {quote.page})" if quote.page else ""
            lines.append(f"> « {quote.text} »{page}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def docx(entries: list[DossierEntry], path: Path, subject: str | None = None) -> Path:
    from docx import Document

    document = Document()
    document.core_properties.title = heading(subject)
    document.core_properties.language = "fr-FR"
    document.add_heading(heading(subject), level=0)
    document.add_paragraph(f"{len(entries)} initiative(s), extraites du corpus le {time.strftime('%d/%m/%Y')}. "
                           "Les citations sont reproduites mot pour mot.")
    for i, entry in enumerate(entries, start=1):
        document.add_heading(f"{i}. {entry.title}", level=1)
        for label, value in (("Lieu", entry.place), ("Porteur", entry.actor),
                             ("Thèmes", ", ".join(theme_label(t) for t in entry.themes)),
                             ("Référence", entry.reference)):
            if value:
                paragraph = document.add_paragraph(style="List Bullet")
                paragraph.add_run(f"{label} : ").bold = True
                paragraph.add_run(value)
        for quote in entry.quotes:
            page = f" (p. {quote.page})" if quote.page else ""
            document.add_paragraph(f"« {quote.text} »{page}", style="Quote")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
