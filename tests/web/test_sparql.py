"""The SPARQL 1.1 Protocol through Flask's test client: forms, formats, errors, caching."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from data_files import graphs_of_files
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import VOID
from rdflib.query import Result

from cisem_graph.config import PROJECT_ROOT
from cisem_graph.namespaces import SD

BASE = "https://w3id.org/cisem/"
EVENT = f"{BASE}id/event/impresa-sociale-di-inserimento-lavorativo"
PREFIXES = "PREFIX schema: <https://schema.org/>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
# From the source: the first webinar was on Monday 14 June 2021, 18:00-20:00 (Europe/Rome, +02:00).
ASK_START = PREFIXES + f'ASK {{ <{EVENT}> schema:startDate "2021-06-14T18:00:00+02:00"^^xsd:dateTime }}'
# From the source: Durando, Borzaga and the two cooperatives speak.
PERFORMERS = PREFIXES + f"SELECT ?who WHERE {{ <{EVENT}> schema:performer ?who }} ORDER BY ?who"
EXPECTED_PERFORMERS = {f"{BASE}id/person/alessandro-durando", f"{BASE}id/person/carlo-borzaga",
                       f"{BASE}id/organization/il-laboratorio", f"{BASE}id/organization/cascina-pensolato"}
CONSTRUCT = PREFIXES + (f"CONSTRUCT {{ <{EVENT}> schema:performer ?who }} "
                       f"WHERE {{ <{EVENT}> schema:performer ?who }}")


def performers_from(body: bytes, fmt: str) -> set[str]:
    result = Result.parse(io.BytesIO(body), format=fmt)
    return {str(row[0]) for row in result}


@pytest.mark.parametrize("how", ["get", "post-form", "post-direct"])
def test_every_protocol_operation_answers(client, how):
    headers = {"Accept": "application/sparql-results+json"}
    if how == "get":
        response = client.get("/sparql", query_string={"query": PERFORMERS}, headers=headers)
    elif how == "post-form":
        response = client.post("/sparql", data={"query": PERFORMERS}, headers=headers)
    else:
        response = client.post("/sparql", data=PERFORMERS.encode(),
                               headers={**headers, "Content-Type": "application/sparql-query"})
    assert response.status_code == 200, response.data
    assert performers_from(response.data, "json") == EXPECTED_PERFORMERS


@pytest.mark.parametrize("accept, media_type, parse_as", [
    ("application/sparql-results+json", "application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
    ("text/csv", "text/csv", "csv"),
    ("text/tab-separated-values", "text/tab-separated-values", "tsv"),
    ("*/*", "application/sparql-results+json", "json"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", "xml"),
    ("application/json", "application/sparql-results+json", "json"),
])
def test_select_results_are_negotiated(client, accept, media_type, parse_as):
    response = client.get("/sparql", query_string={"query": PERFORMERS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.mimetype_params.get("charset") == "utf-8"
    assert performers_from(response.data, parse_as) == EXPECTED_PERFORMERS
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_is_true_for_the_source_date(client, fmt):
    response = client.get("/sparql", query_string={"query": ASK_START, "format": fmt})
    assert response.status_code == 200
    assert Result.parse(io.BytesIO(response.data), format=fmt).askAnswer is True


@pytest.mark.parametrize("accept, media_type, parse_as", [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/ld+json", "application/ld+json", "json-ld"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
    ("application/trig", "application/trig", "trig"),
    ("application/n-quads", "application/n-quads", "nquads"),
    ("*/*", "text/turtle", "turtle"),
])
def test_construct_graphs_are_negotiated(client, accept, media_type, parse_as):
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200, response.data
    assert response.mimetype == media_type
    graph = Graph().parse(data=response.data, format=parse_as)
    assert {str(o) for o in graph.objects(URIRef(EVENT), None)} == EXPECTED_PERFORMERS


@pytest.mark.parametrize("how", [
    {"query_string": {"format": "json"}},
    {"query_string": {"output": "json"}},
    {"query_string": {"format": "json", "output": "json", "results": "json"}},  # SPARQLWrapper
    {"headers": {"Accept": "application/sparql-results+json"}},  # rdflib's SPARQLStore
    {"headers": {"Accept": "application/json"}},
])
@pytest.mark.parametrize("form", ["construct", "describe"])
def test_json_asked_of_a_graph_query_is_json_ld(client, how, form):
    """A client's JSON is read by the query's form, as SPARQLWrapper and Fuseki read it: the JSON
    of a graph is JSON-LD (the SELECT below still gets SPARQL JSON results)."""
    query = CONSTRUCT if form == "construct" else f"DESCRIBE <{EVENT}>"
    response = client.get("/sparql", query_string={"query": query, **how.get("query_string", {})},
                          headers=how.get("headers", {}))
    assert response.status_code == 200, response.data
    assert response.mimetype == "application/ld+json"
    graph = Graph().parse(data=response.data, format="json-ld")
    performers = {str(o) for o in graph.objects(URIRef(EVENT), URIRef("https://schema.org/performer"))}
    assert performers == EXPECTED_PERFORMERS


def test_json_asked_of_a_select_is_sparql_json(client):
    response = client.get("/sparql", query_string={"query": PERFORMERS, "format": "json"})
    assert response.mimetype == "application/sparql-results+json"
    assert performers_from(response.data, "json") == EXPECTED_PERFORMERS


def test_relative_iris_resolve_against_the_endpoint_url(client):
    """W3C protocol test ``query_content_type_construct``: one triple, whatever host was asked."""
    query = "CONSTRUCT { <s> <p> 1 } WHERE {}"
    answers = [client.get("/sparql", query_string={"query": query}, base_url=f"http://{host}/",
                          headers={"Accept": "application/n-triples"}) for host in
               ("localhost", "127.0.0.1:5000")]
    for answer in answers:
        assert answer.status_code == 200, answer.data
        graph = Graph().parse(data=answer.data, format="nt")
        assert set(graph) == {(URIRef(f"{BASE}s"), URIRef(f"{BASE}p"), Literal(1))}
    assert answers[0].data == answers[1].data
    assert answers[0].headers["ETag"] == answers[1].headers["ETag"]


def test_a_thing_can_be_named_relative_to_the_dataset(client, app):
    """``<id/event/…>`` is the thing itself: the endpoint's URL is ``{base}sparql``. A lookup like
    this is bounded, so on the embedded store it runs in the fast lane: the base holds there too."""
    query = ("PREFIX schema: <https://schema.org/> SELECT ?who WHERE "
             "{ <id/event/impresa-sociale-di-inserimento-lavorativo> schema:performer ?who }")
    answer = client.get("/sparql", query_string={"query": query, "format": "json"})
    assert performers_from(answer.data, "json") == EXPECTED_PERFORMERS
    store = app.extensions["cisem_graph"].store
    rows = store.select(query)
    assert {str(row["who"]) for row in rows} == EXPECTED_PERFORMERS
    assert rows.lane == ("fast" if store.fast_lane else "remote")


def test_a_query_with_its_own_base_keeps_it(client):
    query = "BASE <http://example.org/x/> SELECT ?o WHERE { BIND(<y> AS ?o) }"
    answer = client.get("/sparql", query_string={"query": query, "format": "json"})
    assert json.loads(answer.data)["results"]["bindings"][0]["o"]["value"] == "http://example.org/x/y"


def test_a_syntax_error_after_a_relative_iri_names_the_clients_line(client):
    query = "SELECT * WHERE {\n  <s> <p> ?o .\n  FILTER(\n}"
    answer = client.get("/sparql", query_string={"query": query},
                        headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert answer.json["line"] == 4


def test_unacceptable_format_is_406_listing_what_is_offered(client):
    response = client.get("/sparql", query_string={"query": PERFORMERS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert b"application/sparql-results+json" in response.data and b"text/csv" in response.data


def test_the_default_graph_is_a_set_even_when_two_sources_state_a_fact(client):
    # The press release and the 17 June report both name the two cooperatives as speakers:
    # the merged default graph still holds each performer triple once.
    response = client.get("/sparql", query_string={"query": PERFORMERS, "format": "json"})
    rows = [b["who"]["value"] for b in json.loads(response.data)["results"]["bindings"]]
    assert sorted(rows) == sorted(EXPECTED_PERFORMERS)
    per_graph = PREFIXES + f"SELECT ?g WHERE {{ GRAPH ?g {{ <{EVENT}> schema:performer ?who }} }}"
    response = client.get("/sparql", query_string={"query": per_graph, "format": "json"})
    assert len(json.loads(response.data)["results"]["bindings"]) > len(EXPECTED_PERFORMERS)


def test_default_graph_is_the_union_and_graph_shows_each_source(client):
    query = PREFIXES + f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{EVENT}> schema:startDate ?d }} }}"
    response = client.get("/sparql", query_string={"query": query, "format": "json"})
    graphs = {b["g"]["value"] for b in json.loads(response.data)["results"]["bindings"]}
    assert graphs and all(g.startswith(f"{BASE}graph/") for g in graphs)


def test_dataset_parameters_restrict_the_default_graph(client):
    unknown = {"query": PERFORMERS, "format": "json", "default-graph-uri": "http://unknown.example/g"}
    response = client.get("/sparql", query_string=unknown)
    assert response.status_code == 200
    assert json.loads(response.data)["results"]["bindings"] == []


def test_service_description_for_machines(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.data, format="turtle")
    service = URIRef(f"{BASE}sparql")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert f"{BASE}graph/ontology" in names and len(names) > 2


def test_service_description_counts_each_graph_as_its_file_holds(client):
    """The sizes come from the store's typed rows; the expected ones from the files themselves."""
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data, format="turtle")
    sizes = {str(graph.value(node, SD.name)): int(graph.value(graph.value(node, SD.graph),
                                                                VOID.triples))
             for node in graph.subjects(SD.name, None)}
    files = graphs_of_files(PROJECT_ROOT)
    assert {name: sizes.get(name) for name in files} == {name: len(g) for name, g in files.items()}


