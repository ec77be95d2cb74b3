"""Markdown and plain text: markup noise, cut paragraphs, encodings."""

from __future__ import annotations

from pathlib import Path

from ingest import ParsedDocument, parse_file


def test_markdown_markup_is_dropped_but_its_words_kept(md_document: ParsedDocument) -> None:
    text = "\n".join(chunk.text for chunk in md_document.chunks)
    assert "<sup>" not in text and "**" not in text and "](" not in text
    assert "créé le 1er avril 2020" in text
    assert "https://www.facebook.com/citeeducative.rondcouture.3" in text


def test_a_paragraph_split_by_a_stray_blank_line_is_joined(md_document: ParsedDocument) -> None:
    text = "\n".join(chunk.text for chunk in md_document.chunks)
    assert "par la cellule Nantes entraide (1/3)" in text


def test_markdown_title_and_no_pages(md_document: ParsedDocument) -> None:
    assert md_document.title.lower().startswith("quartiers populaires, politique de la ville et covid-19")
    assert md_document.page_count is None
    assert all(chunk.pages == [] for chunk in md_document.chunks)


def test_latin1_text_is_read_correctly(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes("Épicerie solidaire à Évreux : 120 ménages aidés en été.\n".encode("latin-1") * 3)
    document = parse_file(path)
    assert "Épicerie solidaire à Évreux" in document.chunks[0].text


def test_plain_text_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Première ligne d'un paragraphe\nqui continue ici.\n\nSecond paragraphe.\n", encoding="utf-8")
    document = parse_file(path)
    assert document.chunks[0].text == "Première ligne d'un paragraphe qui continue ici.\n\nSecond paragraphe."


def test_pathological_markup_is_read_in_linear_time_and_long_lines_are_cut(tmp_path) -> None:
    from ingest import parse_file

    brackets = tmp_path / "crochets.md"
    brackets.write_text("# Titre\n\n" + "[" * 200_000 + "\n\nUne phrase lisible après les crochets.\n",
                        encoding="utf-8")
    document = parse_file(brackets)  # minutes before the patterns were bounded, a fraction of a second now
    assert "Une phrase lisible après les crochets." in document.full_text
    run_on = tmp_path / "sans-point.txt"
    run_on.write_text("mot " * 20_000, encoding="utf-8")
    chunks = parse_file(run_on).chunks
    assert len(chunks) > 50 and max(len(chunk.text.split()) for chunk in chunks) <= 300


def test_utf16_with_its_byte_order_mark_is_read(tmp_path) -> None:
    from ingest import parse_file

    path = tmp_path / "note.txt"
    path.write_bytes("Les habitants ont créé un jardin partagé à Quimperlé.\n".encode("utf-16"))
    assert "jardin partagé à Quimperlé" in parse_file(path).full_text


def test_a_missing_folder_is_reported_as_missing(tmp_path) -> None:
    import pytest

    from ingest import IngestError, parse_file

    with pytest.raises(IngestError, match="introuvable"):
        parse_file(tmp_path / "dossier-absent")


def test_files_over_their_type_bound_are_refused_by_name(tmp_path, monkeypatch) -> None:
    import pytest

    from ingest import IngestError, parse_file

    monkeypatch.setenv("QUARTIERS_MAX_TEXT_MB", "1")
    big = tmp_path / "enorme.txt"
    big.write_text("Une phrase du rapport. " * 60_000, encoding="utf-8")  # 1.4 MB
    with pytest.raises(IngestError, match=r"enorme.txt : fichier trop volumineux .* QUARTIERS_MAX_TEXT_MB"):
        parse_file(big)
