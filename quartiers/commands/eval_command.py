"""``quartiers eval``: the grounding evaluation on the evaluation's own store (never the user's)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from quartiers.output import emit
from quartiers.settings import Settings

THRESHOLDS = Path(__file__).resolve().parents[2] / "eval" / "thresholds.json"


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from eval.dataset import load_items
    from eval.report import configuration, run, stratified_subset, summary_table, write
    from quartiers.components import build_assistant, foreign_settings, prepared_eval_store

    # ``settings`` carries --store/--collection already; the evaluation's store is its own (eval_settings)
    store = prepared_eval_store(settings, args.store, args.collection, progress=not args.json)
    assistant = build_assistant(settings, args.answerer, store=store)
    items = load_items()
    if args.subset:
        items = stratified_subset(items, args.subset)
    report = run(assistant, items, args.answerer, configuration(assistant) | {"asked_answerer": args.answerer})
    if not args.subset and args.answerer == "extractive":  # retrieval on third-party PDFs: answerer-independent
        from eval.foreign_report import foreign_part

        report["foreign"] = foreign_part(foreign_settings(settings, Path(f"{store.folder}-foreign")),
                                         progress=not args.json)
        report["problems"] += report["foreign"]["problems"]
        report["passed"] = not report["problems"]
    if args.answerer == "extractive" and not args.subset:  # precedent answers are quotations: gated once
        from eval import precedents

        report["precedents"] = precedents.run(assistant)
        report["problems"] += precedents.gate(report["precedents"], json.loads(THRESHOLDS.read_text("utf-8")))
        report["passed"] = not report["problems"]
    folder = Path(args.report)
    write(report, folder)
    text = summary_table(report) + f"\nRapports : {folder / 'report.md'}, {folder / 'report.json'}"
    if "foreign" in report:
        from eval.foreign_report import markdown_lines

        text += "\n".join(markdown_lines(report["foreign"]))
    if "precedents" in report:
        held = report["precedents"]["by_split"].get("heldout", {})
        text += (f"\nPrécédents (held-out) : rappel {held.get('precedent_recall', 0):.3f}, précision "
                 f"{held.get('precedent_precision', 0):.3f} ; thèmes : "
                 f"{report['precedents']['themes'].get('theme_accuracy', 0):.3f}")
    if report["problems"]:
        text += "\nSous les seuils :\n" + "\n".join(f"- {p}" for p in report["problems"])
    emit(args, {k: report[k] for k in ("metrics", "passed", "problems", "foreign") if k in report}, text)
    if not report["passed"]:
        print("Évaluation en échec : au moins une métrique sous son seuil.", file=sys.stderr)
    return 0 if report["passed"] else 1
