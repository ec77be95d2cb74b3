"""Hostile markup in documents and questions, in the real app in Chromium: ``<script>``, ``onerror`` and
``onload`` handlers, Markdown images and links, raw ``<a>``/``<iframe>``. A dialog listener and a request
log watch the page: no dialog opens, no request leaves the app's origin, and no element of the page
points outside it. The hostile text is shown as text, as stored."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import run_cli
from tests.pdf_maker import simple_pdf
from tests.ui_browser import CHROMIUM, ask, last_answer, open_page, running_app, shot

pytestmark = pytest.mark.slow  # the real app in Chromium
OUTSIDE = "evil.invalid"
HOSTILE = (f'<script>alert("texte")</script> <img src=x onerror=alert("img")> ![pixel](http://{OUTSIDE}/pixel.png) '
           f'[le site](http://{OUTSIDE}/page) [lien](javascript:alert("lien")) <svg onload=alert("svg")></svg> '
           f'<iframe src="http://{OUTSIDE}/frame"></iframe> <a href="http://{OUTSIDE}/a">ici</a>')
TEXT = (f"# Soutien scolaire à Villeneuve-la-Garenne <script>alert('titre')</script>\n\n"
        f"Pendant le confinement, l'association Devoirs Partagés a appelé 80 collégiens deux fois par semaine. "
        f"{HOSTILE} Les bénévoles ont ensuite prêté des tablettes aux familles sans ordinateur.\n")
PDF_LINES = ["Atelier couture de Saint-Pol-sur-Mer", "L'atelier couture a produit 900 masques pour les voisins.",
             f"<img src=x onerror=alert('pdf')> ![logo](http://{OUTSIDE}/logo.png) [site](http://{OUTSIDE}/p)",
             "Les masques ont été distribués par les gardiens d'immeuble."]
QUESTIONS = [
    "Combien de collégiens l'association a-t-elle appelés <script>alert('question')</script> ?",
    f"![x](http://{OUTSIDE}/q.png) Combien de masques l'atelier couture a-t-il produits "
    f"<img src=x onerror=alert('q')> [ici](http://{OUTSIDE}/q) ?",
]


@pytest.fixture
def hostile_store(store_copy: Path, tmp_path: Path) -> Path:
    text, pdf = tmp_path / "villeneuve.txt", tmp_path / "couture.pdf"
    text.write_text(TEXT, encoding="utf-8")
    pdf.write_bytes(simple_pdf([PDF_LINES]))
    done = run_cli("ingest", text, pdf, store=store_copy)
    assert done.returncode == 0, done.stderr
    return store_copy


def test_hostile_markup_never_runs_nor_reaches_outside(hostile_store: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with running_app(hostile_store) as url, sync_playwright() as playwright:
        origin = urlsplit(url).netloc
        dialogs: list[str] = []
        outside: list[str] = []
        browser, page = open_page(playwright, url, "test_hostile_markup_never_runs_nor_reaches_outside", 120_000)

        def on_dialog(dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        def on_request(request) -> None:
            if urlsplit(request.url).netloc != origin and not request.url.startswith(("data:", "blob:")):
                outside.append(request.url)

        page.on("dialog", on_dialog)
        page.on("request", on_request)
        page.reload()
        for turn, question in enumerate(QUESTIONS, start=1):
            ask(page, question, turn)
        assert "80 collégiens" in page.locator("#sources").inner_text() or "80 collégiens" in page.content()
        assert "900 masques" in last_answer(page)
        assert "<script>alert('question')</script>" in page.locator("#conversation").inner_text()
        shot(page, "01-hostile-questions-and-passages")
        page.get_by_role("tab", name="Documents").click()
        page.locator("#documents").get_by_text("villeneuve.txt").wait_for()
        shot(page, "02-documents")
        page.wait_for_timeout(1000)  # an image or frame would have loaded by now
        pointing = page.evaluate("""origin => [...document.querySelectorAll('[src], [href]')]
            .map(e => e.getAttribute('src') || e.getAttribute('href'))
            .filter(v => /^(https?:)?\\/\\//.test(v) && !v.includes(origin) || /^javascript:/i.test(v))""", origin)
        browser.close()
    assert dialogs == []
    assert outside == []
    assert pointing == []
