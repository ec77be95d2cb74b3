"""HTML and Markdown views of an ``Answer`` for the web UI. Presentation only: what is said, cited and quoted
is decided upstream by ``assistant``; here every text that came from a document or a user is escaped."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

from quartiers.results import Answer, Citation, Passage, innermost_heading

CITATION = re.compile(r"\[(\d+)\]")
PdfLink = Callable[[str, int | None], str | None]  # (source, page) -> URL of the stored document, or None


def anchor(turn: int, n: int) -> str:
    return f"src-{turn}-{n}"


_MARKDOWN = re.compile(r"([\\`*_\[\]()!#|~$])")


# The chat's Markdown also turns bare addresses into live links (``http://…``, ``www.…``): an entity for
# their punctuation keeps the characters on screen and leaves nothing to link.
_AUTOLINK = re.compile(r"(?<=\w)(:)(?=//)|(?<=\bwww)(\.)", re.I)


def text_only(text: str) -> str:
    """User or document text for the chat's Markdown, shown as typed: HTML and Markdown both escaped (a
    question holding ``![x](http://…)`` fetches no image) and no address made a link."""
    escaped = _MARKDOWN.sub(r"\\\1", escape(text, quote=False))
    return _AUTOLINK.sub(lambda m: "&#58;" if m.group(1) else "&#46;", escaped)


def plain(text: str, turn: int) -> str:
    """Document text for the chat's Markdown: HTML and Markdown both escaped, so that a passage holding
    ``![logo](http://…)`` or ``[site](http://…)`` shows those characters (no image fetched, no live link)
    and the quote on screen is the stored quote; only our own ``[n]`` become links."""
    parts, cursor = [], 0
    for match in CITATION.finditer(text):
        parts.append(text_only(text[cursor:match.start()]))
        parts.append(f'<a href="#{anchor(turn, int(match.group(1)))}">[{match.group(1)}]</a>')
        cursor = match.end()
    parts.append(text_only(text[cursor:]))
    return "".join(parts)


def answer_markdown(answer: Answer, turn: int) -> str:
    """The answer as shown in the chat: escaped text, each ``[n]`` a link to its card in the sources panel."""
    text = plain(answer.answer, turn)
    if answer.refused:
        text = "**Les documents ne répondent pas à cette question.**\n\n" + text
    if answer.fallback:
        text += f"\n\n*Note : {escape(answer.fallback, quote=False)}*"
    return text


def pending_markdown(sentences: list[str], turn: int) -> str:
    """Verified sentences streamed so far, with the indicator that more is being written."""
    done = " ".join(plain(s, turn) for s in sentences)
    return (done + "\n\n" if done else "") + "*Rédaction en cours…*"


def _highlighted(text: str, quotes: list[tuple[int, str]], turn: int) -> str:
    """The passage, escaped, with each quoted sentence marked and numbered; a mark is the target of its
    ``[n]`` link. Quotes are verbatim in the passage by contract; one that is not is left unmarked."""
    spans = sorted((text.find(q), n, q) for n, q in quotes if q and text.find(q) >= 0)
    html, cursor = [], 0
    for start, n, quote in spans:
        if start < cursor:  # overlapping quotes: the first one marked keeps the text
            continue
        html.append(escape(text[cursor:start]))
        html.append(f'<mark id="{anchor(turn, n)}" tabindex="-1"><span class="cite-n">[{n}]</span> '
                    f"{escape(quote)}</mark>")
        cursor = start + len(quote)
    html.append(escape(text[cursor:]))
    return "".join(html)


def _facts(meta: dict[str, Any] | Passage, page: int | str | None) -> str:
    get = meta.get
    stated = ", ".join(str(x) for x in (get("publisher"), get("date")) if x)
    rows = [("Document", get("title") or get("source")), ("Publication", stated), ("Page", page),
            ("Section", get("section")),
            ("Initiative", get("initiative")), ("Centre de ressources", get("resource_centre")),
            ("Région", get("region"))]
    cells = "".join(f"<dt>{label}</dt><dd>{escape(str(value))}</dd>" for label, value in rows if value)
    return f"<dl>{cells}</dl>"


def _pdf_link(pdf_link: PdfLink, passage: Passage, page: int | None, numbers: str = "") -> str:
    url = pdf_link(str(passage.get("source")), page)
    if not url:
        return ""
    where = f" à la page {page}" if page else ""
    cited = f" {numbers}" if numbers else ""
    return (f'<a class="open-pdf" href="{escape(url)}" target="_blank" rel="noopener">'
            f"Ouvrir le document{where}{cited}<span class=\"sr-only\"> (nouvel onglet)</span></a>")


def _citation_links(pdf_link: PdfLink, passage: Passage, cited: list[Citation]) -> str:
    """One link per page the card's quotes are on, each opening the document at that quote's page (a
    passage may span a page break: its second quote is not on its first page)."""
    by_page: dict[int | None, list[int]] = {}
    for citation in cited:
        by_page.setdefault(citation.page, []).append(citation.n)
    if len(by_page) == 1:
        return _pdf_link(pdf_link, passage, next(iter(by_page)))
    return "".join(_pdf_link(pdf_link, passage, page, " ".join(f"[{n}]" for n in numbers))
                   for page, numbers in sorted(by_page.items(), key=lambda item: item[0] or 0))


def sources_html(answer: Answer | None, turn: int, pdf_link: PdfLink) -> str:
    """The sources panel for one answer: a card per citation, or the "voir aussi" passages of a refusal."""
    if answer is None:
        return ('<div class="sources-empty">Les sources de la réponse sélectionnée s\'affichent ici. '
                "Cliquez sur un numéro [n] ou sur une réponse pour les voir.</div>")
    passages = {p.chunk_id: p for p in answer.passages + answer.see_also}
    by_passage: dict[str, list[Citation]] = {}
    for citation in answer.citations:
        by_passage.setdefault(citation.chunk_id, []).append(citation)
    cards: list[str] = []
    for chunk_id, cited in by_passage.items():
        passage = passages.get(chunk_id)
        if passage is None:
            continue
        pages = sorted({c.page for c in cited if c.page})
        numbers = " ".join(f"[{c.n}]" for c in cited)
        where = f", p. {', '.join(map(str, pages))}" if pages else ""
        cards.append(
            f'<article class="source" aria-label="Passage cité {numbers}"><h3>{numbers} {escape(cited[0].title)}'
            f"{where}</h3>{_facts(passage, ', '.join(map(str, pages)) or None)}"
            f'<blockquote class="passage">{_highlighted(passage.text, [(c.n, c.quote) for c in cited], turn)}'
            f"</blockquote>{_citation_links(pdf_link, passage, cited)}</article>")
    if answer.refused:
        cards.append("<h3>Voir aussi</h3>" if answer.see_also else "")
        for i, passage in enumerate(answer.see_also, start=1):
            page = passage.get("page")
            cards.append(
                f'<article class="source see-also" id="{anchor(turn, 100 + i)}" tabindex="-1">'
                f"<h4>{escape(str(passage.get('initiative') or passage.get('section') or passage.get('title')))}"
                f"</h4>{_facts(passage, page)}<blockquote class=\"passage\">{escape(passage.text)}</blockquote>"
                f"{_pdf_link(pdf_link, passage, page)}</article>")
    heading = f"<h2>Sources de la réponse {turn + 1}</h2>"
    if not cards:
        return heading + '<div class="sources-empty">Aucune source pour cette réponse.</div>'
    return heading + "".join(cards)


def passages_html(passages: list[Passage], pdf_link: PdfLink) -> str:
    """An initiative's passages, in reading order (Précédents tab)."""
    if not passages:
        return '<div class="sources-empty">Sélectionnez une initiative dans le tableau pour lire ses passages.</div>'
    cards = [
        f'<article class="source" tabindex="-1">{_facts(p, p.get("page"))}'
        f'<blockquote class="passage">{escape(p.text)}</blockquote>{_pdf_link(pdf_link, p, p.get("page"))}</article>'
        for p in passages
    ]
    return "".join(cards)


def export_markdown(answer: Answer) -> str:
    """An answer with its numbered references (title, page, quote), for pasting into a note."""
    lines = [f"# {answer.question}", "", answer.answer, ""]
    if answer.fallback:
        lines += [f"_Note : {answer.fallback}_", ""]
    if answer.citations:
        lines += ["## Références", ""]
        for c in answer.citations:
            page = f", p. {c.page}" if c.page else ""
            lines.append(f"{c.n}. {c.title}{page} — {innermost_heading(c.section)} : « {c.quote} »")
    elif answer.refused and answer.see_also:
        lines += ["## Voir aussi", ""]
        for p in answer.see_also:
            page = f", p. {p.get('page')}" if p.get("page") else ""
            lines.append(f"- {p.get('title')}{page} — {p.get('initiative') or p.get('section')}")
    return "\n".join(lines).strip() + "\n"
