"""Quartiers as a service: an OpenAI-compatible chat endpoint with verified citations, and an MCP server.

``build_api(service, host)`` returns the FastAPI app (``quartiers serve`` runs it alone, ``quartiers ui``
mounts the web app on it); every answer comes from the service's ``Assistant`` (``answer`` / ``stream``).
"""

from quartiers.api.app import build_api, run

__all__ = ["build_api", "run"]
