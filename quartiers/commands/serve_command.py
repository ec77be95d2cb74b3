"""``quartiers serve``: the OpenAI-compatible API and the MCP server alone, without the web app."""

from __future__ import annotations

import argparse
import sys

from quartiers.settings import Settings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    if args.host not in LOOPBACK and settings.api_key is None:
        print(f"Refus de démarrer : l'API écouterait sur {args.host}, au-delà de cette machine. Définissez "
              "QUARTIERS_API_KEY, ou gardez --host 127.0.0.1.", file=sys.stderr)
        return 1
    from quartiers.api import build_api, run
    from quartiers.web.service import Service

    service = Service(settings)
    if not service.store.records_by_source():
        print("Note : la base est vide ; les questions recevront une erreur 503 tant qu'aucun document "
              "n'est indexé (quartiers ingest).", file=sys.stderr)
    else:
        service.warm()
    print(f"Quartiers API : http://{args.host}:{args.port}/v1 (MCP : http://{args.host}:{args.port}/mcp)",
          file=sys.stderr, flush=True)
    run(build_api(service, args.host), args.host, args.port)
    return 0
