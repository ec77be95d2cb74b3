"""The refusal decision rests on the corpus's term counts that the composition root passes in: the same
question over the same passages is answered with the real counts and refused when the source says the
corpus never writes its words (``topic_unknown``), so the source is really what the decision reads."""

from __future__ import annotations

import pytest

from assistant.chain import Assistant
from quartiers import components
from quartiers.results import TermStatistics
from quartiers.settings import Settings
from vectorstore.indexer import ingest_paths

pytestmark = pytest.mark.slow  # builds a (one-passage) store

NOTE = "# Jardins partagés\n\nLe jardin partagé de Quimperlé accueille 37 familles du quartier chaque semaine.\n"
QUESTION = "Combien de familles le jardin partagé de Quimperlé accueille-t-il ?"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    folder = tmp_path_factory.mktemp("jardins")
    (folder / "jardins.md").write_text(NOTE, encoding="utf-8")
    settings = Settings(store=folder / "store")
    ingest_paths(components.build_store(settings), [folder / "jardins.md"], progress=False)
    return components.build_assistant(settings, "extractive")


def test_the_retriever_counts_what_its_lexical_side_indexed(assistant: Assistant) -> None:
    counts = assistant.retriever.term_statistics()
    assert counts.chunks == 1 and counts.document_frequency.get("jardin") == 1
    assert counts.document_frequency.get("ministr", 0) == 0


def test_the_decision_reads_the_term_counts_passed_in(assistant: Assistant) -> None:
    answered = assistant.answer(QUESTION)
    assert not answered.refused and "37 familles" in answered.answer

    never_written = Assistant(assistant.retriever.store, retriever=assistant.retriever,
                              term_statistics=lambda: TermStatistics({}, 1))
    refused = never_written.answer(QUESTION)
    assert refused.refused and refused.answerable == 0.0 and not refused.citations
    assert [p.chunk_id for p in refused.passages] == [p.chunk_id for p in answered.passages]  # only the counts differ
