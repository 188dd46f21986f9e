"""The embedded store on real pyoxigraph stores: answers, datasets, limits and isolation.

Expected answers come from the fixture text below, read by rdflib (an independent parser); the
bodies the store writes are read back by rdflib's own result and RDF parsers.
"""

from __future__ import annotations

import functools
import io
import json
import multiprocessing
import os
import signal
import socket
import threading
import time
import warnings
from pathlib import Path

import pytest
from corpus import CRASH, SLOW
from pyoxigraph import DefaultGraph, QueryResultsFormat, parse_query_results
from pyoxigraph import Store as OxStore
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from cisem_graph.config import Settings
from cisem_graph.errors import (
    LoadError,
    NotAcceptable,
    Overloaded,
    QueryAborted,
    QueryError,
    QueryTimeout,
    StoreUnavailable,
)
from cisem_graph.formats import GRAPH_FORMATS, RESULT_FORMATS, by_name
from cisem_graph.graph.version import NO_SHARED_TRIPLE, finish_store, start_store, write_store
from cisem_graph.store.base import ASK, CONSTRUCT, DESCRIBE, SELECT, PreparedQuery
from cisem_graph.store.embedded import EmbeddedStore, TextDatasetQuery
from cisem_graph.store.worker import QueryRequest, WorkerPool

B = "https://w3id.org/cisem/"
S = "https://schema.org/"
G1 = f"{B}graph/press-release"
G2 = f"{B}graph/euricse"
CISEM, EURICSE, WEBINAR = (f"{B}id/organization/cisem", f"{B}id/organization/euricse",
                           f"{B}id/event/webinar-2021-06-14")

FIXTURE = """\
<{cisem}> <{rdf}type> <{s}Organization> <{g1}> .
<{cisem}> <{s}name> "Comitato Imprenditorialit\u00e0 Sociale e Microcredito"@it <{g1}> .
<{cisem}> <{s}name> "Committee for Social Entrepreneurship and Microcredit"@en <{g1}> .
<{webinar}> <{rdf}type> <{s}Event> <{g1}> .
<{webinar}> <{s}name> "L'impresa sociale: \\"quale futuro?\\"\\tparte 1\\nCuneo, 2021 \U0001f642"@it <{g1}> .
<{webinar}> <{s}startDate> "2021-06-14T18:00:00+02:00"^^<{xsd}dateTime> <{g1}> .
<{webinar}> <{s}location> _:online <{g1}> .
_:online <{rdf}type> <{s}VirtualLocation> <{g1}> .
<{webinar}> <{s}organizer> <{cisem}> <{g1}> .
<{euricse}> <{rdf}type> <{s}Organization> <{g2}> .
<{euricse}> <{s}name> "Euricse" <{g2}> .
<{euricse}> <{s}foundingDate> "2008"^^<{xsd}gYear> <{g2}> .
<{euricse}> <{s}description> "riga 1\\r\\nriga 2, \\"fine\\" \\\\ \u20ac" <{g2}> .
<{webinar}> <{s}organizer> <{euricse}> <{g2}> .
""".format(cisem=CISEM, euricse=EURICSE, webinar=WEBINAR, s=S, g1=G1, g2=G2,
           rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#",
           xsd="http://www.w3.org/2001/XMLSchema#")
IN_G1, IN_G2 = 9, 5  # lines of the fixture per graph

PREFIXES = f"PREFIX schema: <{S}>\n"


def parse_dataset(data: str | bytes, fmt: str, into: Graph | None = None) -> Graph:
    graph = Dataset() if into is None else into
    with warnings.catch_warnings():  # rdflib 7.6's parsers use its own deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        graph.parse(data=data, format=fmt)
    return graph


@functools.cache
def oracle() -> Dataset:
    return parse_dataset(FIXTURE, "nquads")


def union() -> Graph:
    graph = Graph()
    for name in (G1, G2):
        graph += oracle().graph(URIRef(name))
    return graph


