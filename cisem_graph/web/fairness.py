"""A fair share of the engine for every client, in the spirit of the Wikidata Query Service.

Each client (``clients``: an address, an IPv6 /64, or the client a trusted proxy names) has a budget
of query time, ``client_budget`` seconds per minute, kept as a token bucket that refills at
``client_budget / 60`` seconds per second up to ``client_budget``; and at most ``client_max_queries``
queries running at once. Both hold across every worker process of the server (``shared``). A query
is admitted only while the bucket is above zero; its time is charged when it ends, so a long query
can leave the bucket in debt and the client waits until it is paid back. Past either limit: 429
with ``Retry-After``. Answers from the cache cost nothing: they never reach the store.

The check sits where a prepared query meets the store (``MeteredStore.execute``), so a malformed or
refused query has had its 400/403 before the budget is looked at: a 429 never hides the 4xx a
request deserved.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from ..errors import NotAtOnce, TooManyRequests
from ..formats import Format
from ..store.base import Answer, PreparedQuery, Rows, Store, Triples
from .metrics import Metrics
from .shared import CLIENT_PROBE, CLIENT_RECORD, CLIENT_SLOTS, CLIENTS_AT, Segment

WINDOW = 60.0
T = TypeVar("T")


@dataclass(frozen=True)
class Refusal:
    reason: str  # "budget" or "concurrency"
    retry_after: int


class Budgets:
    """The client table of the shared segment: tokens (seconds of query time) and running queries."""

    def __init__(self, segment: Segment, budget: float, max_queries: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.segment = segment
        self.budget = budget
        self.rate = budget / WINDOW
        self.max_queries = max_queries
        self.clock = clock
        self._lock = segment.lock(CLIENTS_AT, CLIENT_SLOTS * CLIENT_RECORD.size)

    @property
    def enabled(self) -> bool:
        return self.budget > 0 or self.max_queries > 0

    def admit(self, client: str) -> Refusal | None:
        """Count a query as running for ``client``, or say why it may not run now."""
        digest = _digest(client)
        with self._lock:
            now = self.clock()
            at, tokens, running = self._find(digest, now)
            if self.budget > 0 and tokens <= 0:
                wait = (-tokens) / self.rate if self.rate else WINDOW
                return Refusal("budget", max(1, math.ceil(wait)))
            if self.max_queries > 0 and running >= self.max_queries:
                return Refusal("concurrency", 1)
            if at is not None:
                CLIENT_RECORD.pack_into(self.segment.buffer, at, digest, tokens, now, running + 1)
        return None

    def release(self, client: str, seconds: float) -> None:
        """A query of ``client`` ended after ``seconds``: charge them, count it as done."""
        digest = _digest(client)
        with self._lock:
            now = self.clock()
            at, tokens, running = self._find(digest, now)
            if at is not None:
                CLIENT_RECORD.pack_into(self.segment.buffer, at, digest, tokens - seconds, now,
                                        max(0, running - 1))

    def balance(self, client: str) -> tuple[float, int]:
        """Seconds left and queries running (for tests and ``/metrics``)."""
        with self._lock:
            _, tokens, running = self._find(_digest(client), self.clock())
        return tokens, running

    def _find(self, digest: bytes, now: float) -> tuple[int | None, float, int]:
        """The record of ``digest`` (refilled to ``now``), or a fresh one in a free or stale slot.

        Returns its offset (None when every probed slot is a running client: the query is then let
        through uncounted rather than refused for another client's sake), tokens and running."""
        buffer = self.segment.buffer
        home = int.from_bytes(digest[:8], "little") % CLIENT_SLOTS
        spare, spare_stamp = None, math.inf
        for step in range(CLIENT_PROBE):
            at = CLIENTS_AT + ((home + step) % CLIENT_SLOTS) * CLIENT_RECORD.size
            key, tokens, stamp, running = CLIENT_RECORD.unpack_from(buffer, at)
            if key == digest:
                tokens = min(self.budget, tokens + (now - stamp) * self.rate)
                return at, tokens, running
            if key == bytes(16):
                if spare_stamp > -math.inf:
                    spare, spare_stamp = at, -math.inf
            elif running == 0 and stamp < spare_stamp and \
                    tokens + (now - stamp) * self.rate >= self.budget:
                spare, spare_stamp = at, stamp  # idle with a full bucket: forgetting it is fair
        return spare, self.budget, 0


@lru_cache(maxsize=4096)
def _digest(client: str) -> bytes:
    return hashlib.blake2b(client.encode(), digest_size=16).digest()


class MeteredStore(Store):
    """The request's store, with its client's budget applied to every query it runs."""

    def __init__(self, store: Store, budgets: Budgets, client: str,
                 metrics: Metrics) -> None:
        self.inner = store
        self.settings = store.settings
        self.fast_lane = store.fast_lane
        self.budgets = budgets
        self.client = client
        self.observe = metrics.query
        self.throttled = metrics.throttled

    @property
    def version(self) -> str:
        return self.inner.version

    def prepare(self, text, default_graphs=None, named_graphs=None) -> PreparedQuery:
        return self.inner.prepare(text, default_graphs, named_graphs)

    def execute(self, query: PreparedQuery, fmt: Format, *, at_once: bool = False) -> Answer:
        return self._metered(self.inner.execute, query, fmt, at_once=at_once)

    def evaluate(self, query: PreparedQuery) -> Rows | Triples | bool:
        return self._metered(self.inner.evaluate, query)

    def _metered(self, run: Callable[..., T], *args: object, **options: object) -> T:
        """``run(*args)`` within the client's budget; its time charged and observed (a
        ``NotAtOnce`` is only charged: the query is asked again, and observed then)."""
        refusal = self.budgets.admit(self.client)
        if refusal is not None:
            self.throttled(refusal.reason)
            raise _refused(refusal, self.budgets)
        started = time.perf_counter()
        result, error = None, None
        try:
            result = run(*args, **options)
            return result
        except BaseException as exc:
            error = exc
            raise
        finally:
            seconds = time.perf_counter() - started
            self.budgets.release(self.client, seconds)
            if not isinstance(error, NotAtOnce):
                self.observe(result, seconds, error)

    def triple_count(self) -> int:
        return self.inner.triple_count()

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


def _refused(refusal: Refusal, budgets: Budgets) -> TooManyRequests:
    if refusal.reason == "budget":
        message = (f"your queries have used their share of query time ({budgets.budget:g} s per "
                   f"minute, setting client_budget); try again in {refusal.retry_after} s")
    else:
        message = (f"you have {budgets.max_queries} queries running already (setting "
                   "client_max_queries); wait for one to finish")
    error = TooManyRequests(message, reason=refusal.reason)
    error.retry_after = refusal.retry_after
    return error
