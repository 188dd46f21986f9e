"""Supervised query processes: pyoxigraph runs where a crash or a runaway query costs one query.

pyoxigraph cannot cancel a query and segfaults on pathologically nested input, so a query that might
run long or crash never runs in the web process (only those ``store.bounded`` proves bounded do, in
the embedded store's fast lane, through the same ``run_query``). Each query process is a fresh
interpreter (``sys.executable``: the *spawn* model, as the WSGI worker is multi-threaded and must
never ``fork``) that opens one dataset version read-only, once, and then answers many queries over a
pair of pipes; the messages are the named tuples below, holding only strings, numbers and bytes.

``WorkerPool`` (the parent side) hands its processes to callers from many threads, measures each
query's time, SIGKILLs a process whose query outlives the time-out and starts a replacement, and
turns a process that died mid-query into ``QueryAborted``.

Why a plain ``subprocess`` and not ``multiprocessing``'s spawn: multiprocessing's spawn and
forkserver re-run the parent's ``__main__`` script in every child (under the ``cisem-graph`` CLI that
imports Flask and rdflib, measured: ready after 0.4-0.7 s instead of 0.15 s, and their memory in
every query process) and start a resource-tracker process of their own. A child launched here imports only
pyoxigraph and this package's small modules, and leaves nothing behind when it is stopped.
"""

from __future__ import annotations

import logging
import math
import os
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import NamedTuple

from pyoxigraph import DefaultGraph, NamedNode, QueryBoolean, QuerySolutions, Store

from ..errors import (
    CisemError,
    NotAcceptable,
    NotAtOnce,
    Overloaded,
    QueryAborted,
    QueryError,
    QueryTimeout,
    StoreUnavailable,
)
from . import results

log = logging.getLogger(__name__)

#: Seconds a new query process may take to open the store and say it is ready.
START_TIMEOUT = 30.0
#: Seconds a process asked to stop may take before it is killed.
STOP_GRACE = 2.0

# --- messages ------------------------------------------------------------------------------------
# What goes through the pipes, pickled; both sides import them from this module.


class QueryRequest(NamedTuple):
    """Run a query. ``union``: on the published dataset, whose default graph is the merge of the
    named graphs (the store's default graph when the build wrote it, else the union of the named
    graphs, see ``run_query``); otherwise on ``default_graphs`` and
    ``named_graphs`` (``None``: whatever the query's FROM / FROM NAMED say). ``fmt``: the format
    to write the answer in (``Written``), or ``None`` for Python values (``Solutions``,
    ``Boolean``, ``Statements``)."""

    text: str
    union: bool
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    fmt: str | None


class CountRequest(NamedTuple):
    """Count the quads in named graphs."""


class Ready(NamedTuple):
    """The process opened the store and waits for requests."""

    pid: int


class OpenFailed(NamedTuple):
    """The process cannot open the store, and ends."""

    message: str


class Written(NamedTuple):
    """An answer serialized in the asked format; ``kind`` is SELECT, ASK or GRAPH."""

    body: bytes
    kind: str
    count: int
    truncated: bool


class Solutions(NamedTuple):
    """A SELECT answer as values: one tuple of terms (or ``None``) per row, in variable order."""

    variables: tuple[str, ...]
    rows: list[tuple]
    truncated: bool


class Boolean(NamedTuple):
    """An ASK answer."""

    value: bool


class Statements(NamedTuple):
    """A CONSTRUCT or DESCRIBE answer as values: (subject, predicate, object) tuples."""

    triples: list[tuple]
    truncated: bool


class Counted(NamedTuple):
    count: int


class Failed(NamedTuple):
    """A ``CisemError`` to raise in the parent, by class name."""

    error: str
    message: str
    line: int | None = None
    column: int | None = None


QueryReply = Written | Solutions | Boolean | Statements

# --- the query process ----------------------------------------------------------------------------

_SYNTAX_POSITION = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.DOTALL)


