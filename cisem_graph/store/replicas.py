"""Read replicas: one dataset version published in several SPARQL servers, queried in turn.

Each replica is a ``RemoteStore`` (the same guards, dataset parameters, cap and time-out). A query
goes to the next replica in rotation; a replica leaves the rotation when

- it is **down**: a query or a check gets no answer at all (refused, reset, closed: the
  ``StoreUnreachable`` of the remote store), and the query is then asked of the next replica, so a
  replica that dies costs no query (a query is read-only: asking it twice changes nothing);
- it is **slow**: it does not answer the check (the publication record, a one-triple-pattern
  query) within ``store_check_interval`` seconds;
- it holds **another version** (its publication record names another one, or none).

A thread checks every replica each ``store_check_interval`` seconds, so a replica comes back into
the rotation when it is up, quick and on this version again. A query's own failure (a syntax
error, a time-out, a store's 5xx about that query) says nothing of the replica: it is the answer.
``/health`` names every replica and its state. With every replica out, a query is 502.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ..config import Settings
from ..errors import (
    ConfigError,
    NotAtOnce,
    Overloaded,
    StoreTimeout,
    StoreUnavailable,
    StoreUnreachable,
)
from ..formats import Format
from .base import Answer, PreparedQuery, Rows, Store, Triples
from .remote import RemoteStore

log = logging.getLogger(__name__)

T = TypeVar("T")
#: states of a replica: in the rotation, or out for one of three reasons
OK, DOWN, SLOW, OTHER_VERSION = "ok", "down", "slow", "other-version"


@dataclass
class Replica:
    store: RemoteStore
    state: str = OK
    detail: str = ""
    #: when the state last changed (monotonic seconds)
    since: float = 0.0

    @property
    def url(self) -> str:
        return self.store.query_url


class ReplicatedStore(Store):
    """A dataset version in several remote stores; the web layer sees one store."""

    def __init__(self, urls: Sequence[str], version, settings: Settings) -> None:
        if len(urls) < 2:
            raise ConfigError("read replicas need two query URLs or more")
        self.settings = settings
        self.replicas = [Replica(RemoteStore.for_version(url, version, settings), since=time.monotonic())
                         for url in dict.fromkeys(urls)]
        self._turn = 0
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._checker: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"<ReplicatedStore {[r.url for r in self.replicas]} version={self.version}>"

    @property
    def version(self) -> str:
        return self.replicas[0].store.version

    def triple_count(self) -> int:
        return self.replicas[0].store.triple_count()

    # --- the rotation ------------------------------------------------------------------------

    def execute(self, query: PreparedQuery, fmt: Format, *, at_once: bool = False) -> Answer:
        if at_once:
            raise NotAtOnce  # every answer waits for another process
        return self._ask(lambda store: store.execute(query, fmt))

    def evaluate(self, query: PreparedQuery) -> Rows | Triples | bool:
        return self._ask(lambda store: store.evaluate(query))

    def _ask(self, call: Callable[[RemoteStore], T]) -> T:
        """``call`` on the next replica in the rotation; on the next one again when a replica
        does not answer at all or has no free connection, until every one was asked."""
        asked: set[int] = set()
        busy: Overloaded | None = None
        while True:
            index = self._next(asked)
            if index is None:
                if busy is not None:
                    raise busy
                raise StoreUnavailable("No replica of the store can answer: "
                                       + "; ".join(f"{r.url} {r.state} {r.detail}".rstrip()
                                                   for r in self.replicas))
            asked.add(index)
            replica = self.replicas[index]
            try:
                return call(replica.store)
            except StoreUnreachable as exc:
                self._set(replica, DOWN, exc.message)
            except Overloaded as exc:
                busy = exc

    def _next(self, asked: set[int]) -> int | None:
        with self._lock:
            count = len(self.replicas)
            for step in range(count):
                index = (self._turn + step) % count
                if index not in asked and self.replicas[index].state == OK:
                    self._turn = index + 1
                    return index
        return None

    def _set(self, replica: Replica, state: str, detail: str = "") -> None:
        with self._lock:
            if replica.state != state:
                log.warning("store replica %s: %s %s", replica.url, state, detail)
                replica.state, replica.since = state, time.monotonic()
            replica.detail = detail

    # --- checks ------------------------------------------------------------------------------

    def check(self, replica: Replica) -> None:
        """Ask one replica which version it holds, within ``store_check_interval``; set its state."""
        try:
            record = replica.store.publication(timeout=self.settings.store_check_interval)
        except StoreTimeout:
            self._set(replica, SLOW, f"no answer within {self.settings.store_check_interval:g} s")
        except StoreUnavailable as exc:
            self._set(replica, DOWN, exc.message)
        else:
            if record is None or record.version != self.version:
                held = f"holds version {record.version}" if record else "holds no version"
                self._set(replica, OTHER_VERSION, held)
            else:
                self._set(replica, OK)

    def check_published(self) -> None:
        """Check every replica now and start checking them in the background. Refuse to serve
        (``ConfigError``) when replicas answer and none holds this version; when none answers,
        start anyway: queries are 502 until one returns."""
        for replica in self.replicas:
            self.check(replica)
        states = {r.state for r in self.replicas}
        if OK not in states and states & {OTHER_VERSION}:
            raise ConfigError(f"no replica of the store holds version {self.version}: "
                              + "; ".join(f"{r.url} {r.detail}" for r in self.replicas)
                              + "; run `cisem-graph push` first")
        self._checker = threading.Thread(target=self._check_all, daemon=True,
                                         name="cisem-replica-checks")
        self._checker.start()

    def _check_all(self) -> None:
        while not self._closed.wait(self.settings.store_check_interval):
            for replica in self.replicas:
                if self._closed.is_set():
                    return
                self.check(replica)

    def health(self) -> dict:
        """Every replica, its state and since when (seconds), for ``/health``."""
        now = time.monotonic()
        with self._lock:
            replicas = [{"url": r.url, "state": r.state, "detail": r.detail,
                         "seconds": round(now - r.since, 1)} for r in self.replicas]
        serving = sum(r["state"] == OK for r in replicas)
        return {"status": "ok" if serving == len(replicas) else "degraded" if serving else
                "unavailable", "replicas": replicas}

    def close(self) -> None:
        self._closed.set()
        for replica in self.replicas:
            replica.store.close()
