"""The Précédents explorer and the precedent dossier, end to end in Debian's Chromium (real app, real store)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests import ui_browser
from tests.ui_browser import CHROMIUM, open_page, shot

pytestmark = pytest.mark.slow
app_url = ui_browser.app_url  # the module's fixture: one app for its tests


@pytest.fixture
def wide_page(app_url: tuple[str, Path], request: pytest.FixtureRequest):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser, tab = open_page(playwright, app_url[0], request.node.name, timeout_ms=120_000)
        tab.set_viewport_size({"width": 1400, "height": 900})
        yield tab
        browser.close()


def _rows(page) -> list[str]:
    return page.locator("#initiatives [role=row]").filter(visible=True).all_inner_texts()[1:]


def test_explorer_filters_by_theme_shows_counts_and_fits_at_1400px(wide_page) -> None:
    page = wide_page
    page.get_by_role("tab", name="Précédents").click()
    page.locator("#chart-themes").wait_for()
    for header in ("Initiative", "Thèmes", "Centre de ressources", "Région", "Lieu", "Pages"):
        cell = page.locator("#initiatives [role=columnheader]", has_text=header).filter(visible=True).first
        box = cell.bounding_box()
        assert box and box["x"] + box["width"] <= 1400, header  # every column on screen
    regions = page.locator("#chart-regions").inner_text()
    assert "Occitanie\n4" in regions or "Occitanie 4" in " ".join(regions.split()), regions
    shot(page, "00-explorer")

    theme = page.locator("#precedents-theme input")
    theme.click()
    page.get_by_role("option", name="Aide alimentaire").click()
    page.wait_for_function("document.querySelector('#precedents-chart').innerText.includes('initiative(s) affichée')"
                           " && !document.querySelector('#initiatives').innerText.includes('Ville Caraïbe')")
    rows = _rows(page)
    assert len(rows) >= 4 and all("Aide alimentaire" in row for row in rows), rows
    assert any("Nantes" in row for row in rows) and any("Évreux" in row for row in rows)
    chart = " ".join(page.locator("#chart-themes").inner_text().split())
    assert f"Aide alimentaire {len(rows)}" in chart, chart
    shot(page, "01-theme-aide-alimentaire")

    nantes = page.locator("#initiatives [role=gridcell]", has_text="Un décroisement au service")
    nantes.filter(visible=True).first.click()
    page.locator("#initiative-passages").get_by_text("450 ménages").first.wait_for()
    shot(page, "02-row-opens-passages")


def test_the_dossier_exports_markdown_and_a_word_document(wide_page) -> None:
    from docx import Document

    page = wide_page
    page.get_by_role("tab", name="Précédents").click()
    page.locator("#chart-themes").wait_for()
    theme = page.locator("#precedents-theme input")
    theme.click()
    page.get_by_role("option", name="Aide alimentaire").click()
    page.wait_for_function("!document.querySelector('#initiatives').innerText.includes('Ville Caraïbe')")
    page.get_by_text("Note de précédents (dossier)").click()
    page.get_by_role("button", name="Préparer la note (Markdown et Word)").click()
    text = page.locator("#dossier-text textarea")
    page.wait_for_function("document.querySelector('#dossier-text textarea').value.includes('# Note de précédents')")
    markdown = text.input_value()
    assert "## " in markdown and "À " not in markdown.split("\n")[0]
    assert "- **Lieu** : Nantes" in markdown
    assert "« Quartiers populaires, politique de la ville et Covid-19 »" in markdown
    assert "(p. 27)" in markdown
    shot(page, "01-dossier-ready")

    link = page.locator("#dossier-files a[download='note-de-precedents.docx']").first
    link.wait_for()
    response = page.request.get(link.get_attribute("href"))
    assert response.ok
    document = Document(io.BytesIO(response.body()))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Note de précédents"
    headings = [p.text for p in document.paragraphs if getattr(p.style, "name", "") == "Heading 1"]
    assert any("Un décroisement au service de l'urgence alimentaire" in h for h in headings)
    assert any(p.startswith("Lieu : Nantes") for p in paragraphs)
    quotes = [p.text for p in document.paragraphs if getattr(p.style, "name", "") == "Quote"]
    assert any(q.startswith("« À Nantes, des associations de quartiers") and q.endswith("(p. 27)") for q in quotes)
    assert len(headings) == markdown.count("\n## ")
