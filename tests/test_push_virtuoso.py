"""``cisem-graph push`` into a real Virtuoso (Debian's 7.2.5; its update and Graph Store endpoints
with HTTP Basic): what is published is exactly the data files graph by graph (read back whole and
compared with rdflib), the switch is all or nothing, a second push of the same version writes
nothing, and the server serves what was pushed. What the design stands on is tested too: Virtuoso
keeps the operations of an update request done before a failing one, and undoes a failing
operation whole."""

from __future__ import annotations

import pytest
from data_files import METADATA
from test_push import (
    REMOVED,
    assert_merge_shares_blank_nodes,
    assert_store_holds,
    blank_nodes,
    expected_graphs,
    leftovers,
    other_version,
    published,
)
from virtuososerver import Virtuoso

from cisem_graph import push_virtuoso
from cisem_graph.config import PROJECT_ROOT
from cisem_graph.errors import PushFailed, StoreUnavailable
from cisem_graph.graph.version import DatasetVersion
from cisem_graph.push import StoreEndpoints, push
from cisem_graph.store.remote import PUBLICATION, STAGING_PREFIX, Publication, merge_graph

pytestmark = pytest.mark.usefixtures("virtuoso_cli")


@pytest.fixture
def virtuoso(tmp_path):
    """A Virtuoso of the test's own, empty."""
    server = Virtuoso(tmp_path / "virtuoso").start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def second(tmp_path_factory, settings) -> DatasetVersion:
    """Another version: the shipped data without one source file (its graph must disappear)."""
    return other_version(tmp_path_factory.mktemp("second"), settings,
                         lambda data: (data / f"{REMOVED}.ttl").unlink())


@pytest.fixture
def pushing(settings):
    """A push's settings: no request may hang a test."""
    return settings.replace(push_timeout=60)


def record(server: Virtuoso) -> Publication | None:
    return Publication.from_rows(server.select(Publication.QUERY))


def test_the_store_is_told_by_its_server_header(virtuoso, store_server, settings):
    assert push_virtuoso.is_virtuoso(virtuoso.endpoints(), 10)
    assert not push_virtuoso.is_virtuoso(StoreEndpoints.from_settings(settings, store_server.base),
                                         10)


def test_a_virtuoso_not_known_as_one_switches_nothing(virtuoso, built, second, pushing,
                                                     monkeypatch):
    """Behind a proxy that hides its ``Server`` header, the push takes Virtuoso for a store of
    quads: its Graph Store endpoint answers the N-Quads 200 and stores nothing, the count check
    names the graphs that did not arrive, and the version published stays whole."""
    push(built[0], virtuoso.endpoints(), pushing)
    before = virtuoso.quads()
    monkeypatch.setattr(push_virtuoso, "is_virtuoso", lambda endpoints, timeout: False)
    with pytest.raises(PushFailed, match="nothing was switched") as info:
        push(second, virtuoso.endpoints(), pushing)
    assert f"{STAGING_PREFIX}{second.version}" in info.value.message
    assert virtuoso.quads() == before and record(virtuoso).version == built[0].version


def test_push_publishes_the_data_files_graph_by_graph(virtuoso, built, pushing):
    version = built[0]
    report = push(version, virtuoso.endpoints(), pushing)
    assert report.changed and report.version == version.version
    assert_store_holds(virtuoso, expected_graphs(version, PROJECT_ROOT))
    assert not leftovers(virtuoso)
    assert record(virtuoso).version == version.version
    counts = virtuoso.graph_counts()
    assert counts[METADATA] > 0 and counts == {**report.graphs, PUBLICATION: counts[PUBLICATION]}


def test_merge_shares_the_blank_nodes_of_the_named_graphs(virtuoso, built, pushing):
    """The merge is made in the store (ADD), so its blank nodes are the named graphs' own."""
    push(built[0], virtuoso.endpoints(), pushing)
    assert_merge_shares_blank_nodes(virtuoso, built[0])


