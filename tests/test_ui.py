"""The web app end to end: the real ``quartiers ui`` on a loopback port, a store of the bundled corpus, and
Debian's Chromium driven headless by Playwright (no browser download). Each step leaves a screenshot in
``out/ui-screenshots/<test>/`` for a person to look at."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests import ui_browser
from tests.pdf_maker import simple_pdf
from tests.ui_browser import NANTES, ask, last_answer, shot

pytestmark = pytest.mark.slow  # each test drives the real app in Chromium
app_url, page = ui_browser.app_url, ui_browser.page  # the module's fixtures: one app for its tests


def test_chat_cites_quotes_and_answers_follow_up(page, app_url) -> None:
    page.wait_for_function("document.documentElement.lang === 'fr'")  # set once the app has loaded
    ask(page, NANTES, 1)
    assert "[1]" in last_answer(page)
    sources = page.locator("#sources")
    assert "p. 27" in sources.inner_text()
    quoted = sources.locator("mark").first
    assert "À Nantes, des associations de quartiers" in quoted.inner_text()
    shot(page, "01-answer-and-sources")

    page.locator("#conversation a[href='#src-0-3']").focus()  # [3], reached by keyboard, brings its quote into view
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'src-0-3'")
    assert page.locator("#src-0-3").inner_text().startswith("[3]")
    assert "450 ménages" in sources.inner_text()  # the figure is quoted, whichever number it carries
    link = sources.locator("a.open-pdf").first
    href = link.get_attribute("href") or ""
    assert href.endswith("#page=27")
    with urllib.request.urlopen(app_url[0].rstrip("/") + href.split("#")[0]) as response:
        assert response.headers["Content-Type"] == "application/pdf" and response.read(5) == b"%PDF-"
    shot(page, "02-citation-3-focused")

    ask(page, "Et combien de ménages ?", 2)
    assert "450" in last_answer(page)
    shot(page, "03-follow-up")


UNLABELLED = """() => Array.from(document.querySelectorAll('input, textarea, select, button, [role=button], a[href]'))
  .filter(e => e.offsetParent !== null && e.type !== 'hidden')
  .filter(e => !((e.labels && Array.from(e.labels).some(l => l.textContent.trim()))
                 || (e.getAttribute('aria-label') || '').trim() || e.getAttribute('aria-labelledby')
                 || (e.textContent || '').trim() || e.title))
  .map(e => e.outerHTML.slice(0, 160))"""


def test_every_control_is_labelled_and_refusals_say_so(page) -> None:
    ask(page, "Comment Strasbourg a-t-elle organisé l'aide alimentaire ?", 1)
    assert "Les documents ne répondent pas à cette question." in last_answer(page)
    assert "Voir aussi" in page.locator("#sources").inner_text()
    shot(page, "01-refusal")
    for tab in ("Discussion", "Précédents", "Documents"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(500)
        assert page.evaluate(UNLABELLED) == [], tab
    page.get_by_role("tab", name="Discussion").click()
    page.get_by_label("Votre question").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Envoyer"


def test_region_filter_applies_to_next_question(page) -> None:
    page.get_by_text("Filtres (pour les prochaines questions)").click()
    region = page.locator("#filter-region input")
    region.click()
    region.fill("Occitanie")
    page.get_by_role("option", name="Occitanie").click()
    page.keyboard.press("Escape")
    shot(page, "01-filter-chosen")
    ask(page, "Quelles actions pour l'égalité entre les femmes et les hommes ?", 1)
    regions = page.locator("#sources dt:text-is('Région') + dd").all_inner_texts()
    assert regions and set(regions) == {"Occitanie"}
    shot(page, "02-filtered-answer")


def test_precedents_tab_finds_and_asks_about_nantes(page) -> None:
    page.get_by_role("tab", name="Précédents").click()
    region = page.locator("#precedents-region input")
    region.click()
    page.get_by_role("option", name="Occitanie").click()
    page.wait_for_function("!document.querySelector('#initiatives').innerText.includes('Réso Villes')")
    rows = page.locator("#initiatives [role=row]").filter(visible=True).all_inner_texts()[1:]
    assert len(rows) == 4 and all("Occitanie" in row for row in rows), rows  # the report has 4 there
    shot(page, "00-region-occitanie")
    region.click()
    page.get_by_role("option", name="Toutes les régions").click()
    search = page.get_by_label("Rechercher (thème, lieu, titre, centre de ressources)")
    search.fill("Nantes")
    search.press("Enter")
    nantes = "Un décroisement au service de l'urgence alimentaire"
    row = page.locator("#initiatives [role=gridcell]", has_text=nantes).filter(visible=True).first
    row.wait_for()
    shot(page, "01-search-nantes")
    row.click()
    passages = page.locator("#initiative-passages")
    passages.get_by_text("450 ménages").first.wait_for()
    shot(page, "02-initiative-passages")
    page.get_by_role("button", name="Interroger l'assistant sur cette initiative").click()
    page.locator("#sources h2", has_text="Sources de la réponse 1").wait_for()
    assert "Nantes" in page.locator("#sources").inner_text()
    shot(page, "03-asked-about-it")


def test_upload_shows_text_escaped_then_delete(page, app_url, tmp_path: Path) -> None:
    pdf = tmp_path / "jardins-quimperle.pdf"
    pdf.write_bytes(simple_pdf([["Jardins partagés à Quimperlé",
                                 "Le jardin partagé de Quimperlé accueille 37 familles du quartier.",
                                 "<script>window.pirate = 1</script> Les récoltes sont partagées chaque semaine."]]))
    page.get_by_role("tab", name="Documents").click()
    page.locator("#upload input[type=file]").set_input_files(str(pdf))
    page.get_by_role("button", name="Indexer ces fichiers").click()
    page.locator("#documents-status", has_text="Indexation terminée").wait_for()
    assert "jardins-quimperle.pdf : ajouté" in page.locator("#documents-status").inner_text()
    page.locator("#documents").get_by_text("jardins-quimperle.pdf").wait_for()
    assert "pypdf 1 p. ; mots collés 0 %" in page.locator("#documents-status").inner_text()
    assert "pypdf 1 p." in page.locator("#documents").inner_text()  # how each PDF was read, in its row
    shot(page, "01-uploaded")

    page.get_by_role("tab", name="Discussion").click()
    ask(page, "Combien de familles accueille le jardin partagé de Quimperlé ?", 1)
    assert "37 familles" in last_answer(page)
    assert "<script>window.pirate = 1</script>" in page.locator("#sources").inner_text()
    assert page.evaluate("typeof window.pirate") == "undefined"
    shot(page, "02-script-shown-as-text")

    page.get_by_role("tab", name="Documents").click()
    choice = page.locator("#remove-choice input")
    choice.click()
    page.get_by_role("option", name="jardins-quimperle.pdf").click()
    page.get_by_role("button", name="Retirer ce document de la base").click()
    question = page.locator("#remove-question")
    question.get_by_text("jardins-quimperle.pdf").first.wait_for()  # asked first: nothing removed yet
    assert "passages de la base ?" in question.inner_text()
    page.get_by_role("button", name="Annuler").click()
    page.locator("#documents-status", has_text="Retrait annulé").wait_for()
    assert "jardins-quimperle.pdf" in page.locator("#documents").inner_text()
    shot(page, "03-removal-asked-then-cancelled")
    page.get_by_role("button", name="Retirer ce document de la base").click()
    page.get_by_role("button", name="Oui, retirer définitivement").click()
    page.locator("#documents-status", has_text="retiré").wait_for()
    page.wait_for_function("!document.querySelector('#documents').innerText.includes('jardins-quimperle.pdf')")
    shot(page, "04-deleted")


def test_upload_refuses_wrong_type_and_size_in_french(page, tmp_path: Path) -> None:
    big = tmp_path / "trop-gros.txt"
    big.write_text("Une phrase de remplissage pour dépasser la limite.\n" * 30_000, encoding="utf-8")  # > 1 MB
    page.get_by_role("tab", name="Documents").click()
    page.locator("#upload input[type=file]").set_input_files(str(big))
    page.get_by_text('Fichier trop volumineux : "trop-gros.txt" (limite : 1.0 Mo).').wait_for()
    shot(page, "01-too-big")
    page.reload()
    page.get_by_role("tab", name="Documents").click()
    program = tmp_path / "programme.exe"
    program.write_bytes(b"MZ")
    page.locator("#upload input[type=file]").set_input_files(str(program))
    page.get_by_text("Type de fichier non pris en charge : programme.exe.", exact=False).wait_for()
    shot(page, "02-wrong-type")


def test_feedback_is_stored_and_answer_exported(page, app_url) -> None:
    ask(page, NANTES, 1)
    page.get_by_role("button", name=re.compile("^(like|j'aime|Like)$", re.I)).last.click()
    page.locator("#vote-note", has_text="Merci").wait_for()
    lines = (app_url[1] / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    vote = json.loads(lines[-1])
    assert vote["liked"] is True and vote["question"] == NANTES and vote["citations"][0]["page"] == 27
    page.get_by_text("Exporter la réponse sélectionnée").click()
    exported = page.locator("#export-text textarea").input_value()
    assert "## Références" in exported and "p. 27" in exported and "« À Nantes" in exported
    shot(page, "01-exported")


