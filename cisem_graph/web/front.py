"""The front: what stands between granian and the Flask app.

A WSGI server hands a request to an application thread as soon as its headers are in, and the
thread then waits for the body. A client that trickles a body (a byte every second or two) holds the
thread for as long as it likes: 16 such connections held every thread of a 2 × 8 server and no query
was answered until they closed. Here the body is read in granian's event loop (RSGI), where waiting
costs a coroutine, not a thread; a request takes one of the app's threads only once its body is in
memory. A body must arrive within ``body_timeout`` seconds plus one second per ``body_min_rate``
bytes it declares; a slower one is answered 408 and its connection closed. A client may have at most
``max_client_connections`` requests in progress in a worker (bodies still arriving included); past
that, 429 and the connection closed, without reading the body.

The front never writes an error itself: it tells the app (``cisem.refused`` in the environ), which
answers in the negotiated format and language like any other error ("errors become HTTP in one
place").
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from .clients import Clients, parse_networks, peer_address
from .hosts import resolve as resolve_host
from .hot import PATHS as HOT_PATHS
from .hot import Handoff, HotPath, Pending
from .hot import Request as HotRequest

log = logging.getLogger("cisem_graph.web")

#: the environ key that carries a refusal decided by the front to the app
REFUSED = "cisem.refused"
#: the environ key that carries the client key (see ``clients``)
CLIENT = "cisem.client"
#: the environ key that carries an error the hot path raised, for the app to render
RAISED = "cisem.raised"
#: the environ key that carries the body limit a refused body was over
BODY_LIMIT = "cisem.body_limit"

#: an answer is sent whole when it fits in this many bytes, else streamed in pieces of this size
STREAM_PIECE = 1 << 20
#: the block size of ``wsgi.file_wrapper`` (werkzeug's own is 8 KiB: one thread hop per block)
FILE_BLOCK = 256 * 1024

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
#: (method, path, Cookie header) -> a larger body limit for that request, or None
Allowance = Callable[[str, str, str | None], int | None]


@dataclass(frozen=True)
class BodyRules:
    """How much body a request may send and how fast it must arrive."""

    limit: int
    timeout: float
    min_rate: float

    def deadline(self, declared: int | None, limit: int | None = None) -> float:
        """Seconds the whole body may take: the grace period plus its size (or, chunked, the limit
        it may reach: ``limit`` when the request has a larger one) at the minimum rate."""
        size = (self.limit if limit is None else limit) if declared is None else declared
        return self.timeout + size / self.min_rate


class BodyRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ClientSlots:
    """Requests in progress per client, in this worker (the event loop is its only user)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._busy: Counter[str] = Counter()

    def take(self, client: str) -> bool:
        if self._busy[client] >= self.limit:
            return False
        self._busy[client] += 1
        return True

    def give(self, client: str) -> None:
        self._busy[client] -= 1
        if self._busy[client] <= 0:
            del self._busy[client]

    def __len__(self) -> int:
        return sum(self._busy.values())