def syntax_error(exc: SyntaxError, lines_before: int = 0) -> QueryError:
    """pyoxigraph's ``SyntaxError('error at 4:11: expected ...')`` as a ``QueryError``;
    ``lines_before``: lines put before the client's query, not counted in its positions."""
    text = str(exc)
    match = _SYNTAX_POSITION.match(text)
    if not match:
        return QueryError(f"Syntax error: {text}")
    line, column, rest = int(match[1]) - lines_before, int(match[2]), match[3]
    return QueryError(f"Syntax error at line {line}, column {column}: {rest}",
                      line=line, column=column)


def timed_out(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"The query ran longer than {timeout:g} s and was stopped. The time limit "
                        "is controlled by the query_timeout setting.",
                        limit=timeout, setting="query_timeout")


def holds_merge(store) -> bool:
    """Whether the version's store holds the merge of its named graphs as its default graph: the
    build writes it only when a triple is in two graphs (``graph.version.write_store``); else the
    union of the named graphs is their merge, and queries read it as their default graph."""
    return next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None) is not None


def run_query(store, request: QueryRequest, *, result_limit: int, prefixes: dict[str, str],
              base_iri: str | None = None, term: Callable = results.encode_term,
              timeout: float | None = None, at_most: int | None = None,
              merge_stored: bool = True) -> QueryReply:
    """Run one query request on an open pyoxigraph store; the answer written or as values.

    ``merge_stored``: ``holds_merge(store)``, read once when the store is opened.
    ``term`` turns each pyoxigraph term of an answer as values into what the caller keeps (the
    query process: ``results.encode_term``, cheap to pickle). With ``timeout``, reading the
    answer stops with ``QueryTimeout`` once that many seconds have passed (the fast lane, which
    has no process to kill; the answer is read lazily, so that is between two solutions). With
    ``at_most``, reading stops with ``NotAtOnce`` past that many solutions (nothing is written).
    Raises ``CisemError``.
    """
    started = time.monotonic()
    options: dict = {"base_iri": base_iri} if base_iri else {}
    if request.union:  # the store's own default graph, or the union of its named graphs
        if not merge_stored:
            options["use_default_graph_as_union"] = True
    else:
        try:
            if request.default_graphs is not None:
                options["default_graph"] = [NamedNode(g) for g in request.default_graphs]
            if request.named_graphs is not None:
                options["named_graphs"] = [NamedNode(g) for g in request.named_graphs]
        except ValueError as exc:
            raise QueryError(f"A graph name is not an absolute IRI: {exc}") from None
    try:
        answer = store.query(request.text, **options)
    except SyntaxError as exc:
        raise syntax_error(exc) from None
    fmt, limit = request.fmt, result_limit
    try:
        if isinstance(answer, QueryBoolean):
            _check_format(fmt, results.SOLUTION_FORMATS, "ASK")
            if fmt is None:
                return Boolean(bool(answer))
            return Written(results.write_boolean(bool(answer), fmt), "ASK", 1, False)
        items = answer if timeout is None and at_most is None else \
            _watched(answer, timeout, started, at_most)
        if isinstance(answer, QuerySolutions):
            _check_format(fmt, results.SOLUTION_FORMATS, "SELECT")
            variables = tuple(v.value for v in answer.variables)
            if fmt is None:
                rows, truncated = results.cap(items, limit)
                return Solutions(variables, [tuple(None if t is None else term(t) for t in row)
                                             for row in rows], truncated)
            body, count, truncated = results.write_solutions(items, list(variables), fmt, limit)
            return Written(body, "SELECT", count, truncated)
        _check_format(fmt, results.RDF_FORMATS, "CONSTRUCT/DESCRIBE")
        if fmt is None:
            taken, truncated = results.cap(items, limit)
            return Statements([(term(t.subject), term(t.predicate), term(t.object))
                               for t in taken], truncated)
        body, count, truncated = results.write_triples(items, fmt, limit, prefixes)
        return Written(body, "GRAPH", count, truncated)
    except SyntaxError as exc:  # raised lazily by some evaluation paths
        raise syntax_error(exc) from None


def _check_format(fmt: str | None, formats: Collection[str], form: str) -> None:
    if fmt is not None and fmt not in formats:
        raise NotAcceptable(f"A {form} answer cannot be written as {fmt}.")


