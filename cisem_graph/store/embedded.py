"""The embedded store: one immutable pyoxigraph store directory per dataset version.

The build writes the directory once (``graph.version.write_store``); ``EmbeddedStore`` serves it
through a pool of supervised query processes (``store.worker``) that open it read-only, so the OS
page cache shares it between them, a runaway query is killed at the time-out and a crash costs
one query.

The fast lane: a query that ``store.bounded`` proves bounded (``PreparedQuery.bounded``) can
neither run long nor crash the engine, and the round trip to a query process costs more than it
does; it runs in the calling thread on the version's store opened read-only in this process
(pyoxigraph releases the GIL while it evaluates), with the same writer, cap and time-out (checked
between solutions: there is no process to kill, and a bounded query needs none).

The dataset a query sees: the Protocol's ``default-graph-uri``/``named-graph-uri`` when given;
otherwise the query's own FROM / FROM NAMED, which pyoxigraph reads as names of local graphs (it
never fetches them; an unknown graph is empty); otherwise the published dataset, whose default
graph is the union of the named graphs.
"""

from __future__ import annotations

import os
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Store as OxStore

from ..config import Settings
from ..errors import CisemError, NotAcceptable, NotAtOnce, StoreUnavailable
from ..formats import GRAPH_FORMATS, RESULT_FORMATS, Format
from ..namespaces import project_prefixes
from .base import (
    ASK,
    AT_ONCE_ROWS,
    CONSTRUCT,
    FAST,
    GRAPH_FORMS,
    ISOLATED,
    SELECT,
    Answer,
    PreparedQuery,
    Rows,
    Store,
    Triples,
)
from .terms import decode, to_rdflib, typed
from .worker import (
    CountRequest,
    QueryRequest,
    WorkerPool,
    failure,
    holds_merge,
    run_query,
    unwrap,
)

#: Seconds beyond the time-out after which a query process ends itself (its parent should have).
_HARD_LIMIT_SLACK = 5.0


@dataclass(frozen=True)
class TextDatasetQuery(PreparedQuery):
    """A query whose own FROM / FROM NAMED choose its dataset (no Protocol graph arguments).

    ``default_graphs``/``named_graphs`` repeat what the guards read from the text, for display;
    the engine applies the clauses itself, resolving prefixes and the query's BASE.
    """


