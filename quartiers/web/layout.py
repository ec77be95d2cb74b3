"""The web app's layout: one builder per tab (Discussion, Précédents, Documents) returning its controls,
and ``build_app`` placing them and handing them to ``quartiers.web.events`` for wiring. Layout only: what
a control does is ``Chat``'s, ``Library``'s or ``Service``'s.

Element ids (``elem_id``) are what the browser tests and the page's script find controls by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from quartiers.web import events
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

EXAMPLE = "Comment Nantes a-t-elle organisé l'aide alimentaire ?"
MODES = [("Citations extraites des documents", "extractive"),
         ("Synthèse rédigée par le modèle de langue, vérifiée phrase à phrase", "llm")]


@dataclass
class ChatTab:
    conversation: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    restart: gr.Button
    answerer: gr.Radio
    vote_note: gr.Markdown
    f_source: gr.Dropdown
    f_region: gr.Dropdown
    f_centre: gr.Dropdown
    export_text: gr.Textbox
    export_file: gr.DownloadButton
    sources: gr.HTML


@dataclass
class PrecedentsTab:
    search: gr.Textbox
    theme: gr.Dropdown
    region: gr.Dropdown
    source: gr.Dropdown
    table: gr.Dataframe
    ask_about: gr.Button
    initiative_text: gr.HTML
    chart: gr.HTML
    picked: gr.CheckboxGroup
    make_dossier: gr.Button
    dossier_text: gr.Textbox
    dossier_files: gr.File


@dataclass
class DocumentsTab:
    documents: gr.Dataframe
    uploads: gr.File
    ingest: gr.Button
    to_remove: gr.Dropdown
    remove: gr.Button
    confirm_box: gr.Group
    confirm_text: gr.Markdown
    confirm: gr.Button
    cancel: gr.Button
    status: gr.Markdown


def chat_tab(chat: Chat, choices: dict[str, list[str]], llm_configured: bool) -> ChatTab:
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=420):
            conversation = gr.Chatbot(label="Conversation", height=470, buttons=["copy"], elem_id="conversation",
                                      placeholder=f"Par exemple : {EXAMPLE}")
            question = gr.Textbox(label="Votre question", placeholder=EXAMPLE, elem_id="question", max_lines=4)
            with gr.Row():
                send = gr.Button("Envoyer", variant="primary", elem_id="send")
                restart = gr.Button("Nouvelle conversation", elem_id="restart")
            answerer = gr.Radio(MODES, value="extractive", label="Mode de réponse", visible=llm_configured,
                                elem_id="answerer")
            vote_note = gr.Markdown(elem_id="vote-note")
            with gr.Accordion("Filtres (pour les prochaines questions)", open=False, elem_id="filters"):
                f_source = gr.Dropdown(choices["source"], label="Document", multiselect=True, elem_id="filter-source")
                f_region = gr.Dropdown(choices["region"], label="Région", multiselect=True, elem_id="filter-region")
                f_centre = gr.Dropdown(choices["resource_centre"], label="Centre de ressources", multiselect=True,
                                       elem_id="filter-centre")
            with gr.Accordion("Exporter la réponse sélectionnée", open=False, elem_id="export"):
                export_text = gr.Textbox(label="Réponse et références (Markdown)", lines=6, buttons=["copy"],
                                         interactive=False, elem_id="export-text")
                export_file = gr.DownloadButton("Télécharger en Markdown (.md)", elem_id="export-file")
        with gr.Column(scale=2, min_width=320):
            sources = gr.HTML(chat.panel([], -1), elem_id="sources", label="Sources")
    return ChatTab(conversation, question, send, restart, answerer, vote_note, f_source, f_region, f_centre,
                   export_text, export_file, sources)


def precedents_tab(library: Library, chat: Chat, regions: list[str], sources: list[str]) -> PrecedentsTab:
    with gr.Row():
        search = gr.Textbox(label="Rechercher (thème, lieu, titre, centre de ressources)", scale=3,
                            elem_id="precedents-search")
        theme = gr.Dropdown(library.themes(), value=library.themes()[0], label="Thème", scale=1,
                            elem_id="precedents-theme")
        region = gr.Dropdown(regions, value=ALL_REGIONS, label="Région", scale=1, elem_id="precedents-region")
        source = gr.Dropdown(sources, value=ALL_DOCUMENTS, label="Document", scale=1, elem_id="precedents-source")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=640):
            table = gr.Dataframe(headers=INITIATIVE_COLUMNS, interactive=False, wrap=True,
                                 column_widths=INITIATIVE_WIDTHS, elem_id="initiatives",
                                 label="Initiatives du corpus (cliquez sur une ligne pour lire ses passages)")
            ask_about = gr.Button("Interroger l'assistant sur cette initiative", elem_id="ask-initiative")
            initiative_text = gr.HTML(library.initiative([], -1, chat.pdf_link)[0], elem_id="initiative-passages")
        with gr.Column(scale=1, min_width=300):
            chart = gr.HTML(elem_id="precedents-chart", label="Répartition")
            with gr.Accordion("Note de précédents (dossier)", open=False, elem_id="dossier"):
                picked = gr.CheckboxGroup([], label="Initiatives du dossier", elem_id="dossier-choice")
                make_dossier = gr.Button("Préparer la note (Markdown et Word)", elem_id="dossier-make")
                dossier_text = gr.Textbox(label="Note de précédents (Markdown)", lines=8, buttons=["copy"],
                                          interactive=False, elem_id="dossier-text")
                dossier_files = gr.File(label="Télécharger la note (.md, .docx)", file_count="multiple",
                                        interactive=False, elem_id="dossier-files")
    return PrecedentsTab(search, theme, region, source, table, ask_about, initiative_text, chart, picked,
                         make_dossier, dossier_text, dossier_files)


def documents_tab(upload_max_mb: int, sources: list[str]) -> DocumentsTab:
    documents = gr.Dataframe(headers=DOCUMENT_COLUMNS, interactive=False, wrap=True, elem_id="documents",
                             label="Documents dans la base")
    with gr.Row(equal_height=False):
        with gr.Column():
            uploads = gr.File(label=f"Ajouter des documents (PDF, Markdown ou texte, {upload_max_mb} Mo au plus)",
                              file_count="multiple", file_types=[".pdf", ".md", ".markdown", ".txt"],
                              elem_id="upload")
            ingest = gr.Button("Indexer ces fichiers", variant="primary", elem_id="ingest")
        with gr.Column():
            to_remove = gr.Dropdown(sources, label="Document à retirer", elem_id="remove-choice")
            remove = gr.Button("Retirer ce document de la base", variant="stop", elem_id="remove")
            # A removal cannot be undone (the file must be indexed again): it is asked for twice.
            with gr.Group(visible=False, elem_id="remove-confirm") as confirm_box:
                confirm_text = gr.Markdown(elem_id="remove-question")
                with gr.Row():
                    confirm = gr.Button("Oui, retirer définitivement", variant="stop", elem_id="remove-yes")
                    cancel = gr.Button("Annuler", elem_id="remove-no")
    status = gr.Markdown(elem_id="documents-status")
    return DocumentsTab(documents, uploads, ingest, to_remove, remove, confirm_box, confirm_text, confirm, cancel,
                        status)


def build_app(service: Service) -> gr.Blocks:
    chat, library = Chat(service), Library(service)
    # Behind a login, the page an unauthenticated client fetches must name no document, region or centre:
    # the lists start empty and are filled by the page's load event, which only a logged-in client runs.
    private = bool(service.settings.ui_user and service.settings.ui_password)
    choices: dict[str, Any] = ({"source": [], "region": [], "resource_centre": []} if private
                               else service.filter_choices())
    regions = [ALL_REGIONS] if private else library.regions()
    sources = [ALL_DOCUMENTS] if private else library.sources()
    with gr.Blocks(title="Quartiers — assistant documentaire", analytics_enabled=False) as app:
        gr.Markdown("# Quartiers\nAssistant documentaire sur la politique de la ville : chaque réponse cite "
                    "les passages, pages et sections dont elle provient.", elem_id="intro")
        with gr.Tabs() as tabs:
            with gr.Tab("Discussion", id="chat"):
                talk = chat_tab(chat, choices, service.llm_configured)
            with gr.Tab("Précédents", id="precedents"):
                explore = precedents_tab(library, chat, regions, sources)
            with gr.Tab("Documents", id="documents"):
                docs = documents_tab(service.settings.upload_max_mb, choices["source"])
        events.wire(app, tabs, chat, library, talk, explore, docs)
    return app
