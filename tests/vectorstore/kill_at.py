"""Run ``quartiers`` and SIGKILL it just before the n-th call of one step of an ingest.

    python -m tests.vectorstore.kill_at STEP N ingest FILE --store STORE

A real kill at an exact point (no hook in the product): the step's function is wrapped in this child
process only. Steps, in the order a replacement runs them: ``copy`` (the file's copy into the store),
``upsert`` (a batch of chunks), ``record`` (the completion record), ``delete`` (the old version's
chunks), ``unlink`` (the old version's copy), ``lexical-drop`` and ``lexical-add`` (a document version
out of and into the lexical index, inside its transaction).
"""

from __future__ import annotations

import os
import pathlib
import shutil
import signal
import sys
from collections.abc import Callable
from typing import Any


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


if __name__ == "__main__":
    install(sys.argv[1], int(sys.argv[2]))
    from quartiers.cli import main

    raise SystemExit(main(sys.argv[3:]))