class Front:
    """An RSGI application (granian's native interface) in front of a WSGI app."""

    def __init__(self, app: WSGIApp, settings: Settings, *, body_limit: int,
                 hot: HotPath | None = None, allowance: Allowance | None = None) -> None:
        self.app = app
        self.hot = hot
        #: a larger body for some requests: a signed-in upload of a spreadsheet (``web.sessions``)
        self.allowance = allowance
        self.settings = settings
        self.rules = BodyRules(limit=body_limit, timeout=settings.body_timeout,
                               min_rate=settings.body_min_rate)
        self.clients = Clients(parse_networks(settings.trusted_proxies))
        self.slots = ClientSlots(settings.max_client_connections)
        self.pool = ThreadPoolExecutor(max_workers=settings.threads, thread_name_prefix="cisem-app")
        self.loop: asyncio.AbstractEventLoop | None = None

    # -- RSGI hooks ---------------------------------------------------------------------------------

    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        close = getattr(self.app, "close", None)
        if close is not None:
            close()

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        if scope.proto != "http":
            return  # no websockets here
        headers = scope.headers
        peer = peer_address(scope.client)
        client = self.clients.client(peer, headers.get("x-forwarded-for"))
        if not self.slots.take(client):
            await self._answer(scope, protocol, peer, client, b"", refused="busy")
            return
        try:
            refused = None
            limit = self.rules.limit
            if self.allowance is not None and scope.method == "POST":
                # HTTP/2 may split cookies over several fields
                cookies = "; ".join(headers.get_all("cookie")) or None
                limit = max(limit, self.allowance(scope.method, scope.path, cookies) or 0)
            try:
                body = await self._read_body(headers, protocol, limit)
            except BodyRefused as exc:
                body, refused = b"", exc.reason
            if refused is None and self.hot is not None and scope.path in HOT_PATHS and \
                    scope.method in ("GET", "POST") and self._answers_host(scope, peer):
                await self._hot(scope, protocol, peer, client, body)
            else:
                await self._answer(scope, protocol, peer, client, body, refused=refused,
                                   limit=limit)
        finally:
            self.slots.give(client)

    def _answers_host(self, scope: Any, peer: str) -> bool:
        """Whether the request names a host this server answers for (``hosts``); one it does not
        goes to the app, which refuses it with a 400 as it refuses it on every path."""
        headers = scope.headers
        return resolve_host(self.settings, host=headers.get("host") or scope.server,
                             scheme=scope.scheme, prefix="", peer=peer,
                             forwarded_host=headers.get("x-forwarded-host"),
                             forwarded_proto=headers.get("x-forwarded-proto"),
                             trusted=self.clients.is_trusted) is not None

    async def _hot(self, scope: Any, protocol: Any, peer: str, client: str, body: bytes) -> None:
        """A SPARQL Protocol request: from the entity cache right here, else the hot path in an
        app thread; a browser, the service description or an error go to the app."""
        headers = scope.headers
        request = HotRequest(scope.method, scope.query_string.encode("utf-8", "surrogateescape"),
                             headers.get("accept"), headers.get("accept-encoding"),
                             headers.get("if-none-match"), headers.get("content-type"), body,
                             client)
        try:
            reply = self.hot.begin(request)
            if isinstance(reply, Pending):
                loop = self.loop or asyncio.get_running_loop()
                reply = await loop.run_in_executor(self.pool, self.hot.finish, reply)
        except Handoff as handoff:
            await self._answer(scope, protocol, peer, client, body, refused=None,
                               raised=handoff.error)
            return
        protocol.response_bytes(reply.status, reply.headers, reply.body)

    # -- the body -----------------------------------------------------------------------------------

    async def _read_body(self, headers: Any, protocol: Any, limit: int) -> bytes:
        declared = _content_length(headers.get("content-length"))
        chunked = "chunked" in (headers.get("transfer-encoding") or "").lower()
        if declared == 0 or (declared is None and not chunked):
            return b""
        if declared is not None and declared > limit:
            raise BodyRefused("too_large")  # the app says 413 from the declared length
        parts: list[bytes] = []
        received = 0
        try:
            async with asyncio.timeout(self.rules.deadline(declared, limit)):
                async for chunk in protocol:
                    received += len(chunk)
                    if received > limit:
                        raise BodyRefused("too_large")
                    parts.append(chunk)
        except TimeoutError:
            raise BodyRefused("slow_body") from None
        except BodyRefused:
            raise
        except Exception:  # the client went away mid-body
            raise BodyRefused("incomplete_body") from None
        if declared is not None and received < declared:
            raise BodyRefused("incomplete_body")
        return b"".join(parts)

    # -- the app ------------------------------------------------------------------------------------

    async def _answer(self, scope: Any, protocol: Any, peer: str, client: str, body: bytes, *,
                      refused: str | None, raised: Exception | None = None,
                      limit: int | None = None) -> None:
        environ = self._environ(scope, peer, client, body, refused)
        if raised is not None:
            environ[RAISED] = raised
        if refused is not None and limit is not None:
            environ[BODY_LIMIT] = limit
        loop = self.loop or asyncio.get_running_loop()
        try:
            status, headers, pieces, rest = await loop.run_in_executor(self.pool, _call, self.app,
                                                                       environ)
        except Exception:  # the app's own error handlers failed: never a traceback to the client
            log.exception("the app failed on %s %s", scope.method, scope.path)
            protocol.response_str(500, [("content-type", "text/plain; charset=utf-8"),
                                        ("connection", "close")],
                                  "500 Internal error: the server could not answer this request.\n")
            return
        if refused is not None:
            headers.append(("connection", "close"))  # the rest of that body is never read
        if rest is None:
            protocol.response_bytes(status, headers, b"".join(pieces))
            return
        await self._stream(protocol, loop, status, headers, pieces, rest)

    async def _stream(self, protocol: Any, loop: asyncio.AbstractEventLoop, status: int,
                      headers: list, pieces: list[bytes], rest: _Rest) -> None:
        try:
            transport = protocol.response_stream(status, headers)
            while pieces:
                await transport.send_bytes(b"".join(pieces))
                pieces = await loop.run_in_executor(self.pool, rest.pull)
        except Exception:  # the client went away: stop reading the answer
            pass
        finally:
            await loop.run_in_executor(self.pool, rest.close)

    def _environ(self, scope: Any, peer: str, client: str, body: bytes,
                 refused: str | None) -> dict[str, Any]:
        server_host, _, server_port = scope.server.rpartition(":")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": scope.method,
            "SCRIPT_NAME": "",
            # PEP 3333: the path as bytes shown as latin-1
            "PATH_INFO": scope.path.encode("utf-8", "surrogateescape").decode("latin-1"),
            "QUERY_STRING": scope.query_string.encode("utf-8", "surrogateescape").decode("latin-1"),
            "SERVER_NAME": server_host,
            "SERVER_PORT": server_port,
            "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
            "REMOTE_ADDR": peer,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.input_terminated": True,  # the whole body is there: werkzeug need not count
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.file_wrapper": FileWrapper,
            CLIENT: client,
        }
        for name, value in scope.headers.items():
            if "_" in name:
                continue  # X_Forwarded_For must not pass for X-Forwarded-For
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        if refused is None:
            environ["CONTENT_LENGTH"] = str(len(body))
        else:
            environ[REFUSED] = refused
        return environ


