"""A limit on failed sign-ins, per user name and per address, that every worker process shares.

Each failure is recorded under two keys (the name tried and the client's address, as
``web.clients`` finds it behind ``trusted_proxies``); once either key has ``attempts`` failures
within ``window`` seconds, sign-ins with it are refused without checking the password until the
oldest failure leaves the window. The record is a small JSON file in ``state_dir``, updated under
an ``flock``, so it holds across the server's workers and its restarts. Keys are stored as
digests: the file keeps neither the names people typed nor their addresses.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_NAME = "signin-failures.json"
#: the most keys kept; beyond, those whose last failure is oldest are forgotten first
MAX_KEYS = 10_000


class SigninThrottle:
    def __init__(self, state_dir: Path, attempts: int, window: float) -> None:
        self.path = Path(state_dir) / FILE_NAME
        self.attempts = attempts
        self.window = window

    def wait(self, keys: Iterable[str], now: float | None = None) -> float:
        """Seconds before a sign-in with these keys may be tried again (0: now)."""
        now = time.time() if now is None else now
        with self._table() as table:
            longest = 0.0
            for key in keys:
                recent = self._recent(table.get(_digest(key), []), now)
                if len(recent) >= self.attempts:
                    longest = max(longest, recent[-self.attempts] + self.window - now)
            return longest

    def failed(self, keys: Iterable[str], now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._table(write=True) as table:
            for key in keys:
                digest = _digest(key)
                table[digest] = [*self._recent(table.get(digest, []), now), now][-self.attempts:]
            self._prune(table, now)

    def succeeded(self, key: str) -> None:
        """A good sign-in forgets the user's failures (never the address's)."""
        with self._table(write=True) as table:
            table.pop(_digest(key), None)

    def _recent(self, stamps: list[float], now: float) -> list[float]:
        return [t for t in stamps if now - t < self.window]

    def _prune(self, table: dict[str, list[float]], now: float) -> None:
        for digest in [d for d, stamps in table.items() if not self._recent(stamps, now)]:
            del table[digest]
        if len(table) > MAX_KEYS:
            for digest in sorted(table, key=lambda d: table[d][-1])[:len(table) - MAX_KEYS]:
                del table[digest]

    @contextmanager
    def _table(self, write: bool = False) -> Iterator[dict[str, list[float]]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
            try:
                text = handle.read()
                try:
                    table = json.loads(text) if text.strip() else {}
                except ValueError:
                    table = {}  # a torn file (a crash mid-write) only forgets failures
                yield table
                if write:
                    handle.seek(0)
                    handle.truncate()
                    json.dump(table, handle)
                    handle.flush()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
