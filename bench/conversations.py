"""Twenty conversations at once, through the web app's queue (Gradio's ``/respond``, by ``gradio_client``)
and through the OpenAI-compatible API (the real ``openai`` client), beside the same conversations held
one at a time: failures, whether every answer is the one given alone, and p50/p95 per turn.

    .venv/bin/python -m bench.conversations [--store DIR]

Loopback only: ``quartiers ui`` (web app and API on one port) in a child process on a free 127.0.0.1
port, behind a random API key, stopped by its PID at the end. ``tests/quartiers/test_concurrent_conversations.py``
asserts the same on the same driver (0 failures, identical answers); this prints the figures.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from eval.dataset import load_items

CONVERSATIONS = 20
Turns = list[tuple[str, float]]  # (answer as shown, milliseconds) per turn


def conversations(count: int = CONVERSATIONS) -> list[list[str]]:
    """The evaluation's follow-ups with the question they follow, then pairs of its other questions."""
    items = load_items()
    talks = [[item.history[-1][0], item.question] for item in items if item.history]
    alone = [item.question for item in items if not item.history]
    talks += [alone[i : i + 2] for i in range(0, 2 * count, 2)]
    return talks[:count]


def web_conversation(url: str, questions: list[str]) -> Turns:
    """One browser tab's conversation: its own Gradio session, the turns asked one after the other."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    messages: list[Any] = []
    turns = []
    for question in questions:
        started = time.perf_counter()
        result = client.predict(question, messages, [], [], [], "extractive", api_name="/respond")
        messages = result[1]
        content = messages[-1]["content"]
        turns.append((content if isinstance(content, str) else repr(content), (time.perf_counter() - started) * 1000))
    return turns


def api_conversation(base_url: str, key: str, questions: list[str]) -> Turns:
    """One API client's conversation: each turn sends the whole exchange so far, as chat clients do."""
    import openai

    client = openai.OpenAI(base_url=base_url, api_key=key, max_retries=0, timeout=600)
    messages: list[Any] = []
    turns = []
    for question in questions:
        messages.append({"role": "user", "content": question})
        started = time.perf_counter()
        reply = client.chat.completions.create(model="quartiers", messages=messages)
        content = reply.choices[0].message.content or ""
        turns.append((content, (time.perf_counter() - started) * 1000))
        messages.append({"role": "assistant", "content": content})
    return turns


def held(talk: Callable[[list[str]], Turns], talks: list[list[str]], at_once: bool) -> list[Turns | BaseException]:
    """Each conversation's turns, or the exception that ended it; all at once or one after the other."""
    if not at_once:
        return [_safely(talk, questions) for questions in talks]
    with ThreadPoolExecutor(len(talks)) as pool:
        return list(pool.map(lambda questions: _safely(talk, questions), talks))


def _safely(talk: Callable[[list[str]], Turns], questions: list[str]) -> Turns | BaseException:
    try:
        return talk(questions)
    except Exception as error:  # counted as a failure, not raised: the others go on
        return error


def main() -> None:
    from bench.common import prepared_store
    from bench.served import running

    store = prepared_store(__doc__ or "")
    talks = conversations()
    key = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="quartiers-conversations-") as folder:
        copy = Path(folder) / "store"
        shutil.copytree(store.folder, copy)
        with running("ui", copy, env={"QUARTIERS_API_KEY": key}, ready_key=key) as server:
            channels = {"web app (Gradio queue)": lambda q: web_conversation(server.url + "/", q),
                        "API (openai client)": lambda q: api_conversation(server.v1, key, q)}
            print(f"{len(talks)} conversations of {len(talks[0])} turns, extractive, loopback")
            for name, talk in channels.items():
                talk(["échauffement"])
                alone, together = held(talk, talks, at_once=False), held(talk, talks, at_once=True)
                print("\n".join(summary(name, alone, together)))


def summary(name: str, alone: list[Turns | BaseException], together: list[Turns | BaseException]) -> list[str]:
    """Failures, conversations answered as when alone, and per-turn p50/p95 both ways."""
    from bench.common import percentiles

    failures = [r for r in together if isinstance(r, BaseException)]
    same = sum(not isinstance(a, BaseException) and not isinstance(b, BaseException)
               and [text for text, _ in a] == [text for text, _ in b] for a, b in zip(alone, together, strict=True))
    lines = [f"  {name}: {len(failures)} failures, {same}/{len(alone)} conversations answered as alone"]
    for label, runs in (("one at a time", alone), (f"{len(alone)} at once", together)):
        p50, p95 = percentiles([ms for r in runs if not isinstance(r, BaseException) for _, ms in r])
        lines.append(f"    {label:<14} per turn p50 {p50:7.0f} ms   p95 {p95:7.0f} ms")
    return lines + [f"    failure: {failure!r}" for failure in failures[:3]]


if __name__ == "__main__":
    main()
