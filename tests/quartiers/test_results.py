"""``Passage``, ``Citation`` and ``Answer`` are light: reading them loads neither chromadb nor langchain
(the web views and the API's models import them), and their old import paths are the same classes."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

HEAVY = ("chromadb", "langchain", "langchain_core", "gradio", "torch", "sentence_transformers")


def test_importing_the_result_types_loads_no_heavy_library() -> None:
    probe = ("import sys, quartiers.results; "
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_old_import_paths_are_the_same_classes() -> None:
    import assistant
    import assistant.model
    import vectorstore.retriever
    from quartiers.results import Answer, Citation, Passage

    assert vectorstore.retriever.Passage is Passage and assistant.model.Passage is Passage
    assert assistant.Answer is Answer and assistant.model.Citation is Citation
