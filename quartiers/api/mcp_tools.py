"""The MCP server (the ``mcp`` package, streamable HTTP at ``/mcp``): ``ask``, ``retrieve`` and
``precedents`` as tools, typed and described in French, returning the JSON of ``quartiers ask / retrieve /
precedents --json``. Same assistant, same worker slots and same key rule as the chat endpoint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from anyio import to_thread
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from quartiers.api.chat import clean_filters, clean_question
from quartiers.api.corpora import Corpora
from quartiers.api.errors import ApiError
from vectorstore import StoreError
from vectorstore.retriever import FilterError

T = TypeVar("T")
Filters = Annotated[
    dict[str, list[str]] | None,
    Field(description="Filtres facultatifs : clés source, region, resource_centre ou initiative ; plusieurs "
          "valeurs pour une clé veulent dire l'une ou l'autre (casse, accents et tirets ignorés). "
          'Exemple : {"region": ["Occitanie"]}'),
]
INSTRUCTIONS = ("Assistant documentaire sur la politique de la ville : réponses citées mot pour mot, avec page et "
                "section, vérifiées contre les passages ; il dit quand les documents ne répondent pas.")


def build_mcp(corpora: Corpora) -> MCPServer:
    server = MCPServer("quartiers", instructions=INSTRUCTIONS)

    async def run(work: Callable[..., T], *args: Any) -> T:
        corpora.check_capacity()
        try:
            async with corpora.slots:
                return await to_thread.run_sync(work, *args)
        except (StoreError, FilterError, ApiError) as error:
            raise ToolError(getattr(error, "message", str(error))) from error  # the text the client reads

    def filters_of(filters: dict[str, list[str]] | None) -> dict[str, list[str]]:
        try:
            return clean_filters(filters)
        except ApiError as error:
            raise ToolError(error.message) from error

    @server.tool(description="Répond à une question à partir des documents indexés, chaque affirmation suivie de "
                 "[n] renvoyant à une citation mot pour mot (document, page, section). Renvoie le JSON de "
                 "« quartiers ask --json » : answer, citations, refused (vrai quand les documents ne répondent "
                 "pas), see_also, passages.")
    async def ask(
        question: Annotated[str, Field(min_length=1, description="La question, en français.")],
        history: Annotated[list[list[str]] | None, Field(
            description="Tours précédents de la conversation, [[question, réponse], ...], pour les questions "
            "de suivi (« Et combien de ménages ? »).")] = None,
        filters: Filters = None,
        answerer: Annotated[Literal["extractive", "llm"], Field(
            description="extractive (citations extraites, par défaut) ou llm (synthèse vérifiée phrase à "
            "phrase, si un modèle de langue est configuré).")] = "extractive",
    ) -> dict[str, Any]:
        chosen = filters_of(filters)
        service = corpora.default
        try:
            question = clean_question(question, service.settings.max_question_chars)
        except ApiError as error:
            raise ToolError(error.message) from error
        await run(corpora.check_ready, service, answerer)
        answer = await run(service.assistant(answerer).answer, question, history or [], chosen)
        return answer.to_json()

    @server.tool(description="Passages des documents les mieux classés pour une question (recherche hybride). "
                 "Renvoie le JSON de « quartiers retrieve --json » : question, passages (rang, document, page, "
                 "section, initiative, texte, score).")
    async def retrieve(
        question: Annotated[str, Field(min_length=1, description="La question ou les mots recherchés.")],
        k: Annotated[int, Field(ge=1, le=50, description="Nombre de passages (5 par défaut).")] = 5,
        filters: Filters = None,
    ) -> dict[str, Any]:
        chosen = filters_of(filters)
        passages = await run(corpora.default.retriever().search, question, k, chosen)
        return {"question": question, "passages": [p.to_json() for p in passages]}

    @server.tool(description="Initiatives du corpus correspondant à un thème, une par entrée, avec leur phrase "
                 "la plus pertinente. Renvoie le JSON de « quartiers precedents --json » : theme, initiatives "
                 "(titre, centre de ressources, région, lieu, document, pages, phrase, score).")
    async def precedents(
        theme: Annotated[str, Field(min_length=1, description="Le thème, par exemple « aide alimentaire ».")],
        k: Annotated[int, Field(ge=1, le=50, description="Nombre d'initiatives (10 par défaut).")] = 10,
        filters: Filters = None,
    ) -> dict[str, Any]:
        chosen = filters_of(filters)
        found = await run(corpora.default.precedents, theme, k, chosen)
        return {"theme": theme, "initiatives": [p.to_json() for p in found]}

    return server

