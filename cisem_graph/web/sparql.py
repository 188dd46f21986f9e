"""``/sparql``: the SPARQL 1.1 Protocol, read-only, negotiated, cached by ETag.

The view reads one query (``protocol.read``), has the store prepare it (the guards), negotiates the
format for the query's form, and executes it. Browsers get the query editor (``sparql.html`` with
``static/editor.js``): the query, the project's prefixes, the canned queries as examples, and the
answer rendered here as a table, so a permalink ``/sparql?query=…`` works without JavaScript too.
"""

from __future__ import annotations

import json
import time

from flask import Blueprint, Response, render_template, request, url_for

from ..canonical import write_any
from ..errors import CisemError, NotAcceptable, QueryError
from ..formats import GRAPH_FORMATS, HTML, RESULT_FORMATS, Format, by_name
from ..namespaces import project_prefixes
from ..queries import explain, load_queries, query_prefixes
from ..store.base import Answer, PreparedQuery
from . import answers, get_settings, get_store, http, protocol, querylog
from .catalogue import words as catalogue_words
from .i18n import asked_language, page_language
from .links import Linker, request_linker
from .service import service_description

bp = Blueprint("sparql", __name__)


@bp.route("/sparql/", methods=["GET", "POST"])
@bp.route("/sparql", methods=["GET", "POST"])  # registered first: url_for gives /sparql
def endpoint() -> Response:
    settings = get_settings()
    req = protocol.read(request, settings.max_request_bytes)
    if req.query is None:
        return describe_service(req.formats)
    if wants_html(req.formats):
        return editor_with_answer(req)
    started = time.perf_counter()
    outcome, answer = "error", None
    try:
        default_graphs, named_graphs = req.dataset
        prepared = get_store().prepare(req.query, default_graphs, named_graphs)
        fmt = choose_format(prepared, req.formats)
        if fmt is HTML:  # a page ranked below the query's other formats, yet above all that fit it
            outcome = "html"
            return results_page(req, prepared)
        entity, answer, outcome = answers.run(prepared, fmt,
                                              cacheable=request.method in ("GET", "HEAD"),
                                              negotiated=not req.formats)
        return http.send(http.request_reply(entity))
    except CisemError as exc:
        outcome = f"{exc.status} {exc.title}"
        raise explained(exc, req.query) from None
    finally:
        querylog.query(outcome, started, len(answer.body) if answer else 0,
                       answer.count if answer else "-", answer.truncated if answer else "-")


def explained(exc: CisemError, text: str) -> CisemError:
    return explain(exc, text, get_settings().base_iri) if isinstance(exc, QueryError) else exc


def choose_format(prepared: PreparedQuery, tokens: tuple[str, ...]) -> Format:
    """``format=`` wins (browsers cannot set Accept); else the Accept header with q-values."""
    formats = (*(GRAPH_FORMATS if prepared.returns_graph else RESULT_FORMATS), HTML)
    return http.choose(formats, accept=request.headers.get("Accept"), tokens=tokens)


def wants_html(tokens: tuple[str, ...]) -> bool:
    """Whether the client asks for a page (a browser), whatever the query's form turns out to be."""
    offers = (*RESULT_FORMATS, *GRAPH_FORMATS, HTML)
    try:
        return http.choose(offers, accept=request.headers.get("Accept"), tokens=tokens) is HTML
    except NotAcceptable:
        return False


def editor_with_answer(req: protocol.ProtocolRequest) -> Response:
    """A browser's view of a query: the editor holding it and the answer below (a table of bindings,
    or the graph as Turtle). The query's own errors (syntax, refusal, time-out) are shown in the
    editor, with the status they carry, so the reader can correct the query where it is."""
    started, outcome = time.perf_counter(), "html"
    try:
        default_graphs, named_graphs = req.dataset
        return results_page(req, get_store().prepare(req.query, default_graphs, named_graphs))
    except CisemError as exc:
        outcome = f"{exc.status} {exc.title}"
        return editor_page(req.query, req, error=explained(exc, req.query))
    finally:
        querylog.query(outcome, started)


