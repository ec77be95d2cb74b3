"""Commands that change or describe the store: ingest, remove, stats."""

from __future__ import annotations

import argparse
import sys

from quartiers import BUNDLED_CORPUS
from quartiers.output import emit
from quartiers.settings import Settings


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.extraction_text import reading_summary
    from quartiers.components import build_store
    from vectorstore import embedder_name
    from vectorstore.indexer import ingest_paths

    store = build_store(settings)
    if args.reset:
        embedder_name(settings.embedder)  # an unknown embedder fails here, before --reset wipes anything
        store.reset()
    report = ingest_paths(store, args.paths or [BUNDLED_CORPUS], progress=not args.no_progress and not args.json,
                          force=args.force)
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
        if result.extraction and result.status != "unchanged":
            print(f"  lecture : {reading_summary(result.extraction)}")
        for warning in result.warnings:
            print(f"Attention : {warning}", file=sys.stderr)
    totals = report.to_json()["totals"]
    print(f"{totals['files']} fichier(s), {totals['pages']} pages : {report.added} passages ajoutés, "
          f"{report.unchanged} inchangés, {report.removed} supprimés, {report.failed} échec(s) "
          f"en {report.seconds:.1f} s")
    return 1 if report.failed else 0


def cmd_remove(args: argparse.Namespace, settings: Settings) -> int:
    from quartiers.components import build_store
    from vectorstore.indexer import remove_sources

    removed = remove_sources(build_store(settings), args.sources)
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
    from ingest.extraction_text import reading_summary
    from quartiers.components import build_store
    from vectorstore.stats import summary

    data = summary(build_store(settings), settings.embedder)
    lines = [f"Base : {data['store']} (collection {data['collection']}, encodeur {data['embedding_model']})"]
    for doc in data["documents"]:
        pages = f", {doc['pages']} pages" if doc["pages"] else ""
        stated = ", ".join(x for x in (doc.get("publisher"), doc.get("date")) if x)
        lines.append(f"- {doc['source']} : « {doc['title']} »" + (f" ({stated})" if stated else "")
                     + f"{pages}, {doc['chunks']} passages")
        if doc.get("extraction"):
            lines.append(f"  lecture : {reading_summary(doc['extraction'])}")
    totals = data["totals"]
    lines.append(f"Total : {totals['documents']} document(s), {totals['pages']} pages, {totals['chunks']} passages, "
                 f"{totals['initiatives']} initiatives")
    lines += [f"Attention : {warning}" for warning in data["warnings"]]
    emit(args, data, "\n".join(lines))
    return 0
