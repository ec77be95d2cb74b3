"""What a question request may hold, checked before the assistant sees it: the CLI (``ask``, ``ask -``,
``chat``) reads every request through here, so a blank, over-long or ill-typed one is a usage error with a
French message instead of an answer to the wrong question (``None``) or minutes of work.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from vectorstore.retriever import FILTER_KEYS

MAX_LINE_CHARS = 200_000  # an ``ask -`` line longer than this is refused before it is parsed


class RequestError(ValueError):
    """A request that cannot be answered as it is; the message is French and says what to change."""


def question_from(value: Any, max_chars: int) -> str:
    if not isinstance(value, str):
        raise RequestError("« question » doit être un texte")
    question = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in "\n\t").strip()
    if not question:
        raise RequestError("question vide : posez une question en toutes lettres")
    if len(question) > max_chars:
        raise RequestError(f"question trop longue ({len(question)} caractères, au plus {max_chars} ; "
                           "réglage QUARTIERS_MAX_QUESTION_CHARS)")
    return question


def history_from(value: Any) -> list[list[str]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(turn, list) and len(turn) == 2 and all(isinstance(t, str) for t in turn) for turn in value
    ):
        raise RequestError("« history » doit être une liste de paires [question, réponse]")
    return value


def filters_from(value: Any) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RequestError("« filters » doit être un objet {clé: valeur ou liste de valeurs}")
    filters: dict[str, list[str]] = {}
    for key, values in value.items():
        if key not in FILTER_KEYS:
            raise RequestError(f"filtre « {key} » inconnu : clés possibles {', '.join(FILTER_KEYS)}")
        listed = [values] if isinstance(values, str) else values
        if not isinstance(listed, list) or not listed or not all(isinstance(v, str) and v.strip() for v in listed):
            raise RequestError(f"filtre « {key} » : une valeur ou une liste de valeurs non vides")
        filters[key] = [v.strip() for v in listed]
    return filters
