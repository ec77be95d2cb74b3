"""What the browser tests share: the real ``quartiers ui`` in a subprocess on a loopback port, Debian's
Chromium driven headless by Playwright (no browser download), and the page's helpers. The fixtures
(``app_url``, ``page``) are bound in each test module that uses them."""

from __future__ import annotations

import os
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

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "out" / "ui-screenshots"
NANTES = "Comment Nantes a-t-elle organisé l'aide alimentaire ?"


def app_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The app's environment: no QUARTIERS_* of the caller's, offline, then ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QUARTIERS_")}
    return {**env, "HF_HUB_OFFLINE": "1", **(extra or {})}


@contextmanager
def running_app(store: Path, host: str = "127.0.0.1", env: dict[str, str] | None = None) -> Iterator[str]:
    """``quartiers ui`` in a subprocess on a free port, stopped (by PID) when the block ends."""
    port = free_port()
    log_path = store.parent / f"ui-{port}.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(cli_command("ui", "--store", store, "--host", host, "--port", str(port)),
                                  stdout=log, stderr=subprocess.STDOUT, env=app_env(env), cwd=ROOT)
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


