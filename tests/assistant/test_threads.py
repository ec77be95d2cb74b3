"""Many threads calling the whole ``Assistant.answer`` in one fresh process (the web app's service, with the
French analysis between questions) while a document is uploaded: no failure, one assistant built, and every
answer is the one a single-threaded process gives, before the upload or after it (never a mix, never
another question's). Real store, real encoders: ``tests/assistant/thread_hammer.py`` is the child process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from eval.dataset import load_items
from tests.conftest import ROOT, _clean_env

pytestmark = pytest.mark.slow  # two fresh processes of 10 questions each (about a minute on 2 cores)
THREADS = 8
UPLOAD = """# Note de service sur les jardins partagés

Le comité de quartier a ouvert trois jardins partagés au printemps, avec vingt bénévoles et un animateur.

Les habitants y cultivent des légumes et organisent chaque mois un repas collectif ouvert à tous.
"""


def requests() -> list[dict[str, Any]]:
    """Follow-ups with their history, one question per category of the evaluation, one with a filter."""
    items = load_items()
    chosen: list[dict[str, Any]] = [{"question": i.question, "history": i.history} for i in items if i.history][:2]
    categories: set[str] = set()
    for item in items:
        if not item.history and item.category not in categories and len(chosen) < 9:
            categories.add(item.category)
            chosen.append({"question": item.question})
    return [*chosen, {"question": chosen[2]["question"], "filters": {"region": ["Bretagne"]}}]


def _child(mode: str, store: Path, folder: Path, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.assistant.thread_hammer", mode, str(store),
               str(folder / "requests.json"), str(folder / "note-jardins.md"), *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_clean_env(None), cwd=ROOT)


def test_many_threads_get_the_answers_of_one_thread_before_or_after_an_upload(built_store: Path,
                                                                            tmp_path: Path) -> None:
    asked = requests()
    (tmp_path / "requests.json").write_text(json.dumps(asked, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "note-jardins.md").write_text(UPLOAD, encoding="utf-8")
    for mode in ("alone", "threads"):
        shutil.copytree(built_store, tmp_path / mode)
    children = {"alone": _child("alone", tmp_path / "alone", tmp_path),
                "threads": _child("threads", tmp_path / "threads", tmp_path, str(THREADS))}
    lines: dict[str, list[dict[str, Any]]] = {}
    for mode, child in children.items():
        out, err = child.communicate(timeout=600)
        assert child.returncode == 0 and "Traceback" not in err, err[-3000:]
        lines[mode] = [json.loads(line) for line in out.splitlines()]
    before, after, threaded = lines["alone"][0::2], lines["alone"][1::2], lines["threads"]
    assert len(threaded) == len(before) == len(asked)
    assert len({line["assistant"] for line in threaded}) == 1  # the first visitors share one assistant
    for request, first, second, got in zip(asked, before, after, threaded, strict=True):
        assert got["stems"] == first["stems"]
        assert got["answer"] in (first["answer"], second["answer"]), request
        assert "Erreur" not in got["answer"]["answer"]
    print(f"{sum(g['answer'] == a['answer'] != b['answer'] for g, b, a in zip(threaded, before, after, strict=True))}"
          f" of {len(asked)} answers already took the upload in; "
          f"{sum(a['answer'] != b['answer'] for b, a in zip(before, after, strict=True))} change with it")
