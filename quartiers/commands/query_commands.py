"""Commands that query the store: retrieve, precedents."""

from __future__ import annotations

import argparse
import textwrap
from typing import TYPE_CHECKING, Any

from quartiers.output import emit
from quartiers.settings import Settings

if TYPE_CHECKING:
    from vectorstore.retriever import HybridRetriever


def _retriever(settings: Settings) -> HybridRetriever:
    from quartiers.components import build_retriever, build_store

    return build_retriever(build_store(settings))


def _where(passage: dict[str, Any]) -> str:
    pages = passage.get("pages") or []
    page = f"p. {'-'.join(str(p) for p in pages)}" if pages else "sans pagination"
    return f"{passage['source']}, {page}"


def cmd_retrieve(args: argparse.Namespace, settings: Settings) -> int:
    from vectorstore.retriever import parse_filters

    filters = parse_filters(args.filter)
    retriever = _retriever(settings)
    retriever.check_filters(filters)
    passages = [p.to_json() for p in retriever.search(args.question, k=args.k, filters=filters, mode=args.mode)]
    lines = []
    for p in passages:
        heading = p["initiative"] or p["section"] or ""
        lines.append(f"[{p['rank']}] {heading} — {_where(p)} (score {p['score']:.3f})")
        lines += [textwrap.indent(textwrap.fill(para, 100), "    ") for para in p["text"].split("\n\n")]
    if not passages:
        lines.append("Aucun passage ne correspond (vérifiez les filtres).")
    emit(args, {"question": args.question, "passages": passages}, "\n".join(lines))
    return 0


def cmd_precedents(args: argparse.Namespace, settings: Settings) -> int:
    from vectorstore.precedents import find_precedents
    from vectorstore.retriever import parse_filters

    filters = parse_filters(args.filter)
    retriever = _retriever(settings)
    retriever.check_filters(filters)
    found = [p.to_json() for p in find_precedents(retriever, args.theme, k=args.k, filters=filters)]
    lines = []
    for i, p in enumerate(found, start=1):
        where = ", ".join(x for x in (p["place"], p["resource_centre"], p["region"]) if x)
        pages = f"p. {'-'.join(map(str, p['pages']))}" if p["pages"] else ""
        lines.append(f"{i}. {p['title']} ({where}) — {p['source']} {pages}".rstrip())
        lines.append(textwrap.indent(textwrap.fill(f"« {p['sentence']} »", 100), "    "))
    if not found:
        lines.append(f"Aucune initiative du corpus ne correspond à « {args.theme} ».")
    emit(args, {"theme": args.theme, "initiatives": found}, "\n".join(lines))
    return 0
