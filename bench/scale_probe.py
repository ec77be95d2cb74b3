"""One store's figures from inside a fresh process, for ``bench.scale``: the time of the first answer,
peak RSS, and (``warm``) warm retrieve/ask latencies and retrieval quality on the report's questions.

    .venv/bin/python -m bench.scale_probe STORE cold|warm   # prints one JSON object
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main() -> None:
    from assistant import Assistant
    from bench.common import percentiles
    from bench.startup_memory import memory
    from eval.dataset import contains_gold
    from eval.metrics import first_hit, ranking_metrics
    from eval.retrieval import retrieval_items
    from vectorstore.store import Store

    folder, attempt = Path(sys.argv[1]), sys.argv[2]
    assistant = Assistant(Store(folder))
    assistant.answer("Comment Nantes a-t-elle organisé l'aide alimentaire ?")
    figures: dict[str, float] = {"first_answer_at": time.time()}
    if attempt == "warm":
        items = retrieval_items("all")
        retrieve, ask, ranks = [], [], []
        for item in items:
            started = time.perf_counter()
            passages = assistant.retriever.search(item.question, k=10)
            retrieve.append((time.perf_counter() - started) * 1000)
            ranks.append(first_hit([any(contains_gold(p.text, g) for g in item.gold) for p in passages]))
            started = time.perf_counter()
            assistant.answer(item.question)
            ask.append((time.perf_counter() - started) * 1000)
        metrics = ranking_metrics(ranks)
        for name, samples in (("retrieve", retrieve), ("ask", ask)):
            p50, p95 = percentiles(samples)
            figures[f"{name}_p50_ms"], figures[f"{name}_p95_ms"] = round(p50, 1), round(p95, 1)
        figures["hit5"], figures["mrr"] = round(metrics["hit@5"], 3), round(metrics["mrr@10"], 3)
        figures["questions"] = len(items)
    # VmHWM, not getrusage's ru_maxrss, which survives exec: a probe started by a process holding 1 GB
    # (bench.scale after building a store) reported that gigabyte as its own
    held = memory()
    figures[f"rss_{attempt}_mb"] = held["VmHWM"]
    # file-backed pages (the memory-mapped vector files, libraries) are shared and reclaimable
    figures[f"rss_anon_{attempt}_mb"], figures[f"rss_file_{attempt}_mb"] = held["RssAnon"], held["RssFile"]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
