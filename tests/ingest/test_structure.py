"""Heading paths and illustrated initiatives, recovered from the PDF and from the Markdown text."""

from __future__ import annotations

from ingest import ParsedDocument
from ingest.model import Block
from ingest.structure import find_place, parse_attribution


def _key(document: ParsedDocument) -> set[tuple[str, str, str | None, str | None]]:
    return {(i.title, i.resource_centre, i.region, i.place) for i in document.initiatives}


def test_the_nantes_food_aid_initiative_is_recognised(pdf_document: ParsedDocument) -> None:
    [nantes] = [i for i in pdf_document.initiatives if i.title == "Un décroisement au service de l'urgence alimentaire"]
    assert nantes.resource_centre == "Réso Villes"
    assert nantes.region == "Bretagne – Pays de la Loire"
    assert nantes.place == "Nantes"
    assert nantes.pages == [27, 28]
    chunks = [c for c in pdf_document.chunks if c.initiative is nantes]
    assert chunks and all("Facebook" not in c.text for c in chunks)  # the next initiative stays out


def test_every_illustrated_initiative_is_found_with_its_attribution(pdf_document: ParsedDocument) -> None:
    places = {i.place for i in pdf_document.initiatives}
    assert len(pdf_document.initiatives) == 29
    assert {"Nantes", "Évreux", "Mayotte", "Aix-Marseille", "Grenoble", "Saint-Denis", "Chartres"} <= places
    assert "Horizon" not in places  # "l'association Horizon" names an organisation, not a place
    assert all(i.resource_centre for i in pdf_document.initiatives)
    assert len({i.initiative_id for i in pdf_document.initiatives}) == 29


def test_titles_are_not_unique_but_ids_are(pdf_document: ParsedDocument) -> None:
    same_title = [i for i in pdf_document.initiatives if i.title == "Des formes d'engagement multiples"]
    assert len(same_title) == 1 and same_title[0].resource_centre == "Normanvilles"
    sections = {c.section for c in pdf_document.chunks if c.initiative is None}
    assert any(s.endswith("Des formes d'engagement multiples") for s in sections)  # the section, not initiative


def test_markdown_and_pdf_yield_the_same_initiatives(pdf_document: ParsedDocument, md_document: ParsedDocument) -> None:
    assert _key(pdf_document) == _key(md_document)


def test_chunks_carry_their_heading_path(pdf_document: ParsedDocument) -> None:
    [chunk] = [c for c in pdf_document.chunks if "5 000 bouteilles" in c.text]
    assert chunk.section.endswith("Production de gel et mise à disposition gracieuse par les producteurs de rhum")
    assert chunk.section.startswith("I — Des acteur.rice.s en proximité")
    assert "Production de gel" in chunk.embed_text.split("\n")[0]


def test_attribution_lines() -> None:
    def para(text: str, italic: bool = False) -> Block:
        return Block("paragraph", text, italic=italic)

    assert parse_attribution(para("Réso Villes (Bretagne – Pays de la Loire)")) == (
        "Réso Villes", "Bretagne – Pays de la Loire")
    assert parse_attribution(para("Profession Banlieue - Seine-Saint-Denis", italic=True)) == (
        "Profession Banlieue", "Seine-Saint-Denis")
    assert parse_attribution(para("(Propos recueillis auprès de la déléguée)", italic=True)) is None
    assert parse_attribution(para("Le confinement a aggravé les difficultés.")) is None
    assert parse_attribution(para("Une phrase courte sans parenthèses")) is None


def test_place_prefers_the_title_then_the_opening() -> None:
    assert find_place("Jeunes in Mouv' à Chartres (Eure-et-Loir)", "", None) == "Chartres"
    assert find_place("Un décroisement", "À Nantes, des associations ont alerté.", "Bretagne") == "Nantes"
    assert find_place("Bilan des actions", "La crise à Mayotte", "Mayotte") == "Mayotte"
