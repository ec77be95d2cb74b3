"""The scale curve: disk, memory, start-up, latency, one more document and retrieval quality per store size.

    .venv/bin/python -m bench.scale --sizes 1000,10000,100000 [--keep DIR] [--json] [--plot PNG]

Each store holds the bundled report (ingested for real) and synthetic distractors recombined from its
passages (``bench.scale_build``: other places, redrawn figures, vectors through the embedding cache), up to
the size asked. ``--keep DIR`` leaves each store in ``DIR/<size>/``, a normal store (``quartiers stats
--store DIR/<size>`` works); without it they live in a temporary folder. Every figure but the build's
is taken in a fresh process running the real code, as a user would meet it: ``first_answer_s`` is from
process start to the first answer (``quartiers ask``'s path), ``rss_mb`` that process's peak resident
memory, ``ask_*``/``retrieve_*`` warm latencies over the report's questions, ``add_one_s`` the wall time
of ``quartiers ingest`` of one new document (then removed again), ``hit5``/``mrr`` retrieval quality on
the report's questions with the distractors present. ``--json`` prints one JSON object per size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quartiers import BUNDLED_CORPUS

if TYPE_CHECKING:
    from vectorstore.store import Store

ROOT = Path(__file__).resolve().parent.parent
REPORT = BUNDLED_CORPUS / "quartiers-covid-crpv-2020.pdf"
ONE_MORE = ROOT / "tests" / "fixtures" / "quartiers-covid-crpv-2020.md"  # its illustrations part is added


def build(folder: Path, size: int, template: Path) -> dict[str, float]:
    """``folder``: the report's store (copied from ``template``) grown to ``size`` chunks."""
    from bench.scale_build import Synthesiser, grow, use_from_origin
    from ingest import parse_file
    from vectorstore.store import Store

    shutil.copytree(template, folder)
    store = Store(folder)
    started = time.perf_counter()
    synthesiser = Synthesiser(parse_file(REPORT), store)
    before = store.chunks.count()
    documents = grow(store, synthesiser, size, folder.parent / f".{size}-scratch.md")
    written = time.perf_counter() - started
    started = time.perf_counter()
    with use_from_origin(synthesiser):  # derive the lexical, USE, sentence and theme caches
        derive(store)
    return {"documents": documents, "build_write_s": round(written, 1),
            "write_chunks_per_s": round((store.chunks.count() - before) / max(written, 1e-9)),
            "build_derive_s": round(time.perf_counter() - started, 1)}


def clean_env() -> dict[str, str]:
    """The environment of a fresh process as a user starts it: no QUARTIERS_ setting, no hub."""
    return {k: v for k, v in os.environ.items() if not k.startswith("QUARTIERS_")} | {"HF_HUB_OFFLINE": "1"}


def derive(store: Store) -> None:
    """Bring a store's derived indexes up to date (a store kept from an earlier run may lack newer ones:
    their first build is not what adding one document costs)."""
    from assistant import Assistant
    from vectorstore.themes import initiative_themes

    initiative_themes(Assistant(store).retriever)
    store.text_hashes.ids_for([])  # the embedding cache's index, filled once in a store older than it


def measure(folder: Path) -> dict[str, Any]:
    """The figures of one store, each in a fresh process (``bench.scale_probe``)."""
    env = clean_env()
    figures: dict[str, Any] = {}
    for attempt in ("cold", "warm"):  # the first start reads the store from disk, the second from the OS cache
        started = time.time()
        probe = subprocess.run([sys.executable, "-m", "bench.scale_probe", str(folder), attempt],
                               capture_output=True, text=True, env=env, cwd=ROOT)
        assert probe.returncode == 0, probe.stderr[-2000:]
        data = json.loads(probe.stdout.strip().splitlines()[-1])
        figures[f"first_answer_{attempt}_s"] = round(data.pop("first_answer_at") - started, 2)
        figures.update(data)
    figures["first_answer_s"] = figures["first_answer_cold_s"]
    figures["rss_mb"] = max(figures["rss_cold_mb"], figures["rss_warm_mb"])  # the warm process answered 97 more
    figures["add_one_s"] = add_one(folder)
    return figures


def add_one(folder: Path) -> float:
    """Seconds ``quartiers ingest`` takes to add one new document to the store in ``folder`` (then removed)."""
    env = clean_env()
    started = time.perf_counter()
    added = subprocess.run([sys.executable, "-m", "quartiers.cli", "ingest", "--no-progress", "--json", "--store",
                            str(folder), str(one_more(folder.parent))], capture_output=True, text=True, env=env,
                           cwd=ROOT)
    seconds = round(time.perf_counter() - started, 2)
    assert added.returncode == 0, added.stderr[-2000:]
    subprocess.run([sys.executable, "-m", "quartiers.cli", "remove", "illustrations.md", "--store", str(folder)],
                   capture_output=True, env=env, cwd=ROOT, check=True)
    return seconds


def one_more(scratch: Path) -> Path:
    """The report's illustrations part as a new Markdown document (its own passages: really embedded)."""
    text = ONE_MORE.read_text(encoding="utf-8")
    path = scratch / "illustrations.md"
    path.write_text(text[text.index("# Illustrations d'acteur.rice.s agissant"):], encoding="utf-8")
    return path


def disk_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="chunk counts, comma-separated")
    parser.add_argument("--keep", type=Path, help="leave each store in DIR/<size>/")
    parser.add_argument("--json", action="store_true", help="one JSON object per size")
    parser.add_argument("--plot", type=Path, help="the curve as a PNG, with the 1M-chunk estimate (bench.scale_plot)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="quartiers-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    template = base / "_report"
    if not template.exists():
        from vectorstore.indexer import ingest_paths
        from vectorstore.store import Store

        ingest_paths(Store(template), [REPORT], progress=False)
    empty = base / "_empty"
    shutil.rmtree(empty, ignore_errors=True)
    add_one_empty_s = add_one(empty)  # the yardstick: adding the same document to an empty store
    shutil.rmtree(empty, ignore_errors=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        folder = base / str(size)
        from vectorstore.store import Store

        if folder.exists():
            derive(Store(folder))
            built = {}
        else:
            built = build(folder, size, template)
        row = {"chunks": Store(folder).chunks.count(), "disk_mb": disk_mb(folder), **built, **measure(folder)}
        row["add_one_empty_s"] = add_one_empty_s
        row["hnsw_mb_estimate"] = round(row["chunks"] * 384 * 4 * 1.1 / 1e6)  # Chroma's own index, for comparison
        rows.append(row)
        print(json.dumps(row) if args.json else format_row(row), flush=True)
    if args.plot:
        from bench.scale_plot import FIGURES, MILLION, estimate, plot

        plot(rows, args.plot)
        estimated = {"chunks": MILLION, "estimated": True, **{name: estimate(rows, name) for name in FIGURES}}
        print(json.dumps(estimated) if args.json else f"estimated at 1M chunks: {estimated}", flush=True)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


def format_row(row: dict[str, Any]) -> str:
    return (f"{row['chunks']:>7} chunks  {row['disk_mb']:>7} MB  RSS {row['rss_mb']} MB  first answer "
            f"{row['first_answer_cold_s']} / {row['first_answer_warm_s']} s  retrieve p50/p95 "
            f"{row['retrieve_p50_ms']}/{row['retrieve_p95_ms']} ms  ask p50/p95 {row['ask_p50_ms']}/"
            f"{row['ask_p95_ms']} ms  add one {row['add_one_s']} s  hit@5 {row['hit5']}  MRR {row['mrr']}")


if __name__ == "__main__":
    main()
