"""Dereferenceable IRIs: ``/id/…`` answers 303, ``/doc/…`` and ``/graph/…`` are negotiated documents.

A request for ``/id/{kind}/{slug}`` on any host is the thing ``{base}id/{kind}/{slug}``; its
description (``describe.describe``, one query through the store) is served in every format of
``formats.DOCUMENT_FORMATS``, chosen by suffix or by ``Accept`` (q-values via werkzeug), with
strong ETags, ``Last-Modified`` from the release and 304s. RDF bodies carry canonical IRIs; links,
redirects and ``Location`` point at the host that was asked. Path segments are checked against the
slug pattern before any query and are never echoed back.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from flask import Blueprint, Response, redirect, render_template, request, url_for
from rdflib import Dataset, URIRef
from werkzeug.http import is_resource_modified

from .. import describe
from ..errors import NotFound, QueryError
from ..formats import DOCUMENT_FORMATS, HTML, Format, by_extension, negotiate
from ..namespaces import KINDS, RDF, graph_iri, thing_iri
from . import get_release, get_settings, get_store, jsonld
from .i18n import LANGS, asked_language, kind_name, page_language, pick, words
from .page import Linker, Value, build_page, graph_contents

bp = Blueprint("resources", __name__)

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 100
PAGE_SIZE = 50  #: backward links per page
LIST_SIZE = 200  #: things per page of a list
SEARCH_LIMIT = 100
MAX_SEARCH = 200  #: characters of search text
MAX_PAGE = 10_000
MAX_AGE = 300
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
        raise NotFound(NO_THING)


@bp.route("/id/<kind>/<slug>")
def thing(kind: str, slug: str) -> Response:
    iri = thing_or_404(kind, slug)
    if not describe.exists(get_store(), iri):
        raise NotFound(NO_THING)
    return redirect(url_for(".doc", kind=kind, name=slug, lang=asked_language(), _external=True), 303)


@bp.route("/id/<kind>/")
def kind_redirect(kind: str) -> Response:
    check_kind(kind)
    return redirect(url_for(".kind_list", kind=kind, lang=asked_language(), _external=True), 303)


@bp.route("/doc/<kind>/<name>")
def doc(kind: str, name: str) -> Response:
    slug, fmt = split_suffix(name)
    return document(thing_or_404(kind, slug), fmt, describe.describe, f"doc/{kind}/{slug}")


@bp.route("/graph/<name>")
def graph(name: str) -> Response:
    slug, fmt = split_suffix(name)
    if not valid_slug(slug):
        raise NotFound(NO_THING)
    iri = str(graph_iri(get_settings().base_iri, slug))
    return document(iri, fmt, describe.describe_graph, f"graph/{slug}")


@bp.route("/doc/")
def kinds() -> Response:
    lang = page_language()
    counts = describe.kind_counts(get_store(), get_settings().base_iri)
    kinds = [(kind_name(kind, lang), url_for(".kind_list", kind=kind, lang=asked_language()),
              counts[kind]) for kind in KINDS if counts.get(kind)]
    return html_page("list.html", lang, title=words(lang)["browse_title"], kinds=kinds, items=[],
                     more=False, number=1,
                     search_data=jsonld.item_list([(None, name) for name, _, _ in kinds]))


@bp.route("/doc/<kind>/")
def kind_list(kind: str) -> Response:
    check_kind(kind)
    lang, number = page_language(), page_number()
    prefix = str(thing_iri(get_settings().base_iri, kind, ""))
    found = describe.members(get_store(), prefix, limit=LIST_SIZE, offset=(number - 1) * LIST_SIZE)
    items = linked_values(found[:LIST_SIZE], lang)
    return html_page("list.html", lang, title=kind_name(kind, lang), kinds=[], items=items,
                     number=number, more=len(found) > LIST_SIZE,
                     search_data=jsonld.item_list(entries(found, items)))


@bp.route("/search")
def search() -> Response:
    lang, text = page_language(), search_text()
    found = describe.search(get_store(), text, get_settings().base_iri,
                            limit=SEARCH_LIMIT) if text else []
    items = linked_values(found[:SEARCH_LIMIT], lang)
    return html_page("search.html", lang, query=text, items=items, more=len(found) > SEARCH_LIMIT,
                     search_data=jsonld.item_list(entries(found, items)))


@bp.route("/context.jsonld")
def context() -> Response:
    etag, modified = validators("context")
    body = json.dumps({"@context": jsonld.project_context(get_settings().base_iri)}, indent=2)
    response = Response(status=304) if unchanged(etag, modified) else Response(
        body, content_type="application/ld+json")
    return cache_headers(response, etag, modified)


# -- helpers that abort ----------------------------------------------------------------------------

def valid_slug(slug: str) -> bool:
    return len(slug) <= MAX_SLUG and SLUG.fullmatch(slug) is not None


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise NotFound(NO_THING)


def thing_or_404(kind: str, slug: str) -> str:
    """The canonical IRI of ``/id/{kind}/{slug}``, once both parts are known to be well formed."""
    check_kind(kind)
    if not valid_slug(slug):
        raise NotFound(NO_THING)
    return str(thing_iri(get_settings().base_iri, kind, slug))


def split_suffix(name: str) -> tuple[str, Format | None]:
    """``cisem.ttl`` → (``cisem``, Turtle); ``cisem`` → (``cisem``, None: negotiate)."""
    slug, dot, extension = name.partition(".")
    if not dot:
        return name, None
    fmt = by_extension(extension, DOCUMENT_FORMATS)
    if fmt is None:
        raise NotFound(NO_DOCUMENT)
    return slug, fmt


def page_number() -> int:
    raw = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= MAX_PAGE:
        raise QueryError(f"page must be a whole number from 1 to {MAX_PAGE}.")
    return int(raw)


def search_text() -> str:
    text = request.args.get("q", "").strip()
    if len(text) > MAX_SEARCH:
        raise QueryError(f"The search text is longer than {MAX_SEARCH} characters.")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
        raise QueryError("The search text contains control characters.")
    return text


# -- documents -------------------------------------------------------------------------------------

def document(iri: str, fmt: Format | None, load: Loader, path: str) -> Response:
    """The description of ``iri`` in the chosen (or negotiated) format, revalidated by ETag."""
    negotiated = fmt is None
    fmt = fmt or negotiate(request.accept_mimetypes, DOCUMENT_FORMATS)
    lang = page_language() if fmt is HTML else None
    number = page_number()  # checked for every format; only a page shows backward links
    description = load(get_store(), iri, get_settings().base_iri)
    if not any(len(g) for g in description.graphs()):
        raise NotFound(NO_THING)
    etag, modified = validators(fmt.name, lang, number if fmt is HTML else None)
    if unchanged(etag, modified):
        response = Response(status=304)
    elif fmt is HTML:
        body = resource_page(iri, description, lang or "it", number, path)
        response = Response(body, content_type=HTML.content_type)
    else:
        response = Response(serialize(description, fmt), content_type=fmt.content_type)
    return document_headers(response, path, fmt, negotiated, lang, etag, modified)


def serialize(description: Dataset, fmt: Format) -> bytes:
    """Exactly the description: with its graphs (TriG, N-Quads) or as one graph."""
    if fmt.dataset:
        return description.serialize(format=fmt.rdflib, encoding="utf-8")
    graph = describe.flatten(description)
    if fmt.name == "jsonld":
        return jsonld.linked_data(graph, get_settings().base_iri)
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


def resource_page(iri: str, description: Dataset, lang: str, number: int, path: str) -> str:
    store, linker, subject = get_store(), here_linker(), URIRef(iri)
    refs = describe.incoming(store, iri, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    notes = describe.annotations(store, to_annotate(description, subject, refs))
    page = build_page(description, notes, subject, lang, linker)
    if path.startswith("graph/"):
        page.contents = graph_contents(description, subject, lang, linker)
    referenced = [(value, linker.curie(str(ref.predicate)), linker.href(str(ref.predicate)))
                  for ref, value in zip(refs[:PAGE_SIZE], linked_values(refs[:PAGE_SIZE], lang),
                                        strict=True)]
    is_graph = path.startswith("graph/")
    queries = {name: url_for("sparql.endpoint", query=describe.describe_query(
        iri, graph=is_graph, construct=name == "construct")) for name in ("construct", "quads")}
    return render_template(
        "resource.html", lang=lang, t=words(lang), page=page, path=path, number=number,
        referenced=referenced, more=len(refs) > PAGE_SIZE, queries=queries,
        alternates=[(f, here(f"{path}.{f.extension}")) for f in DOCUMENT_FORMATS],
        languages=[(code, here(path, lang=code)) for code in LANGS], default_href=here(path),
        here_lang=here(path, lang=lang),
        search_data=jsonld.script_json(jsonld.search_engine(describe.flatten(description),
                                                            subject, lang)))


def to_annotate(description: Dataset, subject: URIRef, refs: list[describe.Linked]) -> set:
    """What a page names besides linked things: its sources, predicates and types."""
    graph = describe.flatten(description)
    nodes = [subject, *(o for o in graph.objects(subject, None) if not isinstance(o, URIRef))]
    found = {g.identifier for g in description.graphs() if len(g)}
    for node in nodes:
        found |= set(graph.predicates(node, None)) | set(graph.objects(node, RDF.type))
    return found | {ref.predicate for ref in refs}


def linked_values(found: list[describe.Linked], lang: str) -> list[Value]:
    linker = here_linker()
    values = []
    for item in found:
        label = pick(item.labels, lang)
        text = str(label) if label is not None else linker.curie(str(item.iri))
        values.append(Value(text, linker.href(str(item.iri)),
                            label.language if label is not None else None))
    return values


def entries(found: list[describe.Linked], items: list[Value]) -> list[tuple[str | None, str]]:
    return [(str(item.iri), value.text) for item, value in zip(found, items, strict=False)]


def html_page(template: str, lang: str, **context) -> Response:
    body = render_template(template, lang=lang, t=words(lang), **context)
    response = Response(body, content_type=HTML.content_type)
    response.headers["Content-Language"] = lang
    response.vary.add("Accept-Language")
    return response


# -- links to the host that was asked --------------------------------------------------------------

def here(path: str, **args: str) -> str:
    """``path`` on the host (and script root) that was asked, with query arguments."""
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return request.url_root + path + (f"?{query}" if query else "")


def here_linker() -> Linker:
    return Linker(get_settings().base_iri, request.url_root)


# -- caching ---------------------------------------------------------------------------------------

def validators(*parts: object) -> tuple[str, datetime | None]:
    """A strong ETag from dataset version, path and representation; Last-Modified of the release."""
    material = json.dumps([get_store().version, request.path, *parts])
    etag = hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
    created = get_release().created
    return etag, datetime.fromisoformat(created) if created else None


def unchanged(etag: str, modified: datetime | None) -> bool:
    return not is_resource_modified(request.environ, etag=etag, last_modified=modified)


def cache_headers(response: Response, etag: str, modified: datetime | None) -> Response:
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response


def document_headers(response: Response, path: str, fmt: Format, negotiated: bool,
                     lang: str | None, etag: str, modified: datetime | None) -> Response:
    cache_headers(response, etag, modified)
    if negotiated:
        response.vary.update(("Accept", "Accept-Language"))
        args = {"lang": lang} if lang else {}
        response.headers["Content-Location"] = here(f"{path}.{fmt.extension}", **args)
    elif fmt is HTML:
        response.vary.add("Accept-Language")
    if lang:
        response.headers["Content-Language"] = lang
    response.headers["Link"] = ", ".join(
        f'<{here(f"{path}.{f.extension}")}>; rel="alternate"; type="{f.media_type}"'
        for f in DOCUMENT_FORMATS)
    return response
