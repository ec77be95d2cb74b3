"""Commands that answer: ask (one question, or JSON lines with ``ask -``) and chat (a terminal conversation)."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from quartiers.output import emit
from quartiers.results import innermost_heading
from quartiers.settings import Settings

if TYPE_CHECKING:
    from assistant import Answer, Assistant


def _assistant(settings: Settings, answerer: str) -> Assistant:
    from quartiers.components import build_assistant

    return build_assistant(settings, answerer)


def render(answer: Answer, body: bool = True) -> str:
    """The answer, then its numbered references (title, page, section) for the terminal."""
    lines = [textwrap.fill(p, 100) for p in answer.answer.split("\n\n")] if body else []
    for citation in answer.citations:
        page = f", p. {citation.page}" if citation.page else ""
        lines.append(f"  [{citation.n}] {citation.title}{page} — {innermost_heading(citation.section)}")
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
    from quartiers.requests import RequestError, question_from
    from vectorstore.retriever import parse_filters

    filters = parse_filters(args.filter)
    if args.question != "-":
        try:
            question = question_from(args.question, settings.max_question_chars)
        except RequestError as error:
            return usage_error(args, str(error))
        assistant = _assistant(settings, args.answerer)
        assistant.check_filters(filters)
        if args.json:
            answer = assistant.answer(question, filters=filters)
            emit(args, answer.to_json(), render(answer))
        else:
            stream_to_terminal(assistant, question, filters=filters)
        return 0
    assistant = _assistant(settings, args.answerer)
    for line in sys.stdin:  # JSON lines in, JSON lines out; a bad line is answered by an error, not fatal
        if line.strip():
            print(json.dumps(_answer_line(assistant, line, filters, settings), ensure_ascii=False), flush=True)
    return 0


def _answer_line(assistant: Assistant, line: str, filters: dict[str, list[str]], settings: Settings) -> dict[str, Any]:
    from quartiers.requests import MAX_LINE_CHARS, RequestError, filters_from, history_from, question_from

    try:
        if len(line) > MAX_LINE_CHARS:
            raise RequestError(f"ligne trop longue ({len(line)} caractères, au plus {MAX_LINE_CHARS})")
        try:
            request = json.loads(line)
        except (ValueError, RecursionError) as error:
            raise RequestError("ligne illisible : un objet JSON par ligne est attendu, "
                               '{"question": "...", "history": [...], "filters": {...}}') from error
        if not isinstance(request, dict):
            raise RequestError('un objet JSON est attendu, par exemple {"question": "..."}')
        question = question_from(request.get("question"), settings.max_question_chars)
        answer = assistant.answer(question, history=history_from(request.get("history")),
                                  filters={**filters, **filters_from(request.get("filters"))})
        return answer.to_json()
    except RequestError as error:
        return {"error": "requête invalide", "detail": str(error)}
    except Exception as error:  # the store went away (a stopped Chroma server): say so, go on with the next line
        return {"error": "la base n'a pas pu répondre", "detail": f"{type(error).__name__} : {error}"[:300]}


def usage_error(args: argparse.Namespace, message: str) -> int:
    if args.json:
        print(json.dumps({"error": message, "detail": None}, ensure_ascii=False))
    else:
        print(f"quartiers : erreur : {message}", file=sys.stderr)
    return 2


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
        if len(question) > settings.max_question_chars:
            print(f"Question trop longue (au plus {settings.max_question_chars} caractères).", file=sys.stderr)
            continue
        answer = stream_to_terminal(assistant, question, history)
        print()
        history.append([question, answer.answer])
    return 0
