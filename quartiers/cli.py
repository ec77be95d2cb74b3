"""The ``quartiers`` command line (contract: CONTRACTS.md). Thin: every command calls a package function.

Heavy imports (chromadb, models) happen inside the commands, so ``quartiers --help`` stays instant.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from quartiers import BUNDLED_CORPUS
from quartiers.settings import Settings


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2, as JSON when --json was asked for."""

    def error(self, message: str) -> NoReturn:
        if "--json" in sys.argv[1:]:
            print(json.dumps({"error": "usage", "detail": message}, ensure_ascii=False))
            raise SystemExit(2)
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
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

    remove = commands.add_parser("remove", parents=[common], help="retirer des documents de la base")
    remove.add_argument("sources", nargs="+", help="nom(s) de fichier tel(s) qu'indiqué(s) par stats")

    commands.add_parser("stats", parents=[common], help="ce que contient la base")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "store", None):
        overrides["store"] = args.store
    if getattr(args, "collection", None):
        overrides["collection"] = args.collection
    return Settings(**overrides)


def emit(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=None) if args.json else text)


def fail(args: argparse.Namespace, message: str, detail: Any = None) -> int:
    if args.json:
        print(json.dumps({"error": message, "detail": detail}, ensure_ascii=False))
    else:
        print(f"Erreur : {message}", file=sys.stderr)
    return 1


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from vectorstore import open_store
    from vectorstore.indexer import ingest_paths

    store = open_store(settings)
    if args.reset:
        store.reset()
    report = ingest_paths(store, args.paths or [BUNDLED_CORPUS], progress=not args.no_progress and not args.json)
    if args.json:
        emit(args, report.to_json(), "")
        return 1 if report.failed else 0
    labels = {"added": "ajouté", "replaced": "remplacé", "unchanged": "inchangé"}
    for result in report.files:
        if result.status == "failed":
            print(result.error, file=sys.stderr)
            continue
        print(f"{result.source} : {labels[result.status]}, {result.chunks} passages"
              + (f" ({result.embedded} encodés)" if result.status != "unchanged" else ""))
        for warning in result.warnings:
            print(f"Attention : {warning}", file=sys.stderr)
    totals = report.to_json()["totals"]
    print(f"{totals['files']} fichier(s), {totals['pages']} pages : {report.added} passages ajoutés, "
          f"{report.unchanged} inchangés, {report.removed} supprimés, {report.failed} échec(s) "
          f"en {report.seconds:.1f} s")
    return 1 if report.failed else 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from vectorstore import open_store
    from vectorstore.indexer import remove_sources

    removed = remove_sources(open_store(settings), args.sources)
    unknown = [source for source, count in removed.items() if count < 0]
    if args.json:
        emit(args, {"removed": {s: c for s, c in removed.items() if c >= 0}, "unknown": unknown}, "")
    else:
        for source, count in removed.items():
            if count >= 0:
                print(f"{source} : retiré ({count} passages supprimés)")
        for source in unknown:
            print(f"{source} : document inconnu dans cette base (voir « quartiers stats »)", file=sys.stderr)
    return 1 if unknown else 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from vectorstore import open_store
    from vectorstore.stats import summary

    data = summary(open_store(settings), settings.embedder)
    lines = [f"Base : {data['store']} (collection {data['collection']}, encodeur {data['embedding_model']})"]
    for doc in data["documents"]:
        pages = f", {doc['pages']} pages" if doc["pages"] else ""
        lines.append(f"- {doc['source']} : « {doc['title']} »{pages}, {doc['chunks']} passages")
    totals = data["totals"]
    lines.append(f"Total : {totals['documents']} document(s), {totals['pages']} pages, {totals['chunks']} passages, "
                 f"{totals['initiatives']} initiatives")
    lines += [f"Attention : {warning}" for warning in data["warnings"]]
    emit(args, data, "\n".join(lines))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "ingest": cmd_ingest,
    "remove": cmd_remove,
    "stats": cmd_stats,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from vectorstore import EmbedderError, StoreError

    try:
        return COMMANDS[args.command](args, settings_from(args))
    except (StoreError, EmbedderError) as error:
        return fail(args, str(error))


if __name__ == "__main__":
    raise SystemExit(main())
