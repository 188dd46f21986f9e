"""The query log line: written straight to the stream of the handler this package installs, in
the very format ``logging`` would give it; through ``logging`` when the host configured its own."""

from __future__ import annotations

import io
import logging
import re
import time

import pytest

from cisem_graph.web import querylog

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} cisem_graph\.query INFO "
                  r"query outcome=ok ms=\d+\.\d bytes=10 rows=2 truncated=False$")


@pytest.fixture
def own_handler(monkeypatch):
    """The state ``install`` leaves when the host configured no logging: our handler alone."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(querylog.FORMAT))
    package = logging.getLogger("cisem_graph")
    monkeypatch.setattr(package, "handlers", [handler])
    monkeypatch.setattr(package, "level", logging.INFO)
    monkeypatch.setattr(querylog, "_own", handler)
    return stream, handler


def test_a_query_line_is_written_straight_in_loggings_format(own_handler):
    stream, handler = own_handler
    querylog.query("ok", time.perf_counter(), 10, 2, False)
    direct = stream.getvalue()
    assert LINE.match(direct.rstrip("\n")), direct
    # the same message through logging itself, for comparison: only the time may differ
    record = logging.getLogger("cisem_graph.query").makeRecord(
        "cisem_graph.query", logging.INFO, "", 0, direct.split(" INFO ", 1)[1].rstrip("\n"), (),
        None)
    assert handler.format(record).split(" ", 2)[2] == direct.rstrip("\n").split(" ", 2)[2]


def test_a_page_line_says_page(own_handler):
    stream, _ = own_handler
    querylog.query("html", time.perf_counter())
    assert re.search(r"INFO query outcome=html ms=\d+\.\d page\n$", stream.getvalue())


def test_the_hosts_handlers_get_ordinary_records(caplog):
    with caplog.at_level(logging.INFO, logger="cisem_graph.query"):
        querylog.query("ok", time.perf_counter(), 10, 2, False)
    assert [r.getMessage().split(" ms=")[0] for r in caplog.records] == ["query outcome=ok"]
