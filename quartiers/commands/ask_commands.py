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


def _assistant(settings: Settings) -> Assistant:
    from assistant import Assistant
    from vectorstore import open_store

    return Assistant(open_store(settings))


def render(answer: Answer) -> str:
    """The answer, then its numbered references (title, page, section) for the terminal."""
    lines = [textwrap.fill(p, 100) for p in answer.answer.split("\n\n")]
    for citation in answer.citations:
        page = f", p. {citation.page}" if citation.page else ""
        lines.append(f"  [{citation.n}] {citation.title}{page} — {citation.section.split(' > ')[-1]}")
    if answer.refused:
        for passage in answer.see_also:
            page = f", p. {passage.get('page')}" if passage.get("page") else ""
            lines.append(f"  Voir aussi : {passage.get('initiative') or passage.get('section')}{page}")
    return "\n".join(lines)


def _check_answerer(args: argparse.Namespace) -> str | None:
    if args.answerer != "extractive":
        return f"le répondeur « {args.answerer} » n'est pas encore disponible : réponse extractive"
    return None


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from vectorstore.retriever import parse_filters

    filters = parse_filters(args.filter)
    fallback = _check_answerer(args)
    assistant = _assistant(settings)
    if args.question != "-":
        answer = assistant.answer(args.question, filters=filters)
        answer.fallback = fallback
        emit(args, answer.to_json(), render(answer))
        return 0
    for line in sys.stdin:  # JSON lines in, JSON lines out
        if not line.strip():
            continue
        try:
            request: dict[str, Any] = json.loads(line)
            answer = assistant.answer(str(request["question"]), history=request.get("history") or [],
                                      filters={**filters, **(request.get("filters") or {})})
            answer.fallback = fallback
            print(json.dumps(answer.to_json(), ensure_ascii=False), flush=True)
        except (ValueError, KeyError, TypeError) as error:
            print(json.dumps({"error": "requête invalide", "detail": str(error)}, ensure_ascii=False), flush=True)
    return 0


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _assistant(settings)
    history: list[list[str]] = []
    print("Posez vos questions sur le corpus (ligne vide ou Ctrl-D pour quitter).")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            break
        if not question:
            break
        answer = assistant.answer(question, history=history)
        print(render(answer) + "\n")
        history.append([question, answer.answer])
    return 0