def make_store(tmp_path: Path, **settings) -> EmbeddedStore:
    path = tmp_path / "store"
    if not path.exists():
        write_store(path, FIXTURE.encode())
    return EmbeddedStore(path, "v-test", Settings(**settings))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = make_store(tmp_path_factory.mktemp("embedded"), query_processes=2)
    yield s
    s.close()


def q(text: str, form: str = SELECT, default=None, named=None) -> PreparedQuery:
    return PreparedQuery(PREFIXES + text, form, default, named)


def select(store, text: str, **kwargs) -> set[tuple]:
    """Rows of a SELECT as a set of tuples (None: unbound), read back from SPARQL JSON."""
    answer = store.execute(q(text, **kwargs), by_name("json"))
    return rows(Result.parse(io.BytesIO(answer.body), format="json"))


ONE_BNODE = BNode("b")


def rows(result: Result) -> set[tuple]:
    """Every blank node becomes one: their labels are the store's (one in the fixture)."""
    def norm(term):
        return ONE_BNODE if isinstance(term, BNode) else term
    return {tuple(norm(row.get(v)) for v in result.vars) for row in result.bindings}


def as_csv(term):
    """What the CSV format keeps of a term (and what rdflib's CSV parser makes of it)."""
    if term is None or isinstance(term, BNode | URIRef):
        return term
    return Literal(str(term))


# --- each form in each format --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [f.name for f in RESULT_FORMATS])
def test_select_in_every_result_format(store, fmt):
    text = ("SELECT ?s ?p ?o ?lang WHERE { ?s ?p ?o "
            "OPTIONAL { ?s ?p ?o FILTER(lang(?o) != '') BIND(lang(?o) AS ?lang) } }")
    answer = store.execute(q(text), by_name(fmt))
    def norm(term):
        return ONE_BNODE if isinstance(term, BNode) else term

    expected = {(norm(s), p, norm(o),
                 Literal(o.language) if isinstance(o, Literal) and o.language else None)
                for s, p, o in union()}
    got = rows(Result.parse(io.BytesIO(answer.body), format=by_name(fmt).rdflib))
    if fmt == "csv":
        expected = {tuple(as_csv(t) for t in row) for row in expected}
        got = {tuple(ONE_BNODE if isinstance(t, BNode) else t for t in row) for row in got}
    assert got == expected
    assert (answer.form, answer.count, answer.truncated) == (SELECT, IN_G1 + IN_G2, False)
    assert answer.format is by_name(fmt)


@pytest.mark.parametrize("fmt", [f.name for f in RESULT_FORMATS])
@pytest.mark.parametrize(("text", "value"), [
    (f"ASK {{ <{EURICSE}> schema:name 'Euricse' }}", True),
    (f"ASK {{ <{EURICSE}> schema:name 'Euricse'@it }}", False),
])
def test_ask_in_every_result_format(store, fmt, text, value):
    answer = store.execute(q(text, ASK), by_name(fmt))
    result = Result.parse(io.BytesIO(answer.body), format=by_name(fmt).rdflib)
    if fmt in ("json", "xml"):
        assert result.askAnswer is value
    else:  # no ASK form in CSV/TSV: one column _askResult, as Jena/Fuseki write it
        assert [str(v) for v in result.vars] == ["_askResult"]
        assert [str(row[0]) for row in result] == [str(value).lower()]
    assert (answer.form, answer.count) == (ASK, 1)


def reversed_links(name: str) -> Graph:
    graph = Graph()
    for s, p, o in oracle().graph(URIRef(name)):
        if isinstance(o, URIRef):
            graph.add((o, p, s))
    return graph


def parse_graph(body: bytes, fmt: str) -> Graph:
    f = by_name(fmt)
    if f.dataset:
        dataset = parse_dataset(body, f.rdflib)
        assert {str(g.identifier) for g in dataset.graphs() if len(g)} <= {
            str(dataset.default_graph.identifier)}
        return dataset.default_graph
    return parse_dataset(body, f.rdflib, into=Graph())


