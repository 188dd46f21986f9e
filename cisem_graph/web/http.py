"""One response pipeline for every view: negotiation, conditional GET, Vary, compression, Link.

The decisions are small pure functions over plain values (an ``Accept`` header as sent, the
formats offered, an ``If-None-Match`` string, an ``Accept-Encoding`` string, a produced
``Entity``) and return plain values (a ``Format``, the tag a client already holds, a ``Reply`` of
status, headers and bytes). The ones clients call with the same few headers again and again are
memoised. So a path that never enters Flask's request cycle (the front's hot path for
``/sparql``) answers by the very same rules: it reads the raw headers, asks ``negotiate`` /
``held`` / ``reply``, and writes the ``Reply`` out.

The Flask adapters at the end (``respond``, ``not_modified``, ``send``) read the werkzeug request
and make a werkzeug response; no view sets ``ETag``, ``Vary``, ``Content-Encoding``,
``Cache-Control`` or ``Last-Modified`` itself.

An ETag names one representation: the dataset version, the host and path asked, the query string
and what the view says varies (format, language, page); no worker, process or replica enters it,
and each writes the same bytes for it (``canonical``), so the tag is strong. A query's answer is
the exception: two stores (replicas) hold the same data but give its rows in their own order and
blank nodes their own labels, so its tag is weak (``W/``): the same answer, not the same bytes.
A gzip body is another representation of the same entity: its tag is the identity's with
``-gzip`` appended, and a client holding either gets a 304.

Caching: everything derived from the served version says ``public, max-age, s-maxage`` from the
settings (``cache_policy``); it changes only when a reload serves another version, when a cache
in front is told to drop it (``cache_ban_urls``). A file whose URL names its content (a dump
under its version) is ``immutable``. ``Vary`` names exactly the request headers the choice read.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import http_date, parse_accept_header, parse_date, parse_etags, quote_etag

from ..config import Settings
from ..errors import NotAcceptable, NotFound
from ..formats import Format, by_extension, lookup

#: bodies smaller than this are sent as they are: gzip would save less than its own headers cost
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 6
GZIP_SUFFIX = "-gzip"
NO_STORE = "no-store"
#: a file whose URL names its content: never changes, kept a year
IMMUTABLE = "public, max-age=31536000, immutable"
CHUNK = 64 * 1024


@lru_cache(maxsize=16)
def cache_policy(max_age: int, shared_max_age: int) -> str:
    """``Cache-Control`` of a representation of the served version (settings ``cache_max_age``,
    ``cache_shared_max_age``)."""
    return f"public, max-age={max_age}, s-maxage={shared_max_age}"


def settings_policy(settings: Settings) -> str:
    return cache_policy(settings.cache_max_age, settings.cache_shared_max_age)


#: the policy with the default settings (an ``Entity`` made without settings at hand)
CACHE_CONTROL = settings_policy(Settings())


# -- negotiation ----------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def negotiate(accept: str | None, formats: tuple[Format, ...]) -> Format | None:
    """The offered format an ``Accept`` header prefers (q-values, wildcards), or None.

    No header, or an empty one, gets the table's first format (``*/*`` alone does too, as werkzeug
    breaks ties by the order of the offers). Clients repeat the same few headers: memoised.
    """
    if not accept:
        return formats[0]
    offers = [mt for f in formats for mt in f.media_types]
    best = parse_accept_header(accept, MIMEAccept).best_match(offers)
    return next((f for f in formats if best in f.media_types), None) if best else None


def choose(formats: tuple[Format, ...], *, accept: str | None = None,
           tokens: tuple[str, ...] = (), extension: str | None = None) -> Format:
    """The format of an answer: a file suffix picks it, else ``format=`` tokens, else ``Accept``.

    An unknown suffix names no document (404); tokens or an ``Accept`` that name nothing offered
    are 406, with the offers listed.
    """
    if extension is not None:
        fmt = by_extension(extension, formats)
        if fmt is None:
            offered = ", ".join(f".{f.extension}" for f in formats)
            raise NotFound(f"No such format suffix. Offered: {offered}", say="no_format",
                           offered=offered)
        return fmt
    offered = [f.media_type for f in formats]
    if tokens:
        for token in tokens:
            fmt = lookup(token, formats)
            if fmt is not None:
                return fmt
        raise NotAcceptable(f"format {', '.join(tokens)!r} is not offered here. Offered: "
                            + ", ".join(f.name for f in formats), offered=offered)
    fmt = negotiate(accept, formats)
    if fmt is None:
        raise NotAcceptable("None of the requested media types can be produced. Offered: "
                            + ", ".join(offered), offered=offered)
    return fmt


@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header takes gzip (``gzip;q=0`` refuses it)."""
    return bool(accept_encoding) and parse_accept_header(accept_encoding)["gzip"] > 0


