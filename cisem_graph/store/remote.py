"""The remote store: any SPARQL 1.1 Protocol server (Oxigraph server, Fuseki, QLever, ...).

This server stays the front: the same guards as the embedded store run before the store is asked
(``Store.prepare``, one for every kind), and every query is sent with the Protocol's dataset
parameters naming published graphs only, so nothing else in the store (staging graphs
included) reaches an answer:

- no dataset in the request: ``default-graph-uri`` = the version's merge graph (below),
  ``named-graph-uri`` = every published graph;
- the client's ``default-graph-uri``/``named-graph-uri``, or the query's FROM / FROM NAMED (the
  guards resolve them to absolute IRIs): the same lists, with every unpublished graph dropped (as
  the embedded store, where an unknown graph is empty). An empty list is sent as one graph name
  that is never published (``NO_GRAPH``), because an absent parameter would let the store choose.

The published default graph is the RDF merge of the named graphs, a set of triples; a store given
several ``default-graph-uri`` answers a triple stated by two sources twice (Oxigraph server does),
so, as ``graph.version.write_store`` does where a triple is in two graphs, the merge is loaded
once more as its own graph,
``merge_graph(version)``, outside the published names, by ``cisem_graph.push``, which also writes
the publication record (``Publication``) the server checks at start.

The published graphs are the named graphs of the dataset version's N-Quads dump (its manifest
gives the triple count), so the list is fixed with the version and costs no query.

Answers are asked as SPARQL JSON results (SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE), parsed
with pyoxigraph and rewritten by ``store.results``, so formats, the result cap and the truncated
flag are exactly the embedded store's. Connections are kept alive per thread (``store.client``:
a lookup costs 0.76 ms against SPARQLWrapper's 2.1 ms, ``bench/remote_client.py``). As with the
embedded store's query processes, at most ``query_processes`` store calls run at once and
``max_pending`` wait; a call the store goes on with after our time-out keeps its slot until the
store stops (``_await_store``).
"""

from __future__ import annotations

import http.client
import logging
import re
import threading
import traceback
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ClassVar

from pyoxigraph import QueryBoolean, QueryResultsFormat, RdfFormat, parse, parse_query_results

from ..config import Settings
from ..errors import (
    ConfigError,
    NotAcceptable,
    NotAtOnce,
    Overloaded,
    QueryError,
    StoreTimeout,
    StoreUnavailable,
)
from ..formats import GRAPH_FORMATS, RESULT_FORMATS, Format
from ..namespaces import project_prefixes
from . import virtuoso
from .base import ASK, DESCRIBE, REMOTE, SELECT, Answer, PreparedQuery, Rows, Store, Triples
from .client import HttpClient, TimedOut
from .results import write_boolean, write_solutions, write_triples
from .terms import read_answer
from .worker import syntax_error

#: A graph name never published: sent when a dataset list is empty after filtering.
NO_GRAPH = "urn:x-cisem:no-graph"
#: The graph where ``push`` records what is published (never named in a public query's dataset).
PUBLICATION = "urn:x-cisem:publication"
#: Graphs a push uploads before its switch start with this (never published).
STAGING_PREFIX = "urn:x-cisem:staging:"
_RECORD = PUBLICATION + "#"

log = logging.getLogger(__name__)

#: Seconds a slot stays taken, at most, by a query the store goes on with after our time-out.
DRAIN_LIMIT = 300.0

_RESULTS_JSON = "application/sparql-results+json"
_NTRIPLES = "application/n-triples"


#: a version's merge graph is named with this and the version
MERGE_PREFIX = "urn:x-cisem:merge:"


def merge_graph(version: str) -> str:
    """The graph holding a version's published default graph (the merge) in a remote store."""
    return f"{MERGE_PREFIX}{version}"


