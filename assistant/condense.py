"""Follow-up questions rewritten from the conversation, without an LLM.

A follow-up keeps the previous topic and replaces what the new turn changes:
- "Et à Grenoble ?" after "Comment Nantes a-t-elle organisé l'aide alimentaire ?" asks Grenoble's version:
  "Comment Grenoble a-t-elle organisé l'aide alimentaire ?" (the previous question, its place replaced);
- "Et combien de ménages ?" keeps its own words and is completed with the previous entities and topic;
- "Qui l'a financé ?" is completed with the previous question's entities, or, when it named none, with the
  initiative or place the previous answer's lead-in names;
- a question that stands on its own (it names its own subject and neither opens like a follow-up nor is
  elliptic) is not rewritten at all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.terms import entities, key_terms
from vectorstore.french import analyse, tokens

_FOLLOW_UP_START = re.compile(r"^\s*(et|mais|aussi|puis|and|also|what about|how about|same)\b", re.IGNORECASE)
_ANAPHORA = re.compile(
    r"\b(y|là-bas|celle-ci|celui-ci|ceux-ci|celles-ci|cette initiative|ce dispositif|cette action|ce projet|"
    r"cette opération|it|they|them|there)\b|\b[lL]['’](?=a\b|ont\b|avait\b|ai\b|as\b|on\b)|(?<=\s)l['’]a\b",
    re.IGNORECASE,
)
MAX_CONTEXT_WORDS = 6
_LOCATIVE = re.compile(r"(?:\b(?:à|au|aux|en|dans(?: l['’]| les?| la)?|in|at)\s+)$", re.I)
_GENITIVE = re.compile(r"(?:\b(?:de|du|des|of)\s+|\bd['’])$", re.I)
_LEAD_IN = re.compile(r"^(?P<lead>[^\n]+?) : «")


def is_follow_up(question: str) -> bool:
    """Opens like a follow-up ("Et…", "What about…"), or is elliptic (refers back, or has at most two content
    words) without naming a subject of its own."""
    if _FOLLOW_UP_START.search(question):
        return True
    elliptic = bool(_ANAPHORA.search(question)) or len(tokens(question)) <= 2
    return elliptic and not entities(question)


def _replaceable(previous: str, names: list[str]) -> str | None:
    """The entity of the previous question a new place or actor replaces: one introduced by a locative
    preposition first ("à Nantes"), then by a genitive ("de Saint-Denis"), else the last one named."""
    ranked: list[tuple[int, int, str]] = []
    for name in names:
        position = previous.find(name)
        if position < 0:
            continue
        before = previous[:position]
        priority = 0 if _LOCATIVE.search(before) else 1 if _GENITIVE.search(before) else 2
        ranked.append((priority, -position, name))
    return min(ranked)[2] if ranked else None


def _lead_in_entities(answer: str) -> list[str]:
    """Entities of the previous answer's first lead-in ("À Nantes (Réso Villes, …) :")."""
    match = _LEAD_IN.search(answer.strip())
    return entities(f"x {match.group('lead')}") if match else []


def condense(question: str, history: Sequence[Sequence[str]]) -> str:
    """The question to retrieve with: the question itself, or rewritten from earlier turns."""
    question = question.strip()
    if not history or not is_follow_up(question):
        return question
    own = entities(question)
    own_folded = {w.lower() for w in own}
    previous, carried = "", []
    for turn in reversed(history):
        text = turn[0] if turn else ""
        carried = [e for e in entities(text) if e.lower() not in own_folded]
        if carried or not previous:
            previous = text
        if carried:
            break
    if not carried and history[-1] and len(history[-1]) > 1:
        carried = [e for e in _lead_in_entities(history[-1][1]) if e.lower() not in own_folded]
    own_stems = {t for e in own for t in analyse(e)}
    opener = _FOLLOW_UP_START.sub("", question)  # "Et à", "What about": no topic of their own
    own_topic = [t for t in key_terms(re.sub(r"^\s*(?:à|au|aux|en|dans|pour|about|for|in)\b", "", opener.strip()))
                 if t not in own_stems]
    replaced = _replaceable(previous, carried) if own else None
    if replaced and not own_topic:
        # "Et à Grenoble ?": the previous question, asked about what the new turn names
        return previous.replace(replaced, " et ".join(own), 1).strip()
    if replaced:
        carried = [c for c in carried if c != replaced]
    stems = set(key_terms(question))
    topic = [w for w in tokens(previous) if w not in {c.lower() for c in carried} and key_terms(w)
             and key_terms(w)[0] not in stems and w.lower() not in {r.lower() for r in (replaced or "").split()}]
    context = list(dict.fromkeys(carried + topic))[:MAX_CONTEXT_WORDS]
    return f"{question} ({', '.join(context)})" if context else question
