"""Which passages name what the question names: a word of its own, not a substring or a common noun."""

from __future__ import annotations

import pytest

from assistant.extractive import score_sentences, select
from assistant.refusal import missing_entities
from assistant.scorer import SENTENCE_FEATURES, load_scorer
from assistant.terms import mentions
from vectorstore.retriever import Passage


@pytest.mark.parametrize(("entity", "text", "named"), [
    ("Réunion", "Le collectif propose des réunions hebdomadaires.", False),  # the common noun
    ("Réunion", "À La Réunion, un collectif s'est formé.", True),
    ("Nantes", "Les parties prenantes se sont réunies.", False),  # a substring of another word
    ("Nantes", "À Nantes, les associations ont alerté.", True),
    ("Évreux", "Deux associations d'Évreux signent.", True),  # elided
    ("Régie", "Les Régies de quartier livrent.", True),  # plural
    ("Grenoble", "Grenoble-Alpes Métropole finance.", True),  # a compound holding it
    ("2020", "Depuis mars 2020, rien.", True),
    ("2020", "Le code 120201 n'est pas une année.", False),
])
def test_a_name_is_found_as_a_word_of_its_own(entity: str, text: str, named: bool) -> None:
    assert mentions(entity, text) is named


def _candidates(question: str, passages: list[Passage]) -> list:  # type: ignore[type-arg]
    candidates = score_sentences(question, question, passages, {"associ": 1.0})
    for candidate in candidates:  # everything equal but the passage's rank: the first passage's sentences win
        candidate.features = dict.fromkeys(SENTENCE_FEATURES, 0.0) | {"rank": 1.0 / (candidate.passage.rank or 1)}
    return candidates


def test_quotes_come_from_the_passage_naming_the_place_not_from_one_holding_the_same_common_noun() -> None:
    meetings = Passage("a", "Le collectif du Nord organise des réunions hebdomadaires pour les associations.",
                       {"place": "Lille"}, rank=1)
    island = Passage("b", "À La Réunion, le collectif KAZ ASSO regroupe plusieurs associations du territoire.",
                     {"place": "La Réunion"}, rank=2)
    question = "Comment La Réunion a-t-elle soutenu ses associations ?"
    chosen = select(_candidates(question, [meetings, island]), question, load_scorer(), ["Réunion"])
    assert chosen and {c.passage.chunk_id for c in chosen} == {"b"}
    assert missing_entities(question, [meetings]) == ["Réunion"]  # and a refusal would say so
    assert missing_entities(question, [meetings, island]) == []


def test_a_year_does_not_narrow_the_quotes_to_passages_that_write_it() -> None:
    answer = Passage("a", "Certains freins des animations n'ont pu être levés : la mobilisation des associations.",
                     {}, rank=1)
    dated = Passage("b", "Les analyses portent sur les associations de mars à octobre 2020.", {}, rank=2)
    question = "Quels freins ont limité les animations des associations en 2020 ?"
    chosen = select(_candidates(question, [answer, dated]), question, load_scorer(), ["2020"])
    assert chosen[0].passage.chunk_id == "a"
