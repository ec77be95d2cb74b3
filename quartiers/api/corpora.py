"""Which corpora the API serves: each Chroma collection of the store is a ``model``; the one the web app
uses shares its ``Service`` (indexes loaded once), the others are opened on first use.

Answers run in worker threads, at most ``API_CONCURRENCY`` at a time across all API and MCP calls (the web
page keeps its own queue, so an API burst never queues ahead of it), and a burst beyond ``MAX_WAITING``
waiting requests is refused with a 503 rather than left to pile up.
"""

from __future__ import annotations

import threading

import anyio

from quartiers.api.errors import ApiError
from quartiers.web.service import Service

API_CONCURRENCY = 2  # answers are CPU-bound on two cores: more threads only share the same cores
MAX_WAITING = 64
RECORDS_SUFFIX = "-documents"  # a corpus is a chunks collection beside its records collection


class Corpora:
    def __init__(self, service: Service) -> None:
        self.default = service
        self._others: dict[str, Service] = {}
        self._lock = threading.Lock()
        self.slots = anyio.CapacityLimiter(API_CONCURRENCY)

    @property
    def default_name(self) -> str:
        return self.default.store.collection_name

    def names(self) -> list[str]:
        """The corpora of this store (the web app's first)."""
        found = {getattr(c, "name", c) for c in self.default.store.client.list_collections()}
        corpora = {n for n in found if f"{n}{RECORDS_SUFFIX}" in found and not n.endswith(RECORDS_SUFFIX)}
        return [self.default_name, *sorted(corpora - {self.default_name})]

    def service(self, model: str) -> Service:
        if model == self.default_name:
            return self.default
        with self._lock:
            if model not in self._others:
                known = self.names()
                if model not in known:
                    raise ApiError(404, f"Modèle « {model} » inconnu : les modèles disponibles sont "
                                   f"{', '.join(known)} (voir /v1/models).", "model_not_found", "model")
                settings = self.default.settings.model_copy(update={"collection": model})
                self._others[model] = Service(settings)
            return self._others[model]

    def check_ready(self, service: Service, answerer: str = "extractive") -> None:
        """An empty corpus is a 503: the server works, but has nothing to answer from yet."""
        if not len(service.retriever()):
            name = service.store.collection_name
            raise ApiError(503, f"La base « {name} » est vide : indexez des documents (quartiers ingest, ou "
                           "l'onglet Documents de l'application web) avant de l'interroger.", "empty_store")

    def check_capacity(self) -> None:
        if self.slots.statistics().tasks_waiting >= MAX_WAITING:
            raise ApiError(503, "Serveur occupé : trop de questions en attente, réessayez dans un instant.",
                           "server_busy")
