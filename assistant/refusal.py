"""When the corpus does not answer: say so plainly, in French, and name what is missing.

Signals, chosen on the tuning half of the question set (eval/questions.jsonl):
- a key entity of the question (a place, a name, a year) found in none of the retrieved passages;
- for a French question, none of its topic words (what it asks about, as opposed to where or who)
  in the sentences that would be quoted: "le budget de la vaccination à Lyon" finds Lyon, not a budget;
- no sentence at all above a small evidence floor.
A weak-evidence threshold was tried and dropped: on the tuning half it refused paraphrases and
English questions (false refusals 7 % → 14 %) without catching one more unanswerable question.
"""

from __future__ import annotations

from assistant.terms import entities, is_english, present, topic_terms
from vectorstore.french import analyse
from vectorstore.retriever import Passage

MIN_EVIDENCE = 0.15  # a floor, below every answerable question of the tuning half


def missing_entities(question: str, passages: list[Passage]) -> list[str]:
    haystack = "\n".join(
        " ".join(str(v) for v in (p.text, p.get("section"), p.get("initiative"), p.get("place"),
                                  p.get("region"), p.get("resource_centre"), p.get("title")) if v)
        for p in passages
    )
    return [entity for entity in entities(question) if not present(entity, haystack)]


def topic_uncovered(question: str, quoted: list[str]) -> bool:
    """A French question none of whose topic words appears in the sentences that would be quoted."""
    topics = set(topic_terms(question))
    if not topics or is_english(question):
        return False  # English words never match the French text: no signal there
    return not any(topics & set(analyse(sentence)) for sentence in quoted)


def refusal_message(question: str, missing: list[str]) -> str:
    if missing:
        names = " ; ".join(f"« {m} »" for m in missing)
        return (f"Le corpus ne contient pas d'information sur {names}. "
                "Les passages les plus proches sont listés ci-dessous, sans constituer une réponse.")
    return ("Le corpus ne contient pas d'information permettant de répondre à cette question. "
            "Les passages les plus proches sont listés ci-dessous, sans constituer une réponse.")
