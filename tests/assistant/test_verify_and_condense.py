"""Citation verification and follow-up rewriting, on small inputs."""

from __future__ import annotations

from assistant.condense import condense, is_follow_up
from assistant.model import Citation
from assistant.verify import verify


def _citation(n: int, quote: str) -> Citation:
    return Citation(n, "c1", "rapport.pdf", "Rapport", 27, "Section", None, quote)


def test_invented_quotes_and_unknown_numbers_are_removed_and_counted() -> None:
    passage = {"c1": "À Nantes, 450 ménages ont été aidés. La Ville a fourni la logistique."}
    answer = "À Nantes : « À Nantes, 450 ménages ont été aidés. » [1] « 900 ménages ont été aidés. » [2] [7]"
    checked = verify(answer, [_citation(1, "À Nantes, 450 ménages ont été aidés."),
                              _citation(2, "900 ménages ont été aidés.")], passage)
    assert checked.answer == "À Nantes : « À Nantes, 450 ménages ont été aidés. » [1]"
    assert [c.n for c in checked.citations] == [1]
    assert checked.dropped == 2


def test_guillemets_in_lead_ins_do_not_fool_the_check_and_numbers_are_compacted() -> None:
    passage = {"c1": "Premier fait établi. Second fait établi."}
    answer = ("Dans « Une section » : « Inventé. » [1]\n\n"
              "Dans « Autre » : « Second fait établi. » [2]")
    checked = verify(answer, [_citation(1, "Inventé."), _citation(2, "Second fait établi.")], passage)
    assert checked.answer == "Dans « Autre » : « Second fait établi. » [1]"
    assert checked.citations[0].quote == "Second fait établi." and checked.dropped == 1


def test_follow_ups_carry_the_entities_and_topic_of_the_previous_turn() -> None:
    history = [["Comment Nantes a-t-elle organisé l'aide alimentaire ?", "À Nantes ..."]]
    rewritten = condense("Et combien de ménages ?", history)
    assert rewritten.startswith("Et combien de ménages ?") and "Nantes" in rewritten and "alimentaire" in rewritten
    assert condense("Qui a financé la filière de masques à Saint-Denis ?", history) == (
        "Qui a financé la filière de masques à Saint-Denis ?")
    assert is_follow_up("Et là-bas ?") and not is_follow_up("Quelles initiatives en Normandie pendant la crise ?")
