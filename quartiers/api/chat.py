"""The chat-completions request and reply, mapped onto ``Assistant``: ``messages`` become the question and
its history, ``quartiers`` (an extra body field) carries filters and the answerer, and the reply's message
carries the answer with its ``[n]`` plus ``citations`` (the objects of ``ask --json``, with a link to the
stored document at the cited page), ``refused`` and ``answerable``."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant import Answer
from quartiers.api.errors import ApiError
from quartiers.requests import RequestError, filters_from, question_from

Link = Callable[[str, int | None], str | None]


def clean_filters(raw: Mapping[str, str | Sequence[str]] | None) -> dict[str, list[str]]:
    """Known keys only (a typo must not silently widen the search); a value or a list of values. The rule
    is the CLI's (``quartiers.requests``); here it answers 400."""
    try:
        return filters_from(raw)
    except RequestError as error:
        raise ApiError(400, str(error), "invalid_filter", "quartiers.filters") from error


def clean_question(text: str, max_chars: int) -> str:
    """A question the assistant can answer: not blank, not beyond ``max_chars`` (the CLI's rule)."""
    try:
        return question_from(text, max_chars)
    except RequestError as error:
        raise ApiError(400, str(error), "invalid_messages", "messages") from error


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filters: dict[str, str | list[str]] = Field(default_factory=dict)
    answerer: Literal["extractive", "llm"] = "extractive"


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """A string, or the text parts of a multi-part content (images are not read)."""
        if isinstance(self.content, list):
            return "\n".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens...: accepted, not used
    model: str
    messages: list[Message] = Field(min_length=1)
    stream: bool = False
    quartiers: Options = Field(default_factory=Options)

    def filters(self) -> dict[str, list[str]]:
        return clean_filters(self.quartiers.filters)

    def conversation(self, max_chars: int) -> tuple[str, list[list[str]]]:
        """The last user message is the question; earlier user/assistant turns are its history (system
        prompts are ignored: the assistant's behaviour is not a prompt away)."""
        turns = [m for m in self.messages if m.role in ("user", "assistant")]
        if not turns or turns[-1].role != "user":
            raise ApiError(400, "le dernier message doit être celui de l'utilisateur (role « user »)",
                           "invalid_messages", "messages")
        question = clean_question(turns[-1].text(), max_chars)
        history: list[list[str]] = []
        pending: str | None = None
        for message in turns[:-1]:
            if message.role == "user":
                if pending is not None:
                    history.append([pending, ""])
                pending = message.text()
            elif pending is not None:
                history.append([pending, message.text()])
                pending = None
        if pending is not None:
            history.append([pending, ""])
        return question, history


def answer_fields(answer: Answer, link: Link) -> dict[str, Any]:
    """What the message carries beside its content."""
    citations = [asdict(c) | {"url": link(c.source, c.page)} for c in answer.citations]
    return {"citations": citations, "refused": answer.refused, "answerable": getattr(answer, "answerable", None),
            "answerer": answer.answerer, "fallback": answer.fallback,
            "rewritten_question": answer.rewritten_question,
            "see_also": [p.to_json() for p in answer.see_also]}


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def completion(answer: Answer, model: str, link: Link) -> dict[str, Any]:
    message = {"role": "assistant", "content": answer.answer, **answer_fields(answer, link)}
    return {"id": completion_id(), "object": "chat.completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}], "usage": None}


def chunk(cid: str, model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
