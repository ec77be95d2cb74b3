"""PDF layouts other than the report's, written for the test by ReportLab and read back by the real loader:
odd/even running lines, page-number forms, footnotes, numbered headings, outlines, contents pages, metadata."""

from __future__ import annotations

from pathlib import Path

from ingest import ParsedDocument, parse_file
from tests.pdf_maker import Item, layout_pdf, paragraph, ruled_table

PLACES = ["Nantes", "Rennes", "Brest", "Lorient", "Vannes", "Quimper", "Angers", "Laval"]
BODY = [
    "Les collectivités ont engagé des démarches de sobriété foncière dans leurs documents.",
    "Chaque commune a désigné un référent chargé du suivi des surfaces imperméabilisées.",
    "Les services de l'État accompagnent les communes rurales pour le calcul des surfaces.",
]


def _text(document: ParsedDocument) -> str:
    return "\n".join(chunk.text for chunk in document.chunks)


def test_odd_and_even_running_lines_and_page_numbers_are_dropped(tmp_path: Path) -> None:
    pages: list[list[Item]] = []
    for index in range(8):
        number = index + 1
        edge: list[Item] = [("text", 72, 800, 8, "Guide de la sobriété foncière - juillet 2019")] if number % 2 else [
            ("text", 290, 800, 9, str(number))]
        edge.append(("text", 260, 40, 9, f"Page {number}/8"))
        heading: list[Item] = [("bold", 72, 740, 16, "Synthèse")] if number in (2, 5) else []
        body = paragraph([f"{line} Cas de {PLACES[index]}." for line in BODY])
        pages.append(edge + heading + body)
    document = parse_file(Path(layout_pdf(str(tmp_path / "guide.pdf"), pages)))
    text = _text(document)
    assert "Guide de la sobriété foncière" not in text
    assert "Page" not in text and "/8" not in text
    assert all(f"Cas de {place}." in text for place in PLACES)
    assert "Synthèse" in [block.text for block in document.blocks if block.kind == "heading"]  # twice is content
    assert document.extraction["running_lines_removed"] == 16


def test_footnote_call_is_split_and_its_body_kept_apart(tmp_path: Path) -> None:
    page: list[Item] = [
        ("bold", 72, 760, 16, "Financement"),
        ("text", 72, 700, 11, "Le plan de relance"),
        ("sup", 166.5, 704.5, 6.5, "12"),
        ("text", 175, 700, 11, "finance les travaux des copropriétés"),
        ("text", 72, 60, 8, "12 Voir la circulaire du 3 mars 2021 relative aux crédits."),  # written mid-paragraph
        ("text", 72, 686, 11, "dans les quartiers prioritaires de la ville."),
    ]
    filler = [paragraph(BODY), paragraph(BODY[::-1])]
    document = parse_file(Path(layout_pdf(str(tmp_path / "notes.pdf"), [page, *filler])))
    [body] = [c for c in document.chunks if "plan de relance" in c.text]
    assert "relance ¹² finance les travaux des copropriétés dans les quartiers prioritaires" in body.text
    assert "circulaire" not in body.text
    [note] = [c for c in document.chunks if "circulaire" in c.text]
    assert note.text.startswith("12 Voir la circulaire") and note.pages == [1]
    assert document.extraction["footnotes"] == 1


def test_numbered_headings_make_the_section_path(tmp_path: Path) -> None:
    page: list[Item] = [
        ("bold", 72, 780, 14, "1 Contexte"),
        *paragraph(BODY[:1], top=760),
        ("bold", 72, 720, 12, "1.2 Les acteurs"),
        *paragraph(BODY[1:2], top=700),
        ("bold", 72, 660, 11, "1.2.1 Les communes rurales"),
        *paragraph(BODY[2:], top=640),
        ("bold", 72, 600, 14, "2 Méthode"),
        *paragraph(["La méthode de calcul procède en trois étapes successives et documentées."], top=580),
    ]
    document = parse_file(Path(layout_pdf(str(tmp_path / "plan.pdf"), [page, paragraph(BODY)])))
    sections = {chunk.text.split(".")[0]: chunk.section for chunk in document.chunks}
    assert sections["Les services de l'État accompagnent les communes rurales pour le calcul des surfaces"].endswith(
        "1 Contexte > 1.2 Les acteurs > 1.2.1 Les communes rurales")
    assert sections["La méthode de calcul procède en trois étapes successives et documentées"].endswith("2 Méthode")


