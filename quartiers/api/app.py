"""The FastAPI app: the OpenAI-compatible routes, the MCP server at ``/mcp`` and the key rule, over one
``Service`` (the web app's, when ``quartiers ui`` mounts Gradio on this app: one process, one port)."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from quartiers.api.auth import KeyMiddleware, KeyRule
from quartiers.api.corpora import Corpora
from quartiers.api.errors import ApiError, api_error_handler, validation_handler
from quartiers.api.mcp_tools import build_mcp
from quartiers.api.routes import build_router
from quartiers.web.service import Service


def build_api(service: Service, host: str) -> FastAPI:
    """The API for ``service``, guarded as the address it listens on requires (``auth.KeyRule``)."""
    secret = service.settings.api_key
    rule = KeyRule.for_host(secret.get_secret_value() if secret else None, host)
    if rule.required and rule.key is None:
        print(f"Note : API et MCP désactivés (réponse 401) : le serveur écoute sur {host} et QUARTIERS_API_KEY "
              "n'est pas définie.", file=sys.stderr)
    corpora = Corpora(service)
    mcp = build_mcp(corpora)
    # Stateless JSON replies: any number of clients, nothing kept between calls, no session to lose.
    mcp_app = mcp.streamable_http_app(streamable_http_path="/mcp", stateless_http=True, json_response=True,
                                      host=host)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with mcp.session_manager.run():
            yield

    app = FastAPI(title="Quartiers", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.include_router(build_router(corpora))
    app.router.routes.extend(mcp_app.routes)  # /mcp itself, before anything mounted at "/" (the web app)
    app.add_middleware(KeyMiddleware, rule=rule)
    app.state.corpora, app.state.key_rule = corpora, rule
    return app


def run(app: FastAPI, host: str, port: int) -> None:
    """Serve until interrupted. Access logs are off: they would be the only trace of who asked what."""
    import uvicorn

    logging.getLogger("mcp").setLevel(logging.WARNING)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
