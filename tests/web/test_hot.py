"""The hot path: ``/sparql`` answered outside Flask's request cycle, with the view's behaviour.

Each request of a table is sent twice: to the real server (granian, its front and the hot path)
and to the app through Flask's test client (the view); status, body and the headers a client reads
must agree. The ``HotPath`` object itself is checked for which requests it takes and which it hands
to the app.
"""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from cisem_graph.store.base import AT_ONCE_ROWS
from cisem_graph.web.hot import Handoff, HotPath, Pending, Request
from cisem_graph.web.http import Reply

BASE = "https://w3id.org/cisem/"
EVENT = f"{BASE}id/event/impresa-sociale-di-inserimento-lavorativo"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{EVENT}> ?p ?o }}"
# From the source: Durando, Borzaga and the representatives of the two cooperatives speak.
PERFORMERS = f"PREFIX schema: <https://schema.org/> SELECT ?who WHERE {{ <{EVENT}> schema:performer ?who }}"
CONSTRUCT = ("PREFIX schema: <https://schema.org/> CONSTRUCT { ?e schema:performer ?who } "
             f"WHERE {{ BIND(<{EVENT}> AS ?e) ?e schema:performer ?who }}")
JSON = "application/sparql-results+json"

#: (method, query parameters, body content type, body, headers)
CASES = [
    ("GET", {"query": PERFORMERS}, None, None, {"Accept": JSON}),
    ("GET", {"query": PERFORMERS}, None, None, {"Accept": "text/csv"}),
    ("GET", {"query": PERFORMERS, "format": "xml"}, None, None, {}),
    ("GET", {"query": LOOKUP}, None, None, {"Accept": JSON, "Accept-Encoding": "gzip"}),
    ("GET", {"query": "ASK { ?s ?p ?o }"}, None, None, {"Accept": "text/tab-separated-values"}),
    ("GET", {"query": CONSTRUCT}, None, None, {"Accept": "text/turtle"}),
    ("GET", {"query": CONSTRUCT}, None, None, {"Accept": "application/n-triples"}),
    ("GET", {"query": PERFORMERS, "default-graph-uri": f"{BASE}graph/press-release-2021-06-10"},
     None, None, {"Accept": JSON}),
    ("POST", {}, "application/sparql-query", PERFORMERS, {"Accept": JSON}),
    ("POST", {}, "application/x-www-form-urlencoded",
     urllib.parse.urlencode({"query": PERFORMERS}), {"Accept": "text/csv"}),
    # errors: the app renders them, whichever path met them first
    ("GET", {"query": "SELECT WHERE {"}, None, None, {"Accept": JSON}),
    ("GET", {"query": PERFORMERS}, None, None, {"Accept": "image/png"}),
    ("GET", {"query": "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"}, None,
     None, {"Accept": JSON}),
    ("POST", {}, "application/sparql-update", "DROP ALL", {"Accept": JSON}),
    ("GET", {"query": PERFORMERS, "format": "nonsense"}, None, None, {}),
]
COMPARED = ("Content-Type", "Content-Encoding", "ETag", "Vary", "Cache-Control", "X-Result-Count",
            "X-Result-Truncated", "X-Dataset-Version", "Access-Control-Allow-Origin")


@pytest.fixture(scope="module")
def server(live_server, live_store_env):
    with live_server(CISEM_WORKERS="1", **live_store_env) as (_, url):
        yield url


def _live(url: str, method: str, params: dict, content_type, body, headers):
    full = url + "/sparql" + ("?" + urllib.parse.urlencode(params) if params else "")
    data = body.encode() if body is not None else None
    request = urllib.request.Request(full, data=data, method=method, headers=dict(headers))
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=20) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def _body(raw: bytes, headers) -> bytes:
    return gzip.decompress(raw) if headers.get("Content-Encoding") == "gzip" else raw


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_the_hot_path_answers_as_the_view_does(case, server, client):
    method, params, content_type, body, headers = case
    live_status, live_headers, live_raw = _live(server, method, params, content_type, body,
                                                headers)
    view = client.open("/sparql", method=method, query_string=params, data=body,
                       content_type=content_type, headers=headers)
    assert live_status == view.status_code
    for name in COMPARED:
        assert live_headers.get(name) == view.headers.get(name), name
    assert _body(live_raw, live_headers) == _body(view.data, view.headers)


