"""Warm ``ask`` latency with the extractive answerer: p50/p95 over the question set, per stage, and CPU
seconds per answer.

    .venv/bin/python -m bench.ask_bench [--store DIR]
"""

from __future__ import annotations

import statistics
import time

from bench.common import percentiles, prepared_store
from eval.dataset import load_items


def main() -> None:
    from quartiers.components import build_assistant, settings_for

    started = time.perf_counter()
    assistant = build_assistant(settings_for(), store=prepared_store(__doc__ or ""))
    loaded = (time.perf_counter() - started) * 1000
    assistant.answer("échauffement")
    items = load_items()
    wall: list[float] = []
    cpu: list[float] = []
    stages: dict[str, list[float]] = {}
    for item in items:
        started, started_cpu = time.perf_counter(), time.process_time()
        answer = assistant.answer(item.question, history=item.history)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append(time.process_time() - started_cpu)
        for stage, ms in answer.timings_ms.items():
            stages.setdefault(stage, []).append(ms)
    p50, p95 = percentiles(wall)
    print(f"ask benchmark ({len(items)} questions, extractive, warm)")
    loads = "  ".join(f"{k} {v:.0f}" for k, v in assistant.retriever.timings.items())
    print(f"  assistant loaded in {loaded:.0f} ms ({loads})")
    print(f"  total        p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   CPU {statistics.mean(cpu):.3f} s/answer")
    for stage, samples in stages.items():
        s50, s95 = percentiles(samples)
        print(f"  {stage:<12} p50 {s50:6.1f} ms   p95 {s95:6.1f} ms")


if __name__ == "__main__":
    main()
