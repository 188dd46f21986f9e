"""``/sparql`` at engine speed: the Protocol answered in the front, outside Flask's request cycle.

Flask's request cycle (request and response objects, context locals, hooks) cost ~0.45 ms per
request even for an answer from the cache, several times what the engine needs for a lookup. A
SPARQL client's request is simple: a query in the URL or the body, an ``Accept`` header, maybe
``If-None-Match``. The front hands such requests here, and this module answers them with the same
pieces the view uses (``protocol.read_raw``, the store's guards, ``http`` negotiation and replies,
``answers``), so behaviour is the view's: the pipeline is one, only the framework is skipped.

Two steps. ``begin`` runs in the event loop: a GET seen before (same version, same query string,
same ``Accept``) is answered from the entity it produced, and a query the store answers at once (the
fast lane, an answer of at most ``AT_ONCE_ROWS`` rows) right there, with no thread hop at all (the
hop alone costs ~50 µs of CPU, measured on granian: more than such a query). ``finish`` runs in an
app thread for the rest (the isolated query processes, the remote store, a large answer).
Whatever is not a plain protocol answer — a browser (the editor), the service description, HEAD,
an error — goes to the Flask app as before (an error raised here travels to it in the environ, so
it is rendered, negotiated, in one place).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import CisemError, NotAcceptable, NotAtOnce, QueryError
from ..formats import GRAPH_FORMATS, HTML, RESULT_FORMATS, Format
from ..queries import explain
from ..store.base import Answer, PreparedQuery, Store
from . import answers, http, protocol, querylog
from .cache import EntityCache
from .fairness import MeteredStore
from .http import Entity, Reply

if TYPE_CHECKING:
    from . import Publisher, Served


PATHS = frozenset({"/sparql", "/sparql/"})
_OFFERS = (*RESULT_FORMATS, *GRAPH_FORMATS, HTML)


@dataclass(frozen=True)
class Request:
    """What the hot path reads of a request."""

    method: str
    query_string: bytes
    accept: str | None
    accept_encoding: str | None
    if_none_match: str | None
    content_type: str | None
    body: bytes
    client: str


class Handoff(Exception):
    """The request is the Flask app's: with the error to render, or None to handle it there."""

    def __init__(self, error: CisemError | None = None) -> None:
        super().__init__(error)
        self.error = error


@dataclass
class Pending:
    """A request ``begin`` could not answer without waiting: its lease, store and plan, for
    ``finish`` in an app thread."""

    request: Request
    served: Served
    store: Store
    prepared: PreparedQuery
    fmt: Format
    #: Accept chose the format (no ``format=``): the answer varies on it
    negotiated: bool
    started: float


