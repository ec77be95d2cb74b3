"""The evaluation's citation checks can fail: each mutation of a correct answer is caught by the check
meant for it, including the one ``verify()`` cannot see (a verbatim quote beside the question)."""

from __future__ import annotations

from assistant import Answer, Citation
from assistant.verify import verify
from eval.grounding import _generated_claims, _quoted_claims, _relevant_claims, relevant_to
from quartiers.results import Answerer
from vectorstore.retriever import Passage

QUESTION = "Combien de ménages l'épicerie solidaire a-t-elle aidés ?"
TEXT = ("L'épicerie solidaire a aidé 450 ménages pendant le confinement. "
        "Le conseil citoyen s'est réuni chaque semaine à la mairie annexe.")
PASSAGE = Passage("d:1", TEXT, {"source": "d.pdf", "title": "D", "page": 3, "section": "Aide", "place": "Brest"})
GOOD = "L'épicerie solidaire a aidé 450 ménages pendant le confinement."
ASIDE = "Le conseil citoyen s'est réuni chaque semaine à la mairie annexe."


def _answer(quote: str, text: str | None = None, answerer: Answerer = "extractive") -> Answer:
    citation = Citation(1, "d:1", "d.pdf", "D", 3, "Aide", None, quote)
    return Answer(QUESTION, QUESTION, text if text is not None else f"« {quote} » [1]", False, answerer,
                  citations=[citation], passages=[PASSAGE])


def test_a_correct_quotation_passes_every_check() -> None:
    answer = _answer(GOOD)
    assert _quoted_claims(answer) == (1, 1, 1)
    assert _relevant_claims(answer, QUESTION) == 1


def test_a_quote_altered_by_one_figure_fails_support() -> None:
    assert _quoted_claims(_answer(GOOD.replace("450", "540"))) == (1, 0, 0)


def test_a_verbatim_quote_beside_the_question_fails_relevance_only() -> None:
    """What verify() keeps and the grounding checks count as supported, relevance refuses."""
    answer = _answer(ASIDE)
    assert verify(answer.answer, answer.citations, {"d:1": TEXT}).dropped == 0
    assert _quoted_claims(answer) == (1, 1, 1)
    assert _relevant_claims(answer, QUESTION) == 0


def test_a_generated_sentence_with_a_figure_of_its_own_is_not_independently_supported() -> None:
    faithful = _answer(GOOD, "L'épicerie a aidé 450 ménages [1].", answerer="llm")
    invented = _answer(GOOD, "L'épicerie a aidé 900 ménages [1].", answerer="llm")
    assert _generated_claims(faithful) == (1, 1, 1)
    assert _generated_claims(invented) == (1, 1, 0)  # its quote is verbatim; its own figure is not there


def test_relevance_compares_content_words_not_function_words() -> None:
    assert relevant_to("Comment l'aide alimentaire a-t-elle été organisée ?", "Une organisation de l'aide.")
    assert not relevant_to("Comment faire pour les jeunes ?", "Ils ont fait cela pour nous, comme avant.")


def test_verify_cuts_each_mutation_of_a_valid_quotation() -> None:
    passages = {"d:1": TEXT}
    citation = Citation(1, "d:1", "d.pdf", "D", 3, "Aide", None, GOOD)
    assert verify(f"« {GOOD} » [1]", [citation], passages).dropped == 0
    mutations = {
        "unknown number": f"« {GOOD} » [2]",
        "text not its quote": f"« {ASIDE} » [1]",
    }
    for name, text in mutations.items():
        assert verify(text, [citation], passages).dropped == 1, name
    altered = Citation(1, "d:1", "d.pdf", "D", 3, "Aide", None, GOOD.replace("450", "540"))
    assert verify(f"« {altered.quote} » [1]", [altered], passages).dropped == 1
    elsewhere = Citation(1, "d:9", "d.pdf", "D", 3, "Aide", None, GOOD)
    assert verify(f"« {GOOD} » [1]", [elsewhere], passages).dropped == 1


def test_the_llm_gate_holds_a_metric_verify_cannot_guarantee() -> None:
    """Every metric of the old llm gate was true by construction for a verified answer; this one is not."""
    import json

    from eval.report import THRESHOLDS, bounds_for, gate

    bounds = bounds_for(json.loads(THRESHOLDS.read_text(encoding="utf-8")), "llm")
    verified_but_beside = {"citation_recall": 1.0, "citation_precision": 1.0, "lead_ins_from_metadata": 1.0,
                           "citation_relevance": 0.3}
    assert [p.split(" ")[0] for p in gate(verified_but_beside, {"metrics": bounds})] == ["citation_relevance"]
