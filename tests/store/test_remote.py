"""The remote store against a real ``oxigraph serve`` and a real Virtuoso: the same answers as the
embedded store on the same version, nothing from unpublished graphs, the same guards and cap, and
faults as 502/504."""

from __future__ import annotations

import http.server
import io
import shutil
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from corpus import DEEP, TOO_LARGE
from oxiserver import Oxigraph, free_port
from pyoxigraph import QueryResultsFormat, parse_query_results
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic
from virtuososerver import start_with

from cisem_graph.errors import (
    Overloaded,
    PayloadTooLarge,
    QueryError,
    QueryRefused,
    StoreTimeout,
    StoreUnavailable,
)
from cisem_graph.formats import GRAPH_FORMATS, RESULT_FORMATS, by_name
from cisem_graph.push import StoreEndpoints, push
from cisem_graph.store.embedded import EmbeddedStore
from cisem_graph.store.remote import RemoteStore, merge_graph

pytestmark = pytest.mark.usefixtures("oxigraph_cli")

B = "https://w3id.org/cisem/"
STAGING = f"{B}graph/staging-secret"
CISEM = f"{B}id/organization/cisem"
STAGING_NQ = (f'<{B}id/x> <{B}ontology#leak> "STAGING" <{STAGING}> .\n'
              f'<{CISEM}> <https://schema.org/name> "STAGING name" <{STAGING}> .\n')


@pytest.fixture(scope="module")
def loaded(built, settings, tmp_path_factory) -> Path:
    """An Oxigraph data folder with the built version pushed and one unpublished graph beside it."""
    folder = tmp_path_factory.mktemp("oxigraph") / "db"
    oxi = Oxigraph(folder).start()
    try:
        push(built[0], StoreEndpoints.from_settings(settings, oxi.base), settings)
        request = urllib.request.Request(oxi.base + "/store?" + urllib.parse.urlencode(
            {"graph": STAGING}), data=STAGING_NQ.replace(f" <{STAGING}> .", " .").encode(),
            method="POST", headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(request, timeout=10).read()
    finally:
        oxi.stop()
    return folder


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request, built, settings, tmp_path_factory):
    """The store the remote store asks: ``oxigraph serve`` over ``loaded``, or a Virtuoso holding
    the same (the version and the unpublished graph)."""
    if request.param == "oxigraph":
        oxi = Oxigraph(request.getfixturevalue("loaded")).start()
        yield oxi
        oxi.stop()
        return
    request.getfixturevalue("virtuoso_cli")
    virtuoso = start_with(tmp_path_factory.mktemp("virtuoso"), built[0], settings)
    virtuoso.load(STAGING_NQ.encode(), "staging.nq")
    yield virtuoso
    virtuoso.stop()


@pytest.fixture(scope="module")
def remote(server, built, settings):
    store = RemoteStore.for_version(server.url, built[0], settings)
    yield store
    store.close()


@pytest.fixture
def make(built, settings):
    """``make(url, **settings)``: a remote store for the built version, closed after the test."""
    stores = []

    def make(url: str, **changes) -> RemoteStore:
        stores.append(RemoteStore.for_version(url, built[0], settings.replace(**changes)))
        return stores[-1]

    yield make
    for store in stores:
        store.close()


@pytest.fixture(scope="module")
def embedded(built, settings):
    version, _ = built
    with EmbeddedStore(version.store_path, version.version, settings) as store:
        yield store


# --- the same answers as the embedded store -------------------------------------------------

SELECTS = {
    "triples": "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }",
    "graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "merge": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    # blank nodes of the default graph are those of the named graphs
    "bnodes": "SELECT ?g (COUNT(*) AS ?n) { ?s ?p ?o FILTER(isBlank(?s)) GRAPH ?g { ?s ?p ?o } }"
              " GROUP BY ?g",
    "names": f"SELECT ?name WHERE {{ <{CISEM}> <https://schema.org/name> ?name }}",
}
ASKS = {"true": f"ASK {{ <{CISEM}> ?p ?o }}", "false": 'ASK { ?s ?p "STAGING" }'}
GRAPHS = {"construct": "CONSTRUCT WHERE { ?s ?p ?o }", "describe": f"DESCRIBE <{CISEM}>"}