def test_same_version_twice_writes_nothing(virtuoso, built, pushing):
    push(built[0], virtuoso.endpoints(), pushing)
    before, nodes = virtuoso.graph_counts(), blank_nodes(virtuoso)
    assert nodes
    report = push(built[0], virtuoso.endpoints(), pushing)
    assert not report.changed
    assert virtuoso.graph_counts() == before and blank_nodes(virtuoso) == nodes


def test_new_version_replaces_and_drops(virtuoso, built, second, pushing, settings):
    """Every graph staged, counted and switched in one operation; the removed file's graph
    dropped; the first version's merge kept one push longer; then the first version again."""
    push(built[0], virtuoso.endpoints(), pushing)
    first = expected_graphs(built[0], PROJECT_ROOT)
    report = push(second, virtuoso.endpoints(), pushing)
    removed = f"{settings.base_iri}graph/{REMOVED}"
    assert report.changed and report.dropped == (removed,)
    expected = expected_graphs(second, second.path.parents[1])
    assert removed not in expected
    first_merge = merge_graph(built[0].version)
    assert_store_holds(virtuoso, {**expected, first_merge: first[first_merge]})
    assert not leftovers(virtuoso) and record(virtuoso).version == second.version
    push(built[0], virtuoso.endpoints(), pushing)  # its merge is still there: staged, replaced
    second_merge = merge_graph(second.version)
    assert_store_holds(virtuoso, {**first, second_merge: expected[second_merge]})
    assert record(virtuoso) == Publication(
        built[0].version, tuple(sorted(g for g in first if g != first_merge)), first_merge,
        second_merge)


def test_one_request_is_not_one_transaction_one_operation_is(virtuoso, pushing):
    """Why the switch is one operation: Virtuoso keeps a ``MOVE`` done before an operation that
    fails at run time (division by zero) in the same request, and undoes a failing
    ``DELETE … INSERT … WHERE`` whole."""
    client = push_virtuoso._Virtuoso(virtuoso.endpoints(), 30)
    try:
        client.update("INSERT DATA { GRAPH <urn:a> { <urn:s> <urn:p> 1, 2, 3 } "
                      "GRAPH <urn:b> { <urn:s> <urn:p> 4 } }")
        fails = ("INSERT { GRAPH <urn:c> { ?s ?p ?x } } WHERE { GRAPH <urn:a> { ?s ?p ?o } "
                 "BIND(IF(?o = 3, 1 / (?o - ?o), ?o) AS ?x) }")
        with pytest.raises(StoreUnavailable, match="Division by 0"):
            client.update(f"MOVE GRAPH <urn:b> TO GRAPH <urn:d> ;\n{fails}")
        assert virtuoso.graph_counts() == {"urn:a": 3, "urn:d": 1}  # the MOVE stayed
        with pytest.raises(StoreUnavailable, match="Division by 0"):
            client.update("DELETE { GRAPH <urn:a> { ?s ?p ?o } } INSERT { GRAPH <urn:c> { ?s ?p ?x } }"
                          " WHERE { GRAPH <urn:a> { ?s ?p ?o } BIND(IF(?o = 3, 1 / (?o - ?o), ?o) "
                          "AS ?x) }")
        assert virtuoso.graph_counts() == {"urn:a": 3, "urn:d": 1}  # nothing deleted, nothing added
    finally:
        client.close()


def test_a_switch_that_fails_switches_nothing(virtuoso, built, second, pushing, monkeypatch):
    """The switch fails in the store, at run time (a division by zero on staged triples): the published
    graphs, their blank nodes and the record are the first version's; the staging is dropped."""
    push(built[0], virtuoso.endpoints(), pushing)
    before, nodes = virtuoso.quads(), blank_nodes(virtuoso)
    real_switch = push_virtuoso._switch

    def failing_switch(*args):  # ?x in the template: Virtuoso must compute it
        text = real_switch(*args)
        failing = text.replace(
            "INSERT { GRAPH ?new { ?s ?p ?o } }",
            "INSERT { GRAPH ?new { ?s ?p ?o } GRAPH <urn:x> { ?s ?p ?x } }").replace(
            "GRAPH ?staged { ?s ?p ?o } }\n}",
            "GRAPH ?staged { ?s ?p ?o } BIND(1 / (STRLEN(STR(?p)) - STRLEN(STR(?p))) AS ?x) }\n}")
        assert failing.count("?x") == 2
        return failing

    monkeypatch.setattr(push_virtuoso, "_switch", failing_switch)
    with pytest.raises(StoreUnavailable, match="Division by 0"):
        push(second, virtuoso.endpoints(), pushing)
    assert virtuoso.quads() == before and blank_nodes(virtuoso) == nodes
    assert record(virtuoso).version == built[0].version and not leftovers(virtuoso)


