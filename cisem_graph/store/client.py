"""HTTP to the servers we talk to: one client for the remote store's queries, ``push``'s uploads
and updates, a reload's ``BAN`` to the caches in front, ``cisem-graph reload`` and ``query
--endpoint``, so that time-outs, credentials, kept-alive connections and what a failure means are
written once.

``http.client`` underneath, not urllib or SPARQLWrapper: a connection kept alive per thread and per
server costs a lookup ~0.5 ms less than a new one (bench/remote_client.py), and only a socket of
our own lets every wait be bounded by one deadline (a server sending a byte a second would
otherwise never time out) and lets the remote store hold on to a connection the store is still
computing for (``TimedOut.conn``).
"""

from __future__ import annotations

import base64
import http.client
import threading
import time
import urllib.parse
from dataclasses import dataclass

from ..errors import StoreTimeout, StoreUnreachable


def basic_authorization(user: str | None, password: str | None) -> str | None:
    """The ``Authorization`` header for HTTP Basic credentials (``None`` without a user)."""
    if not user:
        return None
    token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
    return f"Basic {token}"


@dataclass(frozen=True)
class Reply:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def said(self, limit: int = 2000) -> str:
        """The body as words, for an error message."""
        return self.body.decode("utf-8", errors="replace").strip()[:limit]


class TimedOut(Exception):
    """No whole answer by the deadline. ``conn`` is the connection the server may still be
    working on, taken out of use: the caller closes it, or waits on it (the remote store)."""

    def __init__(self, conn: http.client.HTTPConnection) -> None:
        super().__init__("timed out")
        self.conn = conn


class HttpClient:
    """Requests to one or more servers: HTTP Basic credentials if given, one kept-alive
    connection per thread and server, every wait bounded by the request's deadline.

    A connection that fails raises ``StoreUnreachable``; no whole answer within the time-out,
    ``StoreTimeout`` (``TimedOut`` when asked to hold the connection); any answer, whatever its
    status, is a ``Reply``.
    """

    def __init__(self, *, user: str | None = None, password: str | None = None,
                 timeout: float = 10.0, name: str | None = None) -> None:
        """``name``: how messages call the server (default: its URL's origin)."""
        self.timeout = timeout
        self.name = name
        self._authorization = basic_authorization(user, password)
        self._local = threading.local()
        self._open: set[http.client.HTTPConnection] = set()  # every thread's, for close()
        self._lock = threading.Lock()

    def request(self, method: str, url: str, body: bytes = b"",
                headers: dict[str, str] | None = None, *, timeout: float | None = None,
                credentials: bool = True, hold: bool = False, what: str | None = None) -> Reply:
        """``method`` on ``url`` with ``body``; a kept-alive connection the server closed meanwhile
        is tried once more on a new one. ``credentials``: send the client's (never to a server that
        is not the store, such as a cache in front). No whole answer in time: ``StoreTimeout``, or
        with ``hold`` ``TimedOut`` and the connection the server may still be working on. ``what``:
        the request's purpose, for messages ("the upload")."""
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise StoreUnreachable(f"{url!r} is not an http(s) URL.")
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        headers = dict(headers or {})
        if credentials and self._authorization:
            headers["Authorization"] = self._authorization
        timeout = timeout or self.timeout
        deadline = time.monotonic() + timeout
        origin = (parts.scheme, parts.hostname, parts.port)
        name, purpose = self.name or _named(url), f" for {what}" if what else ""
        while True:
            conn, reused = self._connection(origin, timeout)
            try:
                if conn.sock is not None:  # kept alive: its last wait was bounded
                    conn.sock.settimeout(timeout)
                conn.request(method, target, body=body, headers=headers)
                _bound(conn, deadline)
                response = conn.getresponse()
                data = _read(conn, response, deadline)
            except TimeoutError:
                conn = self._detach(origin)
                if hold:
                    raise TimedOut(conn) from None
                conn.close()
                raise StoreTimeout(f"{name} did not answer{purpose} within {timeout:g} s.") \
                    from None
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self._drop(origin)
                if reused:
                    continue
                raise StoreUnreachable(f"{name} closed the connection{purpose} ({exc}).") \
                    from None
            except (OSError, http.client.HTTPException) as exc:
                self._drop(origin)
                raise StoreUnreachable(f"{name} cannot be reached{purpose} ({exc}).") from None
            if response.will_close:
                self._drop(origin)
            return Reply(response.status, response.reason, response.headers, data)

    def close(self) -> None:
        """Close every thread's connections (a thread still at work opens new ones)."""
        with self._lock:
            conns, self._open = self._open, set()
        for conn in conns:
            conn.close()
        self._local = threading.local()

    # -- connections ---------------------------------------------------------------------------

    def _conns(self) -> dict[tuple, http.client.HTTPConnection]:
        conns = getattr(self._local, "conns", None)
        if conns is None:
            conns = self._local.conns = {}
        return conns

    def _connection(self, origin: tuple, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
        """This thread's kept-alive connection to ``origin``, and whether it was used before."""
        conns = self._conns()
        conn = conns.get(origin)
        if conn is not None:
            return conn, True
        scheme, host, port = origin
        cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        conn = conns[origin] = cls(host, port, timeout=timeout)
        with self._lock:
            self._open.add(conn)
        return conn, False

    def _detach(self, origin: tuple) -> http.client.HTTPConnection:
        """Take this thread's connection to ``origin`` out of use (the caller closes it)."""
        conn = self._conns().pop(origin)
        with self._lock:
            self._open.discard(conn)
        return conn

    def _drop(self, origin: tuple) -> None:
        self._detach(origin).close()


def _named(url: str) -> str:
    """The server of ``url`` for a message (no path, query or credentials)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def _bound(conn: http.client.HTTPConnection, deadline: float) -> None:
    """Let the next socket wait last no longer than what remains until the deadline."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    if conn.sock is not None:
        conn.sock.settimeout(remaining)


def _read(conn: http.client.HTTPConnection, response: http.client.HTTPResponse,
          deadline: float) -> bytes:
    """The whole body, by the deadline: the socket time-out bounds each wait, this the sum."""
    parts = []
    while True:
        _bound(conn, deadline)
        chunk = response.read1(65536)  # what arrived, not a full buffer
        if not chunk:
            parts.append(response.read())  # nothing left: marks the response done
            return b"".join(parts)
        parts.append(chunk)