@lru_cache(maxsize=256)
def named_quality(accept: str | None, media_type: str) -> float:
    """The quality a client gave ``media_type`` itself, wildcards not counted (browsers send
    ``*/*`` too, so werkzeug's ``accept[...]``, which counts them, ranks everything alike)."""
    if not accept:
        return 0
    return max((q for value, q in parse_accept_header(accept, MIMEAccept) if value == media_type),
               default=0)


# -- validators -----------------------------------------------------------------------------------


def make_etag(*parts: object) -> str:
    """A strong entity tag (unquoted) for a representation named by ``parts``."""
    material = json.dumps(parts, default=str, separators=(",", ":"))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def held(etag: str | None, if_none_match: str | None, if_modified_since: str | None,
         last_modified: datetime | None, method: str = "GET") -> str | None:
    """The tag of the representation the client already holds (``etag`` or its gzip twin), or None.

    ``If-None-Match`` wins over ``If-Modified-Since`` (RFC 9110 13.2.2) and compares weakly, as a
    GET may; a date counts only when the representation has one. Only GET and HEAD are answered 304.
    """
    if etag is None or method not in ("GET", "HEAD"):
        return None
    if if_none_match:
        tags = parse_etags(if_none_match)
        if tags.star_tag:
            return etag
        return next((t for t in (etag, etag + GZIP_SUFFIX) if tags.contains_weak(t)), None)
    if if_modified_since and last_modified is not None:
        since = parse_date(if_modified_since)
        if since is not None and last_modified.replace(microsecond=0) <= since:
            return etag
    return None


def vary(*names: str) -> str:
    """The ``Vary`` value: the request headers the choice depended on, then ``Accept-Encoding``
    (every representation the pipeline sends may be gzipped), each once."""
    seen: list[str] = []
    for name in (*names, "Accept-Encoding"):
        for part in name.split(","):
            part = part.strip()
            if part and part.lower() not in (s.lower() for s in seen):
                seen.append(part)
    return ", ".join(seen)


def link_alternates(alternates: Iterable[tuple[str, str]]) -> str:
    """A ``Link`` header naming each ``(href, media type)`` as ``rel="alternate"``."""
    return ", ".join(f'<{href}>; rel="alternate"; type="{media_type}"'
                     for href, media_type in alternates)


# -- entities and replies -------------------------------------------------------------------------


@dataclass
class Entity:
    """A representation once produced: everything needed to answer any request for it.

    Its gzip body is made at the first request that takes gzip and kept with it, so a cached entity
    is compressed once.
    """

    body: bytes
    content_type: str
    etag: str | None = None  #: unquoted; None: not to be revalidated (a POST's answer)
    status: int = 200
    vary: str = ""  #: request headers besides Accept-Encoding the choice depended on
    headers: tuple[tuple[str, str], ...] = ()  #: Link, Content-Language, Content-Disposition, X-…
    last_modified: datetime | None = None
    cache_control: str = CACHE_CONTROL  #: "" sends none
    #: the tag names the same content, not the same bytes (a query's answer: ``W/``)
    weak: bool = False
    _gzipped: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def compressible(self) -> bool:
        return self.status == 200 and len(self.body) >= GZIP_MIN_BYTES

    def gzipped(self) -> bytes:
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=GZIP_LEVEL, mtime=0)
        return self._gzipped

    @property
    def size(self) -> int:
        """Bytes this entity keeps in a cache (the gzip body counted once made)."""
        return len(self.body) + len(self._gzipped or b"")


