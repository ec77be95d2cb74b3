"""An open question about what a place or actor did gets the sentence after the best one, which goes on
telling what was done (``assistant.extractive.with_next``)."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.extractive import describe, score_sentences, select
from assistant.scorer import WEIGHTS, Scorer, load_scorer
from assistant.terms import entities, key_terms
from vectorstore.retriever import Passage
from vectorstore.use_index import encode, encode_query

QUESTION = "Qu'a fait l'association de quartier de Valbourg pendant la crise ?"
# The first sentence names the association and the crisis; what it did is told in the next one, which
# shares few words with the question.
TEXT = (
    "Pendant la crise, l'association de quartier de Valbourg a voulu garder le lien avec les habitants. "
    "Elle a ouvert une épicerie solidaire dans un local prêté par un bailleur et livré 300 colis. "
    "Le local est situé au rez-de-chaussée d'un immeuble rénové en 2015. "
    "Les bénévoles du quartier se réunissent chaque mois pour préparer les fêtes de fin d'année."
)


def _quoted(question: str, scorer: Scorer | None = None) -> str:
    passage = Passage("c1", TEXT, {"place": "Valbourg", "section": "Valbourg", "source": "r.pdf"}, rank=1)
    weights = {t: 1.0 for t in key_terms(question)}
    candidates = score_sentences(question, question, [passage], weights)
    describe(candidates, question, question, encode([c.text for c in candidates]), encode_query(question),
             entities(question))
    return " ".join(c.text for c in select(candidates, question, scorer or load_scorer(), entities(question)))


def test_what_a_place_did_is_quoted_with_the_sentence_that_tells_it() -> None:
    quoted = _quoted(QUESTION)
    assert "garder le lien" in quoted
    assert "épicerie solidaire" in quoted and "300 colis" in quoted


def test_a_precise_question_gets_no_following_sentence() -> None:
    quoted = _quoted("Combien de colis l'association de quartier de Valbourg a-t-elle livrés ?")
    assert "300 colis" in quoted
    assert "rez-de-chaussée" not in quoted


def test_how_far_the_answer_goes_is_the_committed_selection(tmp_path: Path) -> None:
    committed = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    assert committed["selection"]["next_words"] > 0  # chosen by eval.fit_scorer on the tune half
    never = tmp_path / "weights.json"
    never.write_text(json.dumps(committed | {"selection": committed["selection"] | {"next_words": 0}}),
                     encoding="utf-8")
    assert "épicerie solidaire" not in _quoted(QUESTION, load_scorer(never))