class HotPath:
    """The protocol answers of one app (its publisher: settings, store, caches, budgets, metrics)."""

    def __init__(self, app) -> None:
        from . import get_publisher_of

        self.publisher: Publisher = get_publisher_of(app)
        self.settings = self.publisher.settings
        self.entities = EntityCache(self.settings.cache_entries)

    def begin(self, request: Request) -> Reply | Pending:
        """In the event loop: a GET seen before from its entity; a query the store answers at
        once (the fast lane, a small answer) right here; anything else ``Pending`` for
        ``finish``. Raises ``Handoff`` for the Flask app."""
        publisher, started = self.publisher, time.perf_counter()
        served = publisher.lease()
        try:
            version = served.store.version
            if request.method == "GET":
                entity = self.entities.get((version, request.query_string, request.accept))
                if entity is not None:
                    publisher.metrics.cache_hit()
                    return self._finish(request, entity, version, "cached", entity, started)
            store = self._store(served, request)
            prepared, fmt, negotiated = self._plan(request, store)
            if prepared.bounded:  # only a store with a fast lane proves queries bounded
                try:
                    return self._answer(request, store, prepared, fmt, negotiated, started,
                                        at_once=True)
                except NotAtOnce:
                    pass  # a large answer: read in an app thread
            pending = Pending(request, served, store, prepared, fmt, negotiated, started)
            served = None
            return pending
        except CisemError as exc:
            _log(f"{exc.status} {exc.title}", started, None)
            raise Handoff(self._explained(exc, request)) from None
        finally:
            if served is not None:
                publisher.unlease(served)

    def finish(self, pending: Pending) -> Reply:
        """In an app thread: answer what ``begin`` left, waiting for the store as needed."""
        try:
            return self._answer(pending.request, pending.store, pending.prepared, pending.fmt,
                                pending.negotiated, pending.started)
        except CisemError as exc:
            _log(f"{exc.status} {exc.title}", pending.started, None)
            raise Handoff(self._explained(exc, pending.request)) from None
        finally:
            self.publisher.unlease(pending.served)

    def answer(self, request: Request) -> Reply:
        """``begin`` and, if need be, ``finish`` in this thread (tests, callers without a loop)."""
        started = self.begin(request)
        return started if isinstance(started, Reply) else self.finish(started)

    def _explained(self, exc: CisemError, request: Request) -> CisemError:
        """An undeclared prefix said as the ``PREFIX`` line to add, as the view says it."""
        if not isinstance(exc, QueryError):
            return exc
        try:
            text = protocol.read_raw(request.method, request.query_string,
                                     _mimetype(request.content_type), len(request.body),
                                     request.body, self.settings.max_request_bytes).query
        except CisemError:
            return exc
        return explain(exc, text or "", self.settings.base_iri)

    def _store(self, served: Served, request: Request) -> Store:
        publisher = self.publisher
        if publisher.budgets.enabled:
            return MeteredStore(served.store, publisher.budgets, request.client, publisher.metrics)
        return served.store

    def _plan(self, request: Request, store: Store) -> tuple[PreparedQuery, Format, bool]:
        """The prepared query, its format, and whether Accept chose it (no ``format=``)."""
        req = protocol.read_raw(request.method, request.query_string,
                                _mimetype(request.content_type), len(request.body), request.body,
                                self.settings.max_request_bytes)
        if req.query is None or _wants_html(req.formats, request.accept):
            raise Handoff()  # the service description, or a browser's editor
        default_graphs, named_graphs = req.dataset
        prepared = store.prepare(req.query, default_graphs, named_graphs)
        formats = (*(GRAPH_FORMATS if prepared.returns_graph else RESULT_FORMATS), HTML)
        fmt = http.choose(formats, accept=request.accept, tokens=req.formats)
        if fmt is HTML:
            raise Handoff()  # a page ranked above the formats that fit the query
        return prepared, fmt, not req.formats

    def _answer(self, request: Request, store: Store, prepared: PreparedQuery, fmt: Format,
                negotiated: bool, started: float, *, at_once: bool = False) -> Reply:
        entity, answer, outcome = answers.answer(
            self.publisher, store, prepared, fmt, cacheable=request.method == "GET",
            if_none_match=request.if_none_match, method=request.method, at_once=at_once,
            negotiated=negotiated)
        if request.method == "GET" and answer is not None and entity.status == 200:
            self.entities.put((store.version, request.query_string, request.accept), entity)
        return self._finish(request, entity, store.version, outcome, answer, started)

    def _finish(self, request: Request, entity: Entity, version: str, outcome: str, answer,
                started: float) -> Reply:
        reply = http.reply(entity, accept_encoding=request.accept_encoding,
                           if_none_match=request.if_none_match, method=request.method)
        reply.headers.extend(http.common_headers(self.settings.cors_origin, version,
                                                 request.method))
        if reply.status == 304:
            outcome = "not-modified"
        self.publisher.metrics.request("sparql", reply.status)
        _log(outcome, started, answer)
        return reply


def _wants_html(tokens: tuple[str, ...], accept: str | None) -> bool:
    try:
        return http.choose(_OFFERS, accept=accept, tokens=tokens) is HTML
    except NotAcceptable:
        return False


def _mimetype(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _log(outcome: str, started: float, answer: Answer | Entity | None) -> None:
    """The view's query log line (an entity from the cache says its size only)."""
    querylog.query(outcome, started, len(answer.body) if answer else 0,
                   getattr(answer, "count", "-"), getattr(answer, "truncated", "-"))
