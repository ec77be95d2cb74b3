"""The web app end to end: the real ``quartiers ui`` on a loopback port, a store of the bundled corpus, and
Debian's Chromium driven headless by Playwright (no browser download). Each step leaves a screenshot in
``out/ui-screenshots/<test>/`` for a person to look at."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.local_llm import free_port
from tests.conftest import ROOT, cli_command
from tests.pdf_maker import simple_pdf

pytestmark = pytest.mark.slow  # each test drives the real app in Chromium
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "out" / "ui-screenshots"
NANTES = "Comment Nantes a-t-elle organisé l'aide alimentaire ?"



def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUARTIERS_")}
    return {**env, "HF_HUB_OFFLINE": "1", **(extra or {})}


@contextmanager
def running_app(store: Path, host: str = "127.0.0.1", env: dict[str, str] | None = None) -> Iterator[str]:
    """``quartiers ui`` in a subprocess on a free port, stopped (by PID) when the block ends."""
    port = free_port()
    log_path = store.parent / f"ui-{port}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(cli_command("ui", "--store", store, "--host", host, "--port", str(port)),
                                  stdout=log, stderr=subprocess.STDOUT, env=_env(env), cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert server.poll() is None, log_path.read_text()
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        print(log_path.read_text())


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The real app, started as the README's first command does: on an empty store, which it fills with
    the bundled corpus before serving."""
    store = tmp_path_factory.mktemp("ui") / "store"
    with running_app(store, env={"QUARTIERS_UPLOAD_MAX_MB": "1"}) as url:
        assert "Corpus fourni indexé." in "".join(p.read_text() for p in store.parent.glob("ui-*.log"))
        yield url, store


def open_page(playwright, url: str, name: str, timeout_ms: int):
    """Debian's Chromium, headless, at 1280×800 in French, on ``url``; screenshots go to SHOTS/name."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=[
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
    tab = browser.new_page(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    tab.set_default_timeout(timeout_ms)
    tab.goto(url)
    tab.shots = SHOTS / name
    tab.shots.mkdir(parents=True, exist_ok=True)
    return browser, tab


@pytest.fixture
def page(app_url: tuple[str, Path], request: pytest.FixtureRequest) -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser, tab = open_page(playwright, app_url[0], request.node.name, timeout_ms=90_000)
        yield tab
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(page.shots / f"{name}.png"))


def ask(page, question: str, turn: int) -> None:
    page.get_by_label("Votre question").fill(question)
    page.get_by_role("button", name="Envoyer").click()
    page.locator("#sources h2", has_text=f"Sources de la réponse {turn}").wait_for()


def last_answer(page) -> str:
    return page.locator("#conversation .message.bot").last.inner_text()


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


def test_refuses_to_listen_beyond_loopback_without_credentials(built_store: Path) -> None:
    result = subprocess.run(cli_command("ui", "--host", "0.0.0.0", "--store", built_store), capture_output=True,
                            text=True, env=_env(), timeout=120, cwd=ROOT)
    assert result.returncode != 0
    assert "QUARTIERS_UI_USER" in result.stderr and "0.0.0.0" in result.stderr


def test_beyond_loopback_the_app_and_its_documents_need_the_login(store_copy: Path) -> None:
    login = {"QUARTIERS_UI_USER": "agent", "QUARTIERS_UI_PASSWORD": "mot-de-passe-long"}
    with running_app(store_copy, host="0.0.0.0", env=login) as url:
        pdf = next((store_copy / "documents").rglob("*.pdf"))
        document = f"{url}gradio_api/file={pdf}"
        for public in ("", "config", "gradio_api/info"):  # what a client without the login can fetch
            try:
                with urllib.request.urlopen(url + public) as response:
                    body = response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                body = error.read().decode("utf-8", "replace")
            for secret in ("quartiers-covid-crpv-2020.pdf", "Bretagne", "Réso Villes", "Occitanie"):
                assert secret not in body, (public, secret)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(document)
        assert refused.value.code == 401
        form = urllib.parse.urlencode({"username": "agent", "password": "faux"}).encode()
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url + "login", data=form)
        form = urllib.parse.urlencode({"username": "agent", "password": "mot-de-passe-long"}).encode()
        with urllib.request.urlopen(url + "login", data=form) as response:
            cookie = response.headers["Set-Cookie"].split(";")[0]
        with urllib.request.urlopen(urllib.request.Request(document, headers={"Cookie": cookie})) as response:
            assert response.read(5) == b"%PDF-"


def test_llm_mode_streams_only_verified_sentences(llm_server, store_copy: Path, tmp_path: Path) -> None:
    """Against the real SmolLM2 server: the "rédaction en cours" indicator shows while the model writes,
    and whatever ends up shown cites passages whose quotes are marked in the sources panel."""
    from playwright.sync_api import sync_playwright

    with running_app(store_copy, env=llm_server.env()) as url, sync_playwright() as playwright:
        browser, page = open_page(playwright, url, "test_llm_mode_streams_only_verified_sentences", 600_000)
        page.get_by_label("Synthèse rédigée par le modèle de langue, vérifiée phrase à phrase").check()
        page.get_by_label("Votre question").fill(NANTES)
        page.get_by_role("button", name="Envoyer").click()
        page.locator("#conversation .message.bot", has_text="Rédaction en cours…").wait_for()
        shot(page, "01-writing")
        page.locator("#sources h2", has_text="Sources de la réponse 1").wait_for()
        answer = last_answer(page)
        assert "Rédaction en cours" not in answer
        numbers = set(re.findall(r"\[(\d+)\]", answer))
        assert numbers, answer  # a generated answer or the extractive fallback: cited either way
        for n in numbers:
            assert page.locator(f"#src-0-{n}").count() == 1, n  # each [n] has its quote marked
        if "Note :" in answer:  # the model's sentences were all rejected, or the model failed
            assert "réponse extractive" in answer
        shot(page, "02-answer")
        browser.close()