@pytest.mark.parametrize("fmt", [f.name for f in GRAPH_FORMATS])
@pytest.mark.parametrize(("form", "text", "expected"), [
    (CONSTRUCT, "CONSTRUCT WHERE { ?s ?p ?o }", union),
    (CONSTRUCT, f"CONSTRUCT {{ ?o ?p ?s }} WHERE {{ GRAPH <{G2}> {{ ?s ?p ?o FILTER isIRI(?o) }} }}",
     lambda: reversed_links(G2)),
    (DESCRIBE, f"DESCRIBE <{WEBINAR}>", lambda: union().cbd(URIRef(WEBINAR))),
])
def test_graph_forms_in_every_graph_format(store, fmt, form, text, expected):
    answer = store.execute(q(text, form), by_name(fmt))
    graph = parse_graph(answer.body, fmt)
    assert isomorphic(graph, expected())
    assert (answer.form, answer.count, answer.truncated) == (form, len(expected()), False)


@pytest.mark.parametrize(("fmt", "declares"), [
    ("turtle", b"@prefix schema: <https://schema.org/> ."),
    ("trig", b"@prefix schema: <https://schema.org/> ."),
    ("rdfxml", b'xmlns:schema="https://schema.org/"'),
])
def test_graph_formats_use_the_project_prefixes(store, fmt, declares):
    answer = store.execute(q(f"DESCRIBE <{EURICSE}>", DESCRIBE), by_name(fmt))
    assert declares in answer.body


def test_literals_with_special_characters_survive_each_format(store):
    text = f"SELECT ?o WHERE {{ <{EURICSE}> schema:description ?o }}"
    expected = 'riga 1\r\nriga 2, "fine" \\ \u20ac'
    for f in RESULT_FORMATS:
        answer = store.execute(q(text), f)
        result = Result.parse(io.BytesIO(answer.body), format=f.rdflib)
        assert [str(row[0]) for row in result] == [expected], f.name


class _Response(io.BytesIO):
    """Just enough of an HTTP response for SPARQLWrapper's ``QueryResult``."""

    def __init__(self, body: bytes, content_type: str) -> None:
        super().__init__(body)
        self.headers = {"content-type": content_type}

    def info(self):
        return self.headers


@pytest.mark.parametrize("fmt", [f.name for f in RESULT_FORMATS])
def test_sparqlwrapper_converts_every_result_format(store, fmt):
    from SPARQLWrapper.Wrapper import QueryResult

    f = by_name(fmt)
    answer = store.execute(q(f"SELECT ?name WHERE {{ <{EURICSE}> schema:name ?name }}"), f)
    converted = QueryResult((_Response(answer.body, f.content_type), fmt)).convert()
    if fmt == "json":
        assert converted["results"]["bindings"] == [
            {"name": {"type": "literal", "value": "Euricse"}}]
    elif fmt == "xml":
        assert [n.firstChild.data for n in converted.getElementsByTagName("literal")] == ["Euricse"]
    else:  # SPARQLWrapper hands CSV and TSV over as bytes
        assert converted.splitlines()[1] == (b'"Euricse"' if fmt == "tsv" else b"Euricse")


@pytest.mark.parametrize("fmt", [f.name for f in RESULT_FORMATS])
def test_line_separators_keep_a_row_whole(store, fmt):
    # \u escapes are decoded by the SPARQL parser: the value holds U+2028, U+2029 and U+0085
    answer = store.execute(q(r'SELECT ?x ?y WHERE { VALUES (?x ?y) { ("a\u2028b\u2029c\u0085d" 1) } }'),
                           by_name(fmt))
    if fmt == "tsv":  # rdflib's TSV parser reads no \uXXXX escapes; pyoxigraph's does
        assert answer.body.count(b"\n") == 2
        parsed = parse_query_results(answer.body, QueryResultsFormat.TSV)
        assert [s["x"].value for s in parsed] == ["a\u2028b\u2029c\u0085d"]
        return
    result = Result.parse(io.BytesIO(answer.body), format=by_name(fmt).rdflib)
    assert [(str(x), str(y)) for x, y in result] == [("a\u2028b\u2029c\u0085d", "1")]


