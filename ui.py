"""Quartiers' web app (Gradio): chat with sources, filters, précédents and documents.

Layout and wiring only. Answers come from ``assistant`` (through ``quartiers.web``), exactly as for the CLI.
Run ``quartiers ui`` or ``python ui.py``.
"""

from __future__ import annotations

import os
import sys
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before gradio is imported: no analytics calls
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import gradio as gr

from quartiers.settings import Settings
from quartiers.web.chat import Chat
from quartiers.web.library import (
    ALL_DOCUMENTS,
    ALL_REGIONS,
    DOCUMENT_COLUMNS,
    INITIATIVE_COLUMNS,
    INITIATIVE_WIDTHS,
    Library,
)
from quartiers.web.service import Service
from quartiers.web.theme import CSS, HEAD

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
EXAMPLE = "Comment Nantes a-t-elle organisé l'aide alimentaire ?"


def build_app(service: Service) -> gr.Blocks:
    chat, library = Chat(service), Library(service)
    # Behind a login, the page an unauthenticated client fetches must name no document, region or centre:
    # the lists start empty and are filled by the page's load event, which only a logged-in client runs.
    private = bool(service.settings.ui_user and service.settings.ui_password)
    choices = {"source": [], "region": [], "resource_centre": []} if private else service.filter_choices()
    region_choices = [ALL_REGIONS] if private else library.regions()
    source_choices = [ALL_DOCUMENTS] if private else library.sources()
    with gr.Blocks(title="Quartiers — assistant documentaire", analytics_enabled=False) as app:
        answers = gr.State([])  # one Answer per assistant turn of this conversation
        selected = gr.State(-1)  # the turn whose sources are shown
        shown = gr.State([])  # initiatives behind the rows of the Précédents table
        chosen = gr.State(None)  # the initiative selected in that table
        gr.Markdown("# Quartiers\nAssistant documentaire sur la politique de la ville : chaque réponse cite "
                    "les passages, pages et sections dont elle provient.", elem_id="intro")
        with gr.Tabs() as tabs:
            with gr.Tab("Discussion", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    conversation = gr.Chatbot(label="Conversation", height=470, buttons=["copy"],
                                              elem_id="conversation", placeholder=f"Par exemple : {EXAMPLE}")
                    question = gr.Textbox(label="Votre question", placeholder=EXAMPLE, elem_id="question",
                                          max_lines=4)
                    with gr.Row():
                        send = gr.Button("Envoyer", variant="primary", elem_id="send")
                        restart = gr.Button("Nouvelle conversation", elem_id="restart")
                    answerer = gr.Radio(
                        [("Citations extraites des documents", "extractive"),
                         ("Synthèse rédigée par le modèle de langue, vérifiée phrase à phrase", "llm")],
                        value="extractive", label="Mode de réponse", visible=service.llm_configured,
                        elem_id="answerer")
                    vote_note = gr.Markdown(elem_id="vote-note")
                    with gr.Accordion("Filtres (pour les prochaines questions)", open=False, elem_id="filters"):
                        f_source = gr.Dropdown(choices["source"], label="Document", multiselect=True,
                                               elem_id="filter-source")
                        f_region = gr.Dropdown(choices["region"], label="Région", multiselect=True,
                                               elem_id="filter-region")
                        f_centre = gr.Dropdown(choices["resource_centre"], label="Centre de ressources",
                                               multiselect=True, elem_id="filter-centre")
                    with gr.Accordion("Exporter la réponse sélectionnée", open=False, elem_id="export"):
                        export_text = gr.Textbox(label="Réponse et références (Markdown)", lines=6,
                                                 buttons=["copy"], interactive=False, elem_id="export-text")
                        export_file = gr.DownloadButton("Télécharger en Markdown (.md)", elem_id="export-file")
                with gr.Column(scale=2, min_width=320):
                    sources = gr.HTML(chat.panel([], -1), elem_id="sources", label="Sources")
            with gr.Tab("Précédents", id="precedents"):
                with gr.Row():
                    search = gr.Textbox(label="Rechercher (thème, lieu, titre, centre de ressources)", scale=3,
                                        elem_id="precedents-search")
                    theme = gr.Dropdown(library.themes(), value=library.themes()[0], label="Thème", scale=1,
                                        elem_id="precedents-theme")
                    region = gr.Dropdown(region_choices, value=ALL_REGIONS, label="Région", scale=1,
                                         elem_id="precedents-region")
                    source = gr.Dropdown(source_choices, value=ALL_DOCUMENTS, label="Document", scale=1,
                                         elem_id="precedents-source")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=640):
                        table = gr.Dataframe(headers=INITIATIVE_COLUMNS, interactive=False, wrap=True,
                                             column_widths=INITIATIVE_WIDTHS, elem_id="initiatives",
                                             label="Initiatives du corpus (cliquez sur une ligne pour lire ses "
                                                   "passages)")
                        ask_about = gr.Button("Interroger l'assistant sur cette initiative", elem_id="ask-initiative")
                        initiative_text = gr.HTML(library.initiative([], -1, chat.pdf_link)[0],
                                                  elem_id="initiative-passages")
                    with gr.Column(scale=1, min_width=300):
                        chart = gr.HTML(elem_id="precedents-chart", label="Répartition")
                        with gr.Accordion("Note de précédents (dossier)", open=False, elem_id="dossier"):
                            picked = gr.CheckboxGroup([], label="Initiatives du dossier", elem_id="dossier-choice")
                            make_dossier = gr.Button("Préparer la note (Markdown et Word)", elem_id="dossier-make")
                            dossier_text = gr.Textbox(label="Note de précédents (Markdown)", lines=8,
                                                      buttons=["copy"], interactive=False, elem_id="dossier-text")
                            dossier_files = gr.File(label="Télécharger la note (.md, .docx)", file_count="multiple",
                                                    interactive=False, elem_id="dossier-files")
            with gr.Tab("Documents", id="documents"):
                documents = gr.Dataframe(headers=DOCUMENT_COLUMNS, interactive=False, wrap=True, elem_id="documents",
                                         label="Documents dans la base")
                with gr.Row(equal_height=False):
                    with gr.Column():
                        uploads = gr.File(label="Ajouter des documents (PDF, Markdown ou texte, "
                                          f"{service.settings.upload_max_mb} Mo au plus)", file_count="multiple",
                                          file_types=[".pdf", ".md", ".markdown", ".txt"], elem_id="upload")
                        ingest = gr.Button("Indexer ces fichiers", variant="primary", elem_id="ingest")
                    with gr.Column():
                        to_remove = gr.Dropdown(choices["source"], label="Document à retirer", elem_id="remove-choice")
                        remove = gr.Button("Retirer ce document de la base", variant="stop", elem_id="remove")
                status = gr.Markdown(elem_id="documents-status")

        ask_inputs = [question, conversation, answers, f_source, f_region, f_centre, answerer]
        ask_outputs = [question, conversation, answers, sources, selected]
        send.click(chat.respond, ask_inputs, ask_outputs)
        question.submit(chat.respond, ask_inputs, ask_outputs)
        restart.click(lambda: ([], [], chat.panel([], -1), -1, ""), None,
                      [conversation, answers, sources, selected, vote_note])

        def select_turn(turns: list[Any], event: gr.SelectData) -> tuple[str, int]:
            return chat.select(turns, event.index)

        def vote(turns: list[Any], event: gr.LikeData) -> str:
            return chat.vote(turns, event.index, event.liked)

        conversation.select(select_turn, [answers], [sources, selected])
        conversation.like(vote, [answers], [vote_note])
        selected.change(chat.export, [answers, selected], [export_text, export_file])

        explorer = [search, region, theme, source]
        explored = [table, shown, chart, picked]

        def refresh_tables(query: str, area: str, topic: str, document: str) -> tuple[Any, ...]:
            fresh = service.filter_choices()
            return (*library.explore(query, area, topic, document), library.documents(),
                    gr.Dropdown(choices=fresh["source"], value=None), gr.Dropdown(choices=fresh["source"]),
                    gr.Dropdown(choices=fresh["region"]), gr.Dropdown(choices=fresh["resource_centre"]),
                    gr.Dropdown(choices=library.regions()), gr.Dropdown(choices=library.sources()))

        tables = [*explored, documents, to_remove, f_source, f_region, f_centre, region, source]
        app.load(refresh_tables, explorer, tables)
        search.submit(library.explore, explorer, explored)
        for control in (region, theme, source):
            control.change(library.explore, explorer, explored)
        make_dossier.click(library.dossier, [shown, picked, search], [dossier_text, dossier_files])

        def pick(behind: list[Any], event: gr.SelectData) -> tuple[str, Any]:
            return library.initiative(behind, event.index, chat.pdf_link)

        table.select(pick, [shown], [initiative_text, chosen])

        def about(initiative: dict[str, Any] | None, messages: Any, turns: Any, mode: str) -> Any:
            if initiative is None:
                yield "", messages, turns, gr.skip(), gr.skip(), gr.Tabs(selected="precedents")
                return
            prompt = f"Que retenir de l'initiative « {initiative['title']} » ?"
            filters = {"initiative": [initiative["initiative_id"]]}
            for update in chat.respond(prompt, messages, turns, None, None, None, mode, extra=filters):
                yield (*update, gr.Tabs(selected="chat"))

        ask_about.click(about, [chosen, conversation, answers, answerer], [*ask_outputs, tabs])

        ingest.click(library.upload, [uploads], [status], concurrency_id="store-writes", concurrency_limit=1).then(
            lambda: None, None, [uploads]).then(refresh_tables, explorer, tables)
        remove.click(library.remove, [to_remove], [status], concurrency_id="store-writes", concurrency_limit=1).then(
            refresh_tables, explorer, tables)
    return app


