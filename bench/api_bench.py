"""API answer latency beside in-process ``Assistant.answer`` (same store, same questions, same run), then a
burst of 20 concurrent API requests, and a web-page question (Gradio's own endpoint, through
``gradio_client``) alone and while that burst runs. Loopback only: the server is ``quartiers ui`` (web app
and API on one port) in a child process on a free 127.0.0.1 port, behind a random key, stopped by its PID
at the end.

    .venv/bin/python -m bench.api_bench [--store DIR]
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from assistant.local_llm import free_port
from bench.common import percentiles, prepared_store
from eval.dataset import load_items

BURST = 20
WEB_QUESTION = "Comment Nantes a-t-elle organisé l'aide alimentaire ?"



def _messages(question: str, history: list[list[str]]) -> list[Any]:
    turns = [m for user, reply in history for m in ({"role": "user", "content": user},
                                                     {"role": "assistant", "content": reply})]
    return [*turns, {"role": "user", "content": question}]


def main() -> None:
    import openai

    from quartiers.components import build_assistant, settings_for

    store = prepared_store(__doc__ or "")
    items = load_items()
    assistant = build_assistant(settings_for(), store=store)
    assistant.answer("échauffement")
    local: list[float] = []

    key, port = secrets.token_hex(16), free_port()
    with tempfile.TemporaryDirectory(prefix="quartiers-api-bench-") as folder:
        copy = Path(folder) / "store"
        shutil.copytree(store.folder, copy)
        env = {k: v for k, v in os.environ.items() if not k.startswith("QUARTIERS_")}
        env.update({"HF_HUB_OFFLINE": "1", "QUARTIERS_API_KEY": key})
        server = subprocess.Popen([sys.executable, "-m", "quartiers.cli", "ui", "--store", str(copy),
                                   "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}/v1"
            for _ in range(600):
                try:
                    urllib.request.urlopen(urllib.request.Request(f"{base}/models", headers={
                        "Authorization": f"Bearer {key}"}), timeout=2)
                    break
                except OSError:
                    assert server.poll() is None, "quartiers serve stopped"
                    time.sleep(0.5)
            client = openai.OpenAI(base_url=base, api_key=key, max_retries=0, timeout=300)

            def ask(question: str, history: list[list[str]], stream: bool = False) -> float:
                started = time.perf_counter()
                reply: Any = client.chat.completions.create(model="quartiers", stream=stream,
                                                            messages=_messages(question, history))
                if stream:
                    for _ in reply:
                        pass
                else:
                    assert reply.choices[0].message.content
                return (time.perf_counter() - started) * 1000

            ask("échauffement", [])
            remote: list[float] = []
            for item in items:  # interleaved, so that other load on the machine weighs on both alike
                started = time.perf_counter()
                assistant.answer(item.question, history=item.history)
                local.append((time.perf_counter() - started) * 1000)
                remote.append(ask(item.question, item.history))
            streamed = [ask(i.question, i.history, stream=True) for i in items[:40]]
            from gradio_client import Client

            web = Client(f"http://127.0.0.1:{port}/", verbose=False)

            def web_question() -> float:
                started = time.perf_counter()
                result = web.predict(WEB_QUESTION, [], [], [], [], "extractive", api_name="/respond")
                assert "450" in str(result[1])
                return (time.perf_counter() - started) * 1000

            web_alone = [web_question() for _ in range(5)]
            burst_items = items[:BURST]
            started = time.perf_counter()
            with ThreadPoolExecutor(BURST + 1) as pool:
                futures = [pool.submit(ask, i.question, i.history) for i in burst_items]
                time.sleep(0.2)  # the burst is queued and answering when the web page asks
                web_during = pool.submit(web_question).result()
            burst_wall = time.perf_counter() - started
            failures = [f.exception() for f in futures if f.exception() is not None]
            under_load = [f.result() for f in futures if f.exception() is None]
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()  # open Gradio event streams can hold a graceful shutdown

    print(f"API benchmark ({len(items)} questions, extractive, warm, loopback)")
    for name, samples in (("in-process Assistant.answer", local), ("API, JSON reply", remote),
                          ("API, streamed (40 questions)", streamed)):
        p50, p95 = percentiles(samples)
        print(f"  {name:<30} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    if under_load:
        p50, p95 = percentiles(under_load)
        print(f"  {BURST} concurrent API requests: {len(failures)} failures, all answered in {burst_wall:.1f} s, "
              f"each p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    w50, _ = percentiles(web_alone)
    print(f"  web page question (Gradio queue): alone p50 {w50:.0f} ms; during the burst {web_during:.0f} ms")
    for failure in failures[:3]:
        print(f"    failure: {failure!r}")


if __name__ == "__main__":
    main()
