"""Where a link to an IRI points, and how an IRI is written short: once, for every view.

IRIs under the base link to their page on the host that was asked (``id/`` → ``doc/``); other
http(s) IRIs link out as they are; anything else (a ``javascript:`` IRI, a URN) is not linked. A
short name uses the longest prefix that fits (``schema:name``, ``role:x``), else the IRI itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..namespaces import KINDS, project_prefixes
from ..queries import query_prefixes


@lru_cache(maxsize=16)
def prefix_table(base: str, extra: tuple[tuple[str, str], ...] = (), *,
                 for_queries: bool = False) -> tuple[tuple[str, str], ...]:
    """``(prefix, namespace)`` pairs, longest namespace first: the project's, or the queries' (which
    add ``id:`` and one per kind), plus ``extra``."""
    prefixes = query_prefixes(base) if for_queries else project_prefixes(base)
    pairs = [*prefixes.items(), *extra]
    return tuple(sorted(pairs, key=lambda pair: (len(pair[1]), pair[0]), reverse=True))


def shorten(iri: str, prefixes: tuple[tuple[str, str], ...]) -> str:
    """``schema:name`` for ``https://schema.org/name``; the IRI when no prefix fits."""
    for prefix, namespace in prefixes:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


@dataclass(frozen=True)
class Linker:
    """Links and short names for the IRIs of one page."""

    base: str
    root: str  #: where pages are on the host that was asked, ending in "/"
    prefixes: tuple[tuple[str, str], ...] = ()
    query: str = ""  #: kept on local links (``?lang=en``: a reader stays in the language chosen)

    @classmethod
    def make(cls, base: str, root: str, *, extra: tuple[tuple[str, str], ...] = (),
             for_queries: bool = False, query: str = "") -> Linker:
        return cls(base, root, prefix_table(base, extra, for_queries=for_queries), query)

    def href(self, iri: str) -> str | None:
        """Local page for IRIs under the base (``id/`` → ``doc/``); the IRI if http(s); else None."""
        if iri.startswith(self.base):
            rest = iri[len(self.base):]
            path, hash_, fragment = (("doc/" + rest[3:]) if rest.startswith("id/") else rest).partition("#")
            return self.root + path + self.query + hash_ + fragment
        if iri.startswith(("https://", "http://")):
            return iri
        return None

    #: a vocabulary term links where its IRI leads: the ontology page for ours, the term's own
    #: page for schema.org and the others
    term_href = href

    def kind(self, iri: str) -> str | None:
        """``event`` for ``{base}id/event/…``; None for anything else."""
        prefix = self.base + "id/"
        if not iri.startswith(prefix):
            return None
        kind, slash, _ = iri[len(prefix):].partition("/")
        return kind if slash and kind in KINDS else None

    def curie(self, iri: str) -> str:
        return shorten(str(iri), self.prefixes or prefix_table(self.base))

    def link(self, iri) -> dict[str, str | None]:
        """Text, link and full IRI of a term, for templates."""
        return {"text": self.curie(str(iri)), "href": self.href(str(iri)), "iri": str(iri)}


def request_linker(*, absolute: bool = True, **options) -> Linker:
    """A ``Linker`` for the request being handled: links on the host (``absolute``) or the script
    root that was asked, keeping the ``?lang=`` the reader chose."""
    from flask import request

    from . import get_settings
    from .i18n import asked_language

    root = request.url_root if absolute else f"{request.script_root}/"
    asked = asked_language()
    options.setdefault("query", f"?lang={asked}" if asked else "")
    return Linker.make(get_settings().base_iri, root, **options)


def page_url(endpoint: str, **values) -> str:
    """``url_for`` that keeps the reader's ``?lang=`` on links to pages (not on static files, and
    not where ``lang`` is given, ``None`` included)."""
    from flask import url_for

    from .i18n import asked_language

    if endpoint != "static" and "lang" not in values:
        values["lang"] = asked_language()
    return url_for(endpoint, **values)
