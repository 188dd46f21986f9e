"""Slow and greedy clients against the real `cisem-graph serve` (granian and its RSGI front).

A client that trickles a request body must not hold the threads that answer queries: while 200
connections trickle bodies from one address, a query from another address is answered at once; a
body slower than its deadline gets 408 and its connection closed; a client with too many requests in
progress gets 429. Two loopback addresses stand for two clients (127.0.0.1 and 127.0.0.2).
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

SLOW, OTHER = "127.0.0.1", "127.0.0.2"
ASK = "ASK { ?s ?p ?o }"
BODY_TIMEOUT = 1.5
CAP = 40
#: one worker, so the per-worker cap and the thread count are exact
ENV = {"CISEM_WORKERS": "1", "CISEM_THREADS": "4", "CISEM_BODY_TIMEOUT": str(BODY_TIMEOUT),
       "CISEM_BODY_MIN_RATE": "100000", "CISEM_MAX_CLIENT_CONNECTIONS": str(CAP)}


@pytest.fixture(scope="module")
def server(live_server):
    with live_server(**ENV) as (_proc, url):
        yield url


@pytest.fixture(scope="module")
def patient_server(live_server):
    """A server whose cap and body deadline let 200 trickling bodies all stay in progress."""
    env = {**ENV, "CISEM_BODY_TIMEOUT": "60", "CISEM_MAX_CLIENT_CONNECTIONS": "250"}
    with live_server(**env) as (_proc, url):
        yield url


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _connect(url: str, source: str, timeout: float = 10) -> socket.socket:
    return socket.create_connection(("127.0.0.1", _port(url)), timeout=timeout,
                                    source_address=(source, 0))


def _post_head(length: int, accept: str = "application/json") -> bytes:
    return (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {accept}\r\n"
            f"Content-Type: application/sparql-query\r\nContent-Length: {length}\r\n\r\n").encode()


def _read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one HTTP/1.1 answer (Content-Length framed)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before an answer: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return int(lines[0].split()[1]), headers, body


def _closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def _ask(url: str, source: str) -> tuple[int, float, bytes]:
    """One GET query from ``source``: status, seconds to answer, body."""
    started = time.monotonic()
    with _connect(url, source) as sock:
        query = urllib.parse.urlencode({"query": ASK})
        sock.sendall(f"GET /sparql?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Accept: application/sparql-results+json\r\nConnection: close\r\n\r\n".encode())
        status, _, body = _read_answer(sock)
    return status, time.monotonic() - started, body


@contextmanager
def tricklers(url: str, count: int, source: str = SLOW) -> Iterator[list[socket.socket]]:
    """``count`` connections that each announce a 5,000-byte body and send a byte every 0.5 s."""
    socks: list[socket.socket] = []
    stop = threading.Event()
    for _ in range(count):
        sock = _connect(url, source)
        sock.sendall(_post_head(5000))
        socks.append(sock)

    def drip() -> None:
        while not stop.wait(0.5):
            for sock in socks:
                try:
                    sock.send(b"A")
                except OSError:
                    pass

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        yield socks
    finally:
        stop.set()
        thread.join()
        for sock in socks:
            sock.close()


def _wait_refused(socks: list[socket.socket], count: int, within: float = 10.0) -> None:
    """Wait until the server has answered and closed ``count`` of ``socks`` (the ones past the
    cap): then it has taken every one of them in, the rest being held for their bodies."""
    closed: set[int] = set()
    deadline = time.monotonic() + within
    while len(closed) < count:
        left = deadline - time.monotonic()
        assert left > 0, f"only {len(closed)} of {count} connections past the cap were refused"
        readable, _, _ = select.select([s for s in socks if s.fileno() not in closed], [], [],
                                       min(left, 0.5))
        for sock in readable:
            try:
                while sock.recv(65536):
                    pass
            except (BlockingIOError, TimeoutError):
                continue
            except OSError:
                pass
            closed.add(sock.fileno())


def test_a_query_is_answered_at_once_while_200_connections_trickle_bodies(patient_server):
    """All 200 are in progress on the server (its cap is above them, its deadline far): the
    query's connection is accepted after theirs (one listening queue), so it meets them all."""
    server = patient_server
    with tricklers(server, 200):
        for _ in range(3):
            status, seconds, body = _ask(server, OTHER)
            assert status == 200
            assert json.loads(body)["boolean"] is True
            # "at once": far below the body deadline the trickling requests are held to
            assert seconds < 1.0, f"a query waited {seconds:.2f} s behind trickling bodies"


