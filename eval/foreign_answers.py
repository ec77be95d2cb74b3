"""The grounding evaluation on documents the project was not built on: dev-foreign (three third-party PDFs,
45 questions), with the same metric code as ``quartiers eval``, reported overall and by question type.

    .venv/bin/python -m eval.foreign_answers [--corpus DIR] [--store DIR] [--json]

The PDFs are ingested into their own store (default ``~/.cache/quartiers/eval-store-foreign``; never the
user's), rebuilt by ``ingest`` when the pipeline changes. The set is open and meant for development:
nothing is fitted on it (``eval.fit_scorer`` reads the tune half of ``eval/questions.jsonl`` only).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from eval.dataset import Gold, Item
from eval.foreign import default_corpus, foreign_store_dir
from eval.grounding import ItemResult, evaluate_item, failure, summarise

DOCUMENTS = ("erc_", "dgcs_", "cerema_")  # the three third-party PDFs the question set is written on


def load_foreign(path: Path) -> list[Item]:
    """dev-foreign's question lines as evaluation items (``split`` = "foreign", ``category`` = its type)."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        page = (row.get("pdf_pages") or [0])[0]
        items.append(Item(id=row["id"], split="foreign", category=row.get("type", "factual"),
                          question=row["question"], history=row.get("history") or [],
                          gold=[Gold(g, page) for g in row.get("gold", [])], facts=row.get("facts", []),
                          answerable=bool(row.get("answerable", True))))
    return items


def documents(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.glob("*.pdf") if p.name.startswith(DOCUMENTS))


def report(results: list[ItemResult]) -> dict[str, Any]:
    return {
        "metrics": summarise(results),
        "by_category": {c: summarise(r for r in results if r.item.category == c)
                        for c in sorted({r.item.category for r in results})},
        "by_document": {d: summarise(r for r in results if r.item.id.split("-")[1] == d)
                        for d in sorted({r.item.id.split("-")[1] for r in results})},
        "failures": [failure(r) for r in results if r.failed],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--store", type=Path, default=foreign_store_dir())
    parser.add_argument("--json", action="store_true", help="the whole report (with failures) as JSON")
    args = parser.parse_args()

    from quartiers.components import build_assistant, build_store, foreign_settings, settings_for
    from vectorstore.indexer import ingest_paths

    settings = foreign_settings(settings_for(), args.store)
    store = build_store(settings)
    ingest_paths(store, documents(args.corpus), progress=False)
    assistant = build_assistant(settings, store=store)
    results = [evaluate_item(assistant, item) for item in load_foreign(args.corpus / "questions.jsonl")]
    out = report(results)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    keys = ("fact_recall", "hit@5", "citation_precision", "refusal_accuracy", "false_refusals", "answer_words_mean")
    print(f"dev-foreign ({len(results)} questions)  " + "  ".join(f"{k} {out['metrics'].get(k, float('nan')):.3f}"
                                                               for k in keys))
    for group in ("by_category", "by_document"):
        for name, metrics in out[group].items():
            print(f"  {name:<22}" + "  ".join(f"{k} {metrics.get(k, float('nan')):.3f}" for k in keys))


if __name__ == "__main__":
    main()
