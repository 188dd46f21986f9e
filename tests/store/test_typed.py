"""Typed answers for the program's own callers, over both store kinds: rows, a boolean, triples.

Expected facts come from ``data/press-release-2021-06-10.ttl``; the serialized answers they are
compared with are read back by rdflib's own parsers.
"""

from __future__ import annotations

import io

import pytest
from corpus import CRASH
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD
from rdflib.query import Result

from cisem_graph.errors import QueryError, QueryRefused
from cisem_graph.formats import by_name
from cisem_graph.store.base import FAST, ISOLATED, REMOTE, Rows, Store, Triples
from cisem_graph.store.embedded import EmbeddedStore
from cisem_graph.store.remote import RemoteStore

B = "https://w3id.org/cisem/"
SDO = "https://schema.org/"
CISEM = f"{B}id/organization/cisem"
WEBINAR = f"{B}id/event/impresa-sociale-di-inserimento-lavorativo"
P = f"PREFIX schema: <{SDO}>\n"

NAMES = P + f"SELECT ?name WHERE {{ <{CISEM}> schema:name ?name }}"
#: not bounded (ORDER BY): the isolated lane in the embedded store
EVENTS = P + """SELECT ?event ?start WHERE {
  ?event schema:superEvent <https://w3id.org/cisem/id/series/webinar-cisem-2021> .
  OPTIONAL { ?event schema:startDate ?start }
} ORDER BY ?event"""
ADDRESSES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isBlank(?o)) } LIMIT 50"
SAMPLES = {"names": NAMES, "events": EVENTS, "blank-nodes": ADDRESSES,
           "lookup": f"SELECT ?p ?o WHERE {{ <{CISEM}> ?p ?o }}"}


@pytest.fixture(scope="module", params=["embedded", "remote", "remote-virtuoso"])
def store(request, built, settings):
    version, _ = built
    if request.param == "embedded":
        store = EmbeddedStore(version.store_path, version.version, settings)
    else:  # the servers skip without their engine (and fail under CI)
        server = request.getfixturevalue(
            "virtuoso_server" if request.param == "remote-virtuoso" else "store_server")
        store = RemoteStore.for_version(server.url, version, settings)
    yield store
    store.close()


def lane(store, bounded: bool) -> str:
    if isinstance(store, RemoteStore):
        return REMOTE
    return FAST if bounded else ISOLATED


def parsed_rows(store, text: str) -> set[tuple]:
    """The rows of the store's SPARQL JSON answer, read by rdflib's parser."""
    answer = store.execute(store.prepare(text), by_name("json"))
    result = Result.parse(io.BytesIO(answer.body), format="json")
    return {tuple(row.get(v) for v in result.vars) for row in result.bindings}


def test_select_gives_rdflib_terms_from_the_data(store):
    rows = store.select(NAMES)
    assert isinstance(rows, Rows)
    assert rows.variables == ("name",)
    assert {row["name"] for row in rows} == {
        Literal("Comitato Imprenditorialità Sociale E Microcredito", lang="it"),
        Literal("Social Entrepreneurship and Microcredit Committee", lang="en")}
    assert (rows.truncated, rows.lane) == (False, lane(store, True))


def test_unbound_variables_are_absent(store):
    rows = store.select(EVENTS)
    assert rows.lane == lane(store, False)
    events = {str(row["event"]): row.get("start") for row in rows}
    # the file gives a start only for the first webinar
    assert events == {
        WEBINAR: Literal("2021-06-14T18:00:00+02:00", datatype=XSD.dateTime),
        f"{B}id/event/bilancio-delle-imprese-sociali": None,
        f"{B}id/event/trenta-anni-di-cooperazione-sociale": None,
    }
    assert all("start" not in row for row in rows if str(row["event"]) != WEBINAR)


def test_plain_literals_have_no_datatype(store):
    rows = store.select(P + f"SELECT ?a WHERE {{ <{CISEM}> schema:alternateName ?a }}")
    # press-release-2021-06-10.ttl and ideawebtv-2015-08-04.ttl
    assert {row["a"] for row in rows} == {
        Literal("CISeM"), Literal("Comitato per l'Imprenditorialità Sociale e il Microcredito",
                                  lang="it")}
    plain = [row["a"] for row in rows if not row["a"].language]
    assert [(str(term), term.datatype) for term in plain] == [("CISeM", None)]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_rows_are_the_serialized_answer(store, name):
    rows = store.select(SAMPLES[name])
    got = {tuple(row.get(v) for v in rows.variables) for row in rows}

    def norm(terms):  # blank node labels are the store's: compare their places only
        return {tuple(BNode("b") if isinstance(t, BNode) else t for t in row) for row in terms}

    assert norm(got) == norm(parsed_rows(store, SAMPLES[name]))
    assert len(rows) == len(got) > 0


