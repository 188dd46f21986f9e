"""Dereferenceable IRIs: ``/id/…`` answers 303, ``/doc/…`` and ``/graph/…`` are negotiated documents.

A request for ``/id/{kind}/{slug}`` on any host is the thing ``{base}id/{kind}/{slug}``; its
description (``describe.describe``, one query through the store) is served in every format of
``formats.DOCUMENT_FORMATS``, chosen by suffix or by ``Accept`` (q-values via werkzeug), with
strong ETags, ``Last-Modified`` from the release and 304s. RDF bodies carry canonical IRIs; links,
redirects and ``Location`` point at the host that was asked. Path segments are checked against the
slug pattern before any query and are never echoed back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from flask import Blueprint, Response, redirect, render_template, request, url_for
from rdflib import Dataset, URIRef

from .. import canonical, describe
from ..errors import NotFound
from ..formats import DOCUMENT_FORMATS, HTML, Format, by_extension
from ..namespaces import KINDS, RDF, RDFS, graph_iri, project_prefixes, thing_iri
from ..store.base import Store
from . import get_settings, get_store, http, jsonld
from .catalogue import term_label, words
from .i18n import asked_language, page_language, pick
from .links import Linker, page_url, request_linker
from .page import build_page, graph_contents, referrers
from .params import page_number
from .story import build_story

bp = Blueprint("resources", __name__)

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 100
PAGE_SIZE = 50  #: backward links per page
NO_THING = "There is no such thing in this dataset."
NO_DOCUMENT = "There is no such document: the suffixes offered are " + ", ".join(
    f".{f.extension}" for f in DOCUMENT_FORMATS) + "."

Loader = Callable[..., Dataset]
#: an encoded slash or backslash in the path as sent (WSGI servers decode PATH_INFO before routing)
ENCODED_SEPARATOR = re.compile(r"%(2f|5c)", re.IGNORECASE)


@bp.before_request
def refuse_encoded_separators() -> None:
    """``/doc/organization%2Fcisem`` names no document: the path is taken as it was sent."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    if ENCODED_SEPARATOR.search(raw.partition("?")[0]):
        raise NotFound(NO_THING, say="no_thing")


@bp.route("/id/<kind>/<slug>")
def thing(kind: str, slug: str) -> Response:
    iri = thing_or_404(kind, slug)
    if not describe.exists(get_store(), iri):
        raise NotFound(NO_THING, say="no_thing")
    return redirect(url_for(".doc", kind=kind, name=slug, lang=asked_language(), _external=True), 303)


@bp.route("/id/<kind>/")
def kind_redirect(kind: str) -> Response:
    check_kind(kind)
    return redirect(url_for("lists.kind_list", kind=kind, lang=asked_language(), _external=True),
                    303)


@bp.route("/doc/<kind>/<name>")
def doc(kind: str, name: str) -> Response:
    slug, fmt = split_suffix(name)
    return document(thing_or_404(kind, slug), fmt, describe.describe, f"doc/{kind}/{slug}")


@bp.route("/graph/<name>")
def graph(name: str) -> Response:
    slug, fmt = split_suffix(name)
    if not valid_slug(slug):
        raise NotFound(NO_THING, say="no_thing")
    iri = str(graph_iri(get_settings().base_iri, slug))
    return document(iri, fmt, describe.describe_graph, f"graph/{slug}")


@bp.route("/context.jsonld")
def context() -> Response:
    def produce() -> http.Body:
        body = json.dumps({"@context": jsonld.project_context(get_settings().base_iri)}, indent=2)
        return http.Body(body, "application/ld+json")

    return http.respond(("context",), produce)


# -- helpers that abort ----------------------------------------------------------------------------

def valid_slug(slug: str) -> bool:
    return len(slug) <= MAX_SLUG and SLUG.fullmatch(slug) is not None


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NotFound(NO_THING, say="no_thing")


def thing_or_404(kind: str, slug: str) -> str:
    """The canonical IRI of ``/id/{kind}/{slug}``, once both parts are known to be well formed."""
    check_kind(kind)
    if not valid_slug(slug):
        raise NotFound(NO_THING, say="no_thing")
    return str(thing_iri(get_settings().base_iri, kind, slug))


def split_suffix(name: str) -> tuple[str, Format | None]:
    """``cisem.ttl`` → (``cisem``, Turtle); ``cisem`` → (``cisem``, None: negotiate)."""
    slug, dot, extension = name.partition(".")
    if not dot:
        return name, None
    fmt = by_extension(extension, DOCUMENT_FORMATS)
    if fmt is None:
        raise NotFound(NO_DOCUMENT, say="no_document")
    return slug, fmt


# -- documents -------------------------------------------------------------------------------------