@pytest.mark.parametrize(("form", "fmt"), [(SELECT, "turtle"), (ASK, "nquads"),
                                           (CONSTRUCT, "json"), (DESCRIBE, "csv")])
def test_a_format_that_does_not_fit_the_form_is_refused(store, form, fmt):
    with pytest.raises(NotAcceptable):
        store.execute(q("ASK {}" if form in (SELECT, ASK) else "CONSTRUCT WHERE {}", form),
                      by_name(fmt))


# --- the dataset ---------------------------------------------------------------------------------

ORGS = "SELECT ?s WHERE { ?s a schema:Organization }"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def counts(pairs: dict) -> set[tuple]:
    return {(URIRef(g), Literal(n)) for g, n in pairs.items()}


@pytest.mark.parametrize(("text", "default", "named", "expected"), [
    # the published dataset: default graph = union of the named graphs, GRAPH ?g each of them
    (ORGS, None, None, {(URIRef(CISEM),), (URIRef(EURICSE),)}),
    (PER_GRAPH, None, None, counts({G1: IN_G1, G2: IN_G2})),
    # the Protocol's default-graph-uri / named-graph-uri
    (ORGS, (G2,), (), {(URIRef(EURICSE),)}),
    (ORGS, (G1, G2), (), {(URIRef(CISEM),), (URIRef(EURICSE),)}),
    (PER_GRAPH, (), (G1,), counts({G1: IN_G1})),
    (PER_GRAPH, (G1,), (), set()),
    # an unknown graph is simply empty
    (ORGS, (f"{B}graph/unknown",), (), set()),
    (PER_GRAPH, (), (f"{B}graph/unknown",), set()),
])
def test_dataset(store, text, default, named, expected):
    assert select(store, text, default=default, named=named) == expected


@pytest.mark.parametrize(("text", "expected"), [
    (f"SELECT ?s FROM <{G2}> WHERE {{ ?s a schema:Organization }}", {(URIRef(EURICSE),)}),
    (f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{G1}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} "
     "GROUP BY ?g", counts({G1: IN_G1})),
    (f"SELECT ?s FROM NAMED <{G1}> WHERE {{ ?s ?p ?o }}", set()),
    ("PREFIX g: <https://w3id.org/cisem/graph/> SELECT ?s FROM g:euricse "
     "WHERE { ?s a schema:Organization }", {(URIRef(EURICSE),)}),
])
def test_from_clauses_name_local_graphs(store, text, expected):
    query = TextDatasetQuery(PREFIXES + text, SELECT)
    answer = store.execute(query, by_name("json"))
    assert rows(Result.parse(io.BytesIO(answer.body), format="json")) == expected


def test_from_never_fetches(store):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.3)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/data.ttl"
        query = TextDatasetQuery(f"SELECT * FROM <{url}> FROM NAMED <{url}> WHERE {{ ?s ?p ?o }}",
                                 SELECT)
        answer = store.execute(query, by_name("json"))
        assert answer.count == 0
        with pytest.raises(TimeoutError):
            listener.accept()


def test_triple_count_and_version(store):
    assert store.triple_count() == IN_G1 + IN_G2
    assert store.version == "v-test"


