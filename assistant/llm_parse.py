"""Sentences out of a streamed model answer, each as soon as it is complete.

Two shapes: a JSON object ``{"phrases": [{"texte": ..., "passages": [1, 3]}]}`` (JSON-schema output,
the ids attached in code), or plain text whose sentences end with ``[n]`` markers (endpoints that
refuse JSON schemas). Neither parser trusts what it reads: the verification decides what is shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from assistant.llm_client import LLMError
from assistant.support import MAX_CHARS, Draft

MAX_SENTENCES = 4
# MAX_CHARS bounds a small model's degenerate strings ("1234567890...") by grammar, not by timeout


def response_format(passages: int) -> dict[str, Any]:
    """The JSON schema of an answer: sentences, each with the numbers of the passages it rests on.

    Ids are an enum of the numbers shown, so a constrained decoder cannot even write an unknown one.
    """
    schema = {
        "type": "object",
        "properties": {"phrases": {"type": "array", "maxItems": MAX_SENTENCES, "items": {
            "type": "object",
            "properties": {"texte": {"type": "string", "minLength": 10, "maxLength": MAX_CHARS},
                           "passages": {"type": "array", "minItems": 1, "maxItems": 3,
                                        "items": {"type": "integer", "enum": list(range(1, passages + 1))}}},
            "required": ["texte", "passages"], "additionalProperties": False}}},
        "required": ["phrases"], "additionalProperties": False,
    }
    return {"type": "json_schema", "json_schema": {"name": "reponse", "strict": True, "schema": schema}}


_START = re.compile(r'"phrases"\s*:\s*\[')
_SEPARATORS = re.compile(r"[\s,]*")


def _draft(item: Any) -> Draft | None:
    if not isinstance(item, dict) or not isinstance(item.get("texte"), str):
        return None
    ids = item.get("passages")
    ids = ids if isinstance(ids, list) else [ids]
    return Draft(item["texte"], [i for i in ids if isinstance(i, int) and not isinstance(i, bool)])


def json_drafts(chunks: Iterable[str]) -> Iterator[Draft]:
    """Each element of the ``phrases`` array, decoded as soon as its closing brace has arrived."""
    decoder = json.JSONDecoder()
    buffer, position, finished, seen = "", -1, False, 0
    for chunk in chunks:
        buffer += chunk
        if position < 0:
            start = _START.search(buffer)
            if not start:
                continue
            position = start.end()
        while not finished:
            at = _SEPARATORS.match(buffer, position).end()  # type: ignore[union-attr]
            if at >= len(buffer):
                break
            if buffer[at] == "]":
                finished = True
                break
            try:
                item, position = decoder.raw_decode(buffer, at)
            except json.JSONDecodeError:
                break  # incomplete: wait for the next chunk
            seen += 1
            draft = _draft(item)
            if draft is not None:
                yield draft
    if position < 0 or (not finished and not seen):
        raise LLMError("réponse illisible")


_END = re.compile(r"[.!?…](?:\s*\[[\d,\s]+\])*(?=\s)|(?:\[[\d,\s]+\])+\s*[.!?…]?(?=\s)")


def _marked(sentence: str) -> Draft | None:
    text = sentence.strip()
    if not text:
        return None
    ids = [int(n) for group in re.findall(r"\[([\d,\s]+)\]", text) for n in re.findall(r"\d+", group)]
    return Draft(text, ids)


def marker_drafts(chunks: Iterable[str]) -> Iterator[Draft]:
    """Sentences of plain text, each with the numbers of its ``[n]`` markers (none: nothing supports it)."""
    buffer = ""
    for chunk in chunks:
        buffer += chunk
        while (end := _END.search(buffer)) is not None:
            draft = _marked(buffer[: end.end()])
            buffer = buffer[end.end() :]
            if draft:
                yield draft
    draft = _marked(buffer)
    if draft:
        yield draft