def rows(body: bytes, fmt: str) -> set:
    if fmt == "csv":  # plain values: compare the lines
        return set(body.decode().splitlines())
    parsed = parse_query_results(body, {"json": QueryResultsFormat.JSON,
                                        "xml": QueryResultsFormat.XML,
                                        "tsv": QueryResultsFormat.TSV}[fmt])
    names = [v.value for v in parsed.variables]
    return {frozenset((n, str(t)) for n, t in zip(names, row, strict=True) if t is not None)
            for row in parsed}


def graph(body: bytes, fmt) -> Graph:
    if fmt.dataset:
        ds = Dataset()
        ds.parse(io.BytesIO(body), format=fmt.rdflib)
        union = Graph()
        for quad in ds.quads((None, None, None, None)):
            union.add(quad[:3])
        return union
    return Graph().parse(io.BytesIO(body), format=fmt.rdflib)


@pytest.mark.parametrize("fmt", [f.name for f in RESULT_FORMATS])
@pytest.mark.parametrize("name", sorted(SELECTS))
def test_select_same_as_embedded(remote, embedded, name, fmt):
    q, f = SELECTS[name], by_name(fmt)
    got, want = remote.execute(remote.prepare(q), f), embedded.execute(embedded.prepare(q), f)
    assert got.form == want.form == "SELECT"
    assert (got.count, got.truncated) == (want.count, want.truncated)
    assert got.count > 0
    assert rows(got.body, fmt) == rows(want.body, fmt)


@pytest.mark.parametrize("fmt", [f.name for f in RESULT_FORMATS])
@pytest.mark.parametrize("name", sorted(ASKS))
def test_ask_same_as_embedded(remote, embedded, name, fmt):
    q, f = ASKS[name], by_name(fmt)
    got, want = remote.execute(remote.prepare(q), f), embedded.execute(embedded.prepare(q), f)
    assert (got.form, got.count, got.body) == (want.form, want.count, want.body)


@pytest.mark.parametrize("fmt", [f.name for f in GRAPH_FORMATS])
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_graph_same_as_embedded(remote, embedded, name, fmt):
    q, f = GRAPHS[name], by_name(fmt)
    got, want = remote.execute(remote.prepare(q), f), embedded.execute(embedded.prepare(q), f)
    assert got.form == want.form == name.upper()
    assert got.count == want.count > 0
    assert isomorphic(graph(got.body, f), graph(want.body, f))


def test_published_graphs_are_the_versions(remote, embedded):
    answer = embedded.execute(embedded.prepare("SELECT DISTINCT ?g { GRAPH ?g {} }"),
                              by_name("json"))
    assert {r for r in rows(answer.body, "json")} == {
        frozenset({("g", f"<{g}>")}) for g in remote.graphs}
    assert remote.triple_count() == embedded.triple_count()


# --- the staging graph never leaks ----------------------------------------------------------

LEAKS = [
    ('SELECT * { ?s ?p "STAGING" }', None, None),
    ('SELECT * { ?s ?p "STAGING name" }', None, None),
    ("SELECT ?g { GRAPH ?g { ?s ?p ?o } FILTER(CONTAINS(STR(?g), 'staging')) }", None, None),
    ("SELECT * { ?s ?p ?o }", [STAGING], None),
    ("SELECT * { GRAPH ?g { ?s ?p ?o } }", None, [STAGING]),
    ("SELECT * { GRAPH ?g { ?s ?p ?o } }", [STAGING], [STAGING]),
    (f"SELECT * FROM <{STAGING}> {{ ?s ?p ?o }}", None, None),
    (f"SELECT * FROM NAMED <{STAGING}> {{ GRAPH ?g {{ ?s ?p ?o }} }}", None, None),
    (f"SELECT * {{ GRAPH <{STAGING}> {{ ?s ?p ?o }} }}", None, None),
]


def test_merge_graph_is_not_a_named_graph(remote, built):
    merge = merge_graph(built[0].version)
    for args in ((f"SELECT * {{ GRAPH <{merge}> {{ ?s ?p ?o }} }}",),
                 ("SELECT * { GRAPH ?g { ?s ?p ?o } }", None, [merge])):
        assert remote.execute(remote.prepare(*args), by_name("json")).count == 0


