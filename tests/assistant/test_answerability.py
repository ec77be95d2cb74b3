"""What the answerability decision reads of the corpus's term counts: the share of the question that the
corpus never writes, weighted by rarity, so a question about another subject is refused by its own words."""

from __future__ import annotations

from assistant.answerability import unseen_share
from quartiers.results import TermStatistics
from vectorstore.french import analyse

COUNTS = TermStatistics({t: 40 for t in analyse("horaires ouverture municipale jardin familles quartier")}, 400)


def test_a_question_whose_words_the_corpus_all_writes_has_nothing_unseen() -> None:
    assert unseen_share("Quels sont les horaires d'ouverture du jardin ?", COUNTS) == 0.0


def test_the_one_word_the_corpus_never_writes_carries_the_most_weight() -> None:
    # "piscine" is in no chunk: one word of four, but the rarest, so more than a plain quarter of the question
    share = unseen_share("Quels sont les horaires d'ouverture de la piscine municipale ?", COUNTS)
    assert 0.25 < share < 1.0
    assert unseen_share("piscine plongeoir", COUNTS) == 1.0


def test_english_questions_and_missing_counts_give_no_signal() -> None:
    # English words are never in a French corpus: their absence says nothing about the subject
    assert unseen_share("What are the opening hours of the municipal swimming pool?", COUNTS) == 0.0
    assert unseen_share("Quels sont les horaires de la piscine ?", None) == 0.0
