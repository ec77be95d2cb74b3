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
from typing import TYPE_CHECKING, Any

from eval.foreign import default_corpus, run

if TYPE_CHECKING:
    from quartiers.settings import Settings

THRESHOLDS = Path(__file__).parent / "thresholds.json"


def foreign_part(settings: Settings, progress: bool = True) -> dict[str, Any]:
    """``{"corpus", "documents": {doc: metrics}, "all", "misses", "thresholds", "problems"}``, on the store
    ``settings`` describe (``quartiers.components.foreign_settings``)."""
    corpus = default_corpus()
    bounds = json.loads(THRESHOLDS.read_text(encoding="utf-8"))["foreign"]["per_document"]
    if not (corpus / "questions.jsonl").exists():
        required = bool(os.environ.get("QUARTIERS_DEV_FOREIGN"))
        note = f"corpus dev-foreign introuvable ({corpus})"
        return {"corpus": str(corpus), "skipped": note, "thresholds": bounds, "problems": [note] if required else []}
    result = run(corpus, settings, naive=False, progress=progress)["shipped"]
    answers = _answers(corpus, settings)
    documents = {doc: metrics for doc, metrics in result.items() if doc not in ("all", "misses")}
    problems = [
        f"{doc} : {name} = {metrics[name]:.3f} < {bound['min']} (seuil)"
        for doc, metrics in documents.items()
        for name, bound in bounds.items()
        if metrics.get(name, 0.0) < bound["min"]
    ]
    answer_bounds = json.loads(THRESHOLDS.read_text(encoding="utf-8"))["foreign"].get("answers", {})
    problems += [
        f"réponses dev-foreign : {name} = {answers['metrics'].get(name, 0.0):.3f} < {bound['min']} (seuil)"
        for name, bound in answer_bounds.items()
        if "min" in bound and answers["metrics"].get(name, 0.0) < bound["min"]
    ] + [
        f"réponses dev-foreign : {name} = {answers['metrics'].get(name, 0.0):.3f} > {bound['max']} (seuil)"
        for name, bound in answer_bounds.items()
        if "max" in bound and answers["metrics"].get(name, 0.0) > bound["max"]
    ]
    return {"corpus": str(corpus), "documents": documents, "all": result["all"], "misses": result["misses"],
            "answers": answers, "thresholds": bounds, "answer_thresholds": answer_bounds, "problems": problems}


def _answers(corpus: Path, settings: Settings) -> dict[str, Any]:
    """The same grounding metrics as the report's, on all 45 questions (``eval.foreign_answers``)."""
    from eval.foreign_answers import load_foreign, report
    from eval.grounding import evaluate_item
    from quartiers.components import build_assistant

    assistant = build_assistant(settings)
    results = [evaluate_item(assistant, item) for item in load_foreign(corpus / "questions.jsonl")]
    out = report(results)
    out.pop("failures", None)
    return out


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
    if answers := part.get("answers"):
        names = ("fact_recall", "citation_precision", "refusal_accuracy", "false_refusals", "answer_words_mean",
                 "answer_words_median")
        lines += ["", "Réponses (45 questions) : " + ", ".join(
            f"{name} {answers['metrics'][name]:.3f}" for name in names if name in answers["metrics"])]
        from eval.report import split_category_lines  # eval.report imports this module: imported here

        lines += split_category_lines({"foreign": answers.get("by_category", {})})
    return lines
