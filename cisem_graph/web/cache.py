"""Caches on the app: answers of repeated GET queries, rendered pages, values kept per version.

A dataset version is immutable, so an answer keyed by version, query, dataset and format never
goes stale; bounds on entries and bytes keep one worker's memory in check.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from ..store.base import Answer
from .http import Entity

MAX_ENTRY_BYTES = 2 * 1024 * 1024
T = TypeVar("T")
V = TypeVar("V")


class BoundedCache(Generic[V]):
    """A thread-safe LRU bounded in entries and in bytes (``size`` of a value)."""

    def __init__(self, entries: int, max_bytes: int, size: Callable[[V], int],
                 max_entry_bytes: int = MAX_ENTRY_BYTES) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._size = size
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        size = self._size(value)
        if self.entries <= 0 or size > self.max_entry_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= self._size(old)
            self._data[key] = value
            self._bytes += size
            while len(self._data) > self.entries or self._bytes > self.max_bytes:
                _, evicted = self._data.popitem(last=False)
                self._bytes -= self._size(evicted)

    def __len__(self) -> int:
        return len(self._data)


class AnswerCache(BoundedCache[Answer]):
    """Serialized answers of repeated GET queries, by answer key (version, query, dataset, format)."""

    def __init__(self, entries: int, max_bytes: int = 64 * 1024 * 1024) -> None:
        super().__init__(entries, max_bytes, lambda answer: len(answer.body))


class Memo:
    """Values worked out once per dataset version (counts, lists, the ontology graph, the network).

    Keys start with the version, so a new version never sees an old value; the bound (LRU) lets the
    old version's values go. Two requests may compute the same value at once: both results are
    equal, the second simply replaces the first.
    """

    def __init__(self, entries: int = 128) -> None:
        self.entries = entries
        self._data: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = compute()
        with self._lock:
            self._data[key] = value
            while len(self._data) > self.entries:
                self._data.popitem(last=False)
        return value


class EntityCache(BoundedCache[Entity]):
    """Entities by a key that names them completely (for ``/sparql`` the version, query string and
    ``Accept``; for pages their ETag, which holds the version, host, path, query and language),
    bounded like the answer cache; an entity counts twice its body, room for its gzip twin made at
    the first gzip request."""

    def __init__(self, entries: int, max_bytes: int = 64 * 1024 * 1024,
                 max_entry_bytes: int = MAX_ENTRY_BYTES) -> None:
        super().__init__(entries, max_bytes, lambda entity: 2 * len(entity.body), max_entry_bytes)
