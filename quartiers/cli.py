"""The ``quartiers`` command line (contract: CONTRACTS.md). Thin: every command calls a package function.

Heavy imports (chromadb, models) happen inside the commands, so ``quartiers --help`` stays instant.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

from quartiers import cli_french
from quartiers.commands import ask_commands, eval_command, query_commands, serve_command, store_commands
from quartiers.components import settings_for
from quartiers.output import fail
from quartiers.results import ANSWERERS
from quartiers.settings import Settings


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2, as JSON when --json was asked for (``json_errors``, set by ``main``)."""

    json_errors = False

    def error(self, message: str) -> NoReturn:
        if _Parser.json_errors:
            print(json.dumps({"error": "usage", "detail": message}, ensure_ascii=False))
            raise SystemExit(2)
        super().error(message)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » : un nombre entier positif est attendu") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} : un nombre entier positif est attendu")
    return value


def build_parser() -> argparse.ArgumentParser:
    cli_french.install()
    common = _Parser(add_help=False)
    common.add_argument("--store", type=Path, help="dossier de données (défaut : QUARTIERS_STORE)")
    common.add_argument("--collection", help="collection Chroma (défaut : quartiers)")
    common.add_argument("--json", action="store_true", help="sortie JSON")
    parser = _Parser(prog="quartiers", description="Assistant documentaire sur la politique de la ville.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    ingest = commands.add_parser("ingest", parents=[common], help="indexer des fichiers ou dossiers")
    ingest.add_argument("paths", nargs="*", type=Path, help="fichiers ou dossiers (défaut : corpus fourni)")
    ingest.add_argument("--reset", action="store_true", help="vider la base avant d'indexer")
    ingest.add_argument("--no-progress", action="store_true", help="sans barre de progression")
    ingest.add_argument("--force", action="store_true",
                        help="remplacer un document même par une version bien plus pauvre (pages, passages)")

    remove = commands.add_parser("remove", parents=[common], help="retirer des documents de la base")
    remove.add_argument("sources", nargs="+", help="nom(s) de fichier tel(s) qu'indiqué(s) par stats")

    commands.add_parser("stats", parents=[common], help="ce que contient la base")

    retrieve = commands.add_parser("retrieve", parents=[common], help="passages classés pour une question")
    retrieve.add_argument("question")
    retrieve.add_argument("-k", type=_positive, default=5, help="nombre de passages (défaut : 5)")
    retrieve.add_argument("--filter", action="append", default=[], metavar="CLÉ=VALEUR",
                          help="source, region, resource_centre ou initiative ; répétable")
    retrieve.add_argument("--mode", choices=["hybrid", "dense", "lexical", "use"], default="hybrid",
                          help="signal utilisé (défaut : fusion hybride)")

    precedents = commands.add_parser("precedents", parents=[common], help="initiatives correspondant à un thème")
    precedents.add_argument("theme")
    precedents.add_argument("-k", type=_positive, default=10, help="nombre d'initiatives (défaut : 10)")
    precedents.add_argument("--filter", action="append", default=[], metavar="CLÉ=VALEUR")

    ask = commands.add_parser("ask", parents=[common], help="une réponse citée, ou « - » : JSON lines")
    ask.add_argument("question", help="la question, ou « - » pour lire des objets JSON ligne à ligne")
    ask.add_argument("--filter", action="append", default=[], metavar="CLÉ=VALEUR")
    ask.add_argument("--answerer", choices=ANSWERERS, default="extractive")

    evaluate = commands.add_parser("eval", parents=[common], help="évaluation de l'ancrage des réponses")
    evaluate.add_argument("--report", default="eval-report", help="dossier des rapports (défaut : eval-report)")
    evaluate.add_argument("--answerer", choices=ANSWERERS, default="extractive")
    evaluate.add_argument("--subset", type=_positive, default=None, help="sous-ensemble stratifié fixe de N questions")

    chat = commands.add_parser("chat", parents=[common], help="conversation dans le terminal")
    chat.add_argument("--answerer", choices=ANSWERERS, default="extractive")

    ui = commands.add_parser("ui", parents=[common], help="l'application web (Gradio)")
    ui.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1, cette machine seule)")
    ui.add_argument("--port", type=_positive, default=7860, help="port (défaut : 7860)")

    serve = commands.add_parser("serve", parents=[common], help="l'API compatible OpenAI et le serveur MCP seuls")
    serve.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1)")
    serve.add_argument("--port", type=_positive, default=7861, help="port (défaut : 7861)")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """The environment's settings, with the flags given on the command line winning."""
    return settings_for(store=getattr(args, "store", None), collection=getattr(args, "collection", None))


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    from quartiers.web.app import serve  # gradio costs seconds to import: only this command pays for it

    serve(settings, host=args.host, port=args.port)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "ingest": store_commands.cmd_ingest,
    "remove": store_commands.cmd_remove,
    "stats": store_commands.cmd_stats,
    "retrieve": query_commands.cmd_retrieve,
    "precedents": query_commands.cmd_precedents,
    "ask": ask_commands.cmd_ask,
    "chat": ask_commands.cmd_chat,
    "eval": eval_command.cmd_eval,
    "ui": cmd_ui,
    "serve": serve_command.cmd_serve,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    _Parser.json_errors = "--json" in argv
    args = build_parser().parse_args(argv)
    from vectorstore import EmbedderError, StoreError
    from vectorstore.retriever import FilterError, NoMatchError

    try:
        return COMMANDS[args.command](args, settings_from(args))
    except (StoreError, EmbedderError, NoMatchError) as error:
        return fail(args, str(error))
    except FilterError as error:
        fail(args, str(error))
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