@pytest.mark.parametrize(("text", "value"), [
    (f"ASK {{ <{CISEM}> ?p ?o }}", True),
    (P + f"ASK {{ <{CISEM}> schema:alternateName 'CISeM' }}", True),
    (P + f"ASK {{ <{CISEM}> schema:alternateName 'CISeM'@it }}", False),
    (P + "ASK { ?s schema:alternateName 'CISeM' ; schema:foundingDate ?d }", False),
])
def test_ask_gives_a_boolean(store, text, value):
    assert store.ask(text) is value


@pytest.mark.parametrize("text", [f"DESCRIBE <{WEBINAR}>",
                                  f"CONSTRUCT WHERE {{ <{WEBINAR}> ?p ?o }}"])
def test_construct_gives_the_triples(store, text):
    triples = store.construct(text)
    assert isinstance(triples, Triples)
    answer = store.execute(store.prepare(text), by_name("ntriples"))
    assert isomorphic(triples.graph(), Graph().parse(data=answer.body, format="nt"))
    performers = set(triples.graph().objects(URIRef(WEBINAR), URIRef(SDO + "performer")))
    assert performers == {URIRef(f"{B}id/person/alessandro-durando"),
                          URIRef(f"{B}id/person/carlo-borzaga"),
                          URIRef(f"{B}id/organization/il-laboratorio"),
                          URIRef(f"{B}id/organization/cascina-pensolato")}
    assert (triples.truncated, triples.lane) == (False, lane(store, True))


def test_results_answers_by_the_form(store):
    assert isinstance(store.results(NAMES), Rows)
    assert store.results(f"ASK {{ <{CISEM}> ?p ?o }}") is True
    assert isinstance(store.results(f"DESCRIBE <{CISEM}>"), Triples)
    assert isinstance(store.results(store.prepare(NAMES)), Rows)


@pytest.mark.parametrize(("method", "text"), [
    ("select", "ASK {}"), ("ask", NAMES), ("construct", NAMES), ("select", f"DESCRIBE <{CISEM}>"),
])
def test_a_query_of_another_form_is_refused(store, method, text):
    with pytest.raises(QueryError, match="was expected here, not"):
        getattr(store, method)(text)


def test_the_guards_hold(store):
    with pytest.raises(QueryError, match="max_nesting"):
        store.select(CRASH)
    with pytest.raises(QueryRefused):
        store.ask("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")


@pytest.fixture(scope="module")
def capped(store, settings):
    version_store = store
    small = settings.replace(result_limit=3)
    if isinstance(version_store, RemoteStore):
        kept = RemoteStore(version_store.query_url, version_store.version, version_store.graphs,
                           version_store.triple_count(), small, version_store.default_graph)
    else:
        kept = EmbeddedStore(version_store.store_path, version_store.version, small)
    yield kept
    kept.close()


@pytest.mark.parametrize("text", [f"SELECT ?p ?o WHERE {{ <{CISEM}> ?p ?o }}",
                                  "SELECT ?s WHERE { ?s ?p ?o }"])
def test_the_result_cap_holds(capped, text):
    rows = capped.select(text)
    assert (len(rows), rows.truncated) == (3, True)


def test_the_result_cap_holds_for_triples(capped):
    triples = capped.construct(f"DESCRIBE <{CISEM}>")
    assert (len(triples), triples.truncated) == (3, True)


class Wrapper(Store):
    """A store that only writes answers, passing everything to the store it wraps (as the web's
    per-client store does): the interface's default ``evaluate`` reads its answers back."""

    def __init__(self, inner: Store) -> None:
        self.inner, self.settings = inner, inner.settings

    @property
    def version(self) -> str:
        return self.inner.version

    def prepare(self, text, default_graphs=None, named_graphs=None):
        return self.inner.prepare(text, default_graphs, named_graphs)

    def execute(self, query, fmt):
        return self.inner.execute(query, fmt)

    def triple_count(self) -> int:
        return self.inner.triple_count()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_store_that_only_writes_answers_still_gives_typed_ones(store, name):
    wrapped, direct = Wrapper(store).select(SAMPLES[name]), store.select(SAMPLES[name])
    assert (wrapped.variables, wrapped.truncated, wrapped.lane) == (
        direct.variables, direct.truncated, direct.lane)
    if name != "blank-nodes":  # the labels of blank nodes are each answer's own
        assert list(wrapped) == list(direct)
    assert Wrapper(store).ask(f"ASK {{ <{CISEM}> ?p ?o }}") is True
    assert isomorphic(Wrapper(store).construct(f"DESCRIBE <{WEBINAR}>").graph(),
                      store.construct(f"DESCRIBE <{WEBINAR}>").graph())
