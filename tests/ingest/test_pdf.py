"""The bundled PDF through the real pypdf: pages, cleaning, page-break joins."""

from __future__ import annotations

import re

from ingest import ParsedDocument

RUNNING_HEADER = "Quartiers populaires, politique de la ville et Covid-19 — RN-CRPV 2020"


def test_reads_all_33_pages_and_takes_the_title_from_metadata(pdf_document: ParsedDocument) -> None:
    assert pdf_document.page_count == 33
    assert pdf_document.title == "Quartiers populaires, politique de la ville et Covid-19"
    pages = {page for chunk in pdf_document.chunks for page in chunk.pages}
    assert pages == set(range(1, 34))


def test_no_chunk_holds_the_running_header_or_a_stray_page_number(pdf_document: ParsedDocument) -> None:
    for chunk in pdf_document.chunks:
        assert "RN-CRPV 2020" not in chunk.text
        for line in chunk.text.splitlines():
            assert not re.fullmatch(r"\s*\d{1,2}\s*", line), chunk.chunk_id


def test_sentence_cut_by_the_page_break_is_joined_and_spans_both_pages(pdf_document: ParsedDocument) -> None:
    [nantes] = [c for c in pdf_document.chunks if "le volet distribution par des bénévoles" in c.text]
    assert nantes.pages == [27, 28]
    assert nantes.page == 27
    assert "450 ménages" in nantes.text and "Halte du Cœur" in nantes.text


def test_ligatures_are_folded_and_apostrophes_straightened(pdf_document: ParsedDocument) -> None:
    text = "\n".join(chunk.text for chunk in pdf_document.chunks)
    assert not set("ﬁﬀﬂﬃﬄ’") & set(text)
    assert "confinement" in text and "difficultés" in text


def test_real_hyphenated_compounds_survive_line_wraps(pdf_document: ParsedDocument) -> None:
    headings = [block.text for block in pdf_document.blocks if block.kind == "heading"]
    assert "Une coordination pour le rattachage dans les Hautes-Pyrénées" in headings
    text = " ".join(chunk.text for chunk in pdf_document.chunks)
    assert "Ronde-Couture" in text or any("Ronde-Couture" in h for h in headings)
    assert "Hautes- Pyrénées" not in text and "HautesPyrénées" not in text


def test_chunks_are_sentence_bounded_and_sized(pdf_document: ParsedDocument) -> None:
    sizes = [len(chunk.text.split()) for chunk in pdf_document.chunks]
    assert max(sizes) <= 360
    assert sorted(sizes)[len(sizes) // 2] >= 120
    paragraphs = [block.text for block in pdf_document.blocks]
    for chunk in pdf_document.chunks:
        head = chunk.text[:40]
        starts_a_sentence = any(
            p.startswith(head) or any(f"{end} {head}" in p for end in ".?!:;»") for p in paragraphs
        )
        assert starts_a_sentence, head
        assert chunk.section
        assert chunk.embed_text.endswith(chunk.text)


def test_chunk_ids_are_stable_across_parses(pdf_document: ParsedDocument) -> None:
    from ingest import parse_file
    from tests.conftest import BUNDLED_PDF

    again = parse_file(BUNDLED_PDF)
    assert [c.chunk_id for c in again.chunks] == [c.chunk_id for c in pdf_document.chunks]
    assert len(set(c.chunk_id for c in again.chunks)) == len(again.chunks)