def document(iri: str, fmt: Format | None, load: Loader, path: str) -> Response:
    """The description of ``iri`` in the chosen (or negotiated) format, revalidated by ETag and
    rendered once per version (the page cache of ``http.respond``): the store is asked only when
    the representation was not made before."""
    negotiated = fmt is None
    fmt = fmt or http.choose(DOCUMENT_FORMATS, accept=request.headers.get("Accept"))
    lang = page_language() if fmt is HTML else None
    number = page_number()  # checked for every format; only a page shows backward links

    def produce() -> http.Body:
        description = load(get_store(), iri, get_settings().base_iri)
        if not any(len(g) for g in description.graphs()):
            raise NotFound(NO_THING, say="no_thing")
        headers = [("Link", http.link_alternates((here(f"{path}.{f.extension}"), f.media_type)
                                                 for f in DOCUMENT_FORMATS))]
        if negotiated:
            args = {"lang": lang} if lang else {}
            headers.append(("Content-Location", here(f"{path}.{fmt.extension}", **args)))
        if lang:
            headers.append(("Content-Language", lang))
        if fmt is HTML:
            return http.Body(resource_page(iri, description, lang or "it", number, path),
                             HTML.content_type, tuple(headers))
        return http.Body(serialize(description, fmt), fmt.content_type, tuple(headers))

    # the headers only a representation made needs are made with it, once: a page asked again
    # costs its lookup in the page cache
    vary = "Accept, Accept-Language" if negotiated else ("Accept-Language" if lang else "")
    return http.respond((fmt.name, lang, number if fmt is HTML else None, PAGE_SIZE), produce,
                        vary_on=vary)


def serialize(description: Dataset, fmt: Format) -> bytes:
    """Exactly the description: with its graphs (TriG, N-Quads) or as one graph; the same bytes
    in every process (``canonical``)."""
    base = get_settings().base_iri
    if fmt.dataset:
        return canonical.write_dataset(description, fmt, project_prefixes(base))
    graph = describe.flatten(description)
    if fmt.name == "jsonld":
        return jsonld.linked_data(graph, base)
    return canonical.write_graph(graph, fmt, project_prefixes(base))


def resource_page(iri: str, description: Dataset, lang: str, number: int, path: str) -> str:
    linker = request_linker()
    view = resource_view(get_store(), iri, description, lang, number, linker,
                         graph=path.startswith("graph/"))
    queries = {name: page_url("sparql.endpoint", query=describe.describe_query(
        iri, graph=path.startswith("graph/"), construct=name == "construct"))
        for name in ("construct", "quads")}
    return render_template(
        "resource.html", lang=lang, t=words(lang, "resource"), path=path, number=number,
        queries=queries, alternates=[(f, here(f"{path}.{f.extension}", **(
            {"lang": asked_language()} if f is HTML and asked_language() else {})))
            for f in DOCUMENT_FORMATS],
        **view)


def resource_view(store: Store, iri: str, description: Dataset, lang: str, number: int,
                  linker: Linker, *, graph: bool = False) -> dict:
    """What the page about ``iri`` shows in ``lang``: a function of the store's version, the
    language and where links lead, never of the request (a preview can render it too)."""
    subject = URIRef(iri)
    refs = describe.incoming(store, iri, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    notes = describe.annotations(store, to_annotate(description, subject, refs))
    page = build_page(description, notes, subject, lang, linker)
    if graph:
        page.contents = graph_contents(description, subject, lang, linker)
    else:
        page.story = build_story(store, page.kind, iri, lang, linker)

    def name_of(predicate: str) -> str:
        found = pick(list(notes.objects(URIRef(predicate), RDFS.label)), lang)
        return term_label(predicate, lang, linker.base) or (str(found) if found else
                                                            linker.curie(predicate))

    graph_data = describe.flatten(description)
    return {"page": page, "referrers": referrers(refs[:PAGE_SIZE], lang, linker, name_of),
            "more": len(refs) > PAGE_SIZE,
            "search_data": jsonld.script_json(jsonld.search_engine(graph_data, subject, lang))}


def to_annotate(description: Dataset, subject: URIRef, refs: list[describe.Linked]) -> set:
    """What a page names besides linked things: its sources, predicates and types."""
    graph = describe.flatten(description)
    nodes = [subject, *(o for o in graph.objects(subject, None) if not isinstance(o, URIRef))]
    found = {g.identifier for g in description.graphs() if len(g)}
    for node in nodes:
        found |= set(graph.predicates(node, None)) | set(graph.objects(node, RDF.type))
    return found | {ref.predicate for ref in refs}


# -- links to the host that was asked --------------------------------------------------------------

def here(path: str, **args: str) -> str:
    """``path`` on the host (and script root) that was asked, with query arguments."""
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return request.url_root + path + (f"?{query}" if query else "")
