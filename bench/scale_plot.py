"""The scale curve as a picture, and the 1M-chunk figures estimated from the measured growth.

    .venv/bin/python -m bench.scale_plot ROWS.jsonl OUT.png   # ROWS: ``bench.scale --json``'s output

Each figure is carried on to one million chunks along the line through the two largest sizes measured
(what grows with the corpus grows about linearly: pages read, rows scanned), never below the largest
size's own value: a small store measured on a loaded machine (slower than the large one, as in the
fifth pass) would otherwise pull the line below zero. An estimate on paper, printed beside the
measured rows.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FIGURES = {"first_answer_s": "première réponse (s)", "rss_mb": "mémoire résidente (Mo)",
           "ask_p95_ms": "ask p95 (ms)", "add_one_s": "ajout d'un document (s)", "disk_mb": "disque (Mo)"}
MILLION = 1_000_000


def estimate(rows: list[dict[str, Any]], figure: str, chunks: int = MILLION) -> float:
    ordered = sorted(rows, key=lambda r: r["chunks"])
    last = ordered[-1]
    if len(ordered) == 1:
        return round(float(last[figure]), 1)
    before = ordered[-2]
    slope = max(0.0, (last[figure] - before[figure]) / (last["chunks"] - before["chunks"]))
    return round(float(last[figure] + slope * (chunks - last["chunks"])), 1)


def plot(rows: list[dict[str, Any]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, len(FIGURES), figsize=(4 * len(FIGURES), 3.4))
    sizes = [r["chunks"] for r in rows]
    for axis, (name, label) in zip(axes, FIGURES.items(), strict=True):
        axis.plot(sizes, [r[name] for r in rows], "o-", label="mesuré")
        guess = estimate(rows, name)
        axis.plot([sizes[-1], MILLION], [rows[-1][name], guess], "--", color="grey", label="estimé")
        axis.set_xscale("log")
        axis.set_title(label, fontsize=10)
        axis.set_xlabel("passages")
    axes[0].legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(out, dpi=90)


def main() -> None:
    lines = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    rows = [row for line in lines if line.strip() and not (row := json.loads(line)).get("estimated")]
    plot(rows, Path(sys.argv[2]))
    print(json.dumps({"chunks": MILLION, **{name: estimate(rows, name) for name in FIGURES}}))


if __name__ == "__main__":
    main()
