"""The query log: one line per query answered (outcome, time, size, rows, whether the cap cut it).

A line through ``logging`` costs ~8 µs (a ``LogRecord``, the formatter, the handler's hooks): on
the hot path that is more than a quarter of what a lookup costs the engine. Where the log goes to
the stream handler this package installs itself (the host configured no logging), the same line is
written straight to that stream, under that handler's lock, with the timestamp formatted once per
second (~1.7 µs). Where the host configured logging, its handlers get ordinary records.
"""

from __future__ import annotations

import logging
import time

FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"
log = logging.getLogger("cisem_graph.query")

#: the handler ``install`` added (None: the host's own logging is in charge)
_own: logging.StreamHandler | None = None
_second = -1
_stamp = ""


def install() -> None:
    """Query lines go to stderr unless the host configured logging (then to its handlers)."""
    global _own
    logger = logging.getLogger("cisem_graph")
    logger.setLevel(logging.INFO)
    if not logger.handlers and not logging.getLogger().handlers:
        _own = logging.StreamHandler()
        _own.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(_own)


def query(outcome: str, started: float, size: int | None = None, rows: object = "-",
          truncated: object = "-") -> None:
    """Log one query that began at ``started`` (``time.perf_counter``); ``size`` None: a page."""
    ms = (time.perf_counter() - started) * 1000
    if size is None:
        message = f"query outcome={outcome} ms={ms:.1f} page"
    else:
        message = f"query outcome={outcome} ms={ms:.1f} bytes={size} rows={rows} truncated={truncated}"
    handler = _own
    if handler is None or log.handlers or not log.propagate or \
            logging.getLogger("cisem_graph").handlers != [handler] or \
            not log.isEnabledFor(logging.INFO):
        log.info(message)  # the host's logging, or a logger changed since: the ordinary way
        return
    line = f"{_timestamp()} cisem_graph.query INFO {message}\n"
    handler.acquire()
    try:
        handler.stream.write(line)
        handler.stream.flush()
    except Exception:  # noqa: BLE001 - logging never fails a request
        handler.handleError(log.makeRecord(log.name, logging.INFO, "", 0, message, (), None))
    finally:
        handler.release()


def _timestamp() -> str:
    """``logging``'s default asctime (``2026-12-05 01:22:30,458``), the date part made once per
    second."""
    global _second, _stamp
    now = time.time()
    second = int(now)
    if second != _second:
        _stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        _second = second
    return f"{_stamp},{int((now - second) * 1000):03d}"
