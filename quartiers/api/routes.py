"""``/v1/models``, ``/v1/chat/completions`` (JSON or server-sent events) and ``/v1/documents/{source}`` (the
stored copy a citation links to). Answers come from ``Assistant.answer`` / ``Assistant.stream``."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote

import anyio
from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, StreamingResponse

from assistant import Answer
from quartiers.api.chat import ChatRequest, Link, answer_fields, chunk, completion, completion_id
from quartiers.api.corpora import Corpora
from quartiers.api.errors import ApiError
from quartiers.web.service import Service
from vectorstore import StoreError
from vectorstore.retriever import FilterError

MEDIA = {".pdf": "application/pdf", ".md": "text/markdown; charset=utf-8", ".markdown": "text/markdown; charset=utf-8",
         ".txt": "text/plain; charset=utf-8"}


def _links(request: Request, service: Service, model: str, default: str) -> Link:
    base = str(request.base_url).rstrip("/")

    def link(source: str, page: int | None) -> str | None:
        if service.stored_file(source) is None:
            return None
        suffix = "" if model == default else f"?model={quote(model)}"
        return f"{base}/v1/documents/{quote(source)}{suffix}" + (f"#page={page}" if page else "")

    return link


def _sse(data: dict[str, Any] | str) -> str:
    return f"data: {data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)}\n\n"


def build_router(corpora: Corpora) -> APIRouter:
    router = APIRouter(prefix="/v1")

    @router.get("/models")
    async def models() -> dict[str, Any]:
        names = await to_thread.run_sync(corpora.names)
        return {"object": "list", "data": [{"id": n, "object": "model", "created": 0, "owned_by": "quartiers"}
                                           for n in names]}

    @router.get("/documents/{source:path}")
    async def document(source: str, model: str | None = None) -> FileResponse:
        model = model or corpora.default_name
        service = corpora.service(model)
        path = service.stored_file(source)
        if path is None:
            raise ApiError(404, f"Document « {source} » introuvable dans la base « {model} ».", "document_not_found")
        return FileResponse(path, media_type=MEDIA.get(path.suffix.lower(), "application/octet-stream"),
                            content_disposition_type="inline", filename=source)

    @router.post("/chat/completions", response_model=None)
    async def chat_completions(body: ChatRequest, request: Request) -> dict[str, Any] | StreamingResponse:
        filters = body.filters()
        service = await to_thread.run_sync(corpora.service, body.model)
        question, history = body.conversation(service.settings.max_question_chars)
        answerer = body.quartiers.answerer
        await to_thread.run_sync(corpora.check_ready, service, answerer)
        corpora.check_capacity()
        assistant = service.assistant(answerer)
        link = _links(request, service, body.model, corpora.default_name)
        if not body.stream:
            async with corpora.slots:
                answer = await to_thread.run_sync(_answer, assistant.answer, question, history, filters)
            return await to_thread.run_sync(completion, answer, body.model, link)  # links read the store
        events = assistant.stream(question, history, filters)
        return StreamingResponse(_stream(corpora.slots, events, body.model, link), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return router


def _answer(run: Any, *args: Any) -> Answer:
    try:
        return run(*args)  # type: ignore[no-any-return]
    except FilterError as error:
        raise ApiError(400, str(error), "invalid_filter", "quartiers.filters") from error
    except StoreError as error:
        raise ApiError(503, str(error), "store_unavailable") from error


_END = object()


def _next(events: Iterator[str | Answer]) -> Any:
    try:
        return next(events)
    except StopIteration:
        return _END


async def _stream(slots: anyio.CapacityLimiter, events: Iterator[str | Answer], model: str,
                  link: Link) -> AsyncIterator[str]:
    """Verified sentences as content deltas as soon as the assistant yields them; an answer verified all at
    once (extractive, refusal, fallback) comes as one delta; the last chunk carries the citations."""
    cid, started = completion_id(), time.perf_counter()
    yield _sse(chunk(cid, model, {"role": "assistant", "content": ""}))
    streamed: list[str] = []
    try:
        async with slots:
            while (event := await to_thread.run_sync(_answer, _next, events)) is not _END:
                if isinstance(event, Answer):
                    if not streamed:
                        yield _sse(chunk(cid, model, {"content": event.answer}))
                    event.timings_ms.setdefault("api_total", (time.perf_counter() - started) * 1000)
                    fields = await to_thread.run_sync(answer_fields, event, link)
                    yield _sse(chunk(cid, model, fields, finish="stop"))
                    break
                yield _sse(chunk(cid, model, {"content": (" " if streamed else "") + event}))
                streamed.append(event)
    except ApiError as error:
        yield _sse(error.body())
    except anyio.get_cancelled_exc_class():
        raise
    except Exception:  # the stream has started: the error goes in-band, as OpenAI's own streams do
        yield _sse(ApiError(500, "Erreur interne pendant la réponse.", "internal_error").body())
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()  # a generator: stops a model still writing
    yield _sse("[DONE]")