def test_a_body_slower_than_its_deadline_gets_408_and_the_connection_closed(server):
    with _connect(server, OTHER) as sock:
        sock.sendall(_post_head(5000))
        started = time.monotonic()
        sock.sendall(b"SELECT")
        status, headers, body = _read_answer(sock)
        elapsed = time.monotonic() - started
        assert status == 408
        deadline = BODY_TIMEOUT + 5000 / 100000
        assert deadline - 0.2 <= elapsed <= deadline + 2.0
        assert headers.get("connection") == "close"
        answer = json.loads(body)
        assert answer["status"] == 408 and "body_timeout" in answer["error"]
        assert "Traceback" not in body.decode()
        assert _closed_by_server(sock, 3.0)


def test_a_client_past_its_cap_gets_429_while_another_client_is_served(server):
    with tricklers(server, CAP) as socks:
        # one more is past the cap once the server has the others in: refused at once
        with _connect(server, SLOW) as sock:
            socks.append(sock)  # until its answer comes, it trickles like the others
            sock.sendall(_post_head(5000))
            _wait_refused([sock], 1, within=5.0)
        with _connect(server, SLOW) as sock:
            started = time.monotonic()
            sock.sendall(_post_head(5000))
            status, headers, body = _read_answer(sock)
            assert status == 429
            assert time.monotonic() - started < 1.0  # refused without waiting for the body
            assert headers.get("retry-after") == "1"
            assert "max_client_connections" in json.loads(body)["error"]
            assert _closed_by_server(sock, 3.0)
        status, seconds, _ = _ask(server, OTHER)
        assert status == 200 and seconds < 1.0
    # once the slow client's requests are over (408), its share is back
    deadline = time.monotonic() + BODY_TIMEOUT + 5
    while True:
        status, _, _ = _ask(server, SLOW)
        if status == 200 or time.monotonic() > deadline:
            break
    assert status == 200


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(server):
    with _connect(server, OTHER) as sock:
        started = time.monotonic()
        sock.sendall(_post_head(50_000_000, accept="text/plain"))
        status, headers, body = _read_answer(sock)
        assert status == 413
        assert time.monotonic() - started < 1.0
        assert b"max_request_bytes" in body
        assert headers.get("connection") == "close"


def test_a_body_cut_short_is_a_400(server):
    with _connect(server, OTHER) as sock:
        sock.sendall(_post_head(100, accept="text/plain") + b"ASK {}")
        sock.shutdown(socket.SHUT_WR)
        try:
            status, _, body = _read_answer(sock)
        except (ConnectionError, OSError):
            return  # the server may drop a connection whose client stopped sending: also fine
        assert status == 400
        assert b"ended before" in body


def test_a_chunked_body_is_read(server):
    query = ASK.encode()
    with _connect(server, OTHER) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Accept: application/sparql-results+json\r\n"
                     b"Content-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
                     + f"{len(query):x}\r\n".encode() + query + b"\r\n0\r\n\r\n")
        status, _, body = _read_answer(sock)
    assert status == 200 and json.loads(body)["boolean"] is True


def test_a_large_answer_streams_whole(server, dist_dir):
    """A dump larger than one streamed piece arrives byte for byte."""
    import urllib.request

    expected = (dist_dir / "current" / "cisem.nt").read_bytes()
    with urllib.request.urlopen(server + "/dumps/cisem.nt", timeout=10) as answer:
        assert answer.read() == expected
