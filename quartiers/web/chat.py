"""Chat-tab behaviour: ask (streamed through ``Assistant.stream``), select an answer, vote, export.

Each conversation keeps its answers (``Answer`` objects) in Gradio session state, one per assistant turn,
so the sources panel, feedback and export work on any earlier answer, and follow-ups get the history.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from quartiers.results import Answer
from quartiers.web import render
from quartiers.web.exports import export_folder
from quartiers.web.service import Service

Messages = list[dict[str, Any]]
WORKING = "*Recherche dans les documents…*"


class Chat:
    def __init__(self, service: Service) -> None:
        self.service = service

    def pdf_link(self, source: str, page: int | None) -> str | None:
        """The stored copy of a document, served by the app (only the store's documents folder is allowed)."""
        path = self.service.stored_file(source)
        if path is None:
            return None
        return f"/gradio_api/file={quote(str(path))}" + (f"#page={page}" if page else "")

    def filters(self, sources: list[str] | None, regions: list[str] | None,
                centres: list[str] | None) -> dict[str, list[str]]:
        chosen = {"source": sources or [], "region": regions or [], "resource_centre": centres or []}
        return {key: values for key, values in chosen.items() if values}

    def respond(self, question: str, messages: Messages, answers: list[Answer], sources: list[str] | None,
                regions: list[str] | None, centres: list[str] | None, answerer: str | None = "extractive",
                extra: dict[str, list[str]] | None = None) -> Iterator[tuple[Any, ...]]:
        """Yields (textbox, messages, answers, sources panel, selected turn) as the answer takes shape."""
        question = (question or "").strip()
        if not question:
            yield "", messages, answers, self.panel(answers, len(answers) - 1), len(answers) - 1
            return
        turn = len(answers)
        history = [[a.question, a.answer] for a in answers]
        working = render.pending_markdown([], turn) if answerer == "llm" else WORKING  # the model writes next
        messages = [*messages, {"role": "user", "content": render.text_only(question)},
                    {"role": "assistant", "content": working}]
        yield "", messages, answers, self.panel(answers, turn - 1), turn - 1
        filters = {**self.filters(sources, regions, centres), **(extra or {})}
        sentences: list[str] = []
        try:
            for event in self.service.assistant(answerer or "extractive").stream(question, history, filters):
                if isinstance(event, Answer):
                    answers = [*answers, event]
                    messages[-1] = {"role": "assistant", "content": render.answer_markdown(event, turn)}
                else:  # a verified sentence of a generated answer: shown as soon as it passed the check
                    sentences.append(event)
                    messages[-1] = {"role": "assistant", "content": render.pending_markdown(sentences, turn)}
                    yield "", messages, answers, self.panel(answers, turn - 1), turn - 1
        except Exception as error:  # the conversation goes on; the user sees what went wrong, in French
            messages[-1] = {"role": "assistant", "content": f"**Erreur :** {render.text_only(str(error))}"}
            yield question, messages, answers, self.panel(answers, turn - 1), turn - 1
            return
        yield "", messages, answers, self.panel(answers, turn), turn

    def about_initiative(self, initiative: dict[str, Any], messages: Messages, answers: list[Answer],
                         answerer: str | None) -> Iterator[tuple[Any, ...]]:
        """The Précédents tab's "ask about this initiative": a question on it, answered from its passages
        only (the initiative filter), in the conversation like any other."""
        prompt = f"Que retenir de l'initiative « {initiative['title']} » ?"
        filters = {"initiative": [initiative["initiative_id"]]}
        yield from self.respond(prompt, messages, answers, None, None, None, answerer, extra=filters)

    def panel(self, answers: list[Answer], turn: int) -> str:
        answer = answers[turn] if 0 <= turn < len(answers) else None
        return render.sources_html(answer, turn, self.pdf_link)

    def select(self, answers: list[Answer], index: Any) -> tuple[str, int]:
        """A click on a message shows that turn's sources (messages alternate question, answer)."""
        position = index[0] if isinstance(index, list | tuple) else int(index)
        turn = min(position // 2, len(answers) - 1)
        return self.panel(answers, turn), turn

    def vote(self, answers: list[Answer], index: Any, liked: bool | str) -> str:
        position = index[0] if isinstance(index, list | tuple) else int(index)
        turn = position // 2
        if not 0 <= turn < len(answers):
            return ""
        self.service.record_feedback(answers[turn], liked is True or liked == "Like")
        return "Merci : votre avis est enregistré et sera relu par l'équipe."

    def export(self, answers: list[Answer], turn: int) -> tuple[str, str | None]:
        """The selected answer as Markdown, shown for copying and written to a file for download."""
        if not 0 <= turn < len(answers):
            return "", None
        text = render.export_markdown(answers[turn])
        path = export_folder(text) / f"reponse-{turn + 1}.md"  # the same answer twice: the same file
        path.write_text(text, encoding="utf-8")
        return text, str(path)
