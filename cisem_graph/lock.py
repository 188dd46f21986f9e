"""One publish at a time: whatever writes ``data/`` or switches ``dist/current`` takes this lock.

The staff area's publish and undo jobs, ``cisem-graph import``, ``build``, ``release`` and
``reload`` (the command and ``POST /admin/reload``) each change what is, or will be, served; two at
once could build one's data and switch to the other's, or roll back a file another has just
written. So they share one lock, an ``flock`` on ``STATE_DIR/publish.lock``, held by the process
that does the work and released by the kernel if it dies. The lock file says who holds it, so a
refusal (409) or a waiting command can name what is running.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from .config import Settings
from .errors import PublishBusy

LOCK_FILE = "publish.lock"


class PublishLock:
    """The lock of one project (its ``state_dir``); ``acquire`` it, ``release`` it, or use ``held``."""

    def __init__(self, settings: Settings) -> None:
        self.path = Path(settings.state_dir) / LOCK_FILE
        self._file: IO[str] | None = None

    def acquire(self, what: str, *, wait: bool = False, on_wait=None, patience: float = 0.0) -> None:
        """Take the lock for ``what`` (said to whoever finds it taken); ``PublishBusy`` when another
        holds it for longer than ``patience`` seconds, or, with ``wait``, block until it is free
        (``on_wait(holder)`` is called once)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")
        try:
            if not _try(handle, patience):
                holder = self.holder()
                if not wait:
                    raise PublishBusy(f"another publish is running ({holder}); try again when it "
                                      "has finished", holder=holder) from None
                if on_wait is not None:
                    on_wait(holder)
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps({"what": what, "pid": os.getpid(),
                                     "since": datetime.now(UTC).replace(microsecond=0).isoformat()}))
            handle.flush()
        except BaseException:
            handle.close()
            raise
        self._file = handle

    def release(self) -> None:
        handle, self._file = self._file, None
        if handle is not None:
            handle.seek(0)
            handle.truncate()
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()

    @property
    def owned(self) -> bool:
        return self._file is not None

    def holder(self) -> str:
        """Who holds the lock, as written by its holder ("publish by maria, pid 12, since …")."""
        try:
            record = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            record = {}
        if not record:
            return "unknown"
        return f"{record.get('what', '?')}, pid {record.get('pid', '?')}, since {record.get('since', '?')}"

    def is_free(self) -> bool:
        """Whether nobody holds the lock now (a job whose process died left it free)."""
        if self._file is not None:
            return False
        try:
            handle = open(self.path, "a+", encoding="utf-8")
        except OSError:
            return True
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            fcntl.flock(handle, fcntl.LOCK_UN)
            return True


@contextmanager
def held(settings: Settings, what: str, *, wait: bool = False, on_wait=None) -> Iterator[PublishLock]:
    """``with held(settings, "build"):`` the lock for the block."""
    lock = PublishLock(settings)
    lock.acquire(what, wait=wait, on_wait=on_wait)
    try:
        yield lock
    finally:
        lock.release()


def _try(handle: IO[str], patience: float) -> bool:
    """The lock without blocking, trying again for ``patience`` seconds (a job that has just said
    it is done lets go of it a moment later)."""
    deadline = time.monotonic() + patience
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
