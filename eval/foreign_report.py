"""The foreign part of ``quartiers eval``: retrieval on third-party PDFs (``dev-foreign``), gated per document.

The bundled report is one document the project was built on; officers load their own. So the evaluation
also ingests the dev-foreign PDFs into a store of their own and checks, document by document, that the
passage answering each question is found (``eval.foreign``). Its bounds are ``thresholds.json``'s
``foreign`` entry. Without the corpus the part is skipped with a note, unless ``QUARTIERS_DEV_FOREIGN``
names it (as CI does): then a missing corpus fails the gate rather than passing it unseen.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from eval.foreign import default_corpus, run

THRESHOLDS = Path(__file__).parent / "thresholds.json"


def foreign_part(store_dir: Path, embedder: str | None = None, progress: bool = True) -> dict[str, Any]:
    """``{"corpus", "documents": {doc: metrics}, "all", "misses", "thresholds", "problems"}``."""
    corpus = default_corpus()
    bounds = json.loads(THRESHOLDS.read_text(encoding="utf-8"))["foreign"]["per_document"]
    if not (corpus / "questions.jsonl").exists():
        required = bool(os.environ.get("QUARTIERS_DEV_FOREIGN"))
        note = f"corpus dev-foreign introuvable ({corpus})"
        return {"corpus": str(corpus), "skipped": note, "thresholds": bounds, "problems": [note] if required else []}
    result = run(corpus, store_dir, naive=False, progress=progress, embedder=embedder)["shipped"]
    documents = {doc: metrics for doc, metrics in result.items() if doc not in ("all", "misses")}
    problems = [
        f"{doc} : {name} = {metrics[name]:.3f} < {bound['min']} (seuil)"
        for doc, metrics in documents.items()
        for name, bound in bounds.items()
        if metrics.get(name, 0.0) < bound["min"]
    ]
    return {"corpus": str(corpus), "documents": documents, "all": result["all"], "misses": result["misses"],
            "thresholds": bounds, "problems": problems}


def markdown_lines(part: dict[str, Any] | None) -> list[str]:
    if not part:
        return []
    lines = ["", "## Documents tiers (dev-foreign) : recherche par document", ""]
    if "skipped" in part:
        return [*lines, f"Non évaluée : {part['skipped']}."]
    lines += ["| document | hit@1 | hit@5 | mrr@10 |", "|---|---|---|---|"]
    for doc, metrics in [*part["documents"].items(), ("ensemble", part["all"])]:
        lines.append(f"| {doc} | {metrics['hit@1']:.3f} | {metrics['hit@5']:.3f} | {metrics['mrr@10']:.3f} |")
    bounds = ", ".join(f"{name} ≥ {bound['min']}" for name, bound in part["thresholds"].items())
    lines += ["", f"Seuils par document : {bounds}. Manquées à 5 : {', '.join(part['misses']) or 'aucune'}."]
    return lines