@pytest.mark.parametrize(("query", "default", "named"), LEAKS)
def test_staging_graph_never_leaks(remote, server, query, default, named):
    answer = remote.execute(remote.prepare(query, default, named), by_name("json"))
    assert answer.count == 0
    assert b"STAGING" not in answer.body and b"staging" not in answer.body
    # ... while the store does hold it: asked directly, it answers
    assert server.select('SELECT ?g { GRAPH ?g { ?s ?p "STAGING" } }') == [{"g": STAGING}]


def test_staging_not_in_describe(remote):
    answer = remote.execute(remote.prepare(f"DESCRIBE <{CISEM}>"), by_name("ntriples"))
    assert b"STAGING" not in answer.body


def test_client_dataset_keeps_published_graphs(remote):
    published = remote.graphs[0]
    answer = remote.execute(remote.prepare("SELECT ?g { GRAPH ?g { ?s ?p ?o } }", None,
                                           [published, STAGING]), by_name("json"))
    assert answer.count > 0
    assert rows(answer.body, "json") == {frozenset({("g", f"<{published}>")})}


# --- guards and cap -------------------------------------------------------------------------


@pytest.fixture
def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}/query"


@pytest.mark.parametrize(("query", "error"), [
    ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", QueryRefused),
    ("INSERT DATA { <http://e/s> <http://e/p> 1 }", QueryRefused),
    (f"DROP GRAPH <{STAGING}>", QueryRefused),
    (DEEP["spaced-groups"].text, QueryError),
    (TOO_LARGE, PayloadTooLarge),
])
def test_guards_refuse_before_the_store_is_asked(make, dead_url, query, error):
    store = make(dead_url)  # asking it would fail: 502
    with pytest.raises(error):
        store.prepare(query)


def test_update_never_reaches_the_store(remote):
    with pytest.raises(QueryRefused):
        remote.prepare(f"CLEAR GRAPH <{remote.graphs[0]}>")
    assert remote.execute(remote.prepare(ASKS["true"]), by_name("json")).body.endswith(b"true}\n")


def test_result_cap(server, make):
    store = make(server.url, result_limit=5)
    answer = store.execute(store.prepare(SELECTS["triples"]), by_name("json"))
    assert (answer.count, answer.truncated) == (5, True)
    assert b'"truncated":true' in answer.body
    answer = store.execute(store.prepare(GRAPHS["construct"]), by_name("ntriples"))
    assert (answer.count, answer.truncated) == (5, True)
    assert len(answer.body.splitlines()) == 5
    answer = store.execute(store.prepare(SELECTS["merge"]), by_name("json"))
    assert (answer.count, answer.truncated) == (1, False)


def test_store_syntax_error_is_a_query_error(remote):
    with pytest.raises(QueryError) as info:  # the guards do not check prefixes; the store does
        remote.execute(remote.prepare("SELECT * { ?s a undeclared:Thing }"), by_name("json"))
    assert "Prefix not found" in info.value.message
    assert (info.value.line, info.value.column) == (1, 33)


# --- faults ---------------------------------------------------------------------------------


def test_unreachable_store_is_unavailable(make, dead_url):
    store = make(dead_url, query_timeout=2.0)
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        store.execute(store.prepare(ASKS["true"]), by_name("json"))
    assert time.monotonic() - started < 2.0


def test_store_stopped_then_restarted(loaded, make, tmp_path):
    folder = tmp_path / "db"
    shutil.copytree(loaded, folder)  # never share a live data folder between two servers
    oxi = Oxigraph(folder)
    oxi.start()
    try:
        store = make(oxi.url, query_timeout=2.0)
        query = store.prepare(ASKS["true"])
        assert store.execute(query, by_name("json")).count == 1  # a kept-alive connection
        oxi.stop()
        started = time.monotonic()
        with pytest.raises(StoreUnavailable):
            store.execute(query, by_name("json"))
        assert time.monotonic() - started < 2.0 + 0.5
        oxi.start()
        assert store.execute(query, by_name("json")).body.endswith(b"true}\n")
        assert store.execute(query, by_name("json")).body.endswith(b"true}\n")
    finally:
        oxi.stop()