def test_a_switch_larger_than_virtuoso_allows_names_the_setting(tmp_path, built, second,
                                                                 pushing):
    """Virtuoso's TransactionAfterImageLimit (here 80 kB: each of the shipped data's uploads
    fits, its switch does not; measured, 65 kB refuses an upload, 100 kB takes the switch) aborts
    the switch: the error names the setting, and nothing was switched."""
    server = Virtuoso(tmp_path / "virtuoso", after_image=80_000).start()
    try:
        push(built[0], server.endpoints(), pushing)
        before = published(server)
        with pytest.raises(StoreUnavailable, match=r"refused the update \(SR325\): one "
                           "transaction larger than its TransactionAfterImageLimit"):
            push(second, server.endpoints(), pushing)
        assert published(server) == before and record(server).version == built[0].version
    finally:
        server.kill()


def test_first_push_refused_half_way_leaves_the_store_empty(virtuoso, built, pushing,
                                                            monkeypatch):
    """Into a store with nothing published the graphs go under their own names; the store refusing
    the third upload leaves it as it was: empty, no record."""
    real_post = push_virtuoso._Virtuoso.post_graph
    uploads = []

    def post_then_garble(self, graph, body):
        uploads.append(graph)
        return real_post(self, graph, body + b"<oops\n" if len(uploads) == 3 else body)

    monkeypatch.setattr(push_virtuoso._Virtuoso, "post_graph", post_then_garble)
    with pytest.raises(StoreUnavailable, match="refused the upload"):
        push(built[0], virtuoso.endpoints(), pushing)
    assert virtuoso.graph_counts() == {}
    monkeypatch.undo()
    push(built[0], virtuoso.endpoints(), pushing)
    assert_store_holds(virtuoso, expected_graphs(built[0], PROJECT_ROOT))


def test_count_mismatch_switches_nothing(virtuoso, built, pushing, tmp_path, settings):
    """A blank node shared by two graphs is one node in the dump but two once uploaded graph by
    graph (a request each, as always into Virtuoso): the merge's count differs, and the push
    stops before its switch."""
    push(built[0], virtuoso.endpoints(), pushing)
    before = published(virtuoso)
    folder = tmp_path / "shared-bnode"
    folder.mkdir()
    (folder / "cisem.nq").write_text('_:b <urn:p> "x" <urn:g1> .\n_:b <urn:p> "x" <urn:g2> .\n')
    version = DatasetVersion("0123456789abcdef", folder, settings.base_iri, 2)
    with pytest.raises(PushFailed, match="nothing was switched") as info:
        push(version, virtuoso.endpoints(), pushing)
    assert f"{merge_graph(version.version)}: 2 triples, 1 expected" in info.value.message
    assert published(virtuoso) == before and not [
        g for g in virtuoso.graph_counts() if g.startswith(STAGING_PREFIX)]


def test_served_after_push(virtuoso, built, dist_dir, pushing, settings):
    """The server in the ``remote-virtuoso`` kind over what the push wrote: a page and a query."""
    from cisem_graph.web import create_app

    push(built[0], virtuoso.endpoints(), pushing)
    app = create_app(settings.replace(dist_dir=dist_dir, store_query_url=virtuoso.url))
    try:
        client = app.test_client()
        answer = client.get("/sparql", query_string={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "format": "json"})
        assert answer.status_code == 200
        assert int(answer.json["results"]["bindings"][0]["n"]["value"]) == built[0].triples
        assert client.get("/doc/organization/cisem").status_code == 200
    finally:
        app.extensions["cisem_graph"].store.close()