class EmbeddedStore(Store):
    """A dataset version on disk, queried in supervised, read-only pyoxigraph processes, and
    bounded queries in the calling thread (``fast_lane``)."""

    def __init__(self, store_path: Path, version: str, settings: Settings, *,
                 fast_lane: bool = True) -> None:
        store_path = Path(store_path)
        if not store_path.is_dir():
            raise StoreUnavailable(
                f"Dataset version {version} has no store; build it with `cisem-graph build`.")
        self.store_path = store_path
        self.settings = settings
        self.fast_lane = fast_lane
        self._version = version
        self._count: int | None = None
        self._count_lock = threading.Lock()
        self._path = str(store_path.resolve())
        self._prefixes = project_prefixes(settings.base_iri)
        config = {
            "path": self._path,
            "result_limit": settings.result_limit,
            "prefixes": self._prefixes,
            "base_iri": self.query_base,
            "hard_limit": settings.query_timeout + _HARD_LIMIT_SLACK,
        }
        self._pool = WorkerPool(config, size=settings.query_processes,
                                max_pending=settings.max_pending, timeout=settings.query_timeout)
        self._engine: tuple[int, OxStore, bool] | None = None  # (pid, store, merge stored)
        self._engine_lock = threading.Lock()
        self._inherited: list[OxStore] = []
        self._closed = False

    text_dataset_query = TextDatasetQuery

    def __repr__(self) -> str:
        return f"<EmbeddedStore version={self._version}>"

    @property
    def version(self) -> str:
        return self._version

    def execute(self, query: PreparedQuery, fmt: Format, *, at_once: bool = False) -> Answer:
        if fmt not in (GRAPH_FORMATS if query.returns_graph else RESULT_FORMATS):
            kind = "graph" if query.returns_graph else "result"
            raise NotAcceptable(f"A {query.form} answer cannot be written as {fmt.name}; "
                                f"{kind} formats fit it.")
        request = _request(query, fmt.name)
        if self._takes_fast_lane(query):
            reply, lane = self._run_here(request, AT_ONCE_ROWS if at_once else None), FAST
        elif at_once:
            raise NotAtOnce
        else:
            reply, lane = unwrap(self._pool.run(request)), ISOLATED
        if reply.kind == "GRAPH":
            form = query.form if query.form in GRAPH_FORMS else CONSTRUCT
        else:
            form = SELECT if reply.kind == "SELECT" else ASK
        return Answer(reply.body, fmt, form, reply.count, reply.truncated, lane)

    def evaluate(self, query: PreparedQuery) -> Rows | Triples | bool:
        request = _request(query, None)
        if self._takes_fast_lane(query):
            return typed(self._run_here(request), FAST)
        return typed(unwrap(self._pool.run(request)), ISOLATED, decode)

    def _takes_fast_lane(self, query: PreparedQuery) -> bool:
        return self.fast_lane and query.bounded

    def _run_here(self, request: QueryRequest, at_most: int | None = None):
        """Run a bounded query in the calling thread, on this process's read-only store
        (``at_most``: ``NotAtOnce`` past that many rows)."""
        engine, merge_stored = self._open_engine()
        try:
            return run_query(engine, request, result_limit=self.settings.result_limit,
                             prefixes=self._prefixes, base_iri=self.query_base, term=to_rdflib,
                             timeout=self.settings.query_timeout, at_most=at_most,
                             merge_stored=merge_stored)
        except BaseException as exc:
            # pyoxigraph's answer iterators must be dropped by the thread that made them
            # (else they leak, with an error); a traceback would keep them alive until the
            # garbage collector runs, on any thread
            traceback.clear_frames(exc.__traceback__)
            if isinstance(exc, CisemError | NotAtOnce | KeyboardInterrupt | SystemExit):
                raise
            unwrap(failure(exc, self._path))  # as a query process reports it
            raise

    def _open_engine(self) -> tuple[OxStore, bool]:
        """The version's store, opened read-only once per process (a store opened before a fork
        is kept, never used nor closed, in the child: its database threads stayed behind), and
        whether it holds the merge as its default graph (``worker.holds_merge``)."""
        engine, pid = self._engine, os.getpid()
        if engine is not None and engine[0] == pid:
            return engine[1], engine[2]
        with self._engine_lock:
            if self._closed:
                raise StoreUnavailable("This dataset version was closed; try again.")
            if self._engine is None or self._engine[0] != pid:
                if self._engine is not None:
                    self._inherited.append(self._engine[1])
                try:
                    store = OxStore.read_only(self._path)
                    self._engine = (pid, store, holds_merge(store))
                except OSError as exc:
                    unwrap(failure(exc, self._path))
            return self._engine[1], self._engine[2]

    def triple_count(self) -> int:
        with self._count_lock:  # immutable version: counted once
            if self._count is None:
                self._count = unwrap(self._pool.run(CountRequest())).count
            return self._count

    def warm(self) -> None:
        """Start the query processes now (0.15 s each) instead of at the first queries."""
        self._pool.warm()

    def status(self) -> dict:
        """Query processes: how many run, are busy and wait, and their pids."""
        return self._pool.status()

    def close(self) -> None:
        """Stop the query processes; queries in flight may finish within the time-out."""
        with self._engine_lock:
            self._closed = True
            if self._engine is not None and self._engine[0] == os.getpid():
                self._engine = None  # queries in flight hold their own reference
        self._pool.close()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _request(query: PreparedQuery, fmt: str | None) -> QueryRequest:
    if isinstance(query, TextDatasetQuery):  # the engine applies the query's FROM / FROM NAMED
        return QueryRequest(query.text, False, None, None, fmt)
    if query.default_graphs is None and query.named_graphs is None:
        return QueryRequest(query.text, True, None, None, fmt)
    return QueryRequest(query.text, False, tuple(query.default_graphs or ()),
                        tuple(query.named_graphs or ()), fmt)