def results_page(req: protocol.ProtocolRequest, prepared: PreparedQuery) -> Response:
    """The editor holding the query and its answer: a table of bindings, or the graph as Turtle."""
    answer = get_store().execute(prepared, by_name("turtle" if prepared.returns_graph else "json"))
    return editor_page(req.query, req, answer=answer, graph=prepared.returns_graph)


def editor_page(query: str | None, req: protocol.ProtocolRequest | None = None, *,
                answer: Answer | None = None, graph: bool = False,
                error: CisemError | None = None) -> Response:
    """The editor page: ``query`` (or the default query), its answer or its error."""
    settings, lang = get_settings(), page_language()
    linker = request_linker(for_queries=True)
    prefixes = query_prefixes(settings.base_iri)
    table = graph_text = boolean = None
    if answer is not None and graph:
        graph_text = answer.body.decode("utf-8")
    elif answer is not None:
        results = json.loads(answer.body)
        if "boolean" in results:
            boolean = bool(results["boolean"])
        else:
            table = result_table(results, linker)
    words = catalogue_words(lang, "editor")
    examples = canned_examples(lang)
    text = query if query is not None else default_query(prefixes)
    dataset = {"default-graph-uri": list(req.default_graphs), "named-graph-uri": list(
        req.named_graphs)} if req else {}
    config = {"prefixes": prefixes, "base": settings.base_iri, "root": request.url_root,
              "link_query": linker.query,
              "endpoint": url_for("sparql.endpoint"), "lang": lang, "words": words,
              "examples": examples}
    html = render_template(
        "sparql.html", lang=lang, t=words, query=text,
        answer=answer, table=table, boolean=boolean, graph_text=graph_text, error=error_view(error),
        result_limit=settings.result_limit, prefixes=prefixes, examples=examples, config=config,
        permalink=query_url(text, dataset, external=True, lang=asked_language()),
        downloads=[] if error else downloads(text, graph, dataset))
    headers = [("Content-Language", lang)]
    if error is not None:
        retry_after = getattr(error, "retry_after", None) or (1 if error.status == 503 else None)
        if retry_after:
            headers.append(("Retry-After", str(retry_after)))
    entity = http.Entity(html.encode("utf-8"), HTML.content_type,
                         status=error.status if error is not None else 200,
                         vary="Accept, Accept-Language", headers=tuple(headers),
                         cache_control=http.NO_STORE if error is not None else "")
    return http.send(http.request_reply(entity))


# -- what the editor page shows --------------------------------------------------------------------

#: the result columns that name the thing in column ``v`` (Wikidata's ``?vLabel`` and its kin)
LABEL_SUFFIXES = ("Label", "_label", "Name", "_name")
#: a lone column with one of these names labels the first column of IRIs
LABEL_COLUMNS = ("label", "name")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
DEFAULT_PREFIXES = ("schema", "event")
#: (label, ``format=`` name, file suffix) of the downloads offered under an answer
RESULT_DOWNLOADS = (("CSV", "csv", "csv"), ("TSV", "tsv", "tsv"), ("JSON", "json", "json"))
GRAPH_DOWNLOADS = (("Turtle", "turtle", "ttl"), ("JSON-LD", "jsonld", "jsonld"),
                   ("N-Triples", "ntriples", "nt"))


def result_table(results: dict, linker: Linker) -> dict:
    """SPARQL JSON results as the template's table: IRIs under the base link to the page on the
    host that was asked and show a label (from a label column) or a compact name; other http(s)
    IRIs link out; anything else is text. ``editor.js`` renders its answers by the same rules."""
    names = list(results.get("head", {}).get("vars", []))
    bindings = results.get("results", {}).get("bindings", [])
    labels = label_columns(names, bindings)
    rows = []
    for binding in bindings:
        rows.append([cell(binding.get(name), binding.get(labels.get(name, "")), linker)
                     for name in names])
    return {"vars": names, "rows": rows, "truncated": bool(results.get("truncated"))}


