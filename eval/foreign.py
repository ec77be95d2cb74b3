"""Retrieval on third-party PDFs (``dev-foreign``): per document, the shipped system beside the naive baseline.

    .venv/bin/python -m eval.foreign [--corpus DIR] [--store DIR] [--no-naive] [--misses] [--json]

The corpus folder holds PDFs and a ``questions.jsonl`` (``id``, ``doc``, ``question``, ``gold`` excerpts,
``answerable``, ``pdf_pages``, ``type``, optional ``history``); its PDFs are ingested together into the
evaluation's own store, as a user adding their reports would. A question counts as found at rank r when
the r-th passage comes from its document and contains one of its gold excerpts (after word normalisation).
Follow-ups need the conversation and are left to the answer evaluation.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.dataset import Gold, contains_gold
from eval.metrics import first_hit, ranking_metrics

if TYPE_CHECKING:
    from quartiers.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def default_corpus() -> Path:
    """``QUARTIERS_DEV_FOREIGN``, else the team's shared folder beside the project."""
    return Path(os.environ.get("QUARTIERS_DEV_FOREIGN") or ROOT.parent / "shared" / "corpus" / "dev-foreign")


def foreign_store_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "quartiers" / "eval-store-foreign"


@dataclass
class ForeignItem:
    id: str
    doc: str
    question: str
    type: str
    answerable: bool
    gold: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    pdf_pages: list[int] = field(default_factory=list)
    history: list[list[str]] = field(default_factory=list)


def load_foreign(corpus: Path) -> list[ForeignItem]:
    items = []
    for line in (corpus / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            data = json.loads(line)
            items.append(ForeignItem(**{k: v for k, v in data.items() if k in ForeignItem.__dataclass_fields__}))
    return items


Hit = tuple[str, str]  # (source, text)


def evaluate(items: list[ForeignItem], search: Callable[[str], list[Hit]]) -> dict[str, Any]:
    """hit@k and MRR@10 per document and overall, and the questions missed at 5."""
    ranks: dict[str, list[int | None]] = {}
    misses: list[str] = []
    for item in items:
        golds = [Gold(excerpt, 0) for excerpt in item.gold]
        found = search(item.question)
        hits = [source == item.doc and any(contains_gold(text, g) for g in golds) for source, text in found]
        rank = first_hit(hits)
        ranks.setdefault(item.doc, []).append(rank)
        if rank is None or rank > 5:
            misses.append(item.id)
    out: dict[str, Any] = {doc: ranking_metrics(r) for doc, r in sorted(ranks.items())}
    out["all"] = ranking_metrics([r for rs in ranks.values() for r in rs])
    out["misses"] = misses
    return out


def retrieval_items(items: list[ForeignItem]) -> list[ForeignItem]:
    return [i for i in items if i.answerable and i.gold and not i.history]


def run(corpus: Path, settings: Settings, naive: bool = True, progress: bool = True) -> dict[str, dict[str, Any]]:
    """Ingest the corpus' PDFs into the store ``settings`` describe and evaluate the shipped retrieval (and
    the naive one)."""
    from quartiers.components import build_retriever, build_store
    from vectorstore.indexer import ingest_paths

    items = retrieval_items(load_foreign(corpus))
    pdfs = sorted({corpus / i.doc for i in items})
    store = build_store(settings)
    ingest_paths(store, pdfs, progress=progress)
    retriever = build_retriever(store)
    store_dir = settings.store
    systems: dict[str, Callable[[str], list[Hit]]] = {
        "shipped": lambda q: [(str(p.get("source")), p.text) for p in retriever.search(q, k=10)],
    }
    if naive:
        from eval.baseline import NaiveBaseline

        baseline = NaiveBaseline(store_dir / "naive")
        baseline.build_many(pdfs)
        systems["naive"] = lambda q: [(h.source, h.text) for h in baseline.search(q, k=10)]
    return {name: evaluate(items, search) for name, search in systems.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description="Recherche sur des PDF tiers (dev-foreign), par document.")
    parser.add_argument("--corpus", type=Path, default=default_corpus())
    parser.add_argument("--store", type=Path, default=foreign_store_dir())
    parser.add_argument("--no-naive", action="store_true", help="sans la référence naïve (charge MiniLM)")
    parser.add_argument("--misses", action="store_true", help="les questions manquées à 5")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from quartiers.components import foreign_settings, settings_for

    results = run(args.corpus, foreign_settings(settings_for(), args.store), naive=not args.no_naive,
                  progress=not args.json)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return
    for name, result in results.items():
        print(f"\n{name}")
        print(f"  {'document':<44} hit@1  hit@5  mrr@10")
        for doc, metrics in result.items():
            if doc != "misses":
                print(f"  {doc:<44} {metrics['hit@1']:.3f}  {metrics['hit@5']:.3f}  {metrics['mrr@10']:.3f}")
        if args.misses:
            print("  misses@5: " + ", ".join(result["misses"]))


if __name__ == "__main__":
    main()
