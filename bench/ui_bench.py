"""What the web app adds to an answer's latency: questions asked in Debian's Chromium (click to sources
shown), against the same questions answered in-process by ``Assistant.answer`` on the same store (the
baseline, measured in the same run). Also the app's start time on a built store.

    .venv/bin/python -m bench.ui_bench [--store DIR]     (needs /usr/bin/chromium and playwright)
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

from assistant.local_llm import free_port
from bench.common import percentiles, prepared_store
from eval.dataset import load_items

QUESTIONS = 20



def main() -> None:
    from playwright.sync_api import sync_playwright

    from quartiers.components import build_assistant, settings_for

    store = prepared_store(__doc__ or "")
    questions = [i.question for i in load_items() if not i.history][:QUESTIONS]
    assistant = build_assistant(settings_for(), store=store)
    assistant.answer("échauffement")
    direct: list[float] = []
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "quartiers.cli", "ui", "--store", str(store.folder),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        start_s = time.perf_counter() - started
        browser_ms = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="fr-FR")
            page.set_default_timeout(120_000)
            page.goto(url)
            for turn, question in enumerate(["échauffement", *questions], start=1):
                page.get_by_role("button", name="Nouvelle conversation").click()
                page.locator("#sources h2").wait_for(state="detached")
                page.get_by_label("Votre question").fill(question)
                started = time.perf_counter()
                page.get_by_role("button", name="Envoyer").click()
                page.locator("#sources h2", has_text="Sources de la réponse 1").wait_for()
                if turn > 1:  # the baseline right after: both see the same load on the machine
                    browser_ms.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    assistant.answer(question)
                    direct.append((time.perf_counter() - started) * 1000)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    d50, d95 = percentiles(direct)
    b50, b95 = percentiles(browser_ms)
    print(f"web app benchmark ({len(questions)} questions, extractive, warm)")
    print(f"  app start on a built store   {start_s:6.1f} s")
    print(f"  in-process Assistant.answer  p50 {d50:6.1f} ms   p95 {d95:6.1f} ms   (baseline)")
    print(f"  browser, click to sources    p50 {b50:6.1f} ms   p95 {b95:6.1f} ms   "
          f"({b50 - d50:+.0f} ms at p50: Gradio's queue, rendering, the browser)")


if __name__ == "__main__":
    main()