def label_columns(names: list[str], bindings: list[dict]) -> dict[str, str]:
    """``{column: its label column}`` for the columns that hold IRIs."""
    iri_columns = [n for n in names if any(b.get(n, {}).get("type") == "uri" for b in bindings)]
    found = {}
    for name in iri_columns:
        for suffix in LABEL_SUFFIXES:
            if name + suffix in names:
                found[name] = name + suffix
                break
    lone = [n for n in names if n.lower() in LABEL_COLUMNS]
    if iri_columns and len(lone) == 1 and iri_columns[0] not in found:
        found[iri_columns[0]] = lone[0]
    return found


def cell(term: dict | None, label: dict | None, linker: Linker) -> dict:
    """One table cell: text to show, a link, a title (the full IRI), language and datatype."""
    if term is None:
        return {"text": "", "sort": ""}
    value, kind = term.get("value", ""), term.get("type")
    if kind == "uri":
        text = label["value"] if label and label.get("type") == "literal" else linker.curie(value)
        return {"text": text, "sort": text, "href": linker.href(value), "title": value, "iri": True}
    if kind == "bnode":
        return {"text": f"_:{value}", "sort": value}
    datatype = term.get("datatype")
    shown = None if datatype in (None, XSD_STRING, RDF_LANG_STRING) else linker.curie(datatype)
    return {"text": value, "sort": value, "lang": term.get("xml:lang"), "datatype": shown}


def default_query(prefixes: dict[str, str]) -> str:
    """What an empty editor holds: the events of the network by date, unknown dates last."""
    declared = "".join(f"PREFIX {name}: <{prefixes[name]}>\n" for name in DEFAULT_PREFIXES)
    return declared + (
        "\nSELECT ?event ?name ?start WHERE {\n"
        "  ?event a schema:Event ;\n"
        "         schema:name ?name .\n"
        "  OPTIONAL { ?event schema:startDate ?start }\n"
        "  FILTER(LANG(?name) = \"it\")\n"
        "}\n"
        "ORDER BY (!BOUND(?start)) ?start\n"
        "LIMIT 100\n")


def query_url(query: str, dataset: dict[str, list[str]], external: bool = False,
              **more: str | None) -> str:
    """``/sparql?query=…`` (with the request's dataset, if it named one) on the host asked."""
    args = {key: values for key, values in dataset.items() if values}
    return url_for("sparql.endpoint", query=query, **args, **more, _external=external)


def downloads(query: str, graph: bool, dataset: dict[str, list[str]]) -> list[dict]:
    """The answer in the formats a researcher takes away: label, format name, link."""
    names = GRAPH_DOWNLOADS if graph else RESULT_DOWNLOADS
    return [{"label": label, "format": name, "file": f"query-results.{suffix}",
             "href": query_url(query, dataset, format=name)} for label, name, suffix in names]


def error_view(error: CisemError | None) -> dict | None:
    if error is None:
        return None
    return {"status": error.status, "title": error.title, "message": error.message,
            "line": error.details.get("line"), "column": error.details.get("column")}


def canned_examples(lang: str) -> list[dict]:
    """The canned queries (``queries/``) as the editor's examples, titled in ``lang``: each as it
    runs without parameters (its ``PREFIX`` lines written out)."""
    examples = []
    for canned in load_queries(get_settings()):
        title, description = canned.in_language(lang)
        examples.append({"name": canned.name, "title": title, "description": description,
                         "query": canned.text})
    return examples


def describe_service(tokens: tuple[str, ...]) -> Response:
    """No query: the Service Description for machines, the query form for browsers."""
    fmt = http.choose((*GRAPH_FORMATS, HTML), accept=request.headers.get("Accept"), tokens=tokens)
    if fmt is HTML:
        return editor_page(None)
    prefixes = project_prefixes(get_settings().base_iri)
    return http.respond(("service", fmt.name), lambda: http.Body(
        write_any(service_description(), fmt, prefixes), fmt.content_type), vary_on="Accept")
