"""Third-party PDFs (``dev-foreign``: the team's shared development corpus) through the real loader.

Each carries a difficulty the bundled report does not: words pypdf glues (a LaTeX/DocBook guide),
spaces reported as runs of their own, ``N/42`` running lines, a header on odd pages only, private-use
bullets, footnotes, numbered headings, a contents page, a metadata title that is a Word file name.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from eval.foreign import default_corpus
from ingest import ParsedDocument, parse_file
from ingest.glue import GlueMeter, vocabulary

CORPUS = default_corpus()
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"dev-foreign corpus not found at {CORPUS}")


@cache
def _parse(name: str) -> ParsedDocument:
    """Each PDF parsed once per session, whichever tests read it (the tests only read what it holds)."""
    return parse_file(CORPUS / name)


@pytest.fixture(scope="module")
def erc() -> ParsedDocument:
    return _parse("erc_impermeabilisation_sdage_2024.pdf")


@pytest.fixture(scope="module")
def cerema() -> ParsedDocument:
    return _parse("cerema_raccordement_coproprietes_2019.pdf")


@pytest.fixture(scope="module")
def dgcs() -> ParsedDocument:
    return _parse("dgcs_guide_enquetes_mjpm_2020.pdf")


def _text(document: ParsedDocument) -> str:
    return "\n".join(chunk.text for chunk in document.chunks)


def test_words_pypdf_glues_come_out_spaced_through_pdfium() -> None:
    path = CORPUS / "developers-reference-fr.pdf"
    if not path.exists():
        pytest.skip("developers-reference-fr.pdf absent")
    document = _parse(path.name)
    report = document.extraction
    assert report["glued_share_before"] > 0.02  # pypdf alone: about 4 % of tokens glued
    assert report["glued_share_after"] < 0.005
    assert report["extractors"]["pdfium"] > 50
    text = _text(document)
    meter = GlueMeter(vocabulary(text))
    assert meter.share(text) < 0.005
    assert "des traductions pour des erreurs typographiques" in text


def test_spaces_reported_as_runs_are_kept(dgcs: ParsedDocument) -> None:
    text = _text(dgcs)
    assert "questionspermettent" not in text
    assert "Ces questions permettent" in text
    assert dgcs.extraction["glued_share_after"] == 0.0


def test_running_lines_of_every_form_are_gone(erc: ParsedDocument, cerema: ParsedDocument) -> None:
    assert not re.search(r"(^|\n)\d{1,2}/42(\n|$)", _text(erc))
    assert "juillet 2019" not in _text(cerema)  # the header of odd pages
    for chunk in cerema.chunks:
        assert not re.fullmatch(r"\d{1,2}", chunk.text.splitlines()[0].strip())


def test_private_use_bullets_are_dropped(cerema: ParsedDocument) -> None:
    assert not re.search("[\ue000-\uf8ff]", _text(cerema))


def test_footnotes_are_chunks_of_their_own(cerema: ParsedDocument, erc: ParsedDocument) -> None:
    for document in (cerema, erc):
        notes = [block for block in document.blocks if block.kind == "footnote"]
        assert len(notes) >= 10
        starts = tuple(note.text[:20] for note in notes)
        for note in notes:
            holders = [chunk for chunk in document.chunks if note.text[:60] in chunk.text]
            assert holders and all(chunk.text.startswith(starts) for chunk in holders)  # notes only
    [cost] = [c for c in cerema.chunks if "500 à 2000 €/logement" in c.text]
    assert "75 €/kW" in cost.text  # the section goes on across the page break, past its note


def test_numbered_headings_three_levels_deep_make_the_path(erc: ParsedDocument, cerema: ParsedDocument) -> None:
    sections = {chunk.section for chunk in erc.chunks}
    assert any(re.search(r"2\.1\.1 .+", s) and " > 2.1" in s for s in sections), sections
    assert any(s.endswith("4.3.1 Frais de raccordement") and "4.3- " in s for s in {c.section for c in cerema.chunks})


def test_contents_page_is_recognised_not_indexed(cerema: ParsedDocument) -> None:
    assert cerema.extraction["contents_pages"] == [3]
    assert all(3 not in chunk.pages for chunk in cerema.chunks)


def test_titles_ignore_word_file_names_and_dates_are_read(dgcs: ParsedDocument, erc: ParsedDocument) -> None:
    assert "Microsoft Word" not in dgcs.title and dgcs.title.startswith("Guide de remplissage")
    assert erc.title.startswith("« Éviter, réduire et compenser »")
    assert erc.date == "Janvier 2024"


def test_no_initiatives_are_invented_in_documents_that_have_none(cerema: ParsedDocument, dgcs: ParsedDocument) -> None:
    assert cerema.initiatives == [] and dgcs.initiatives == []


def test_extraction_report_counts_what_was_done(erc: ParsedDocument) -> None:
    report = erc.extraction
    assert report["pages"] == 42 and report["extractors"] == {"pypdf": 42}
    assert report["running_lines_removed"] >= 42
    assert report["footnotes"] >= 15 and report["headings"] >= 40


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.pdf")) if CORPUS.is_dir() else [])
def test_each_foreign_pdf_parses_into_sized_chunks(name: str) -> None:
    document = _parse(name)
    sizes = [len(chunk.text.split()) for chunk in document.chunks]
    assert sizes and max(sizes) <= 400


def test_tables_come_out_row_by_row(cerema: ParsedDocument, dgcs: ParsedDocument) -> None:
    assert cerema.extraction["table_pages"] == [12, 14, 17]
    [example] = [c for c in cerema.chunks if "Distance acceptable" in c.text and " | " in c.text]
    assert "Distance acceptable (D) = (C) x 1,5 | 100 m | 140 m" in example.text
    assert dgcs.extraction["table_pages"] == [8, 15, 24]  # the training-level table, repeated three times
    levels = [c for c in dgcs.chunks if c.text.startswith(("NIVEAU | DEFINITION", "NIVE AU"))
              or "\n\nNIVEAU | DEFINITION" in c.text]
    assert {page for c in levels for page in c.pages} >= {8, 24}