def test_a_browser_gets_a_query_form_and_an_html_table(client):
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    form = client.get("/sparql", headers=browser)
    assert form.status_code == 200 and form.mimetype == "text/html"
    assert b"<textarea" in form.data
    table = client.get("/sparql", query_string={"query": PERFORMERS}, headers=browser)
    assert table.mimetype == "text/html"
    assert b"<table" in table.data and b"carlo-borzaga" in table.data


@pytest.mark.parametrize("request_kwargs, status, says", [
    ({"query_string": {"query": "SELECT * WHERE { ?s ?p }"}}, 400, b"line"),
    ({"query_string": {"query": "SELECT * WHERE { ?s ?p ?o \x00 }"}}, 400, b"NUL character (U+0000)"),
    ({"path": "/sparql?query=SELECT%20%FF%FE"}, 400, b"UTF-8"),
    ({"method": "POST", "data": b"query=SELECT", "content_type": "text/plain"}, 400, b"content type"),
    ({"query_string": [("query", PERFORMERS), ("query", ASK_START)]}, 400, b"exactly one"),
    ({"method": "POST", "data": {"update": "INSERT DATA { <a:a> <a:b> <a:c> }"}}, 403, b"read-only"),
    ({"method": "POST", "data": b"INSERT DATA { <a:a> <a:b> <a:c> }",
      "content_type": "application/sparql-update"}, 403, b"read-only"),
    ({"query_string": {"query": "INSERT DATA { <a:a> <a:b> <a:c> }"}}, 403, b"read-only"),
    ({"query_string": {"query": "SELECT * WHERE { ?s ?p ?o } # " + "x" * 70_000}}, 413, b"max_request_bytes"),
])
def test_bad_requests_are_4xx_with_a_reason_never_a_traceback(client, request_kwargs, status, says):
    kwargs = dict(request_kwargs)
    method = kwargs.pop("method", "GET")
    response = client.open(kwargs.pop("path", "/sparql"), method=method, **kwargs)
    assert response.status_code == status, response.data
    assert says in response.data
    assert b"Traceback" not in response.data and b"/work/" not in response.data


