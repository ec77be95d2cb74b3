"""Who may reach the web app: beyond loopback it refuses to start without a login, and then serves nothing of
the corpus before it; the llm mode in the browser shows only verified sentences (real app, real Chromium)."""

from __future__ import annotations

import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, cli_command
from tests.ui_browser import NANTES, app_env, last_answer, open_page, running_app, shot

pytestmark = pytest.mark.slow  # each test starts the real app


def test_refuses_to_listen_beyond_loopback_without_credentials(built_store: Path) -> None:
    result = subprocess.run(cli_command("ui", "--host", "0.0.0.0", "--store", built_store), capture_output=True,
                            text=True, env=app_env(), timeout=120, cwd=ROOT)
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
