"""What the UI shows of an answer: escaped text, [n] links to quote marks, refusals, the Markdown export."""

from __future__ import annotations

import re
from pathlib import Path

from assistant import Answer, Citation
from quartiers.web import render
from vectorstore.retriever import Passage

TEXT = "Avant. La <b>ville</b> a aidé 450 ménages. <script>alert(1)</script> Fin."


def _answer(refused: bool = False) -> Answer:
    passage = Passage("v1:3", TEXT, {"source": "r.pdf", "title": "Rapport <i>", "page": 27, "pages": [27],
                                      "section": "V > Aide", "initiative": "Aide", "region": "Occitanie"})
    citation = Citation(1, "v1:3", "r.pdf", "Rapport <i>", 27, "V > Aide", "Aide",
                        "La <b>ville</b> a aidé 450 ménages.")
    if refused:
        return Answer("Q ?", "Q ?", "Les documents ne le disent pas.", True, see_also=[passage], passages=[passage])
    return Answer("Q ?", "Q ?", "« La <b>ville</b> a aidé 450 ménages. » [1]", False, citations=[citation],
                  passages=[passage])


def test_answer_text_is_escaped_and_citations_link_to_their_quote() -> None:
    shown = render.answer_markdown(_answer(), turn=2)
    assert "&lt;b&gt;ville&lt;/b&gt;" in shown and "<b>" not in shown
    assert '<a href="#src-2-1">[1]</a>' in shown


def test_sources_panel_escapes_passage_and_marks_the_quote() -> None:
    html = render.sources_html(_answer(), 2, lambda source, page: f"/doc/{source}#page={page}")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<mark id="src-2-1" tabindex="-1"><span class="cite-n">[1]</span> La &lt;b&gt;ville&lt;/b&gt; a aidé' in html
    assert "Rapport &lt;i&gt;, p. 27" in html and "Occitanie" in html
    assert 'href="/doc/r.pdf#page=27"' in html


def test_each_citations_pdf_link_opens_at_its_quotes_page() -> None:
    """A passage across a page break, quoted on both pages: each quote's link opens at its own page."""
    passage = Passage("v1:4", "Fin de page. Suite après la coupure.", {"source": "r.pdf", "title": "R",
                                                                        "pages": [27, 28], "page": 27})
    cited = [Citation(1, "v1:4", "r.pdf", "R", 27, "S", None, "Fin de page."),
             Citation(2, "v1:4", "r.pdf", "R", 28, "S", None, "Suite après la coupure.")]
    answer = Answer("Q ?", "Q ?", "« Fin de page. » [1] « Suite après la coupure. » [2]", False, citations=cited,
                    passages=[passage])
    html = render.sources_html(answer, 0, lambda source, page: f"/doc/{source}#page={page}")
    links = re.findall(r'<a class="open-pdf" href="([^"]+)"[^>]*>([^<]+)<', html)
    assert links == [("/doc/r.pdf#page=27", "Ouvrir le document à la page 27 [1]"),
                     ("/doc/r.pdf#page=28", "Ouvrir le document à la page 28 [2]")]


def test_refusal_is_announced_and_shows_see_also() -> None:
    answer = _answer(refused=True)
    assert render.answer_markdown(answer, 0).startswith("**Les documents ne répondent pas à cette question.**")
    html = render.sources_html(answer, 0, lambda source, page: None)
    assert "Voir aussi" in html and "Aide" in html and "open-pdf" not in html


def test_export_lists_numbered_references_with_title_page_and_quote() -> None:
    text = render.export_markdown(_answer())
    assert text.startswith("# Q ?\n")
    assert "## Références\n\n1. Rapport <i>, p. 27 — Aide : « La <b>ville</b> a aidé 450 ménages. »" in text


def test_streamed_sentences_show_the_writing_indicator() -> None:
    assert render.pending_markdown([], 0) == "*Rédaction en cours…*"
    shown = render.pending_markdown(["Une phrase [1]."], 0)
    assert shown.startswith('Une phrase <a href="#src-0-1">[1]</a>.') and shown.endswith("*Rédaction en cours…*")


def test_exports_reuse_one_folder() -> None:
    from quartiers.web.chat import Chat

    chat = Chat(None)  # type: ignore[arg-type]  # exporting needs no store
    answers = [Answer("Q ?", "Q ?", "Réponse [1].", refused=False)]
    _, first = chat.export(answers, 0)
    _, again = chat.export(answers, 0)
    assert first == again and first is not None
    answers.append(Answer("Autre ?", "Autre ?", "Autre réponse.", refused=False))
    _, other = chat.export(answers, 1)
    assert other is not None and Path(other).parent.parent == Path(first).parent.parent  # one folder per process


def test_markdown_from_documents_is_shown_as_text() -> None:
    answer = Answer("Q ?", "Q ?", "« Voir ![logo](http://h/p.png) et [le site](http://x/y) *ici* » [1]", refused=False)
    shown = render.answer_markdown(answer, 0)
    assert "\\!\\[logo\\]\\(http&#58;//h/p.png\\)" in shown and "\\[le site\\]\\(http&#58;//x/y\\)" in shown
    assert "\\*ici\\*" in shown
    assert '<a href="#src-0-1">[1]</a>' in shown  # our own markers stay links


def test_a_question_is_shown_as_typed_in_the_chat() -> None:
    """The question goes to the chat's Markdown too: an image in it was fetched by the browser."""
    shown = render.text_only("![x](http://h/q.png) Combien <img src=x onerror=alert(1)> [ici](http://h/q) ?")
    assert "![" not in shown and "](" not in shown and "<img" not in shown
    assert "\\!\\[x\\]\\(http&#58;//h/q.png\\)" in shown  # and no bare address left for the chat to link
    assert render.text_only("voir www.exemple.fr") == "voir www&#46;exemple.fr"


def test_sources_panel_states_the_documents_publisher_and_date() -> None:
    answer = _answer()
    answer.passages[0].metadata.update(publisher="Agence de l'eau Seine-Normandie", date="janvier 2024")
    html = render.sources_html(answer, 0, lambda source, page: None)
    assert "<dt>Publication</dt><dd>Agence de l&#x27;eau Seine-Normandie, janvier 2024</dd>" in html
    assert answer.to_json()["citations"][0]["date"] == "janvier 2024"
