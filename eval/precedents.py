"""Precedent evaluation: does a precedent question's answer name every valid initiative, and only those?
And do the automatically assigned themes agree with the hand-labelled ones?

- ``eval/precedent_questions.jsonl``: precedent-seeking questions (French and English, split tune / held-out),
  each with the initiatives that answer it (``initiatives``) and those that may be named without being
  wrong (``acceptable``: related, but not what was asked). Recall = valid initiatives named / valid
  initiatives; precision = named initiatives that are valid or acceptable / named. "Named" means cited
  in the answer (the ``precedents`` list of ``ask --json``); "voir aussi" entries do not count.
- ``eval/initiative_themes.jsonl``: the 29 initiatives of the bundled report with their themes, labelled by
  hand from the text. Theme accuracy = initiatives whose first assigned theme is one of theirs.
- Detection: the share of precedent questions routed to the precedent answer.

``python -m eval.precedents [--store DIR]`` prints every figure for both halves; ``quartiers eval`` adds
them to ``report.json`` under ``precedents`` and gates on ``eval/thresholds.json``'s ``precedents`` entry.
"""

from __future__ import annotations

import argparse
import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant import Assistant
from assistant.precedent_answer import is_precedent_question
from vectorstore.themes import initiative_themes

PRECEDENT_QUESTIONS = Path(__file__).parent / "precedent_questions.jsonl"
INITIATIVE_THEMES = Path(__file__).parent / "initiative_themes.jsonl"


@dataclass
class PrecedentItem:
    id: str
    split: str
    question: str
    initiatives: list[str]
    acceptable: list[str] = field(default_factory=list)


def load_precedent_items(path: Path = PRECEDENT_QUESTIONS) -> list[PrecedentItem]:
    return [PrecedentItem(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def named_initiatives(answer: Any) -> list[str]:
    """Initiatives an answer names: its precedent entries, else the initiatives of its citations."""
    if answer.precedents:
        return [str(p["initiative_id"]) for p in answer.precedents if p.get("initiative_id")]
    by_chunk = {p.chunk_id: p.get("initiative_id") for p in answer.passages}
    return list(dict.fromkeys(str(i) for c in answer.citations if (i := by_chunk.get(c.chunk_id))))


def score_item(item: PrecedentItem, named: list[str]) -> tuple[float, float]:
    valid = set(item.initiatives)
    recall = len(valid & set(named)) / len(valid)
    precision = sum(n in valid or n in item.acceptable for n in named) / len(named) if named else 0.0
    return recall, precision


def evaluate_questions(assistant: Assistant, items: list[PrecedentItem]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        answer = assistant.answer(item.question)
        named = named_initiatives(answer)
        recall, precision = score_item(item, named)
        rows.append({"id": item.id, "split": item.split, "question": item.question,
                     "detected": is_precedent_question(item.question), "refused": answer.refused,
                     "recall": recall, "precision": precision, "named": named,
                     "missed": sorted(set(item.initiatives) - set(named)),
                     "wrong": [n for n in named if n not in item.initiatives and n not in item.acceptable]})
    return rows


def theme_agreement(assistant: Assistant, path: Path = INITIATIVE_THEMES) -> dict[str, Any]:
    assigned = initiative_themes(assistant.retriever)
    labelled = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    present = [item for item in labelled if item["initiative_id"] in assigned]
    if not present:
        return {"initiatives": 0}
    first = [assigned[i["initiative_id"]][0] in i["themes"] for i in present]
    pairs = [(set(assigned[i["initiative_id"]]), set(i["themes"])) for i in present]
    kept = sum(len(a) for a, _ in pairs) or 1
    return {"initiatives": len(present), "theme_accuracy": round(sum(first) / len(present), 4),
            "theme_precision": round(sum(len(a & g) for a, g in pairs) / kept, 4),
            "theme_recall": round(sum(len(a & g) for a, g in pairs) / sum(len(g) for _, g in pairs), 4),
            "disagreements": [{"initiative_id": i["initiative_id"], "assigned": assigned[i["initiative_id"]],
                               "labelled": i["themes"]} for i, ok in zip(present, first, strict=True) if not ok]}


def summarise(rows: list[dict[str, Any]]) -> dict[str, float]:
    if not rows:
        return {}
    return {"precedent_recall": round(statistics.mean(r["recall"] for r in rows), 4),
            "precedent_precision": round(statistics.mean(r["precision"] for r in rows), 4),
            "precedent_detection": round(statistics.mean(r["detected"] for r in rows), 4),
            "questions": len(rows)}


def run(assistant: Assistant) -> dict[str, Any]:
    """The ``precedents`` section of ``report.json``: metrics per half, themes, and each question's result."""
    rows = evaluate_questions(assistant, load_precedent_items())
    themes = theme_agreement(assistant)
    by_split = {split: summarise([r for r in rows if r["split"] == split]) for split in ("tune", "heldout")}
    return {"by_split": by_split, "themes": themes, "items": rows}


def gate(section: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """French lines for each precedent metric below its ``min`` (on the gated half; themes on all 29)."""
    bounds = thresholds.get("precedents", {}).get("metrics", {})
    metrics = dict(section["by_split"].get(thresholds.get("split", "heldout"), {}))
    metrics["theme_accuracy"] = section["themes"].get("theme_accuracy", 0.0)
    return [f"précédents : {name} = {metrics.get(name, 0.0):.3f} < {bound['min']}"
            for name, bound in bounds.items() if "min" in bound and metrics.get(name, 0.0) < bound["min"]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="évaluation des réponses aux questions de précédents")
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--misses", action="store_true", help="afficher les initiatives manquées ou en trop")
    args = parser.parse_args(argv)
    from quartiers.components import build_assistant, prepared_eval_store, settings_for

    settings = settings_for()
    section = run(build_assistant(settings, store=prepared_eval_store(settings, args.store)))
    for split, metrics in section["by_split"].items():
        print(f"{split:8s} " + "  ".join(f"{k} {v}" for k, v in metrics.items()))
    themes = section["themes"]
    print(f"thèmes   accuracy {themes.get('theme_accuracy')}  precision {themes.get('theme_precision')}  "
          f"recall {themes.get('theme_recall')}  ({themes.get('initiatives')} initiatives)")
    if args.misses:
        for row in section["items"]:
            if row["missed"] or row["wrong"]:
                print(f"- {row['id']} ({row['split']}) {row['question']}\n  manquées {row['missed']}\n"
                      f"  en trop {row['wrong']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