def test_outline_headings_and_contents_page(tmp_path: Path) -> None:
    contents: list[Item] = [("text", 72.0, 780.0 - 16 * i, 11.0, f"{title} {'.' * 40} {page}") for i, (title, page) in
                enumerate([("Objet du guide", 2), ("Méthode", 2), ("Exemples", 3), ("Annexes", 3), ("Glossaire", 3),
                           ("Contacts", 3)])]
    second: list[Item] = [("text", 72, 780, 11, "Objet du guide"), *paragraph(BODY[:2], top=760),
                          ("text", 72, 700, 11, "Méthode"), *paragraph(BODY[2:], top=680)]
    third: list[Item] = [("text", 72, 780, 11, "Exemples"), *paragraph(BODY, top=760)]
    outline = [("Objet du guide", 0, 1), ("Méthode", 0, 1), ("Exemples", 0, 2)]
    document = parse_file(Path(layout_pdf(str(tmp_path / "guide.pdf"), [contents, second, third], outline)))
    assert "....." not in _text(document)
    assert document.extraction["contents_pages"] == [1]
    assert document.extraction["outline_entries"] == 3
    [method] = [c for c in document.chunks if c.text.startswith("Les services de l'État")]
    assert method.section == "Méthode"


def test_title_publisher_and_date_from_what_the_first_page_states(tmp_path: Path) -> None:
    cover: list[Item] = [
        ("text", 72, 760, 10, "Direction générale de la cohésion sociale"),
        ("bold", 72, 600, 24, "Raccordement des copropriétés"),
        ("text", 72, 560, 12, "Guide méthodologique - juillet 2019"),
    ]
    path = layout_pdf(str(tmp_path / "guide.pdf"), [cover, paragraph(BODY)],
                      title="Microsoft Word - guide_v3.docx", author="jdupont")
    document = parse_file(Path(path))
    assert document.title == "Raccordement des copropriétés"
    assert document.publisher == "Direction générale de la cohésion sociale"
    assert document.date == "juillet 2019"


ROWS = [["Type de chauffage", "Coût par logement", "Délai"],
        ["Chaudière collective", "1 200 €", "3 mois"],
        ["Radiateurs individuels", "2 500 €", "6 mois"],
        ["Plancher chauffant", "3 100 €", "8 mois"],
        ["Chauffage électrique", "4 000 €", "9 mois"]]


def test_a_ruled_table_stays_whole_with_its_caption(tmp_path: Path) -> None:
    page: list[Item] = [
        ("bold", 72, 760, 16, "Coûts du raccordement"),
        *paragraph(BODY, top=730),
        ("text", 72, 660, 11, "Tableau 1 : coûts et délais par type de chauffage"),
        *ruled_table(ROWS),
        *paragraph(["Ces montants sont des moyennes observées sur les opérations récentes."], top=520),
    ]
    document = parse_file(Path(layout_pdf(str(tmp_path / "couts.pdf"), [page, paragraph(BODY)])))
    assert document.extraction["tables"] == 1
    [table] = [c for c in document.chunks if "Chaudière collective" in c.text]
    assert table.text.startswith("Tableau 1 : coûts et délais par type de chauffage\n\nType de chauffage | Coût")
    for row in ROWS:
        assert " | ".join(row) in table.text  # each row's cells side by side, in order
    assert table.section == "Coûts du raccordement"
    assert "moyennes observées" not in table.text


def test_a_long_table_is_split_by_rows_each_part_under_its_header() -> None:
    from ingest.pdf_blocks import table_blocks
    from ingest.pdf_lines import Line

    rows = [["Commune", "Mesure"]] + [[f"Commune {i}", "une mesure décrite en quelques mots " * 4] for i in range(40)]
    blocks = table_blocks(Line(3, 700.0, 10.0, False, False, "", 72.0, rows=rows))
    assert len(blocks) > 2
    for block in blocks:
        assert block.kind == "table" and block.text.startswith("Commune | Mesure\n\n")
        assert len(block.text.split()) <= 260
        assert block.page_starts == [(0, 3)]
    joined = "\n\n".join(block.text for block in blocks)
    assert all(f"Commune {i} |" in joined for i in range(40))
