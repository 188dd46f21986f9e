"""State that every worker process of one server shares: client budgets and metric counters.

A server runs several worker processes (granian or gunicorn), each with its own app. What must hold
for the server as a whole (a client's share of query time, the request counts ``/metrics`` reports)
lives in one small memory-mapped file in ``runtime_dir``, which ``serve`` creates for the run. An app
made without ``runtime_dir`` (tests, ``serve --get``) gets a private segment with the same layout.

Layout (little-endian, fixed): a header, then one region per worker process (its pid, the version
it serves and its counters: each worker writes only its own, so counters need no lock between
processes), then the client table (a small open-addressing hash table, updated under a file lock).
A worker that dies leaves its counters in place; the next process to claim its region goes on from
them, so counters never go down, as Prometheus expects.
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..processes import alive as process_alive

MAGIC = b"CISEMSH2"
HEADER = 64
#: worker regions: more than any sensible worker count, respawns included (a region is reused)
WORKER_SLOTS = 64
#: counters per worker region (``metrics`` numbers them)
COUNTERS = 512
WORKER_HEAD = 32  # pid (8), version (16, ASCII), reserved (8)
WORKER_REGION = WORKER_HEAD + COUNTERS * 8
#: clients tracked at once; a client idle long enough to have its whole budget back may be evicted
CLIENT_SLOTS = 8192
CLIENT_PROBE = 16
CLIENT_RECORD = struct.Struct("<16sddq")  # key digest, tokens, stamp, running
CLIENTS_AT = HEADER + WORKER_SLOTS * WORKER_REGION
SIZE = CLIENTS_AT + CLIENT_SLOTS * CLIENT_RECORD.size

FILE_NAME = "shared.bin"


class Segment:
    """The shared file (or a private anonymous map), and the locks to update it."""

    def __init__(self, runtime_dir: Path | None) -> None:
        self._thread_lock = threading.Lock()
        if runtime_dir is None:
            self._fd = None
            self._map = mmap.mmap(-1, SIZE)
            self._map[:len(MAGIC)] = MAGIC
        else:
            Path(runtime_dir).mkdir(parents=True, exist_ok=True)
            self._fd = os.open(Path(runtime_dir) / FILE_NAME, os.O_RDWR | os.O_CREAT, 0o600)
            with self._file_lock(0, HEADER):
                if os.fstat(self._fd).st_size < SIZE:
                    os.ftruncate(self._fd, SIZE)  # zero-filled: an empty table
                self._map = mmap.mmap(self._fd, SIZE)
                if self._map[:len(MAGIC)] != MAGIC:
                    self._map[:len(MAGIC)] = MAGIC
        self.counters = memoryview(self._map)  # cast per region in ``WorkerRegion``

    def lock(self, start: int, length: int) -> RangeLock:
        """Exclusive use of a byte range by one thread, in every process of the server."""
        return RangeLock(self._thread_lock, self._fd, start, length)

    @contextmanager
    def _file_lock(self, start: int, length: int) -> Iterator[None]:
        with RangeLock(threading.Lock(), self._fd, start, length):
            yield

    @property
    def buffer(self) -> mmap.mmap:
        return self._map

    def claim_worker(self) -> WorkerRegion:
        """This process's region: a free one, or one whose process has ended (counters kept)."""
        pid = os.getpid()
        with self.lock(HEADER, WORKER_SLOTS * WORKER_REGION):
            chosen = None
            for slot in range(WORKER_SLOTS):
                owner = self._owner(slot)
                if owner == pid:
                    chosen = slot
                    break
                if chosen is None and (owner == 0 or not process_alive(owner)):
                    chosen = slot
            if chosen is None:  # more live workers than regions: share the last one
                chosen = WORKER_SLOTS - 1
            start = HEADER + chosen * WORKER_REGION
            struct.pack_into("<q", self._map, start, pid)
        return WorkerRegion(self, chosen)

    def _owner(self, slot: int) -> int:
        return struct.unpack_from("<q", self._map, HEADER + slot * WORKER_REGION)[0]

    def regions(self) -> Iterator[WorkerRegion]:
        """Every region ever claimed (live or not: a dead worker's counts still count)."""
        for slot in range(WORKER_SLOTS):
            if self._owner(slot):
                yield WorkerRegion(self, slot)

    def close(self) -> None:
        self.counters.release()
        self._map.close()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class RangeLock:
    """A thread lock and a POSIX record lock on a range of the file (a process owns record locks,
    so its threads need the thread lock as well). A plain class: it is taken twice per query."""

    __slots__ = ("_thread_lock", "_fd", "_start", "_length")

    def __init__(self, thread_lock: threading.Lock, fd: int | None, start: int, length: int) -> None:
        self._thread_lock = thread_lock
        self._fd = fd
        self._start = start
        self._length = length

    def __enter__(self) -> None:
        self._thread_lock.acquire()
        if self._fd is not None:
            try:
                fcntl.lockf(self._fd, fcntl.LOCK_EX, self._length, self._start)
            except BaseException:
                self._thread_lock.release()
                raise

    def __exit__(self, *exc: object) -> None:
        try:
            if self._fd is not None:
                fcntl.lockf(self._fd, fcntl.LOCK_UN, self._length, self._start)
        finally:
            self._thread_lock.release()


class WorkerRegion:
    """One worker's counters (float64) and the version it serves."""

    def __init__(self, segment: Segment, slot: int) -> None:
        self.segment = segment
        self.slot = slot
        start = HEADER + slot * WORKER_REGION
        self._head = start
        self.values = segment.counters[start + WORKER_HEAD:start + WORKER_REGION].cast("d")

    @property
    def pid(self) -> int:
        return struct.unpack_from("<q", self.segment.buffer, self._head)[0]

    @property
    def alive(self) -> bool:
        return process_alive(self.pid)

    @property
    def version(self) -> str:
        raw = bytes(self.segment.buffer[self._head + 8:self._head + 24])
        return raw.rstrip(b"\0").decode("ascii", "replace")

    @version.setter
    def version(self, value: str) -> None:
        raw = value.encode("ascii", "replace")[:16].ljust(16, b"\0")
        self.segment.buffer[self._head + 8:self._head + 24] = raw