def _watched(items: Iterable, timeout: float | None, started: float,
             at_most: int | None) -> Iterator:
    """``items``, raising ``QueryTimeout`` when one comes after ``timeout`` seconds (the clock is
    read every 64 items: the answer is read lazily, each item costs microseconds), and
    ``NotAtOnce`` past ``at_most`` items."""
    deadline = math.inf if timeout is None else started + timeout
    limit = math.inf if at_most is None else at_most
    clock = time.monotonic
    for count, item in enumerate(items, 1):
        if count > limit:
            raise NotAtOnce
        if not count & 63 and clock() > deadline:
            raise timed_out(timeout)
        yield item
    if clock() > deadline:
        raise timed_out(timeout)


def _quad_count(store) -> int:
    """Quads in named graphs."""
    in_default = sum(1 for _ in store.quads_for_pattern(None, None, None, DefaultGraph()))
    return len(store) - in_default


def failure(exc: BaseException, store_path: str) -> Failed:
    """What the parent is told of an exception running a request."""
    if isinstance(exc, CisemError):
        return Failed(type(exc).__name__, exc.message, getattr(exc, "line", None),
                      getattr(exc, "column", None))
    # Never a path in a message that may reach a response body.
    message = str(exc).replace(store_path, "<store>") or type(exc).__name__
    if isinstance(exc, OSError):
        return Failed("StoreUnavailable", f"The query failed: {message}")
    return Failed("QueryError", f"The query failed: {message}")


class _Watchdog(threading.Thread):
    """Ends the process when its parent is gone or a query outlives any time-out the parent has.

    The parent kills a process whose query is too slow; this covers a parent that died (killed,
    crashed) and can no longer do it, so no orphan keeps computing.
    """

    def __init__(self, hard_limit: float) -> None:
        super().__init__(name="cisem-query-watchdog", daemon=True)
        self.parent = os.getppid()
        self.hard_limit = hard_limit
        self.busy_since: float | None = None

    def run(self) -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != self.parent:
                os._exit(0)
            since = self.busy_since
            if since is not None and time.monotonic() - since > self.hard_limit:
                os._exit(3)


def main(argv: list[str] | None = None) -> int:
    """Entry point of a query process: ``main([READ_FD, WRITE_FD])``."""
    argv = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when this process ends
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file behind
    requests = Connection(int(argv[0]), writable=False)
    replies = Connection(int(argv[1]), readable=False)
    try:
        _serve(requests, replies)
    except (EOFError, BrokenPipeError):
        pass  # the parent closed the pipes: it wants this process gone
    return 0


def _serve(requests: Connection, replies: Connection) -> None:
    config = requests.recv()
    store_path = config["path"]
    try:
        store = Store.read_only(store_path)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
        replies.send(OpenFailed(str(exc).replace(store_path, "<store>")))
        return
    watchdog = _Watchdog(config["hard_limit"])
    watchdog.start()
    replies.send(Ready(os.getpid()))
    limit, prefixes, base = config["result_limit"], config["prefixes"], config.get("base_iri")
    merge_stored = holds_merge(store)
    while True:
        request = requests.recv()
        watchdog.busy_since = time.monotonic()
        try:
            if isinstance(request, CountRequest):
                reply: QueryReply | Counted | Failed = Counted(_quad_count(store))
            else:
                reply = run_query(store, request, result_limit=limit, prefixes=prefixes,
                                  base_iri=base, merge_stored=merge_stored)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException is a BaseException
            reply = failure(exc, store_path)
        watchdog.busy_since = None
        replies.send(reply)


# --- the parent side ------------------------------------------------------------------------------

_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
_BOOT = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
         "from cisem_graph.store.worker import main; sys.exit(main())")

_ERRORS = {cls.__name__: cls for cls in (NotAcceptable, StoreUnavailable)}


def unwrap(reply):
    """A reply from a query process, or the error it reports raised as a ``CisemError``."""
    if not isinstance(reply, Failed):
        return reply
    if reply.error == "QueryError":
        raise QueryError(reply.message, line=reply.line, column=reply.column)
    raise _ERRORS.get(reply.error, StoreUnavailable)(reply.message)


class _Died(Exception):
    """The process ended (crash, kill); ``delivered``: after it had received the request."""

    def __init__(self, delivered: bool) -> None:
        super().__init__()
        self.delivered = delivered


