"""How a stream is framed, for the case the bundled test model cannot show: SmolLM2's sentences all fail
verification, so against it every answer arrives whole. Here the events are what ``Assistant.stream``
yields for a generated answer (verified sentences, then the ``Answer``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import anyio

from assistant import Answer, Citation
from quartiers.api.routes import _stream


def _events(stream) -> list:
    async def collect() -> list[str]:
        return [event async for event in stream]

    lines = asyncio.run(collect())
    assert lines[-1] == "data: [DONE]\n\n"
    return [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]


def test_each_verified_sentence_is_a_delta_and_citations_come_last() -> None:
    sentences = ["Nantes a repéré 450 ménages [1].", "La Halte du Cœur a assuré l'approvisionnement [2]."]
    citation = Citation(1, "c1", "r.pdf", "Rapport", 27, "III", "Nantes", "450 ménages")
    final = Answer("q", "q", " ".join(sentences), refused=False, answerer="llm", citations=[citation])
    events: Iterator[str | Answer] = iter([*sentences, final])
    chunks = _events(_stream(anyio.CapacityLimiter(1), events, "quartiers", lambda s, p: f"/d/{s}#page={p}"))
    deltas = [c["choices"][0]["delta"] for c in chunks]
    assert deltas[0] == {"role": "assistant", "content": ""}
    assert "".join(d.get("content", "") for d in deltas) == final.answer
    assert [d["content"] for d in deltas[1:3]] == [sentences[0], " " + sentences[1]]
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert deltas[-1]["citations"][0]["url"] == "/d/r.pdf#page=27" and deltas[-1]["answerer"] == "llm"


def test_a_failure_mid_stream_is_an_error_event() -> None:
    def failing():
        yield "Une phrase vérifiée [1]."
        raise RuntimeError("boom")

    chunks = _events(_stream(anyio.CapacityLimiter(1), failing(), "quartiers", lambda s, p: None))
    assert chunks[-1]["error"]["code"] == "internal_error" and "boom" not in json.dumps(chunks[-1])
