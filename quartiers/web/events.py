"""What each control of the web app triggers: the wiring between ``layout``'s controls and the
behaviour of ``Chat`` and ``Library``. Gradio's event data (``SelectData``, ``LikeData``) is unpacked
here so that the behaviour classes take plain values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import gradio as gr

from quartiers.web.chat import Chat
from quartiers.web.library import Library

if TYPE_CHECKING:
    from quartiers.web.layout import ChatTab, DocumentsTab, PrecedentsTab

WRITES: dict[str, Any] = {"concurrency_id": "store-writes", "concurrency_limit": 1}  # one store write at a time


def wire(app: gr.Blocks, tabs: gr.Tabs, chat: Chat, library: Library, talk: ChatTab, explore: PrecedentsTab,
         docs: DocumentsTab) -> None:
    answers = gr.State([])  # one Answer per assistant turn of this conversation
    selected = gr.State(-1)  # the turn whose sources are shown
    shown = gr.State([])  # initiatives behind the rows of the Précédents table
    chosen = gr.State(None)  # the initiative selected in that table

    ask_inputs = [talk.question, talk.conversation, answers, talk.f_source, talk.f_region, talk.f_centre,
                  talk.answerer]
    ask_outputs = [talk.question, talk.conversation, answers, talk.sources, selected]
    talk.send.click(chat.respond, ask_inputs, ask_outputs)
    talk.question.submit(chat.respond, ask_inputs, ask_outputs)
    talk.restart.click(lambda: ([], [], chat.panel([], -1), -1, ""), None,
                       [talk.conversation, answers, talk.sources, selected, talk.vote_note])

    def select_turn(turns: list[Any], event: gr.SelectData) -> tuple[str, int]:
        return chat.select(turns, event.index)

    def vote(turns: list[Any], event: gr.LikeData) -> str:
        return chat.vote(turns, event.index, event.liked)

    talk.conversation.select(select_turn, [answers], [talk.sources, selected])
    talk.conversation.like(vote, [answers], [talk.vote_note])
    selected.change(chat.export, [answers, selected], [talk.export_text, talk.export_file])

    explorer = [explore.search, explore.region, explore.theme, explore.source]
    explored = [explore.table, shown, explore.chart, explore.picked]

    def refresh_tables(query: str, area: str, topic: str, document: str) -> tuple[Any, ...]:
        """Everything a page load (or a store change) shows, from one summary of the store."""
        fresh = library.service.filter_choices()
        return (*library.explore(query, area, topic, document), library.documents(),
                gr.Dropdown(choices=fresh["source"], value=None), gr.Dropdown(choices=fresh["source"]),
                gr.Dropdown(choices=fresh["region"]), gr.Dropdown(choices=fresh["resource_centre"]),
                gr.Dropdown(choices=library.regions()), gr.Dropdown(choices=library.sources()))

    tables = [*explored, docs.documents, docs.to_remove, talk.f_source, talk.f_region, talk.f_centre,
              explore.region, explore.source]
    app.load(refresh_tables, explorer, tables)
    explore.search.submit(library.explore, explorer, explored)
    for control in (explore.region, explore.theme, explore.source):
        control.change(library.explore, explorer, explored)
    explore.make_dossier.click(library.dossier, [shown, explore.picked, explore.search],
                               [explore.dossier_text, explore.dossier_files])

    def pick(behind: list[Any], event: gr.SelectData) -> tuple[str, Any]:
        return library.initiative(behind, event.index, chat.pdf_link)

    explore.table.select(pick, [shown], [explore.initiative_text, chosen])

    def about(initiative: dict[str, Any] | None, messages: Any, turns: Any, mode: str) -> Iterator[tuple[Any, ...]]:
        if initiative is None:
            yield "", messages, turns, gr.skip(), gr.skip(), gr.Tabs(selected="precedents")
            return
        for update in chat.about_initiative(initiative, messages, turns, mode):
            yield (*update, gr.Tabs(selected="chat"))

    explore.ask_about.click(about, [chosen, talk.conversation, answers, talk.answerer], [*ask_outputs, tabs])

    docs.ingest.click(library.upload, [docs.uploads], [docs.status], **WRITES).then(
        lambda: None, None, [docs.uploads]).then(refresh_tables, explorer, tables)

    def ask_removal(source: str | None) -> tuple[Any, str, str]:
        question, status = library.removal_question(source)
        return gr.Group(visible=question is not None), question or "", status

    def hide_question() -> Any:
        return gr.Group(visible=False)

    docs.remove.click(ask_removal, [docs.to_remove], [docs.confirm_box, docs.confirm_text, docs.status])
    docs.to_remove.change(hide_question, None, [docs.confirm_box])  # a question names the document it asks about
    docs.cancel.click(lambda: (gr.Group(visible=False), "Retrait annulé : le document reste dans la base."), None,
                      [docs.confirm_box, docs.status])
    docs.confirm.click(hide_question, None, [docs.confirm_box]).then(
        library.remove, [docs.to_remove], [docs.status], **WRITES).then(refresh_tables, explorer, tables)