def credentials(settings: Settings, host: str) -> tuple[str, str] | None:
    """Beyond loopback the app must not be open to anyone who can reach the port."""
    if settings.ui_user and settings.ui_password:
        return settings.ui_user, settings.ui_password.get_secret_value()
    if host not in LOOPBACK:
        raise SystemExit(f"Refus de démarrer : l'interface écouterait sur {host}, au-delà de cette machine. "
                         "Définissez QUARTIERS_UI_USER et QUARTIERS_UI_PASSWORD, ou gardez --host 127.0.0.1.")
    return None


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    auth = credentials(settings, host)
    service = Service(settings)
    if service.ensure_corpus(progress=True) is not None:
        print("Corpus fourni indexé.", file=sys.stderr)
    service.warm()
    app = build_app(service)
    from quartiers.api import build_api, run

    # One process, one port: the API (/v1, /mcp: same assistant, its own key rule) with the web app mounted on it.
    api = build_api(service, host)
    print(f"Quartiers : http://{host}:{port} (API : /v1, MCP : /mcp)", file=sys.stderr, flush=True)
    gr.mount_gradio_app(
        api, app.queue(default_concurrency_limit=4), path="/", server_name=host, server_port=port, auth=auth,
        auth_message="Quartiers : identifiez-vous.", allowed_paths=[str(service.store.documents_folder)],
        max_file_size=f"{settings.upload_max_mb}mb", show_error=True, css=CSS, head=HEAD, footer_links=[],
        ssr_mode=False)
    run(api, host, port)


if __name__ == "__main__":
    from quartiers.cli import main

    raise SystemExit(main(["ui", *sys.argv[1:]]))