def test_a_store_written_apart_holds_the_quads_and_fails_as_one_written_here(tmp_path):
    (tmp_path / "good.nq").write_text(FIXTURE, encoding="utf-8")
    path = tmp_path / "good"
    finish_store(start_store(path, tmp_path / "good.nq", NO_SHARED_TRIPLE), path,
                 tmp_path / "good.nq", NO_SHARED_TRIPLE)
    with EmbeddedStore(path, "v", Settings(query_processes=1)) as store:
        assert select(store, PER_GRAPH) == counts({G1: IN_G1, G2: IN_G2})
    (tmp_path / "bad.nq").write_text('<http://ex/a> <http://ex/p> "x" .\n', encoding="utf-8")
    with pytest.raises(LoadError, match="no named graph"):
        finish_store(start_store(tmp_path / "bad", tmp_path / "bad.nq", NO_SHARED_TRIPLE),
                     tmp_path / "bad", tmp_path / "bad.nq", NO_SHARED_TRIPLE)
    assert not (tmp_path / "bad").exists()


def test_write_store_refuses_triples_outside_named_graphs(tmp_path):
    with pytest.raises(LoadError, match="no named graph"):
        write_store(tmp_path / "s", b'<http://ex/a> <http://ex/p> "x" .\n')
    assert not (tmp_path / "s").exists()
    with pytest.raises(LoadError) as info:
        write_store(tmp_path / "t", b'<http://ex/a> <http://ex/p> "x" <http://ex/g> .\n<oops\n')
    assert info.value.line == 2


#: a fact both sources state: the published default graph, a set, holds it once
SHARED = f"<{WEBINAR}> <{S}organizer> <{CISEM}> <{G2}> .\n"


@pytest.mark.parametrize(("extra", "merge_written"), [("", False), (SHARED, True)])
def test_the_default_graph_is_the_merge_whether_or_not_it_is_written(tmp_path, extra, merge_written):
    # The merge is written into the store only when some triple is in two graphs; otherwise the
    # union of the named graphs is read as the default graph. Answers are a set either way.
    path = tmp_path / "store"
    write_store(path, (FIXTURE + extra).encode())
    engine = OxStore.read_only(str(path))
    in_default = sum(1 for _ in engine.quads_for_pattern(None, None, None, DefaultGraph()))
    assert in_default == (IN_G1 + IN_G2 if merge_written else 0)  # the merge: 14 distinct triples
    del engine
    organizers = f"SELECT ?o WHERE {{ <{WEBINAR}> schema:organizer ?o }}"
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with EmbeddedStore(path, "v", Settings(query_processes=1)) as store:
        for fast_lane in (True, False):  # the fast lane proves the lookup bounded; a process runs the count
            store.fast_lane = fast_lane
            assert select(store, organizers) == {(URIRef(CISEM),), (URIRef(EURICSE),)}
            assert store.results(PREFIXES + organizers).lane == ("fast" if fast_lane else "isolated")
            assert select(store, everything) == {(Literal(IN_G1 + IN_G2),)}
            assert select(store, PER_GRAPH) == counts({G1: IN_G1, G2: IN_G2 + (1 if extra else 0)})
        assert store.triple_count() == IN_G1 + IN_G2 + (1 if extra else 0)


# --- limits --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    s = make_store(tmp_path_factory.mktemp("capped"), result_limit=3, query_processes=1)
    yield s
    s.close()


@pytest.mark.parametrize("text", ["SELECT * WHERE { ?s ?p ?o }",
                                  "SELECT * WHERE { ?s ?p ?o } LIMIT 1000000"])
@pytest.mark.parametrize("fmt", [f.name for f in RESULT_FORMATS])
def test_result_cap_truncates_select(capped, text, fmt):
    answer = capped.execute(q(text), by_name(fmt))
    result = Result.parse(io.BytesIO(answer.body), format=by_name(fmt).rdflib)
    assert (len(result.bindings), answer.count, answer.truncated) == (3, 3, True)
    if fmt == "json":
        assert json.loads(answer.body)["truncated"] is True


def test_no_truncated_member_when_the_answer_is_whole(capped):
    answer = capped.execute(q(ORGS), by_name("json"))
    assert (answer.count, answer.truncated) == (2, False)
    assert "truncated" not in json.loads(answer.body)


