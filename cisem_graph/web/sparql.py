"""``/sparql``: the SPARQL 1.1 Protocol, read-only, negotiated, cached by ETag.

The view reads one query (``protocol.read``), has the store prepare it (the guards), negotiates the
format for the query's form, and executes it. Browsers get an HTML form and result table.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import time

from flask import Blueprint, Response, render_template, request

from ..errors import CisemError
from ..formats import GRAPH_FORMATS, HTML, RESULT_FORMATS, Format, by_name, negotiate, pick
from ..store.base import Answer, PreparedQuery
from . import get_publisher, get_settings, get_store, protocol
from .service import service_description

bp = Blueprint("sparql", __name__)
log = logging.getLogger("cisem_graph.query")
GZIP_MIN_BYTES = 1024


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def endpoint() -> Response:
    settings = get_settings()
    req = protocol.read(request, settings.max_request_bytes)
    if req.query is None:
        return describe_service(req.formats)
    started = time.perf_counter()
    outcome, answer = "error", None
    try:
        default_graphs, named_graphs = req.dataset
        prepared = get_store().prepare(req.query, default_graphs, named_graphs)
        fmt = choose_format(prepared, req.formats)
        if fmt is HTML:
            outcome = "html"
            return results_page(prepared)
        response, answer, outcome = answer_query(prepared, fmt)
        return compress(response)
    except CisemError as exc:
        outcome = f"{exc.status} {exc.title}"
        raise
    finally:
        log.info("query outcome=%s ms=%.1f bytes=%d rows=%s truncated=%s", outcome,
                 (time.perf_counter() - started) * 1000, len(answer.body) if answer else 0,
                 answer.count if answer else "-", answer.truncated if answer else "-")


def choose_format(prepared: PreparedQuery, tokens: tuple[str, ...]) -> Format:
    """``format=`` wins (browsers cannot set Accept); else the Accept header with q-values."""
    formats = (*(GRAPH_FORMATS if prepared.returns_graph else RESULT_FORMATS), HTML)
    return pick(tokens, formats) if tokens else negotiate(request.accept_mimetypes, formats)


def answer_query(prepared: PreparedQuery, fmt: Format) -> tuple[Response, Answer, str]:
    """Run (or reuse) the answer; GET answers are cached and revalidated by ETag."""
    publisher = get_publisher()
    cacheable = request.method in ("GET", "HEAD")
    key = cache_key(publisher.store.version, prepared, fmt)
    etag = f'"{key[:32]}"'
    if cacheable and request.if_none_match.contains(key[:32]):
        response = Response(status=304)
        response.headers.update(answer_headers(etag))
        return response, None, "not-modified"
    answer = publisher.cache.get(key) if cacheable else None
    outcome = "cached" if answer else "ok"
    if answer is None:
        answer = publisher.store.execute(prepared, fmt)
        if cacheable:
            publisher.cache.put(key, answer)
    response = Response(answer.body, content_type=answer.format.content_type)
    response.headers.update(answer_headers(etag if cacheable else None, answer))
    return response, answer, outcome


def answer_headers(etag: str | None, answer: Answer | None = None) -> dict[str, str]:
    headers = {"Vary": "Accept, Accept-Encoding", "Cache-Control": "public, max-age=300"}
    if etag:
        headers["ETag"] = etag
    if answer is not None:
        headers["X-Result-Count"] = str(answer.count)
        headers["X-Result-Truncated"] = "true" if answer.truncated else "false"
        if answer.truncated:
            headers["X-Result-Limit"] = str(get_settings().result_limit)
    return headers


def cache_key(version: str, prepared: PreparedQuery, fmt: Format) -> str:
    material = json.dumps([version, prepared.text, prepared.default_graphs, prepared.named_graphs,
                           fmt.name])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def compress(response: Response) -> Response:
    """gzip when the client asks for it and the body is worth it."""
    if (response.status_code != 200 or request.accept_encodings["gzip"] <= 0
            or response.content_length is None or response.content_length < GZIP_MIN_BYTES):
        return response
    response.set_data(gzip.compress(response.get_data(), compresslevel=5))
    response.headers["Content-Encoding"] = "gzip"
    return response


def results_page(prepared: PreparedQuery) -> Response:
    """A browser's view of an answer: a table of bindings, or the graph as Turtle."""
    store = get_store()
    fmt = by_name("turtle" if prepared.returns_graph else "json")
    answer = store.execute(prepared, fmt)
    table = None if prepared.returns_graph else json.loads(answer.body)
    html = render_template("sparql.html", query=prepared.text, answer=answer, table=table,
                           graph_text=answer.body.decode("utf-8") if prepared.returns_graph else None,
                           result_limit=get_settings().result_limit)
    return Response(html, content_type=HTML.content_type, headers={"Vary": "Accept"})


def describe_service(tokens: tuple[str, ...]) -> Response:
    """No query: the Service Description for machines, the query form for browsers."""
    offers = (*GRAPH_FORMATS, HTML)
    fmt = pick(tokens, offers) if tokens else negotiate(request.accept_mimetypes, offers)
    if fmt is HTML:
        html = render_template("sparql.html", query=None, answer=None, table=None, graph_text=None,
                               result_limit=get_settings().result_limit)
        return Response(html, content_type=HTML.content_type, headers={"Vary": "Accept"})
    body = service_description().serialize(format=fmt.rdflib, encoding="utf-8")
    return compress(Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"}))
