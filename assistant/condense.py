"""Follow-up questions rewritten from the conversation, without an LLM.

"Et combien de ménages ?" after a question about food aid in Nantes must retrieve the Nantes passage:
an elliptic question is completed with the entities and the topic of the previous user turns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.terms import entities, key_terms
from vectorstore.french import tokens

_FOLLOW_UP_START = re.compile(r"^\s*(et|mais|aussi|puis|and|also|what about|et pour|et à|et en)\b", re.IGNORECASE)
_ANAPHORA = re.compile(
    r"\b(y|là-bas|celle-ci|celui-ci|ceux-ci|celles-ci|cette initiative|ce dispositif|cette action|ce projet|"
    r"cette opération|ils|elles|eux|leur|leurs|it|they|them|there)\b", re.IGNORECASE
)
MAX_CONTEXT_WORDS = 6


def is_follow_up(question: str) -> bool:
    content = tokens(question)
    return bool(_FOLLOW_UP_START.search(question) or _ANAPHORA.search(question) or len(content) <= 2)


def condense(question: str, history: Sequence[Sequence[str]]) -> str:
    """The question to retrieve with: the question itself, or completed from earlier user turns."""
    if not history or not is_follow_up(question):
        return question
    carried: list[str] = []
    own = {w.lower() for w in entities(question)}
    for turn in reversed(history):
        previous = turn[0] if turn else ""
        carried += [e for e in entities(previous) if e.lower() not in own and e not in carried]
        if carried:
            break
    last = history[-1][0] if history[-1] else ""
    stems = set(key_terms(question))
    topic = [w for w in tokens(last) if w not in {c.lower() for c in carried} and key_terms(w)
             and key_terms(w)[0] not in stems]
    context = list(dict.fromkeys(carried + topic))[:MAX_CONTEXT_WORDS]
    return f"{question.strip()} ({', '.join(context)})" if context else question