# What each refused update would write or remove: a new organization, or the webinar's facts.
INTRUDER = f"{BASE}id/organization/intrusa"
INSERT = PREFIXES + f'INSERT DATA {{ <{INTRUDER}> schema:name "Intrusa"@it }}'
INSERT_GRAPH = PREFIXES + (f"INSERT DATA {{ GRAPH <{BASE}graph/press-release-2021-06-10> "
                           f'{{ <{INTRUDER}> schema:name "Intrusa"@it }} }}')
DELETE = f"DELETE WHERE {{ <{EVENT}> ?p ?o }}"
UPDATE = "application/sparql-update"


@pytest.mark.parametrize("kwargs", [
    {"data": {"update": INSERT}},
    {"data": {"update": INSERT_GRAPH}},
    {"data": {"update": DELETE}},
    {"data": {"query": INSERT}},
    {"data": {"query": DELETE}},
    {"data": INSERT.encode(), "content_type": UPDATE},
    {"data": DELETE.encode(), "content_type": UPDATE},
    {"data": DELETE.encode(), "content_type": "application/sparql-query"},
], ids=["update-insert", "update-insert-graph", "update-delete", "query-insert", "query-delete",
        "direct-insert", "direct-delete", "delete-as-query"])
def test_an_update_is_refused_and_changes_nothing(client, kwargs):
    response = client.post("/sparql", **kwargs)
    assert response.status_code == 403, response.data
    assert b"read-only" in response.data and b"Update" in response.data
    # nothing written: the intruder is in no graph ...
    ask = PREFIXES + f"ASK {{ {{ <{INTRUDER}> ?p ?o }} UNION {{ GRAPH ?g {{ <{INTRUDER}> ?p ?o }} }} }}"
    answer = client.get("/sparql", query_string={"query": ask, "format": "json"})
    assert json.loads(answer.data)["boolean"] is False
    # ... and nothing removed: the webinar keeps its date and its four speakers
    answer = client.get("/sparql", query_string={"query": ASK_START, "format": "json"})
    assert json.loads(answer.data)["boolean"] is True
    answer = client.get("/sparql", query_string={"query": PERFORMERS, "format": "json"})
    assert performers_from(answer.data, "json") == EXPECTED_PERFORMERS


