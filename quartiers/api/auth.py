"""The key rule of the API and the MCP server: a bearer key (``QUARTIERS_API_KEY``) is required whenever the
server listens beyond loopback, and on loopback too when it is set. The web app's login is separate.

The key is compared in constant time and never logged, echoed or written.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from quartiers.api.errors import ApiError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
PROTECTED = ("/v1", "/mcp")


@dataclass(frozen=True)
class KeyRule:
    key: str | None
    required: bool

    @classmethod
    def for_host(cls, key: str | None, host: str) -> KeyRule:
        return cls(key or None, bool(key) or host not in LOOPBACK)

    def refusal(self, authorization: str | None) -> ApiError | None:
        """Why a request with this ``Authorization`` header is refused, or None."""
        if not self.required:
            return None
        if self.key is None:
            return ApiError(401, "API désactivée : le serveur écoute au-delà de cette machine et "
                            "QUARTIERS_API_KEY n'est pas définie.", "api_key_not_configured")
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), self.key.encode()):
            return ApiError(401, "Clé d'API absente ou invalide : envoyez l'en-tête « Authorization: Bearer "
                            "<QUARTIERS_API_KEY> ».", "invalid_api_key")
        return None


class KeyMiddleware:
    """Pure ASGI (streamed answers pass through untouched); only the API and MCP paths are guarded."""

    def __init__(self, app: ASGIApp, rule: KeyRule) -> None:
        self.app, self.rule = app, rule

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and any(path == p or path.startswith(p + "/") for p in PROTECTED):
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            refused = self.rule.refusal(headers.get("authorization"))
            if refused is not None:
                await refused.response()(scope, receive, send)
                return
        await self.app(scope, receive, send)