@dataclass(frozen=True)
class Reply:
    """What goes on the wire: a status, header lines and the body bytes."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""


def validator_headers(etag: str | None, vary_value: str, last_modified: datetime | None,
                      cache_control: str, weak: bool = False) -> list[tuple[str, str]]:
    headers = [("Cache-Control", cache_control)] if cache_control else []
    if etag is not None:
        headers.append(("ETag", quote_etag(etag, weak)))
    if last_modified is not None:
        headers.append(("Last-Modified", http_date(last_modified)))
    if vary_value:
        headers.append(("Vary", vary_value))
    return headers


def reply(entity: Entity, *, accept_encoding: str | None = None, if_none_match: str | None = None,
          if_modified_since: str | None = None, method: str = "GET") -> Reply:
    """The answer to one request for ``entity``: 304 if the client holds it, else the body, gzipped
    when the client takes gzip and it is worth it."""
    vary_value = vary(entity.vary)
    tag = held(entity.etag, if_none_match, if_modified_since, entity.last_modified, method)
    if tag is not None and entity.status == 200:
        return Reply(304, [*validator_headers(tag, vary_value, entity.last_modified,
                                              entity.cache_control, entity.weak), *entity.headers])
    body, etag = entity.body, entity.etag
    headers = [("Content-Type", entity.content_type)]
    if entity.compressible and accepts_gzip(accept_encoding):
        body = entity.gzipped()
        etag = etag + GZIP_SUFFIX if etag is not None else None
        headers.append(("Content-Encoding", "gzip"))
    headers += validator_headers(etag, vary_value, entity.last_modified, entity.cache_control,
                                 entity.weak)
    headers += entity.headers
    headers.append(("Content-Length", str(len(body))))
    return Reply(entity.status, headers, body)


EXPOSED = ("ETag, X-Dataset-Version, X-Result-Count, X-Result-Truncated, X-Result-Limit, "
           "Retry-After")


@lru_cache(maxsize=64)
def common_headers(cors_origin: str | None, version: str, method: str) -> tuple[tuple[str, str], ...]:
    """Headers of every answer: the dataset version, ``nosniff``, and CORS when configured (the
    same few combinations again and again: memoised)."""
    headers = [("X-Content-Type-Options", "nosniff"), ("X-Dataset-Version", version)]
    if cors_origin:
        headers += [("Access-Control-Allow-Origin", cors_origin),
                    ("Access-Control-Expose-Headers", EXPOSED)]
        if method == "OPTIONS":
            headers += [("Access-Control-Allow-Methods", "GET, POST, HEAD, OPTIONS"),
                        ("Access-Control-Allow-Headers", "Accept, Content-Type, If-None-Match"),
                        ("Access-Control-Max-Age", "86400")]
    return tuple(headers)


def gzip_file(path: Path) -> Iterator[bytes]:
    """gzip a file while sending it: constant memory, however large the file."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            if out := compressor.compress(chunk):
                yield out
    yield compressor.flush()


# -- Flask adapters -------------------------------------------------------------------------------

Produce = Callable[[], "Body"]


@dataclass(frozen=True)
class Body:
    """What a view produces: the bytes (or text) and the headers only it knows."""

    content: bytes | str
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()
    status: int = 200

    def data(self) -> bytes:
        return self.content.encode("utf-8") if isinstance(self.content, str) else self.content


def send(result: Reply):
    """A werkzeug response for a ``Reply``."""
    from flask import Response

    return Response(result.body, status=result.status, headers=result.headers)


def request_reply(entity: Entity) -> Reply:
    """``reply`` for the request being handled."""
    from flask import request

    headers = request.headers
    return reply(entity, accept_encoding=headers.get("Accept-Encoding"),
                 if_none_match=headers.get("If-None-Match"),
                 if_modified_since=headers.get("If-Modified-Since"), method=request.method)


def request_held(etag: str, last_modified: datetime | None) -> str | None:
    from flask import request

    headers = request.headers
    return held(etag, headers.get("If-None-Match"), headers.get("If-Modified-Since"), last_modified,
                request.method)


def respond(parts: tuple[object, ...], produce: Produce, *, vary_on: str = "",
            headers: tuple[tuple[str, str], ...] = (), cache_control: str | None = None):
    """The pipeline for a representation of the served version.

    ``parts`` name the representation besides the version, host, path and query (format,
    language…): together they are its ETag and its key in the app's page cache. A client that
    holds it gets 304 before anything is produced; a representation made before is served from
    the cache (a version never changes, so neither does what was rendered from it); otherwise
    ``produce`` makes the body once. ``reply`` then negotiates the encoding (the gzip body is kept
    with the entity). ``Last-Modified`` is when the version was written. ``cache_control``: the
    settings' policy unless given; an answer no shared cache may keep (``no-store``, ``private``)
    is not kept in the page cache either, but made again for every request.
    """
    from flask import request

    from . import get_publisher, get_settings, get_store, release_modified

    if cache_control is None:
        cache_control = settings_policy(get_settings())

    last_modified = release_modified()
    etag = make_etag(get_store().version, request.url_root, request.path,
                     request.query_string.decode("latin-1"), *parts)
    vary_value = vary(vary_on)
    tag = request_held(etag, last_modified)
    if tag is not None:
        return send(Reply(304, [*validator_headers(tag, vary_value, last_modified, cache_control),
                                *headers]))
    pages = get_publisher().pages
    entity = pages.get(etag)
    if entity is None:
        made = produce()
        entity = Entity(made.data(), made.content_type, etag, made.status, vary_on,
                        (*headers, *made.headers), last_modified, cache_control)
        if made.status == 200 and shareable(cache_control):
            pages.put(etag, entity)
    return send(request_reply(entity))


def shareable(cache_control: str) -> bool:
    """Whether a shared cache may keep what carries ``cache_control``: only such answers are kept
    in the page cache too (it answers anyone who asks for the same URL)."""
    directives = {part.strip().split("=")[0].lower() for part in cache_control.split(",")}
    return "public" in directives and not directives & {"private", "no-store", "no-cache"}
