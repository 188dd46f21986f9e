"""Which host a request may name, and which root absolute URLs are written with.

Absolute URLs (a 303's ``Location``, canonical and hreflang links, page links, ``Link`` headers,
the sitemap) come from the configured ``public_url`` when there is one; otherwise from the request's
``Host``, but only a host of ``allowed_hosts`` (default: the base IRI's host, ``localhost``,
``127.0.0.1``, ``::1``). Any other ``Host`` is a 400, as Django answers, so a shared cache in
front can never keep a page, a redirect or a sitemap that points at a host of an attacker's
choosing. ``X-Forwarded-Host`` and ``X-Forwarded-Proto`` count only from a trusted proxy
(``trusted_proxies``), and a forwarded host must be allowed too.

The decision is a pure function of plain values (``resolve``), applied to the WSGI environ before
Flask reads it (``HostCheck``), so every URL the app builds is built from the resolved root.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from ..config import Settings

#: the environ key a refused request carries to the app (which answers it as a 400, negotiated)
REFUSED_HOST = "cisem.refused_host"
DEFAULT_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Root:
    """Where absolute URLs point: scheme, host (with a port, if any) and path prefix."""

    scheme: str
    host: str
    prefix: str = ""


def host_name(host: str) -> str:
    """``Example.org:8080`` → ``example.org``; ``[::1]:5000`` → ``::1``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


@lru_cache(maxsize=8)
def allowed(settings: Settings) -> frozenset[str]:
    """The host names a request may name: ``allowed_hosts`` (default: the base IRI's host and the
    loopback names), plus ``public_url``'s host."""
    names = set(settings.allowed_hosts or (urlsplit(settings.base_iri).hostname or "", *DEFAULT_HOSTS))
    if settings.public_url:
        names.add(urlsplit(settings.public_url).hostname or "")
    return frozenset(host_name(n) for n in names if n)


def is_allowed(host: str, names: Iterable[str]) -> bool:
    """``host`` is one of ``names``, or under one written with a leading dot (``.example.org``)."""
    name = host_name(host)
    if not name or any(c in name for c in "/\\@ \t\r\n"):
        return False
    return any(name == n or (n.startswith(".") and (name.endswith(n) or name == n[1:]))
               for n in names)


def resolve(settings: Settings, *, host: str | None, scheme: str, prefix: str, peer: str | None,
            forwarded_host: str | None, forwarded_proto: str | None,
            trusted: Callable[[str], bool]) -> Root | None:
    """The root absolute URLs are written with, or None: a host this server does not answer for."""
    names = allowed(settings)
    if forwarded_host is not None or forwarded_proto is not None:
        if peer is not None and trusted(peer):
            if forwarded_host:
                host = forwarded_host.split(",")[-1].strip()
            proto = (forwarded_proto or "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                scheme = proto
    if not host or not is_allowed(host, names):
        return None
    if settings.public_url:
        public = urlsplit(settings.public_url)
        return Root(public.scheme, public.netloc, public.path.rstrip("/"))
    return Root(scheme, host.strip(), prefix)


class HostCheck:
    """WSGI middleware: resolve the root before Flask sees the request; a refused host is replaced
    by an allowed one (so nothing the app writes names it) and marked for the app to refuse."""

    def __init__(self, app, settings: Settings, trusted: Callable[[str], bool]) -> None:
        self.app = app
        self.settings = settings
        self.trusted = trusted

    def __call__(self, environ: dict, start_response):
        root = resolve(self.settings, host=environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
                       scheme=environ.get("wsgi.url_scheme", "http"),
                       prefix=environ.get("SCRIPT_NAME", ""), peer=environ.get("REMOTE_ADDR"),
                       forwarded_host=environ.get("HTTP_X_FORWARDED_HOST"),
                       forwarded_proto=environ.get("HTTP_X_FORWARDED_PROTO"), trusted=self.trusted)
        if root is None:
            environ[REFUSED_HOST] = True
            environ["HTTP_HOST"] = next(n for n in sorted(allowed(self.settings)) + ["localhost"]
                                        if not n.startswith("."))
        else:
            environ["HTTP_HOST"] = root.host
            environ["wsgi.url_scheme"] = root.scheme
            environ["SCRIPT_NAME"] = root.prefix
        return self.app(environ, start_response)