class FileWrapper:
    """``wsgi.file_wrapper`` with large blocks: a dump travels in few hops between threads."""

    def __init__(self, file: Any, block_size: int = FILE_BLOCK) -> None:
        self.file = file
        self.block_size = max(block_size, FILE_BLOCK)

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        data = self.file.read(self.block_size)
        if not data:
            raise StopIteration
        return data

    def close(self) -> None:
        close = getattr(self.file, "close", None)
        if close is not None:
            close()


class _Rest:
    """What is left of a streamed answer: pulled piece by piece in an app thread."""

    def __init__(self, result: Iterable[bytes], iterator: Iterator[bytes]) -> None:
        self.result = result
        self.iterator = iterator

    def pull(self) -> list[bytes]:
        pieces, size = [], 0
        for chunk in self.iterator:
            if chunk:
                pieces.append(chunk)
                size += len(chunk)
                if size >= STREAM_PIECE:
                    break
        return pieces

    def close(self) -> None:
        _close(self.result)


def _call(app: WSGIApp, environ: dict) -> tuple[int, list, list[bytes], _Rest | None]:
    """Run the app in this thread; the whole answer when it is small, else its first piece."""
    started: list = []

    def start_response(status: str, headers: list, exc_info: Any = None):
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return pieces.append  # the legacy write() callable

    pieces: list[bytes] = []
    result = app(environ, start_response)
    iterator = iter(result)
    size = 0
    for chunk in iterator:
        if chunk:
            pieces.append(chunk)
            size += len(chunk)
            if size >= STREAM_PIECE:
                return int(started[0][:3]), list(started[1]), pieces, _Rest(result, iterator)
    _close(result)
    return int(started[0][:3]), list(started[1]), pieces, None


def _close(result: Iterable[bytes]) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


def _content_length(value: str | None) -> int | None:
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isdigit() else None
