"""Follow-ups that replace, entities matched across languages, and French lead-ins: on the real report's
text (parsed by the real ingest) and the real multilingual encoder, without a store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant import names as names_module
from assistant.condense import condense, is_follow_up
from assistant.lead_in import Prepositions
from assistant.names import CorpusNames
from ingest import ParsedDocument
from vectorstore.vector_file import VectorFile

NANTES = "Comment Nantes a-t-elle organisé l'aide alimentaire ?"


def test_a_follow_up_naming_another_place_asks_that_place_s_version_of_the_question() -> None:
    history = [[NANTES, "À Nantes (Réso Villes, Bretagne – Pays de la Loire) : « … » [1]"]]
    assert condense("Et à Grenoble ?", history) == "Comment Grenoble a-t-elle organisé l'aide alimentaire ?"
    assert condense("What about Marseille?", history) == "Comment Marseille a-t-elle organisé l'aide alimentaire ?"
    # a follow-up with a topic of its own keeps it, and drops the place it replaces
    rewritten = condense("Et combien de ménages à Grenoble ?", history)
    assert rewritten.startswith("Et combien de ménages à Grenoble ?") and "Nantes" not in rewritten


def test_a_follow_up_without_a_subject_is_completed_from_the_previous_turn_or_answer() -> None:
    history = [[NANTES, "À Nantes (Réso Villes, Bretagne – Pays de la Loire) : « … » [1]"]]
    rewritten = condense("Et combien de ménages ?", history)
    assert rewritten.startswith("Et combien de ménages ?") and "Nantes" in rewritten and "alimentaire" in rewritten
    # "l'" refers to the initiative the previous answer was about, when the previous question named none
    unnamed = [["Quelle initiative de proximité pendant le confinement ?",
                "« Amande & Co » (Sud-Ouest, Occitanie) : « Deux fois par jour elle sonne chez les personnes. » [1]"]]
    assert "Amande" in condense("Qui l'a financé ?", unnamed)


def test_a_question_that_stands_on_its_own_is_not_rewritten() -> None:
    history = [[NANTES, "À Nantes …"]]
    for question in ("Qui a financé la filière de masques à Saint-Denis ?",
                     "Quelles associations ont aidé les habitants dans leur quartier ?",
                     "Quelles initiatives en Normandie pendant la crise ?"):
        assert not is_follow_up(question)
        assert condense(question, history) == question
    assert is_follow_up("Et là-bas ?") and is_follow_up("Qui l'a financé ?")


@pytest.fixture(scope="module")
def report_names(md_document: ParsedDocument) -> CorpusNames:
    metadata = [{"place": c.initiative.place, "region": c.initiative.region, "initiative": c.initiative.title,
                 "resource_centre": c.initiative.resource_centre} for c in md_document.chunks if c.initiative]
    return CorpusNames([c.text for c in md_document.chunks], metadata)


def test_english_names_are_matched_to_the_corpus_own_names(report_names: CorpusNames) -> None:
    assert report_names.localise("What did Brittany do for food aid?") == "What did Bretagne do for food aid?"
    assert report_names.localise("Which initiatives in Normandy?") == "Which initiatives in Normandie?"
    assert report_names.match("Reunion") is None  # written as is ("La Réunion" folds to it): nothing to replace
    assert report_names.localise("What happened in London?") == "What happened in London?"  # no such name


def test_names_vectors_kept_on_disk_match_alike_and_are_encoded_once(
        md_document: ParsedDocument, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    metadata = [{"place": c.initiative.place, "region": c.initiative.region, "initiative": c.initiative.title}
                for c in md_document.chunks if c.initiative]
    encoded: list[int] = []
    real = names_module.encode

    def counted(texts: list[str]) -> np.ndarray:
        encoded.append(len(texts))
        return real(texts)

    monkeypatch.setattr(names_module, "encode", counted)
    first = CorpusNames([], metadata, vectors=VectorFile(tmp_path / "names-use"))
    assert first.localise("What did Brittany do for food aid?") == "What did Bretagne do for food aid?"
    assert sum(encoded) > len(first.names)  # every name, then the question's entity
    encoded.clear()
    again = CorpusNames([], metadata, vectors=VectorFile(tmp_path / "names-use"))  # another process, later
    assert again.localise("Which initiatives in Normandy?") == "Which initiatives in Normandie?"
    assert again.localise("What happened in London?") == "What happened in London?"
    assert sum(encoded) == 2  # the two entities only: the names' vectors were read from the file


@pytest.fixture(scope="module")
def prepositions(md_document: ParsedDocument) -> Prepositions:
    regions = [c.initiative.region or "" for c in md_document.chunks if c.initiative]
    headings = sorted({c.section for c in md_document.chunks} | {i.title for i in md_document.initiatives})
    return Prepositions([c.text for c in md_document.chunks] + headings, regions)  # as the Assistant builds it


@pytest.mark.parametrize("place, phrase", [
    ("Nantes", "À Nantes"), ("Guyane", "En Guyane"), ("Essonne", "Dans l'Essonne"), ("Rhône", "Dans le Rhône"),
    ("Bourgogne-Franche-Comté", "En Bourgogne-Franche-Comté"), ("La Réunion", "À La Réunion"),
    ("Mayotte", "À Mayotte"), ("Grand Est", "Dans le Grand Est"), ("Hauts-de-France", "Dans les Hauts-de-France"),
    ("Hautes-Pyrénées", "Dans les Hautes-Pyrénées"),  # the corpus writes it so in a title only
])
def test_lead_ins_use_the_french_preposition_and_article_of_each_place(prepositions: Prepositions, place: str,
                                                                       phrase: str) -> None:
    assert prepositions.phrase(place) == phrase
