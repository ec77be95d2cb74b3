"""Answer a list of requests in a fresh process while a document is uploaded, through the web app's
service (``quartiers.web.service.Service``: its one retriever and its assistants, built on first use), and
print what each answer shows as one JSON line, in request order.

    python -m tests.assistant.thread_hammer alone STORE REQUESTS.json UPLOAD
    python -m tests.assistant.thread_hammer threads STORE REQUESTS.json UPLOAD THREADS

``alone``: every request one after the other, then the upload, then every request again (two lines per
request: before, after). ``threads``: the upload and the first wave of ``THREADS`` answering threads start
together, on cold caches (encoders, injection prototypes, stem and verdict caches, sqlite connections,
the service's lazy assistant), as in a web app's first minute; each thread also stems French words no one
has stemmed before. A fresh process on purpose: nothing is warm that the threads did not warm themselves.
"""

from __future__ import annotations

import json
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any


def comparable(answer: dict[str, Any]) -> dict[str, Any]:
    """What a user sees of an answer, minus timings; scores rounded (BLAS may sum in another order)."""
    kept = {k: v for k, v in answer.items() if k != "timings_ms"}
    kept["passages"] = [(p["chunk_id"], round(p["score"], 4)) for p in answer["passages"]]
    kept["see_also"] = [p["chunk_id"] for p in answer["see_also"]]
    kept["answerable"] = None if answer["answerable"] is None else round(answer["answerable"], 4)
    return kept


def _stems(index: int) -> list[str]:
    from quartiers.text_toolkit import analyse

    return analyse(" ".join(f"{w}{'xyz'[index % 3]}{index}ations {w}{index}ement" for w in ("quarti", "habit", "médi")))


def main(mode: str, store: str, requests_file: str, upload: str, threads: int = 1) -> None:
    from quartiers.components import settings_for
    from quartiers.web.service import Service

    requests = json.loads(Path(requests_file).read_text(encoding="utf-8"))
    service = Service(settings_for(store=Path(store)))

    def one(index: int, barrier: threading.Barrier | None = None) -> dict[str, Any]:
        if barrier is not None and index < threads:
            barrier.wait()  # the first wave starts together, with the upload
        request, assistant = requests[index], service.assistant()
        answer = assistant.answer(request["question"], request.get("history"), request.get("filters"))
        return {"answer": comparable(answer.to_json()), "stems": _stems(index), "assistant": id(assistant)}

    def ingest(barrier: threading.Barrier | None = None) -> None:
        if barrier is not None:
            barrier.wait()
        report = service.ingest_uploads([(Path(upload), Path(upload).name)])
        assert report.added == 1, report

    if mode == "alone":
        before = [one(i) for i in range(len(requests))]
        ingest()
        results = [line for pair in zip(before, [one(i) for i in range(len(requests))], strict=True) for line in pair]
    else:
        barrier = threading.Barrier(threads + 1)
        with ThreadPoolExecutor(max_workers=threads + 1) as pool:
            uploaded = pool.submit(ingest, barrier)
            results = list(pool.map(lambda i: one(i, barrier), range(len(requests))))
            uploaded.result()
    for line in results:
        print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], *map(int, sys.argv[5:]))
