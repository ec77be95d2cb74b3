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


def test_a_precise_question_needs_its_own_figure_date_or_name_beside_what_it_is_asked_of() -> None:
    from assistant.refusal import asked_thing_missing

    # the corpus names ministers, and the question's own year, but no minister's name
    mentions = ["Les ministres ont annoncé en 2020 un plan pour les quartiers.", "Le ministère a réuni les acteurs."]
    assert asked_thing_missing("Qui était le ministre chargé de la Ville en 2020 ?", mentions)
    assert not asked_thing_missing("Qui était le ministre chargé de la Ville en 2020 ?",
                                   ["En 2020, Nadia Hai est ministre déléguée chargée de la Ville."])
    # a date the question already gives is not the date asked for
    survey = ["Vous pouvez accéder à l'enquête 2020 en cliquant sur l'onglet."]
    assert asked_thing_missing("Quelle est la date limite pour envoyer les réponses à l'enquête 2020 ?", survey)
    assert not asked_thing_missing("Quelle est la date limite pour envoyer les réponses à l'enquête 2020 ?",
                                   ["La date limite de réponse est fixée au 15 mars."])
    # a qualified measure is another figure: one region's amount is not the national amount
    regional = ["Le montant des crédits de la Région atteint 1M€ pour 120 lauréats."]
    assert asked_thing_missing("Quel est le montant national du plan en 2020 ?", regional)
    assert not asked_thing_missing("Quel est le montant du plan en 2020 ?", regional)
    # the measure's written form counts ("10,1 millions d'euros" is an amount)
    assert not asked_thing_missing("Quel montant de bons alimentaires a été distribué ?",
                                   ["Plus de 10,1 millions d'euros de bons alimentaires ont été distribués."])
    # no noun to look for ("qui a financé…"), or English: left to the other signals
    assert not asked_thing_missing("Qui a financé la filière de masques ?", mentions)
    assert not asked_thing_missing("Who was the minister in charge of cities in 2020?", mentions)


def test_a_figure_asked_per_unit_needs_that_unit_written_out_or_as_its_symbol() -> None:
    from assistant.refusal import asked_thing_missing

    question = "Quel est le coût global au mètre carré d'une toiture végétalisée ?"
    # a ratio of costs is no cost per square metre
    assert asked_thing_missing(question, ["Ce revêtement est 3 fois moins coûteux en coût global qu'un enrobé."])
    assert not asked_thing_missing(question, ["Le coût global d'une toiture végétalisée est de 60 €/m² environ."])
    assert not asked_thing_missing(question, ["Son coût global atteint 60 euros par mètre carré posé."])


def test_a_month_and_year_the_passages_never_give_is_missing() -> None:
    from assistant.refusal import missing_entities
    from vectorstore.retriever import Passage

    passages = [Passage("c1", "Les écoles de l'île étaient fermées depuis novembre 2019 ; en 2020, le confinement "
                              "a suivi.", {"section": "Outre-mer"}, rank=1)]
    assert missing_entities("Quel bilan tirer du confinement de novembre 2020 ?", passages) == ["novembre 2020"]
    assert missing_entities("Qu'a-t-on fermé en novembre 2019 ?", passages) == []
