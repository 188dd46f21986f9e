"""A real store that counts the queries it runs: for tests of what is asked of the store, and when."""

from __future__ import annotations

from cisem_graph.store.base import Store


class CountingStore(Store):
    """The real store, counting the queries it runs."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.settings = store.settings
        self.executed = 0

    @property
    def version(self) -> str:
        return self.store.version

    def prepare(self, text, *args):
        return self.store.prepare(text, *args)

    def execute(self, prepared, fmt, *, at_once=False):
        self.executed += 1
        return self.store.execute(prepared, fmt, at_once=at_once)

    def evaluate(self, prepared):
        self.executed += 1
        return self.store.evaluate(prepared)

    def triple_count(self) -> int:
        return self.store.triple_count()

    def close(self) -> None:
        self.store.close()
