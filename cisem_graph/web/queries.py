"""``/queries``: the canned queries of ``queries/*.rq``, each with a page and its answer to download.

``/queries`` lists them (HTML), ``/queries.json`` describes them for programs (the query editor
takes its examples from there); ``/queries/{name}`` is the query's page in Italian or English: its
title, description, parameter form, SPARQL text, result table and links to open it in ``/sparql``;
``/queries/{name}.json|.csv|.tsv`` download the answer (SPARQL JSON, CSV, TSV) as an attachment,
``.rq`` gives the SPARQL text. Parameters come in the query string (``?organization=cisem``,
repeatable); ``lang`` is the page's language, never a parameter.

Every answer is asked of the store through ``prepare``/``execute``, as any client's query, so the
guards, the time-out and the result cap hold; downloads share the endpoint's answer cache and ETag.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from ..errors import NotFound
from ..formats import HTML, by_name
from ..queries import CannedQuery, get_query, load_queries, query_prefixes
from . import answers, get_settings, get_store, http
from .catalogue import words
from .i18n import LANGS, asked_language, page_language, pick_text
from .links import Linker, page_url, request_linker
from .page import literal_value, term_value

bp = Blueprint("queries", __name__)

#: ``/queries/{name}.{suffix}``: the downloads and the query text
DOWNLOADS = {"json": "json", "csv": "csv", "tsv": "tsv"}
#: rows a query's page shows (its downloads hold every row)
SHOWN = 500
RESERVED = frozenset({"lang"})
SPARQL_QUERY = "application/sparql-query"

def canned_list(lang: str) -> list[dict[str, str]]:
    """Name, title, description and page link of every canned query, in ``lang``."""
    rows = []
    for query in load_queries(get_settings()):
        title, description = query.in_language(lang)
        rows.append({"name": query.name, "title": title, "description": description,
                     "href": url_for("queries.query", name=query.name, lang=asked_language())})
    return rows


@bp.route("/queries/")
@bp.route("/queries")
def index() -> Response:
    lang = page_language()
    html = render_template("queries.html", lang=lang, t=words(lang, "queries"), queries=canned_list(lang),
                           langs=LANGS)
    return http.send(http.request_reply(http.Entity(
        html.encode("utf-8"), HTML.content_type, vary="Accept-Language",
        headers=(("Content-Language", lang),), cache_control="")))


@bp.route("/queries.json")
def index_json() -> Response:
    """Every canned query for programs: names, titles, descriptions, parameters, the SPARQL text
    (prefixes declared) and the links of its page and downloads."""
    settings = get_settings()
    queries = []
    for query in load_queries(settings):
        entry = query.to_json()
        entry["url"] = url_for("queries.query", name=query.name, _external=True)
        entry["downloads"] = {suffix: url_for("queries.query", name=f"{query.name}.{suffix}",
                                              _external=True) for suffix in (*DOWNLOADS, "rq")}
        queries.append(entry)
    return jsonify({"queries": queries, "prefixes": query_prefixes(settings.base_iri)})


@bp.route("/queries/<name>")
def query(name: str) -> Response:
    name, _, suffix = name.partition(".")
    canned = get_query(get_settings(), name)
    if suffix and suffix not in (*DOWNLOADS, "rq"):
        offered = ", ".join(f".{s}" for s in (*DOWNLOADS, "rq"))
        raise NotFound(f"No such format. Offered: {offered}", say="no_format", offered=offered)
    values = parameter_values(canned)
    text = canned.bind(values)
    if suffix == "rq":
        return Response(text, content_type=f"{SPARQL_QUERY}; charset=utf-8",
                        headers={"Content-Disposition": f"inline; filename={name}.rq"})
    if suffix:
        return download(canned, text, DOWNLOADS[suffix])
    return page(canned, values, text)


def parameter_values(canned: CannedQuery) -> dict[str, list[str]]:
    """The query string's parameters (empty form fields left out); unknown names are a 400."""
    values: dict[str, list[str]] = {}
    for key in request.args:
        if key in RESERVED:
            continue
        given = [v for v in request.args.getlist(key) if v != ""]
        if given:
            values[canned.parameter(key.lstrip("$?")).name] = given
    return values


def download(canned: CannedQuery, text: str, fmt_name: str) -> Response:
    prepared = get_store().prepare(text)
    disposition = (("Content-Disposition", f"attachment; filename={canned.name}.{fmt_name}"),)
    entity, _, _ = answers.run(prepared, by_name(fmt_name), cacheable=True, headers=disposition)
    entity.vary = ""  # the suffix chose the format, not Accept
    return http.send(http.request_reply(entity))


def page(canned: CannedQuery, values: dict[str, list[str]], text: str) -> Response:
    """The query's page: its answer as a table (the first ``SHOWN`` rows; the downloads hold them
    all), kept with the version like any page."""
    lang = page_language()

    def produce() -> http.Body:
        settings, store = get_settings(), get_store()
        answer = store.execute(store.prepare(text), by_name("json"))
        results = json.loads(answer.body)
        linker = request_linker(for_queries=True)
        title, description = canned.in_language(lang)
        columns = results.get("head", {}).get("vars", [])
        bindings = results.get("results", {}).get("bindings", [])
        html = render_template(
            "query.html", lang=lang, t=words(lang, "queries"), query=canned, title=title,
            description=description, text=text, answer=answer, columns=columns,
            rows=[[cell(row.get(var), linker, lang) for var in columns] for row in bindings[:SHOWN]],
            shown=min(SHOWN, len(bindings)), boolean=results.get("boolean"),
            parameters=[{"name": p.name, "type": p.type, "kind": p.kind,
                         "description": pick_text(p.description, lang),
                         "value": (values.get(p.name) or [""])[0]} for p in canned.parameters],
            downloads=[{"suffix": s, "href": url_for("queries.query", name=f"{canned.name}.{s}",
                                                     **values)} for s in DOWNLOADS],
            text_href=url_for("queries.query", name=f"{canned.name}.rq", **values),
            editor_href=page_url("sparql.endpoint", query=text),
            result_limit=settings.result_limit)
        return http.Body(html, HTML.content_type, (
            ("X-Result-Count", str(answer.count)),
            ("X-Result-Truncated", "true" if answer.truncated else "false")))

    return http.respond(("html", lang, SHOWN), produce, vary_on="Accept-Language",
                        headers=(("Content-Language", lang),))


def cell(term: dict | None, linker: Linker, lang: str) -> dict:
    """One table cell, in words as on a resource page: a vocabulary term by its catalogue name
    (the term as its title and link), a date as people write it in ``lang``; other IRIs under the
    base link to their page on this host, shown compact with the queries' prefixes (``role:…``)."""
    if term is None:
        return {"text": ""}
    value = term.get("value", "")
    if term.get("type") == "uri":
        named = term_value(value, lang, linker)
        if named is not None:
            return {"text": named.text, "href": named.href, "title": named.title}
        return {"text": linker.curie(value), "href": linker.href(value), "title": value}
    if term.get("type") == "bnode":
        return {"text": f"_:{value}"}
    shown = literal_value(value, term.get("datatype"), term.get("xml:lang"), lang, linker)
    return {"text": shown.text, "lang": shown.lang, "datatype": shown.datatype, "when": shown.when}