class _Worker:
    """One query process and its two pipes; used by one thread at a time."""

    def __init__(self, config: dict) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-P", "-c", _BOOT, _PACKAGE_PARENT,
                 str(to_child_r), str(from_child_w)],
                pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
            )
        except BaseException:
            for fd in (to_child_w, from_child_r):
                os.close(fd)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.pid = self.process.pid
        self.requests = Connection(to_child_w, readable=False)
        self.replies = Connection(from_child_r, writable=False)
        self.ready = False
        try:
            self.requests.send(config)  # a few hundred bytes: fits the pipe, never blocks
        except OSError:
            pass  # it died at once; await_ready() reports it

    def alive(self) -> bool:
        return self.process.poll() is None

    def await_ready(self) -> None:
        if self.ready:
            return
        if not self.replies.poll(START_TIMEOUT):
            raise StoreUnavailable("A query process did not start in time; try again.")
        try:
            message = self.replies.recv()
        except (EOFError, OSError):
            raise StoreUnavailable("A query process could not start; try again.") from None
        if not isinstance(message, Ready):
            log.error("query process cannot open the store: %s", message.message)
            raise StoreUnavailable("The dataset's store cannot be opened.")
        self.ready = True

    def call(self, request: QueryRequest | CountRequest, timeout: float):
        """Send one request; the reply, or ``None`` when ``timeout`` passed first."""
        try:
            self.requests.send(request)
        except OSError:  # BrokenPipeError: it died while idle
            raise _Died(delivered=False) from None
        if not self.replies.poll(timeout):
            return None
        try:
            return self.replies.recv()
        except (EOFError, OSError):
            raise _Died(delivered=True) from None

    def stop(self, kill: bool = False) -> int | None:
        """End the process and reap it (never leaves a zombie); its exit status."""
        for conn in (self.requests, self.replies):
            try:
                conn.close()
            except OSError:
                pass
        if kill:
            self.process.kill()
        try:
            return self.process.wait(STOP_GRACE)  # closing its input ends it
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def disown(self) -> None:
        """Forget a process inherited through ``fork`` without touching it: it is not ours."""
        for conn in (self.requests, self.replies):
            try:
                conn.close()
            except OSError:
                pass
        self.process.returncode = 0  # no wait, no ResourceWarning: the parent reaps it


