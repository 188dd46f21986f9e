"""A document that exists as RDF and as an HTML page (``/dataset``, ``/ontology``, ``/shapes``).

The format comes from the suffix (``/dataset.ttl``) or from ``Accept`` (``*/*`` alone gets
Turtle, browsers get the page); the answer goes through the pipeline (``http.respond``) with its
``Link`` alternates. RDF bodies carry the canonical IRIs of the base.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from rdflib import Graph

from .. import canonical
from ..formats import GRAPH_FORMATS, HTML, Format
from ..graph.metadata import SPDX, VCARD
from ..namespaces import project_prefixes
from . import get_settings, http
from .i18n import page_language

PAGE_FORMATS: tuple[Format, ...] = (*GRAPH_FORMATS, HTML)
#: prefixes the dataset description uses besides the project's
EXTRA_PREFIXES = {"spdx": str(SPDX), "vcard": str(VCARD)}


def serialize(graph: Graph, fmt: Format, base: str) -> bytes:
    """One graph in an RDF format; dataset formats put it in its named graph. The same bytes in
    every process (``canonical``)."""
    return canonical.write_any(graph, fmt, {**project_prefixes(base), **EXTRA_PREFIXES})


def alternates(endpoint: str) -> list[dict[str, str]]:
    """The other formats of a page: for ``<link rel=alternate>``, the ``Link`` header and links."""
    return [{"href": f"{request.script_root}/{endpoint}.{f.extension}", "type": f.media_type,
             "name": f.name} for f in GRAPH_FORMATS]


def rdf_or_html(endpoint: str, ext: str | None, graph_of: Callable[[], Graph],
                page: Callable[[str], str], extra_etag: str = ""):
    """The negotiated answer of a document that exists as RDF and as an HTML page."""
    fmt = http.choose(PAGE_FORMATS, accept=request.headers.get("Accept"), extension=ext)
    lang = page_language() if fmt is HTML else None
    link = http.link_alternates((a["href"], a["type"]) for a in alternates(endpoint))

    def produce() -> http.Body:
        if fmt is HTML:
            return http.Body(page(lang), HTML.content_type)
        return http.Body(serialize(graph_of(), fmt, get_settings().base_iri), fmt.content_type)

    vary = "Accept, Accept-Language" if ext is None else ("Accept-Language" if lang else "")
    headers = [("Link", link)]
    if lang:
        headers.append(("Content-Language", lang))
    return http.respond((fmt.name, lang or "-", extra_etag), produce, vary_on=vary,
                        headers=tuple(headers))

