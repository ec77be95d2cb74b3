"""A document's title, publisher and date: from the PDF's metadata where it is meaningful, else from
what its first pages state.

Word and layout tools fill the metadata title with a file name (``Microsoft Word - guide_v3.docx``):
such a title is ignored and the first page's largest text is taken. A publisher is a line of the first
pages that opens on an institution's generic name (``Ministère…``, ``Agence…``, ``Direction…``); a date
is a month and year stated there. Nothing is guessed beyond that: absent facts stay None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.pdf_lines import Line

_FILE_LIKE = re.compile(r"(?i)(microsoft\s+(word|powerpoint)|\.(docx?|pptx?|odt|indd|pdf|qxp)\b|^untitled$|^sans titre"
                        r"|^présentation powerpoint$|^document\d*$|_)")
_INSTITUTION = re.compile(
    r"^(?:Le |La |L'|Les )?(?:Minist[èe]re|Direction|Agence|Centre|Institut|Observatoire|Pr[ée]fecture|Conseil|"
    r"Commissariat|D[ée]l[ée]gation|F[ée]d[ée]ration|Union|R[ée]seau|Secr[ée]tariat|Haut-commissariat|Caisse|Office|"
    r"Assembl[ée]e|Cour|Inspection|Mission|Commission|Autorit[ée]|[ÉE]tablissement public|Association)\b[^.;]{0,110}$"
)
_MONTHS = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
_DATE = re.compile(rf"(?i)\b(?:(?:1er|\d{{1,2}})\s+)?(?:{_MONTHS})\s+(?:19|20)\d{{2}}\b")




@dataclass
class DocumentFacts:
    title: str | None = None
    publisher: str | None = None
    date: str | None = None


def meaningful_title(title: str | None) -> str | None:
    """The metadata title, unless it is empty, a file name or a tool's placeholder."""
    if not title:
        return None
    title = title.strip()
    if len(title) < 4 or _FILE_LIKE.search(title) or not re.search(r"[^\W\d_]{3}", title):
        return None
    return title


def cover_title(pages: list[list[Line]]) -> str | None:
    """The largest text of the first page that has any (a cover of images has none)."""
    for lines in pages[:3]:
        lines = [line for line in lines if re.search(r"[^\W\d_]{3}", line.text)]
        if not lines:
            continue
        largest = max(line.size for line in lines)
        text = " ".join(line.text for line in lines if line.size >= largest * 0.95)
        return text[:200].strip() or None
    return None


def document_facts(pages: list[list[Line]], metadata_title: str | None, metadata_author: str | None) -> DocumentFacts:
    """Title, publisher and date as the document states them."""
    facts = DocumentFacts(title=meaningful_title(metadata_title) or cover_title(pages))
    first = [line for lines in pages[:3] for line in lines]
    for line in first:
        if facts.publisher is None and _INSTITUTION.match(line.text):
            facts.publisher = line.text.strip()
        if facts.date is None and (match := _DATE.search(line.text)):
            facts.date = match.group(0)
    if facts.publisher is None and metadata_author and _INSTITUTION.match(metadata_author.strip()):
        facts.publisher = metadata_author.strip()
    return facts
