"""The embedded store: one immutable pyoxigraph store directory per dataset version.

The build writes the directory once (``graph.version.write_store``); ``EmbeddedStore`` serves it
through a pool of supervised query processes (``store.worker``) that open it read-only, so the OS
page cache shares it between them, a runaway query is killed at the time-out and a crash costs
one query.

The dataset a query sees: the Protocol's ``default-graph-uri``/``named-graph-uri`` when given;
otherwise the query's own FROM / FROM NAMED, which pyoxigraph reads as names of local graphs (it
never fetches them; an unknown graph is empty); otherwise the published dataset, whose default
graph is the union of the named graphs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..errors import NotAcceptable, StoreUnavailable
from ..formats import GRAPH_FORMATS, RESULT_FORMATS, Format
from ..namespaces import project_prefixes
from .base import ASK, CONSTRUCT, GRAPH_FORMS, SELECT, Answer, PreparedQuery, Store
from .worker import WorkerPool, unwrap

#: Seconds beyond the time-out after which a query process ends itself (its parent should have).
_HARD_LIMIT_SLACK = 5.0


@dataclass(frozen=True)
class TextDatasetQuery(PreparedQuery):
    """A query whose own FROM / FROM NAMED choose its dataset (no Protocol graph arguments).

    ``default_graphs``/``named_graphs`` repeat what the guards read from the text, for display;
    the engine applies the clauses itself, resolving prefixes and the query's BASE.
    """


class EmbeddedStore(Store):
    """A dataset version on disk, queried in supervised, read-only pyoxigraph processes."""

    def __init__(self, store_path: Path, version: str, settings: Settings) -> None:
        store_path = Path(store_path)
        if not store_path.is_dir():
            raise StoreUnavailable(
                f"Dataset version {version} has no store; build it with `cisem-graph build`.")
        self.store_path = store_path
        self.settings = settings
        self._version = version
        self._count: int | None = None
        self._count_lock = threading.Lock()
        config = {
            "path": str(store_path.resolve()),
            "result_limit": settings.result_limit,
            "prefixes": project_prefixes(settings.base_iri),
            "hard_limit": settings.query_timeout + _HARD_LIMIT_SLACK,
        }
        self._pool = WorkerPool(config, size=settings.query_processes,
                                max_pending=settings.max_pending, timeout=settings.query_timeout)

    text_dataset_query = TextDatasetQuery

    def __repr__(self) -> str:
        return f"<EmbeddedStore version={self._version}>"

    @property
    def version(self) -> str:
        return self._version

    def execute(self, query: PreparedQuery, fmt: Format) -> Answer:
        if fmt not in (GRAPH_FORMATS if query.returns_graph else RESULT_FORMATS):
            kind = "graph" if query.returns_graph else "result"
            raise NotAcceptable(f"A {query.form} answer cannot be written as {fmt.name}; "
                                f"{kind} formats fit it.")
        if isinstance(query, TextDatasetQuery):
            request = ("query", query.text, False, None, None, fmt.name)
        elif query.default_graphs is None and query.named_graphs is None:
            request = ("query", query.text, True, None, None, fmt.name)
        else:
            request = ("query", query.text, False, tuple(query.default_graphs or ()),
                       tuple(query.named_graphs or ()), fmt.name)
        _, body, kind, count, truncated = unwrap(self._pool.run(request))
        if kind == "GRAPH":
            form = query.form if query.form in GRAPH_FORMS else CONSTRUCT
        else:
            form = SELECT if kind == "SELECT" else ASK
        return Answer(body, fmt, form, count, truncated)

    def triple_count(self) -> int:
        with self._count_lock:  # immutable version: counted once
            if self._count is None:
                _, self._count = unwrap(self._pool.run(("count",)))
            return self._count

    def warm(self) -> None:
        """Start the query processes now (0.15 s each) instead of at the first queries."""
        self._pool.warm()

    def status(self) -> dict:
        """Query processes: how many run, are busy and wait, and their pids."""
        return self._pool.status()

    def close(self) -> None:
        """Stop the query processes; queries in flight may finish within the time-out."""
        self._pool.close()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
