"""Start-up of the web app: the login rule, the store made ready, and one process serving the Gradio app
with the API (``/v1``, ``/mcp``) on one port. ``quartiers ui`` and ``python ui.py`` both end here; the
layout is ``quartiers.web.layout``, the behaviour ``quartiers.web.chat`` / ``library`` / ``service``.

This module imports nothing from the CLI (``quartiers.cli``): the CLI imports it, never the reverse.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import gradio as gr

from quartiers.components import settings_for
from quartiers.settings import Settings
from quartiers.web.layout import build_app
from quartiers.web.service import Service
from quartiers.web.theme import CSS, HEAD

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def credentials(settings: Settings, host: str) -> tuple[str, str] | None:
    """Beyond loopback the app must not be open to anyone who can reach the port."""
    if settings.ui_user and settings.ui_password:
        return settings.ui_user, settings.ui_password.get_secret_value()
    if host not in LOOPBACK:
        raise SystemExit(f"Refus de démarrer : l'interface écouterait sur {host}, au-delà de cette machine. "
                         "Définissez QUARTIERS_UI_USER et QUARTIERS_UI_PASSWORD, ou gardez --host 127.0.0.1.")
    return None


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Check the login rule, index the bundled corpus into an empty store, load the indexes, then serve
    until interrupted."""
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


def main(argv: list[str] | None = None) -> int:
    """``python ui.py [--host H] [--port P] [--store DIR] [--collection NAME]``: the same as ``quartiers ui``."""
    from quartiers import cli_french

    cli_french.install()
    parser = argparse.ArgumentParser(prog="ui.py", description="L'application web Quartiers (Gradio).")
    parser.add_argument("--host", default="127.0.0.1", 
                        help="adresse d'écoute (défaut : 127.0.0.1, cette machine seule)")
    parser.add_argument("--port", type=int, default=7860, help="port (défaut : 7860)")
    parser.add_argument("--store", type=Path, help="dossier de données (défaut : QUARTIERS_STORE)")
    parser.add_argument("--collection", help="collection Chroma (défaut : quartiers)")
    args = parser.parse_args(argv)
    serve(settings_for(store=args.store, collection=args.collection), host=args.host, port=args.port)
    return 0
