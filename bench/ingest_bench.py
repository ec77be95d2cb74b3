"""Ingestion and cold-start figures for the shipped pipeline and the naive baseline, in one run.

    .venv/bin/python -m bench.ingest_bench [--out DIR]

Prints: end-to-end ingestion of the bundled PDF (seconds, chunks/s) into a fresh store through the
real CLI; the cold start of one-shot CLI commands (time to first output); the same for the naive
pipeline (pypdf pages → 1000/200 splitter → all-MiniLM-L6-v2 → Chroma). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from quartiers import BUNDLED_CORPUS

PDF = BUNDLED_CORPUS / "quartiers-covid-crpv-2020.pdf"


def time_to_first_output(command: list[str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    process.stdout.readline()
    elapsed = time.perf_counter() - started
    process.wait()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=None, help="keep the stores here (default: a temp dir)")
    args = parser.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="quartiers-bench-"))
    cli = [sys.executable, "-m", "quartiers.cli"]
    rows: list[tuple[str, str]] = []

    store = folder / "store"
    started = time.perf_counter()
    done = subprocess.run([*cli, "ingest", "--json", "--store", str(store)], capture_output=True, text=True,
                          check=True)
    seconds = time.perf_counter() - started
    chunks = json.loads(done.stdout)["totals"]["added"]
    rows.append(("shipped: ingest bundled PDF, fresh store (s)", f"{seconds:.1f}"))
    rows.append(("shipped: chunks / chunks per second", f"{chunks} / {chunks / seconds:.1f}"))
    stats = [time_to_first_output([*cli, "stats", "--store", str(store)]) for _ in range(3)]
    rows.append(("shipped: cold start `quartiers stats` (s, best of 3)", f"{min(stats):.2f}"))
    again = [time_to_first_output([*cli, "ingest", "--store", str(store), "--no-progress"]) for _ in range(2)]
    rows.append(("shipped: cold re-ingest, unchanged (s, best of 2)", f"{min(again):.2f}"))

    naive_code = (
        "import sys,time; t=time.perf_counter(); from pathlib import Path; from eval.baseline import NaiveBaseline;"
        f"b=NaiveBaseline(Path({str(folder / 'naive')!r})); r=b.build(Path({str(PDF)!r}));"
        "print(round(time.perf_counter()-t,2), int(r['chunks']), flush=True)"
    )
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", naive_code], capture_output=True, text=True, check=True).stdout
    naive_seconds = time.perf_counter() - started
    naive_chunks = int(out.split()[1])
    rows.append(("naive: ingest bundled PDF, fresh store (s)", f"{naive_seconds:.1f}"))
    rows.append(("naive: chunks / chunks per second", f"{naive_chunks} / {naive_chunks / naive_seconds:.1f}"))
    query_code = naive_code.replace("r=b.build", "b.search('aide alimentaire à Nantes');r=b.build")
    rows.append(("naive: cold start build-check + one query (s)",
                 f"{time_to_first_output([sys.executable, '-c', query_code]):.2f}"))

    width = max(len(name) for name, _ in rows)
    print(f"Ingestion benchmark ({PDF.name}, {time.strftime('%Y-%m-%d %H:%M')})")
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main()
