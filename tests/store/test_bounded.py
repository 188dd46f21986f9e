"""The fast lane: which queries it takes (none of the corpus, typical lookups), that its answers
are the isolated lane's, and that it keeps the cap and the time-out.

Expected answers come from the data files (``data/press-release-2021-06-10.ttl``); the
differential tests compare the fast lane with the isolated query processes on the same version.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import pytest
from corpus import ALL, LONG
from rdflib import Literal, URIRef

from cisem_graph.config import Settings
from cisem_graph.errors import CisemError, QueryTimeout, StoreUnavailable
from cisem_graph.formats import GRAPH_FORMATS, RESULT_FORMATS
from cisem_graph.graph.version import write_store
from cisem_graph.store.base import FAST, ISOLATED, PreparedQuery
from cisem_graph.store.bounded import MAX_PATTERNS, is_bounded, unbounded_reason
from cisem_graph.store.embedded import EmbeddedStore

B = "https://w3id.org/cisem/"
CISEM = f"<{B}id/organization/cisem>"
SERIES = f"<{B}id/series/webinar-cisem-2021>"
WEBINAR = f"<{B}id/event/impresa-sociale-di-inserimento-lavorativo>"
S = "PREFIX schema: <https://schema.org/>\n"
ALLOWED_SERVICE = "http://ok.example/sparql"
CAP = 100_000

#: What pages, clients and the benchmark ask most: lookups around one resource, and joins that
#: intersect lookups on one variable.
TYPICAL = {
    "lookup": f"SELECT ?p ?o WHERE {{ {CISEM} ?p ?o }}",
    "incoming": f"SELECT ?s ?p WHERE {{ ?s ?p {CISEM} }}",
    "names": S + f"SELECT ?name WHERE {{ {CISEM} schema:name ?name }}",
    "names-in-italian": S + f"SELECT ?name WHERE {{ {CISEM} schema:name ?name "
                            "FILTER(lang(?name) = 'it') }",
    "provenance": f"SELECT ?g ?p ?o WHERE {{ GRAPH ?g {{ {CISEM} ?p ?o }} }}",
    "exists": f"ASK {{ {CISEM} ?p ?o }}",
    "exists-not": f"ASK {{ <{B}id/organization/nobody> ?p ?o }}",
    "describe": f"DESCRIBE {CISEM}",
    "construct": f"CONSTRUCT {{ {CISEM} ?p ?o }} WHERE {{ {CISEM} ?p ?o }}",
    "construct-where": f"CONSTRUCT WHERE {{ {CISEM} ?p ?o }}",
    "star-join": S + f"SELECT ?event WHERE {{ ?event schema:superEvent {SERIES} ; "
                     "a schema:Event } LIMIT 10",
    "star-join-optional": S + f"SELECT ?event ?start WHERE {{ ?event schema:superEvent {SERIES} "
                              "OPTIONAL { ?event schema:eventAttendanceMode "
                              "schema:OnlineEventAttendanceMode } }",
    "page": S + f"SELECT ?o WHERE {{ {WEBINAR} schema:performer ?o }} LIMIT 2 OFFSET 1",
    "filters": S + f"SELECT ?o WHERE {{ {CISEM} ?p ?o FILTER(isLiteral(?o) && "
                   "(STRSTARTS(STR(?o), 'C') || ?o IN ('CISeM', 'x')) && STRLEN(STR(?o)) < 60) }",
}

#: Not long-running, yet outside the subset the fast lane proves: the isolated lane runs them.
#: Each with a fragment of the reason given.
OUTSIDE = {
    "attribute-of-a-joined-variable": (S + f"SELECT * WHERE {{ ?e schema:organizer {CISEM} ; "
                                           "schema:name ?name }", "no constant subject or object"),
    "two-lookups": (S + f"SELECT * WHERE {{ {CISEM} schema:name ?n ; schema:alternateName ?a }}",
                    "cross product"),
    "path-sequence": (S + f"SELECT * WHERE {{ {CISEM} schema:member/schema:memberOf ?x }}",
                      "paths"),
    "inverse-path": (S + f"SELECT * WHERE {{ {CISEM} ^schema:organizer ?x }}", "property paths"),
    "regex": (f"SELECT * WHERE {{ {CISEM} ?p ?o FILTER regex(?o, 'x') }}", "'regex'"),
    "exists": (f"SELECT * WHERE {{ {CISEM} ?p ?o FILTER EXISTS {{ {CISEM} ?p ?o }} }}",
               "'EXISTS'"),
    "concat": (f"SELECT * WHERE {{ {CISEM} ?p ?o FILTER(CONCAT(STR(?o), '') = '') }}",
               "'CONCAT'"),
    "extension-function": (f"SELECT * WHERE {{ {CISEM} ?p ?o FILTER(<http://e/f>(?o)) }}",
                           "after an operand"),
    "less-than-hiding-regex": (f"SELECT * WHERE {{ {CISEM} ?p ?o FILTER(?o<regex(?o,?o)>0) }}",
                               "after an operand"),
    "deep-filter": (f"SELECT * WHERE {{ {CISEM} ?p ?o FILTER(((((?o))))) }}", "deeper"),
    "distinct": (f"SELECT DISTINCT ?p WHERE {{ {CISEM} ?p ?o }}", "DISTINCT"),
    "expression": (f"SELECT (STR(?o) AS ?x) WHERE {{ {CISEM} ?p ?o }}", "expressions"),
    "ordered": (f"SELECT * WHERE {{ {CISEM} ?p ?o }} ORDER BY ?o", "ORDER BY"),
    "union": (f"SELECT * WHERE {{ {{ {CISEM} ?p ?o }} UNION {{ {CISEM} ?p ?o }} }}", "'{'"),
    "values": (f"SELECT * WHERE {{ VALUES ?p {{ <http://e/p> }} {CISEM} ?p ?o }}", "'VALUES'"),
    "bind": (f"SELECT * WHERE {{ {CISEM} ?p ?o BIND(1 AS ?x) }}", "'BIND'"),
    "blank-node": (f"SELECT * WHERE {{ {CISEM} ?p [ ?q ?o ] }}", "blank nodes"),
    "nested-optional": (f"SELECT * WHERE {{ ?x ?p {CISEM} OPTIONAL {{ ?x ?q {CISEM} "
                        f"OPTIONAL {{ ?x ?r {CISEM} }} }} }}", "'OPTIONAL'"),
    "limit-over-the-cap": (f"SELECT * WHERE {{ {CISEM} ?p ?o }} LIMIT {CAP + 1}", "LIMIT beyond"),
    "offset-over-the-cap": (f"SELECT * WHERE {{ {CISEM} ?p ?o }} OFFSET {CAP + 1}",
                            "OFFSET beyond"),
    "escapes": (f"SELECT * WHERE {{ {CISEM} ?p 'caf\\u00E9' }}", "escapes"),
    "from": (f"SELECT * FROM <{B}graph/x> WHERE {{ {CISEM} ?p ?o }}", "'FROM'"),
    "describe-variable": ("DESCRIBE ?x WHERE { ?x ?p ?o }", "DESCRIBE of a variable"),
    "too-many-patterns": (S + "SELECT ?x WHERE { " + " ".join(
        f"?x schema:knows <http://e/{i}> ." for i in range(MAX_PATTERNS + 1)) + " }",
        f"more than {MAX_PATTERNS}"),
}


@pytest.fixture(scope="module")
def store(built):
    version, _ = built
    settings = Settings(service_allowlist=(ALLOWED_SERVICE,))
    with EmbeddedStore(version.store_path, version.version, settings) as store:
        yield store


def isolated(prepared: PreparedQuery) -> PreparedQuery:
    return dataclasses.replace(prepared, bounded=False)


# --- which queries take the fast lane ------------------------------------------------------------


@pytest.mark.parametrize("text", ALL.values(), ids=ALL.keys())
def test_nothing_in_the_corpus_is_bounded(text):
    assert unbounded_reason(text, result_limit=CAP) is not None


@pytest.mark.parametrize("text", ALL.values(), ids=ALL.keys())
def test_nothing_in_the_corpus_takes_the_fast_lane(store, text):
    try:
        prepared = store.prepare(text)
    except CisemError:
        return  # the guards refuse it
    assert prepared.bounded is False


def test_the_long_running_corpus_passes_the_guards(store):
    """So the lane choice, not the guards, is what keeps them out of the serving process."""
    for name, text in LONG.items():
        assert store.prepare(text).form, name


@pytest.mark.parametrize("text", TYPICAL.values(), ids=TYPICAL.keys())
def test_typical_lookups_take_the_fast_lane(store, text):
    prepared = store.prepare(text)
    assert prepared.bounded, unbounded_reason(text, result_limit=CAP)
    fmt = GRAPH_FORMATS[0] if prepared.returns_graph else RESULT_FORMATS[0]
    assert store.execute(prepared, fmt).lane == FAST


@pytest.mark.parametrize(("text", "reason"), OUTSIDE.values(), ids=OUTSIDE.keys())
def test_queries_outside_the_subset_take_the_isolated_lane_and_say_why(store, text, reason):
    assert reason in unbounded_reason(text, result_limit=CAP)
    try:
        prepared = store.prepare(text)
    except CisemError:
        return
    assert not prepared.bounded


def test_the_protocol_dataset_keeps_a_query_in_the_isolated_lane(store):
    text = TYPICAL["lookup"]
    assert is_bounded(text, result_limit=CAP)
    assert not store.prepare(text, default_graphs=[f"{B}graph/press-release-2021-06-10"]).bounded
    assert not store.prepare(text, named_graphs=[f"{B}graph/press-release-2021-06-10"]).bounded


def test_a_store_without_the_fast_lane_marks_nothing(built):
    version, _ = built
    with EmbeddedStore(version.store_path, version.version, Settings(), fast_lane=False) as slow:
        prepared = slow.prepare(TYPICAL["lookup"])
        assert not prepared.bounded
        assert slow.execute(prepared, RESULT_FORMATS[0]).lane == ISOLATED


# --- same answers as the isolated lane -----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TYPICAL))
def test_fast_lane_answers_as_the_isolated_lane(store, name):
    prepared = store.prepare(TYPICAL[name])
    for fmt in (GRAPH_FORMATS if prepared.returns_graph else RESULT_FORMATS):
        fast, slow = store.execute(prepared, fmt), store.execute(isolated(prepared), fmt)
        assert (fast.lane, slow.lane) == (FAST, ISOLATED)
        assert (fast.body, fast.form, fast.count, fast.truncated) == (
            slow.body, slow.form, slow.count, slow.truncated), fmt.name
    fast, slow = store.evaluate(prepared), store.evaluate(isolated(prepared))
    assert fast == slow if isinstance(fast, bool) else (
        (list(fast), fast.truncated, fast.lane, slow.lane) == (list(slow), slow.truncated, FAST,
                                                              ISOLATED))


def test_fast_lane_answers_come_from_the_data(store):
    names = store.select(TYPICAL["names"])
    assert names.lane == FAST
    assert {row["name"] for row in names} == {
        Literal("Comitato Imprenditorialità Sociale E Microcredito", lang="it"),
        Literal("Social Entrepreneurship and Microcredit Committee", lang="en")}
    events = store.select(TYPICAL["star-join"])
    assert {str(row["event"]) for row in events} == {
        f"{B}id/event/{slug}" for slug in ("impresa-sociale-di-inserimento-lavorativo",
                                           "bilancio-delle-imprese-sociali",
                                           "trenta-anni-di-cooperazione-sociale")}
    assert store.ask(TYPICAL["exists"]) is True
    assert store.ask(TYPICAL["exists-not"]) is False
    page = store.select(TYPICAL["page"])
    assert len(page) == 2  # 4 performers in the file, one skipped
    described = store.construct(TYPICAL["describe"])
    assert (URIRef(CISEM[1:-1]), URIRef("https://schema.org/alternateName"),
            Literal("CISeM")) in described.graph()


# --- limits --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wide_store(tmp_path_factory) -> Path:
    """One node with 20,000 incoming links: a bounded star that is large."""
    path = tmp_path_factory.mktemp("wide") / "store"
    lines = [f"<http://e/s{i}> <http://e/p> <http://e/hub> <http://e/g> .\n" for i in range(20_000)]
    write_store(path, "".join(lines).encode())
    return path


WIDE = "SELECT ?s WHERE { ?s <http://e/p> <http://e/hub> }"


def test_the_fast_lane_keeps_the_result_cap(wide_store):
    with EmbeddedStore(wide_store, "wide", Settings(result_limit=10)) as store:
        prepared = store.prepare(WIDE)
        assert prepared.bounded
        answer = store.execute(prepared, RESULT_FORMATS[0])
        assert (answer.lane, answer.count, answer.truncated) == (FAST, 10, True)
        rows = store.select(prepared)
        assert (len(rows), rows.truncated, rows.lane) == (10, True, FAST)


def test_the_fast_lane_keeps_the_time_out(wide_store):
    """Reading 20,000 solutions takes longer than 0.1 ms: the lane stops between two."""
    with EmbeddedStore(wide_store, "wide", Settings(query_timeout=0.0001)) as store:
        prepared = store.prepare(WIDE)
        assert prepared.bounded
        with pytest.raises(QueryTimeout) as info:
            store.execute(prepared, RESULT_FORMATS[0])
        assert "query_timeout" in info.value.message
        with pytest.raises(QueryTimeout):
            store.select(prepared)


def test_the_fast_lane_needs_no_query_process(wide_store):
    with EmbeddedStore(wide_store, "wide", Settings()) as store:
        threads = [threading.Thread(target=store.select, args=(WIDE,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert store.select(WIDE).lane == FAST
        assert store.status()["processes"] == 0
        store.close()
        with pytest.raises(StoreUnavailable):
            store.select(WIDE)


ON_ANY_DATA = [name for name in LONG if name.startswith("values-product")]


@pytest.mark.parametrize("name", ON_ANY_DATA)
def test_a_long_query_times_out_in_the_isolated_lane(built, name):
    """The corpus is honest: its data-independent queries do run long, and are stopped."""
    version, _ = built
    with EmbeddedStore(version.store_path, version.version,
                       Settings(query_timeout=1.0, query_processes=1)) as store:
        prepared = store.prepare(LONG[name])
        assert not prepared.bounded
        with pytest.raises(QueryTimeout):
            store.execute(prepared, RESULT_FORMATS[0])
        assert store.select(TYPICAL["names"]).lane == FAST  # and the fast lane goes on
