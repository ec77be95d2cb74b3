"""Refusal signals that need no store: a quantity asked for and not quoted."""

from __future__ import annotations

from assistant.refusal import quantity_unanswered


def test_a_quantity_question_without_that_quantity_quoted_is_unanswered() -> None:
    quoted = ["Le chômage a fortement progressé dans les quartiers pendant le confinement."]
    assert quantity_unanswered("Quel était le taux de chômage dans les QPV en 2020 ?", quoted)
    assert quantity_unanswered("Combien de décès ont été recensés ?", ["Les associations ont recensé 40 familles."])
    assert quantity_unanswered("Quel budget a été consacré à la vaccination ?", ["La vaccination a commencé."])


def test_the_quantity_counts_when_written_with_its_noun_or_its_usual_form() -> None:
    assert not quantity_unanswered("Combien de ménages ?", ["Plus de 450 ménages ont été repérés."])
    assert not quantity_unanswered("Combien d'heures a demandé l'accompagnement ?", ["Il a fallu 30 h de suivi."])
    assert not quantity_unanswered("Et quelle part venait de l'État ?", ["État : 7,1 millions d'euros."])
    assert not quantity_unanswered("Quel taux de réussite ?", ["La réussite atteint 85 % des élèves."])


def test_other_questions_are_left_to_the_other_signals() -> None:
    assert not quantity_unanswered("Comment Nantes a-t-elle organisé l'aide alimentaire ?", [])
    assert not quantity_unanswered("How many households were reached?", [])