class WorkerPool:
    """Up to ``size`` query processes on one store, shared by many threads.

    Processes start on first need or at ``warm()`` (0.15 s each until ready) and are
    replaced at once when one is killed or dies. A caller that finds every process busy waits at
    most ``timeout`` seconds for one; when ``max_pending`` callers already wait it is refused at
    once with ``Overloaded``.
    """

    def __init__(self, config: dict, *, size: int, max_pending: int, timeout: float) -> None:
        if size < 1:
            raise ValueError("query_processes must be at least 1")
        self.config = config
        self.size = size
        self.max_pending = max_pending
        self.timeout = timeout
        self._cond = threading.Condition()
        self._all: set[_Worker] = set()
        self._idle: list[_Worker] = []
        self._waiting = 0
        self._closed = False
        self._pid = os.getpid()

    # -- bookkeeping (callers hold self._cond) --

    def _start(self) -> _Worker:
        try:
            worker = _Worker(self.config)
        except OSError as exc:
            log.error("cannot start a query process: %s", exc)
            raise StoreUnavailable("A query process cannot be started; try again.") from None
        self._all.add(worker)
        return worker

    def _after_fork(self) -> None:
        for worker in self._all:
            worker.disown()
        self._all.clear()
        self._idle.clear()
        self._waiting = 0
        self._pid = os.getpid()

    def _acquire(self) -> _Worker:
        deadline = None
        dead = []
        try:
            with self._cond:
                while True:
                    if self._closed:
                        raise StoreUnavailable("This dataset version is closed; try again.")
                    if self._pid != os.getpid():
                        self._after_fork()
                    while self._idle:
                        worker = self._idle.pop()
                        if worker.alive():
                            return worker
                        self._all.discard(worker)
                        dead.append(worker)
                    if len(self._all) < self.size:
                        return self._start()
                    now = time.monotonic()
                    if deadline is None:
                        if self._waiting >= self.max_pending:
                            raise Overloaded(
                                f"All {self.size} query processes are busy and {self._waiting} "
                                "queries are waiting; try again shortly (settings "
                                "query_processes, max_pending).",
                                query_processes=self.size, max_pending=self.max_pending)
                        deadline = now + self.timeout
                    elif now >= deadline:
                        raise Overloaded(
                            f"No query process became free within {self.timeout:g} s; try again "
                            "shortly (settings query_timeout, query_processes).",
                            query_processes=self.size, query_timeout=self.timeout)
                    self._waiting += 1
                    try:
                        self._cond.wait(deadline - now)
                    finally:
                        self._waiting -= 1
        finally:
            for worker in dead:
                worker.stop()

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            if not self._closed and self._pid == os.getpid():
                self._idle.append(worker)
                self._cond.notify()
                return
            self._all.discard(worker)
            self._cond.notify_all()
        worker.stop()

    def _discard(self, worker: _Worker, *, kill: bool) -> int | None:
        """Remove a process that failed, reap it, and start its replacement at once."""
        status = worker.stop(kill=kill)
        with self._cond:
            self._all.discard(worker)
            if not self._closed and len(self._all) < self.size:
                try:
                    self._idle.append(self._start())
                except StoreUnavailable:
                    pass  # the next caller tries again
            self._cond.notify_all()
        return status

    # -- the API --

    def run(self, request: QueryRequest | CountRequest, timeout: float | None = None):
        """Send ``request`` to a free process and return its reply within ``timeout`` seconds."""
        timeout = self.timeout if timeout is None else timeout
        for attempt in (1, 2):
            worker = self._acquire()
            try:
                worker.await_ready()
                reply = worker.call(request, timeout)
            except _Died as died:
                status = self._discard(worker, kill=True)
                if self._closed:
                    raise StoreUnavailable("This dataset version was closed; try again.") from None
                if not died.delivered:  # it had died while idle: the query never ran
                    if attempt == 1:
                        continue
                    raise StoreUnavailable("The query processes keep failing; try again.") from None
                log.warning("query process %s died running a query (status %s)", worker.pid, status)
                raise QueryAborted(
                    "The query process crashed running this query, which was not answered; "
                    "a query this deeply nested or this complex cannot be run.",
                    exit_status=status) from None
            except BaseException:
                self._discard(worker, kill=True)
                raise
            if reply is None:
                self._discard(worker, kill=True)
                log.info("query process %s killed after %g s", worker.pid, timeout)
                raise timed_out(timeout)
            self._release(worker)
            return reply
        raise AssertionError("unreachable")

    def warm(self) -> None:
        """Start every process now, rather than at first need, and wait until each is ready."""
        with self._cond:
            if self._closed:
                raise StoreUnavailable("This dataset version is closed.")
            if self._pid != os.getpid():
                self._after_fork()
            fresh = [self._start() for _ in range(self.size - len(self._all))]
        failure = None
        for worker in fresh:
            try:
                worker.await_ready()
            except StoreUnavailable as exc:
                failure = exc
                self._discard(worker, kill=True)
            else:
                self._release(worker)
        if failure:
            raise failure

    def status(self) -> dict:
        with self._cond:
            return {"processes": len(self._all), "busy": len(self._all) - len(self._idle),
                    "waiting": self._waiting, "pids": sorted(w.pid for w in self._all)}

    def close(self, grace: float | None = None) -> None:
        """Stop every process; queries in flight get ``grace`` seconds to finish first."""
        grace = self.timeout if grace is None else grace
        with self._cond:
            if self._closed:
                return
            self._closed = True
            if self._pid != os.getpid():
                self._after_fork()
            idle, self._idle = self._idle, []
            self._all.difference_update(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.stop()
        with self._cond:
            self._cond.wait_for(lambda: not self._all, grace)
            busy = list(self._all)
        for worker in busy:  # still running after the grace: their callers get QueryAborted
            worker.process.kill()
        with self._cond:
            self._cond.wait_for(lambda: not self._all, STOP_GRACE + 1)


if __name__ == "__main__":
    sys.exit(main())