class _Fake(http.server.BaseHTTPRequestHandler):
    """A store that holds ``/slow`` until its gate opens (10 s at most), then answers ``true``;
    trickles (``/trickle``) or fails (``/fail``). Every request is counted on arrival."""

    gate: threading.Event
    arrived: threading.Semaphore

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.arrived.release()
        if self.path.startswith("/trickle"):  # a byte every 0.2 s: each wait is short
            try:
                self.send_response(200)
                self.send_header("Content-Length", "20")
                self.end_headers()
                for _ in range(20):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            return
        if self.path.startswith("/slow"):
            self.gate.wait(10)
            status, body = 200, b'{"head": {}, "boolean": true}'
        else:
            status, body = 500, b"boom"
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args) -> None:
        pass


class FakeStore:
    """``url`` of the fake, ``wait_for_requests(n)`` (until n have arrived) and ``answer()``
    (open the gate: every held and later ``/slow`` request is answered at once)."""

    def __init__(self) -> None:
        self.gate, self.arrived = threading.Event(), threading.Semaphore(0)
        handler = type("Fake", (_Fake,), {"gate": self.gate, "arrived": self.arrived})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def wait_for_requests(self, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        for _ in range(count):
            assert self.arrived.acquire(timeout=max(0.0, deadline - time.monotonic())), \
                "the request did not reach the store"

    def no_more_requests(self) -> bool:
        """No request arrived beyond those waited for."""
        return not self.arrived.acquire(blocking=False)

    def answer(self) -> None:
        self.gate.set()


@pytest.fixture
def fake_store():
    fake = FakeStore()
    thread = threading.Thread(target=fake.httpd.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.answer()
    fake.httpd.shutdown()
    fake.httpd.server_close()


def test_slow_store_times_out(fake_store, make):
    store = make(fake_store.url + "/slow", query_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(StoreTimeout) as info:
        store.execute(store.prepare(ASKS["true"]), by_name("json"))
    assert 0.9 < time.monotonic() - started < 1.0 + 0.5
    assert info.value.status == 504


def test_slot_held_while_the_store_still_works(fake_store, make):
    """After our time-out the store goes on (Oxigraph server does): the slot stays taken until
    the store answers, so a client cannot pile up unbounded work in the store."""
    store = make(fake_store.url + "/slow", query_processes=1, max_pending=0, query_timeout=1.0)
    query = store.prepare(ASKS["true"])
    with pytest.raises(StoreTimeout):
        store.execute(query, by_name("json"))
    with pytest.raises(Overloaded, match="busy"):  # the store is still on the first one
        store.execute(query, by_name("json"))
    fake_store.answer()  # the store ends the first query: the slot comes back, soon after
    deadline = time.monotonic() + 5
    while True:
        try:
            answer = store.execute(query, by_name("json"))
            break
        except Overloaded:
            assert time.monotonic() < deadline, "the slot was not given back after the answer"
            time.sleep(0.05)
    assert answer.body.endswith(b"true}\n")  # asked, and answered
    fake_store.wait_for_requests(2)  # the first and this one
    assert fake_store.no_more_requests()  # the refused call never reached the store


def test_waiting_for_a_slot_is_bounded(fake_store, make):
    store = make(fake_store.url + "/slow", query_processes=1, max_pending=1, query_timeout=1.0)
    query = store.prepare(ASKS["true"])
    with pytest.raises(StoreTimeout):
        store.execute(query, by_name("json"))
    started = time.monotonic()
    with pytest.raises(Overloaded, match="within 1 s"):
        store.execute(query, by_name("json"))
    assert 0.9 < time.monotonic() - started < 1.5


def test_trickling_store_times_out(fake_store, make):
    store = make(fake_store.url + "/trickle", query_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(StoreTimeout):
        store.execute(store.prepare(ASKS["true"]), by_name("json"))
    assert time.monotonic() - started < 1.0 + 0.5


def test_open_store_picks_the_remote_store(settings, dist_dir, built):
    from cisem_graph.store import open_store

    store = open_store(settings.replace(dist_dir=dist_dir,
                                        store_query_url="http://127.0.0.1:1/query"), built[0])
    try:
        assert isinstance(store, RemoteStore)
        assert (store.version, store.triple_count()) == (built[0].version, built[0].triples)
    finally:
        store.close()


def test_store_query_url_from_the_environment():
    from cisem_graph.config import Settings

    url = "http://127.0.0.1:7878/query"
    assert Settings.from_env({"CISEM_STORE_QUERY_URL": url}).store_query_url == url
    assert Settings.from_env({}).store_query_url is None


def test_failing_store_is_unavailable(fake_store, make):
    store = make(fake_store.url + "/fail")
    with pytest.raises(StoreUnavailable) as info:
        store.execute(store.prepare(ASKS["true"]), by_name("json"))
    assert info.value.status == 502 and "500" in info.value.message


def test_overloaded_beyond_the_concurrency_limit(fake_store, make):
    store = make(fake_store.url + "/slow", query_processes=1, max_pending=0, query_timeout=5.0)
    query = store.prepare(ASKS["true"])
    answers = []
    busy = threading.Thread(target=lambda: answers.append(store.execute(query, by_name("json"))))
    busy.start()
    try:
        fake_store.wait_for_requests(1)  # the one slot is taken: the store is on the query
        with pytest.raises(Overloaded):
            store.execute(query, by_name("json"))
    finally:
        fake_store.answer()
        busy.join(10)
    assert [a.body.endswith(b"true}\n") for a in answers] == [True]  # the first, answered
    assert fake_store.no_more_requests()  # the refused call never reached the store


# --- the web layer, unchanged, over the remote store ----------------------------------------

EVENT = f"{B}id/event/impresa-sociale-di-inserimento-lavorativo"
PERFORMERS = (f"SELECT ?who WHERE {{ <{EVENT}> <https://schema.org/performer> ?who }} "
              "ORDER BY ?who")
EXPECTED_PERFORMERS = {f"{B}id/person/alessandro-durando", f"{B}id/person/carlo-borzaga",
                       f"{B}id/organization/il-laboratorio",
                       f"{B}id/organization/cascina-pensolato"}


@pytest.fixture
def web(settings, dist_dir):
    """``web(store)``: a Flask test client of ``create_app`` over ``store``."""
    from cisem_graph.web import create_app

    def client(store):
        return create_app(settings.replace(dist_dir=dist_dir), store=store).test_client()

    return client


@pytest.mark.parametrize(("accept", "parse_as"), [
    ("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv")])
def test_web_select_over_remote(web, remote, accept, parse_as):
    from rdflib.query import Result

    response = web(remote).get("/sparql", query_string={"query": PERFORMERS},
                               headers={"Accept": accept})
    assert response.status_code == 200, response.data
    assert response.mimetype == accept
    result = Result.parse(io.BytesIO(response.data), format=parse_as)
    assert {str(row[0]) for row in result} == EXPECTED_PERFORMERS


@pytest.mark.parametrize("accept", [f.media_type for f in GRAPH_FORMATS])
def test_web_construct_over_remote(web, remote, embedded, accept):
    query = f"CONSTRUCT WHERE {{ <{EVENT}> ?p ?o }}"
    got = web(remote).get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    want = web(embedded).get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert got.status_code == want.status_code == 200
    fmt = next(f for f in GRAPH_FORMATS if f.media_type == accept)
    assert isomorphic(graph(got.data, fmt), graph(want.data, fmt))


@pytest.mark.parametrize(("query", "status"), [
    ("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403),
    ("DELETE WHERE { ?s ?p ?o }", 403),
    ("SELECT * { ?s ?p ?o", 400),
    ("SELECT * { ?s a undeclared:Thing }", 400),
])
def test_web_refusals_over_remote(web, remote, query, status):
    response = web(remote).get("/sparql", query_string={"query": query})
    assert response.status_code == status


def test_web_faults_are_502_and_504(web, make, dead_url, fake_store):
    response = web(make(dead_url)).get("/sparql", query_string={"query": ASKS["true"]})
    assert response.status_code == 502
    slow = make(fake_store.url + "/slow", query_timeout=1.0)
    response = web(slow).get("/sparql", query_string={"query": ASKS["true"]})
    assert response.status_code == 504


def test_connection_is_reused(server, make):
    store = make(server.url)
    query = store.prepare(ASKS["true"])
    store.execute(query, by_name("json"))
    conn, sock = store._local.conn, store._local.conn.sock
    for fmt in ("json", "xml", "csv"):
        store.execute(query, by_name(fmt))
    assert store._local.conn is conn and conn.sock is sock is not None
    threads = [threading.Thread(target=store.execute, args=(query, by_name("json")))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store._open) == 4  # one per thread
    store.close()
    assert not store._open and conn.sock is None