@pytest.mark.parametrize("fmt", ["turtle", "nquads"])
def test_result_cap_truncates_graphs(capped, fmt):
    answer = capped.execute(q("CONSTRUCT WHERE { ?s ?p ?o }", CONSTRUCT), by_name(fmt))
    assert (len(parse_graph(answer.body, fmt)), answer.count, answer.truncated) == (3, 3, True)


def test_syntax_error_names_line_and_column(store):
    with pytest.raises(QueryError) as info:
        store.execute(PreparedQuery("SELECT *\nWHERE {\n  ?s ?p\n}", SELECT), by_name("json"))
    assert info.value.status == 400
    assert info.value.line == 4  # the "}" where an object was due
    assert info.value.column in (1, 2)  # Oxigraph reports the column just past it
    assert "line 4" in info.value.message


def gone(pid: int) -> bool:
    """True when no process (not even a zombie) has this pid."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_time_out_kills_the_query_process_and_others_still_answer(tmp_path):
    with make_store(tmp_path, query_timeout=1.0, query_processes=2) as s:
        s.warm()
        assert len(s.status()["pids"]) == 2
        outcome = {}

        def slow():
            started = time.monotonic()
            try:
                s.execute(PreparedQuery(SLOW, SELECT), by_name("json"))
            except QueryTimeout as exc:
                outcome["error"] = exc
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=slow)
        thread.start()
        wait_until(lambda: s.status()["busy"] == 1)  # a query process has the slow query
        assert s.execute(q("ASK {}", ASK), by_name("json")).body  # the other process answers
        assert "seconds" not in outcome  # ... while the slow query still runs
        running = set(s.status()["pids"])
        assert len(running) == 2
        thread.join(10)
        assert 1.0 <= outcome["seconds"] < 1.0 + 3.0
        assert "query_timeout" in outcome["error"].message
        assert "1 s" in outcome["error"].message
        killed = running - set(s.status()["pids"])
        assert len(killed) == 1 and gone(killed.pop())
        assert select(s, ORGS) == {(URIRef(CISEM),), (URIRef(EURICSE),)}


def test_a_crash_costs_one_query(tmp_path):
    with make_store(tmp_path, query_processes=1) as s:
        s.execute(q("ASK {}", ASK), by_name("json"))
        (pid,) = s.status()["pids"]
        with pytest.raises(QueryAborted) as info:  # executed directly: the guards would refuse it
            s.execute(PreparedQuery(CRASH, SELECT), by_name("json"))
        assert info.value.details["exit_status"] == -signal.SIGSEGV
        assert gone(pid)
        assert select(s, ORGS) == {(URIRef(CISEM),), (URIRef(EURICSE),)}


def wait_until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.01)


def test_overload_is_refused_at_once(tmp_path):
    with make_store(tmp_path, query_timeout=1.5, query_processes=1, max_pending=1) as s:
        s.execute(q("ASK {}", ASK), by_name("json"))
        outcomes = []

        def call(text):
            try:
                outcomes.append(s.execute(PreparedQuery(text, SELECT), by_name("json")))
            except (QueryTimeout, Overloaded) as exc:
                outcomes.append(exc)

        slow = threading.Thread(target=call, args=(SLOW,))
        slow.start()
        wait_until(lambda: s.status()["busy"] == 1)
        waiting = threading.Thread(target=call, args=("SELECT * WHERE { ?s ?p ?o }",))
        waiting.start()
        wait_until(lambda: s.status()["waiting"] == 1)
        started = time.monotonic()
        with pytest.raises(Overloaded) as info:
            s.execute(q("ASK {}", ASK), by_name("json"))
        assert time.monotonic() - started < 0.5
        assert info.value.status == 503 and info.value.retry_after
        slow.join(10)
        waiting.join(10)
        assert not slow.is_alive() and not waiting.is_alive()
        assert any(isinstance(o, QueryTimeout) for o in outcomes)
        assert s.execute(q("ASK {}", ASK), by_name("json")).count == 1


def test_a_waiting_caller_waits_at_most_the_time_out(tmp_path):
    make_store(tmp_path).close()  # writes the store
    config = {"path": str(tmp_path / "store"), "result_limit": 10, "prefixes": {},
              "hard_limit": 10.0}
    pool = WorkerPool(config, size=1, max_pending=4, timeout=0.5)
    outcome = []

    def hold():
        try:
            pool.run(QueryRequest(SLOW, True, None, None, "json"), 3.0)
        except QueryTimeout as exc:
            outcome.append(exc)

    try:
        holder = threading.Thread(target=hold)
        holder.start()
        wait_until(lambda: pool.status()["busy"] == 1)
        started = time.monotonic()
        with pytest.raises(Overloaded, match="within 0.5 s"):
            pool.run(QueryRequest("ASK {}", True, None, None, "json"))
        assert 0.5 <= time.monotonic() - started < 1.5
        holder.join(10)
        assert len(outcome) == 1
    finally:
        pool.close()


def test_many_threads_share_the_processes(store):
    expected = {(URIRef(CISEM),), (URIRef(EURICSE),)}
    failures = []

    def work():
        for _ in range(25):
            if select(store, ORGS) != expected:
                failures.append("wrong answer")

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert failures == []


def worker_children() -> list[int]:
    """Our child processes running the query worker, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and b"cisem_graph.store.worker" in cmdline:
            found.append(int(entry.name))
    return found