def test_repeated_get_is_revalidated_by_etag(client):
    first = client.get("/sparql", query_string={"query": PERFORMERS, "format": "json"})
    etag = first.headers["ETag"]
    again = client.get("/sparql", query_string={"query": PERFORMERS, "format": "json"},
                       headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/sparql", query_string={"query": PERFORMERS, "format": "csv"})
    assert other.headers["ETag"] != etag


def test_gzip_when_asked(client):
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 200"
    response = client.get("/sparql", query_string={"query": query, "format": "json"},
                          headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.data))["results"]["bindings"]) == 200


def test_head_and_options_with_cors(client):
    head = client.head("/sparql", query_string={"query": ASK_START, "format": "json"})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Access-Control-Allow-Origin"] == "*"
    options = client.options("/sparql", headers={"Origin": "https://example.org",
                                                 "Access-Control-Request-Method": "POST"})
    assert options.status_code == 200
    assert "POST" in options.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in options.headers


def test_health_reports_version_and_triples(client, built):
    version, _ = built
    health = client.get("/health").get_json()
    assert health == {"status": "ok", "version": version.version, "triples": version.triples}


@pytest.fixture(scope="module")
def capped_client(settings, dist_dir, make_app):
    app = make_app(settings.replace(dist_dir=dist_dir, result_limit=3))
    yield app.test_client()
    app.extensions["cisem_graph"].store.close()


def test_result_cap_is_said_never_silent(capped_client):
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1000000"
    response = capped_client.get("/sparql", query_string={"query": query, "format": "json"})
    body = json.loads(response.data)
    assert len(body["results"]["bindings"]) == 3
    assert body["truncated"] is True
    assert response.headers["X-Result-Truncated"] == "true"
    assert response.headers["X-Result-Limit"] == "3"
