"""A question of several parts gets a quote for each part (assistant/parts.py, used by ``select``)."""

from __future__ import annotations

from assistant.extractive import describe, score_sentences, select
from assistant.parts import question_parts
from assistant.scorer import load_scorer
from assistant.terms import entities, key_terms
from vectorstore.retriever import Passage
from vectorstore.use_index import encode, encode_query

QUESTION = "Quelle surface faut-il compenser pour une commune urbaine, et combien de temps dure l'instruction ?"
# The urban-surface sentence matches the whole question best; the duration is the question's second part.
TEXT = (
    "La surface à compenser pour une commune urbaine est fixée à 150 % de la surface nouvellement "
    "imperméabilisée par le document d'urbanisme. La commune urbaine doit aussi justifier la surface choisie "
    "pour compenser dans son rapport de présentation. Pour une commune urbaine, la surface à compenser est "
    "calculée à l'échelle du document entier. L'instruction du dossier dure en général six mois à compter du "
    "dépôt complet. Les services de l'État publient chaque année un bilan des documents approuvés."
)


def test_a_question_is_cut_into_its_parts_and_a_simple_one_is_left_whole() -> None:
    assert question_parts(QUESTION) == ["Quelle surface faut-il compenser pour une commune urbaine",
                                        "combien de temps dure l'instruction"]
    simple = "Qui finance la plateforme des rencontres ?"
    assert question_parts(simple) == [simple]
    # a piece without a content word of its own stays with the one before
    assert len(question_parts("Quels sont les freins et pourquoi ?")) == 1


def test_a_two_part_question_quotes_the_answer_to_each_part() -> None:
    passage = Passage("c1", TEXT, {"section": "Compensation", "source": "guide.pdf", "title": "Guide"}, rank=1)
    weights = {t: 1.0 for t in key_terms(QUESTION)}
    candidates = score_sentences(QUESTION, QUESTION, [passage], weights)
    vectors = encode([c.text for c in candidates])
    describe(candidates, QUESTION, QUESTION, vectors, encode_query(QUESTION), entities(QUESTION))
    chosen = select(candidates, QUESTION, load_scorer(), entities(QUESTION))
    quoted = " ".join(c.text for c in chosen)
    assert "150 %" in quoted
    assert "six mois" in quoted  # the second part's answer, not a third sentence about the first part