def test_close_leaves_no_processes(tmp_path):
    others = set(worker_children())  # the module's shared stores
    s = make_store(tmp_path, query_processes=2)
    threads = [threading.Thread(target=s.execute, args=(q("ASK {}", ASK), by_name("json")))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pids = s.status()["pids"]
    assert pids and all(p in worker_children() for p in pids)
    s.close()
    assert s.status()["pids"] == []
    assert all(gone(p) for p in pids)
    assert set(worker_children()) <= others
    assert multiprocessing.active_children() == []
    with pytest.raises(StoreUnavailable):
        s.execute(q("ASK {}", ASK), by_name("json"))


# --- prepare (runs the guards) -------------------------------------------------------------------


@pytest.fixture
def guards():
    from cisem_graph.store import guards

    return guards


@pytest.mark.parametrize(("text", "form"), [
    ("SELECT * WHERE { ?s ?p ?o }", SELECT), ("ASK {}", ASK),
    ("CONSTRUCT WHERE { ?s ?p ?o }", CONSTRUCT), (f"DESCRIBE <{CISEM}>", DESCRIBE),
])
def test_prepare_reads_the_form(store, guards, text, form):
    prepared = store.prepare(text)
    assert (prepared.form, prepared.default_graphs, prepared.named_graphs) == (form, None, None)


def test_protocol_graphs_take_precedence_over_from(store, guards):
    text = PREFIXES + f"SELECT ?s FROM <{G1}> WHERE {{ ?s a schema:Organization }}"
    prepared = store.prepare(text, default_graphs=[G2])
    assert (prepared.default_graphs, prepared.named_graphs) == ((G2,), ())
    answer = store.execute(prepared, by_name("json"))
    assert rows(Result.parse(io.BytesIO(answer.body), format="json")) == {(URIRef(EURICSE),)}


def test_prepare_leaves_from_to_the_engine(store, guards):
    prepared = store.prepare(PREFIXES + f"SELECT ?s FROM <{G2}> WHERE {{ ?s a schema:Organization }}")
    assert isinstance(prepared, TextDatasetQuery)
    answer = store.execute(prepared, by_name("json"))
    assert rows(Result.parse(io.BytesIO(answer.body), format="json")) == {(URIRef(EURICSE),)}


def test_prepare_refuses_what_the_guards_refuse(store, guards):
    with pytest.raises(QueryError):
        store.prepare(CRASH)
    with pytest.raises(QueryError):
        store.prepare("ASK {}", default_graphs=["not an iri"])
