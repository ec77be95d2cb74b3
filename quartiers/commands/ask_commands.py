"""Commands that answer: ask (one question, or JSON lines with ``ask -``) and chat (a terminal conversation)."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from quartiers.output import emit
from quartiers.settings import Settings

if TYPE_CHECKING:
    from assistant import Answer, Assistant


def _assistant(settings: Settings, answerer: str) -> Assistant:
    from assistant import build_assistant
    from vectorstore import open_store

    return build_assistant(open_store(settings), settings, answerer)


def render(answer: Answer, body: bool = True) -> str:
    """The answer, then its numbered references (title, page, section) for the terminal."""
    lines = [textwrap.fill(p, 100) for p in answer.answer.split("\n\n")] if body else []
    for citation in answer.citations:
        page = f", p. {citation.page}" if citation.page else ""
        lines.append(f"  [{citation.n}] {citation.title}{page} — {citation.section.split(' > ')[-1]}")
    if answer.refused:
        for passage in answer.see_also:
            page = f", p. {passage.get('page')}" if passage.get("page") else ""
            lines.append(f"  Voir aussi : {passage.get('initiative') or passage.get('section')}{page}")
    return "\n".join(lines)


def stream_to_terminal(assistant: Assistant, question: str, history: list[list[str]] | None = None,
                       filters: dict[str, list[str]] | None = None) -> Answer:
    """Print each verified sentence as soon as it is ready (an indicator on stderr meanwhile), then the
    references; an answer that was not streamed (extractive, refusal, fallback) is printed whole."""
    from assistant import Answer

    if assistant.llm is not None:
        print("rédaction en cours…", file=sys.stderr, flush=True)
    streamed = False
    for event in assistant.stream(question, history, filters):
        if isinstance(event, Answer):
            print(render(event, body=not streamed), flush=True)
            if event.fallback:
                print(f"Note : {event.fallback}", file=sys.stderr, flush=True)
            return event
        print(event, flush=True)
        streamed = True
    raise AssertionError("Assistant.stream ends with the Answer")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from vectorstore.retriever import parse_filters

    filters = parse_filters(args.filter)
    assistant = _assistant(settings, args.answerer)
    if args.question != "-":
        if args.json:
            answer = assistant.answer(args.question, filters=filters)
            emit(args, answer.to_json(), render(answer))
        else:
            stream_to_terminal(assistant, args.question, filters=filters)
        return 0
    for line in sys.stdin:  # JSON lines in, JSON lines out
        if not line.strip():
            continue
        try:
            request: dict[str, Any] = json.loads(line)
            answer = assistant.answer(str(request["question"]), history=request.get("history") or [],
                                      filters={**filters, **(request.get("filters") or {})})
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        except (ValueError, KeyError, TypeError) as error:
            print(json.dumps({"error": "requête invalide", "detail": str(error)}, ensure_ascii=False), flush=True)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _assistant(settings, args.answerer)
    history: list[list[str]] = []
    print("Posez vos questions sur le corpus (ligne vide ou Ctrl-D pour quitter).")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            break
        if not question:
            break
        answer = stream_to_terminal(assistant, question, history)
        print()
        history.append([question, answer.answer])
    return 0