@dataclass(frozen=True)
class Publication:
    """The publication record ``push`` keeps in the store: which version its graphs hold."""

    version: str
    graphs: tuple[str, ...]
    merge: str
    #: the version before's merge, kept one push longer: a server still on that version (a
    #: reload moves it a moment after the push) keeps its default graph meanwhile
    previous_merge: str | None = None
    #: graph -> digest of its statements (``push``): the next push uploads only graphs whose
    #: digest changed (empty in a record written before digests were kept: everything is sent)
    digests: Mapping[str, str] = field(default_factory=dict)

    QUERY: ClassVar[str] = (f"SELECT ?p ?o WHERE {{ GRAPH <{PUBLICATION}> {{ <{PUBLICATION}> ?p ?o }} }}")

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> Publication | None:
        """Read the record from the rows of ``QUERY`` (``None``: no record, nothing published)."""
        version, merge, previous, graphs, digests = None, None, None, [], {}
        for row in rows:
            if row["p"] == _RECORD + "digest":  # "<sha256> <graph IRI>"
                digest, _, graph = row["o"].partition(" ")
                digests[graph] = digest
            elif row["p"] == _RECORD + "version":
                version = row["o"]
            elif row["p"] == _RECORD + "merge":
                merge = row["o"]
            elif row["p"] == _RECORD + "previousMerge":
                previous = row["o"]
            elif row["p"] == _RECORD + "graph":
                graphs.append(row["o"])
        if version is None or merge is None:
            return None
        return cls(version, tuple(sorted(graphs)), merge, previous,
                   {g: d for g, d in digests.items() if g in graphs})

    def statements(self) -> list[str]:
        """The record's triples, each as N-Triples without the final dot."""
        subject = f"<{PUBLICATION}>"
        lines = [f'{subject} <{_RECORD}version> "{self.version}"',
                 f"{subject} <{_RECORD}merge> <{self.merge}>"]
        if self.previous_merge:
            lines.append(f"{subject} <{_RECORD}previousMerge> <{self.previous_merge}>")
        lines += [f"{subject} <{_RECORD}graph> <{graph}>" for graph in self.graphs]
        return lines + [f'{subject} <{_RECORD}digest> "{self.digests[graph]} {graph}"'
                        for graph in self.graphs if graph in self.digests]


def published_graphs(nquads_path) -> tuple[str, ...]:
    """The named graphs of a dataset version, read from its N-Quads dump."""
    names = {q.graph_name.value for q in parse(path=str(nquads_path), format=RdfFormat.N_QUADS)}
    return tuple(sorted(names))


class _Slots:
    """At most ``size`` store calls running and ``max_pending`` waiting (as the embedded store's
    query processes): beyond, or after ``timeout`` seconds of waiting, ``Overloaded``."""

    def __init__(self, size: int, max_pending: int, timeout: float) -> None:
        self.size, self.max_pending, self.timeout = size, max_pending, timeout
        self._cond = threading.Condition()
        self._running = 0
        self._waiting = 0

    def acquire(self) -> None:
        with self._cond:
            if self._running < self.size:
                self._running += 1
                return
            if self._waiting >= self.max_pending:
                raise Overloaded(f"All {self.size} store connections are busy and {self._waiting} "
                                 "queries are waiting; try again shortly (settings "
                                 "query_processes, max_pending).")
            self._waiting += 1
            try:
                if not self._cond.wait_for(lambda: self._running < self.size, self.timeout):
                    raise Overloaded(f"No store connection became free within {self.timeout:g} s; "
                                     "try again shortly (settings query_timeout, query_processes).")
                self._running += 1
            finally:
                self._waiting -= 1

    def release(self) -> None:
        with self._cond:
            self._running -= 1
            self._cond.notify()


@contextmanager
def _readable() -> Iterator[None]:
    """pyoxigraph parses the store's answer lazily: a broken one fails while it is read. Its
    readers must be dropped by this thread: the traceback's frames let go of them here."""
    try:
        yield
    except SyntaxError as exc:
        traceback.clear_frames(exc.__traceback__)
        raise StoreUnavailable(f"The store sent an answer that cannot be read ({exc}).") from None


#: an IRI reference that is not absolute (no scheme): the query needs a base to mean anything
_RELATIVE_IRI = re.compile(r"<(?![A-Za-z][A-Za-z0-9+.\-]*:)[^\x00-\x20<>\"{}|^`\\]*>")


#: the query's own BASE, first in its text (after blanks and comments)
_LEADING_BASE = re.compile(r"\A((?:\s|#[^\n]*(?:\n|\Z))*)BASE(\s*)<([^<>\s]*)>", re.I)


def with_base(text: str, base: str) -> tuple[str, int]:
    """The query as sent to the store, and how many lines were put before it: ``BASE <base>`` on
    a line of its own when the text may hold a relative IRI (the store knows no base of ours; a
    BASE of the query's own, further on, still resolves against it, as the embedded store's
    ``base_iri`` does). A ``<`` that is only a comparison costs nothing but that line.

    A query that starts with a BASE of its own has that IRI resolved against ours instead, in
    place: the same meaning, and a store that takes one BASE only (Virtuoso) takes it.
    """
    if _RELATIVE_IRI.search(text) is None:
        return text, 0
    own = _LEADING_BASE.match(text)
    if own is not None:
        resolved = urllib.parse.urljoin(base, own[3])
        return f"{own[1]}BASE{own[2]}<{resolved}>{text[own.end():]}", 0
    return f"BASE <{base}>\n{text}", 1