def test_a_client_holding_the_answer_gets_304_from_the_hot_path(server):
    status, headers, _ = _live(server, "GET", {"query": PERFORMERS}, None, None, {"Accept": JSON})
    assert status == 200
    status, again, body = _live(server, "GET", {"query": PERFORMERS}, None, None,
                                {"Accept": JSON, "If-None-Match": headers["ETag"]})
    assert status == 304 and body == b"" and again["ETag"] == headers["ETag"]


@pytest.fixture
def hot(app) -> HotPath:
    return HotPath(app)


def _request(method="GET", params=None, accept=JSON, body=b"", content_type=None, etag=None):
    if params is None:
        params = {"query": PERFORMERS}
    query_string = urllib.parse.urlencode(params).encode()
    return Request(method, query_string, accept, None, etag, content_type, body, "192.0.2.1")


def test_a_lookup_is_answered_in_the_loop_then_from_the_entity_cache(hot, store_kind):
    request = _request()
    first = hot.begin(request)
    if store_kind != "embedded":  # every remote answer waits for another process: an app thread
        assert isinstance(first, Pending)
        first = hot.finish(first)
    else:  # a bounded lookup with a small answer: the fast lane, right in the event loop
        assert isinstance(first, Reply)
    assert first.status == 200
    who = {row["who"]["value"] for row in json.loads(first.body)["results"]["bindings"]}
    assert who == {f"{BASE}id/person/alessandro-durando", f"{BASE}id/person/carlo-borzaga",
                   f"{BASE}id/organization/il-laboratorio",
                   f"{BASE}id/organization/cascina-pensolato"}
    again = hot.begin(request)  # the entity it produced, whatever the store
    assert isinstance(again, Reply) and again.body == first.body
    assert dict(again.headers)["ETag"] == dict(first.headers)["ETag"]
    # another Accept is another entity
    assert isinstance(hot.begin(_request(accept="text/csv")), Reply if store_kind == "embedded"
                      else Pending)


def test_a_query_that_is_not_bounded_waits_for_an_app_thread(hot):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    pending = hot.begin(_request(params={"query": query}))
    assert isinstance(pending, Pending)
    reply = hot.finish(pending)
    assert reply.status == 200 and int(json.loads(reply.body)["results"]["bindings"][0]["n"]["value"]) > 0


def test_an_answer_past_its_rows_is_not_given_at_once(built):
    """The guard that keeps the event loop free: a bounded answer over ``at_most`` rows stops
    (``NotAtOnce``, nothing written) and is read again in an app thread."""
    from pyoxigraph import Store

    from cisem_graph.errors import NotAtOnce
    from cisem_graph.store.worker import QueryRequest, run_query

    engine = Store.read_only(str(built[0].store_path))
    # From the data: the webinar of 14 June 2021 has four performers.
    request = QueryRequest(PERFORMERS, True, None, None, "json")
    with pytest.raises(NotAtOnce):
        run_query(engine, request, result_limit=100, prefixes={}, at_most=3)
    reply = run_query(engine, request, result_limit=100, prefixes={}, at_most=4)
    assert reply.count == 4
    assert AT_ONCE_ROWS >= 100  # a page of rows, far below what would hold the loop long
    del engine


def test_a_post_is_answered_and_never_cached(hot):
    request = _request("POST", params={}, body=PERFORMERS.encode(),
                       content_type="application/sparql-query")
    assert hot.answer(request).status == 200
    again = hot.begin(request)
    assert "ETag" not in dict(hot.answer(request).headers)
    if isinstance(again, Pending):
        hot.finish(again)


@pytest.mark.parametrize("request_", [
    _request(accept="text/html,application/xhtml+xml,*/*;q=0.8"),  # a browser: the editor
    _request(params={"query": PERFORMERS, "format": "html"}),
    _request(params={}),  # no query: the service description
], ids=["browser", "format-html", "service-description"])
def test_pages_go_to_the_app(hot, request_):
    with pytest.raises(Handoff) as handoff:
        hot.answer(request_)
    assert handoff.value.error is None


def test_errors_go_to_the_app_to_be_rendered(hot):
    with pytest.raises(Handoff) as handoff:
        hot.answer(_request(params={"query": "SELECT WHERE {"}))
    assert handoff.value.error is not None and handoff.value.error.status == 400
