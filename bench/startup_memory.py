"""Where a process's memory goes, start-up stage by stage: resident memory split into anonymous (heap,
model weights, Chroma's index) and file-backed (memory-mapped files, shared libraries), plus the Python
allocations each stage made (tracemalloc) and the largest memory mappings at the end.

    .venv/bin/python -m bench.startup_memory STORE [--questions N] [--trace]

``--trace`` adds tracemalloc (slower; Python objects only, not torch's or Chroma's native memory).
"""

from __future__ import annotations

import argparse
import re
import time
import tracemalloc
from pathlib import Path

_FIELDS = ("VmRSS", "RssAnon", "RssFile", "VmHWM")


def memory() -> dict[str, int]:
    """The kernel's resident-memory counters of this process, in MB."""
    found: dict[str, int] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in _FIELDS:
            found[name] = int(value.split()[0]) // 1024
    return found


def largest_mappings(count: int = 12) -> list[tuple[int, str]]:
    """(resident MB, what) of the largest mappings: a file's name, or ``[anon]``/``[heap]``."""
    sizes: dict[str, int] = {}
    current = "?"
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            parts = line.split(maxsplit=5)
            current = parts[5].strip() if len(parts) > 5 else "[anon]"
        elif line.startswith("Rss:"):
            sizes[current] = sizes.get(current, 0) + int(line.split()[1])
    return sorted(((kb // 1024, name) for name, kb in sizes.items()), reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", type=Path)
    parser.add_argument("--questions", type=int, default=20, help="warm answers after the first")
    parser.add_argument("--trace", action="store_true", help="Python allocations per stage (tracemalloc)")
    args = parser.parse_args()
    if args.trace:
        tracemalloc.start()
    started = time.perf_counter()
    snapshot = tracemalloc.take_snapshot() if args.trace else None

    def stage(name: str) -> None:
        nonlocal snapshot
        figures = memory()
        line = (f"{name:<22} {time.perf_counter() - started:6.1f} s  RSS {figures['VmRSS']:5} MB  anon "
                f"{figures['RssAnon']:5}  file {figures['RssFile']:5}  peak {figures['VmHWM']:5}")
        if snapshot is not None:
            current = tracemalloc.take_snapshot()
            top = current.compare_to(snapshot, "lineno")[:3]
            grown = sum(s.size_diff for s in current.compare_to(snapshot, "filename")) // 2**20
            line += f"  python +{grown} MB: " + "; ".join(f"{s.traceback[0]} {s.size_diff // 2**20} MB" for s in top)
            snapshot = current
        print(line, flush=True)

    stage("start")
    import chromadb  # noqa: F401
    import torch  # noqa: F401

    from assistant import Assistant
    from eval.retrieval import retrieval_items
    from vectorstore.store import Store

    stage("imports")
    store = Store(args.store)
    stage("store opened")
    store.embedder  # noqa: B018
    stage("e5 loaded")
    from vectorstore.retriever import HybridRetriever

    retriever = HybridRetriever(store)
    stage("retriever")
    retriever.dense("aide alimentaire")
    stage("first dense query")
    retriever.use  # noqa: B018
    stage("use index")
    assistant = Assistant(store, retriever=retriever)
    stage("assistant")
    assistant.answer("Comment Nantes a-t-elle organisé l'aide alimentaire ?")
    stage("first answer")
    for item in retrieval_items("all")[: args.questions]:
        assistant.answer(item.question)
    stage(f"{args.questions} more answers")
    for size, name in largest_mappings():
        print(f"  {size:6} MB  {name}")


if __name__ == "__main__":
    main()