def _await_store(conn: http.client.HTTPConnection, slots: _Slots, limit: float) -> None:
    """Hold a slot until the store stops working on a query we gave up on, then release it.

    Oxigraph server 0.5.13 goes on computing after the client has gone (its ``--timeout-s`` does
    not stop a running aggregate either): releasing the slot at our time-out would let a client
    pile up unbounded work in the store. The store is done when it starts answering (or closes);
    closing the socket then makes it stop writing. ``limit`` bounds the wait.
    """
    try:
        if conn.sock is not None:
            conn.sock.settimeout(limit)
            conn.sock.recv(1)
    except OSError:
        pass
    finally:
        conn.close()
        slots.release()


class RemoteStore(Store):
    """A dataset version published in a SPARQL 1.1 server, queried through the Protocol."""

    def __init__(self, query_url: str, version: str, graphs: Sequence[str], triples: int,
                 settings: Settings, default_graph: str | None = None) -> None:
        """``default_graph``: the graph holding the merge (``None``: every published graph,
        so a triple in two graphs answers twice)."""
        url = urllib.parse.urlsplit(query_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise StoreUnavailable(f"store_query_url must be an http(s) URL: {query_url!r}")
        self.query_url = query_url
        self.settings = settings
        self._url = url
        self._path = url.path or "/"
        if url.query:
            self._path += "?" + url.query
        self._version = version
        self.graphs = tuple(graphs)
        self._published = frozenset(self.graphs)
        self.default_graph = default_graph
        self._triples = triples
        self._prefixes = project_prefixes(settings.base_iri)
        self._client = HttpClient(user=settings.store_user, password=settings.store_password,
                                  timeout=settings.query_timeout, name="The store")
        self._slots = _Slots(settings.query_processes, settings.max_pending, settings.query_timeout)
        #: told by the store's ``Server`` header: its dialect is read back (``store.virtuoso``)
        self.virtuoso = False

    @classmethod
    def for_version(cls, query_url: str, version, settings: Settings) -> RemoteStore:
        """The remote store serving a built ``DatasetVersion`` (graphs from its N-Quads dump)."""
        return cls(query_url, version.version, published_graphs(version.dump_path("nq")),
                   version.triples, settings, default_graph=merge_graph(version.version))

    def __repr__(self) -> str:
        return f"<RemoteStore {self.query_url} version={self._version}>"

    @property
    def version(self) -> str:
        return self._version

    def triple_count(self) -> int:
        return self._triples

    # --- preparing ---------------------------------------------------------------------------

    def _dataset(self, query: PreparedQuery) -> list[tuple[str, str]]:
        if query.default_graphs is None and query.named_graphs is None:
            named = list(self.graphs)
            default = [self.default_graph] if self.default_graph else named
        else:
            default = [g for g in query.default_graphs or () if g in self._published]
            named = [g for g in query.named_graphs or () if g in self._published]
        return ([("default-graph-uri", g) for g in default or [NO_GRAPH]]
                + [("named-graph-uri", g) for g in named or [NO_GRAPH]])

    # --- executing ---------------------------------------------------------------------------

    def execute(self, query: PreparedQuery, fmt: Format, *, at_once: bool = False) -> Answer:
        if at_once:
            raise NotAtOnce  # every answer waits for another process
        if fmt not in (GRAPH_FORMATS if query.returns_graph else RESULT_FORMATS):
            kind = "graph" if query.returns_graph else "result"
            raise NotAcceptable(f"A {query.form} answer cannot be written as {fmt.name}; "
                                f"{kind} formats fit it.")
        body, limit = self._fetch(query), self.settings.result_limit
        with _readable():
            if query.returns_graph:
                triples = parse(body, RdfFormat.N_TRIPLES)
                out, count, truncated = write_triples(triples, fmt.name, limit, self._prefixes)
                return Answer(out, fmt, query.form, count, truncated, REMOTE)
            results = parse_query_results(body, QueryResultsFormat.JSON)
            if isinstance(results, QueryBoolean):
                return Answer(write_boolean(bool(results), fmt.name), fmt, ASK, 1, lane=REMOTE)
            variables = [v.value for v in results.variables]
            out, count, truncated = write_solutions(results, variables, fmt.name, limit)
            return Answer(out, fmt, SELECT, count, truncated, REMOTE)

    def evaluate(self, query: PreparedQuery) -> Rows | Triples | bool:
        body = self._fetch(query)
        with _readable():
            return read_answer(body, query.returns_graph, REMOTE,
                               limit=self.settings.result_limit)

    def _fetch(self, query: PreparedQuery) -> bytes:
        """The store's answer: N-Triples for a graph form, else SPARQL JSON results."""
        accept = _NTRIPLES if query.returns_graph else _RESULTS_JSON
        # the dataset goes as Protocol parameters only: a store may prefer the text's FROM
        text, lines_before = with_base(query.without_dataset_clauses(), self.query_base)
        if self.virtuoso:
            refused = virtuoso.undeclared(query.text, self.query_base)
            if refused is not None:
                raise refused
            if query.form == DESCRIBE:
                text = virtuoso.DESCRIBE_CBD + text
        fields = [("query", text), *self._dataset(query)]
        if self.virtuoso:
            fields.append(virtuoso.timeout_parameter(self.settings.query_timeout))
        self._slots.acquire()
        try:
            body = self._post(urllib.parse.urlencode(fields).encode("utf-8"), accept,
                              lines_before, query.text, query.form == ASK)
        except TimedOut as exc:  # the slot stays taken while the store still works
            threading.Thread(target=_await_store, daemon=True, name="cisem-store-drain",
                             args=(exc.conn, self._slots, DRAIN_LIMIT)).start()
            raise self._timed_out() from None
        except BaseException:
            self._slots.release()
            raise
        self._slots.release()
        if self.virtuoso and not query.returns_graph:
            with _readable():
                body = virtuoso.standard_results(body, query.form == ASK)
        return body

    def _timed_out(self, timeout: float | None = None) -> StoreTimeout:
        return StoreTimeout(f"The store did not answer within "
                            f"{timeout or self.settings.query_timeout:g} s.")

    # --- HTTP --------------------------------------------------------------------------------

    def publication(self, timeout: float | None = None) -> Publication | None:
        """The store's publication record (``push``), asked without any dataset restriction,
        within ``timeout`` seconds (default ``query_timeout``)."""
        try:
            body = self._post(urllib.parse.urlencode({"query": Publication.QUERY}).encode(),
                              _RESULTS_JSON, timeout=timeout)
        except TimedOut as exc:
            exc.conn.close()
            raise self._timed_out(timeout) from None
        try:
            results = parse_query_results(body, QueryResultsFormat.JSON)
            rows = [{v.value: row[v].value for v in results.variables if row[v] is not None}
                    for row in results]
        except (SyntaxError, TypeError) as exc:
            raise StoreUnavailable(f"The store sent an answer that cannot be read ({exc}).") from None
        return Publication.from_rows(rows)

    def check_published(self) -> None:
        """Refuse to serve a version the store does not hold (raise ``ConfigError``).

        An unreachable store is not fatal: the server starts, queries answer 502 until it returns.
        """
        try:
            record = self.publication()
        except (StoreUnavailable, StoreTimeout) as exc:
            log.warning("cannot ask the store which version it holds (%s); queries answer 502 "
                        "until it is reachable", exc.message)
            return
        if record is None or record.version != self._version:
            held = f"version {record.version}" if record else "no published version"
            raise ConfigError(f"the store at {self.query_url} holds {held}, this server serves "
                              f"version {self._version}: run `cisem-graph push` first")

    def _post(self, body: bytes, accept: str, lines_before: int = 0, text: str = "",
              ask: bool = False, timeout: float | None = None) -> bytes:
        """POST a form; the answer's body (200), else the error it means. ``text``: the client's
        query, ``lines_before`` the lines put before it in the form (for an error's position)."""
        timeout = timeout or self.settings.query_timeout
        reply = self._client.request(
            "POST", self.query_url, body,
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
            timeout=timeout, hold=True)
        data = reply.body
        self.virtuoso = virtuoso.is_virtuoso(reply.header("Server"))
        if reply.status == 200:
            if self.virtuoso and virtuoso.incomplete(reply.header("X-SQL-State")):
                raise self._timed_out(timeout)  # Virtuoso stopped it: what came is not the answer
            return data
        message = reply.said()
        if self.virtuoso:
            error = virtuoso.query_error(message, text, self.query_base, lines_before, ask)
            if error is not None:
                raise error
        if reply.status == 400:
            if re.match(r"error at \d+:\d+:", message):  # Oxigraph server, as pyoxigraph says it
                # so worded as the embedded store's, at the client's own positions
                raise syntax_error(SyntaxError(message), lines_before)
            raise QueryError(message or "The store refused the query as malformed.")
        raise StoreUnavailable(f"The store answered {reply.status} {reply.reason}: "
                               f"{message}")

    def close(self) -> None:
        """Close every thread's connection (a thread still querying opens a new one)."""
        self._client.close()
