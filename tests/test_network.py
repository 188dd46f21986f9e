"""The network (``cisem_graph.network``): built from one SPARQL query through the store, exported.

Expected values come from the press release (``sources/…``): the committee CISeM of the Camera di
Commercio di Cuneo organizes the webinar of 14 June 2021, where its president Alessandro Durando,
prof. Carlo Borzaga (president of Euricse) and the cooperatives Il Laboratorio and Cascina Pensolato
speak. Counts are checked against the dump read by rdflib, never against the program's own output.
"""

from __future__ import annotations

import csv
import io
from xml.etree import ElementTree as ET

import networkx as nx
import pytest
import rdflib

from cisem_graph import network as net
from cisem_graph.namespaces import ORG, RDF, SDO

SOURCE_ORGANIZATIONS = ("Camera di Commercio di Cuneo", "Comitato Imprenditorialità Sociale E Microcredito",
                        "Euricse", "Il Laboratorio", "Cascina Pensolato")
WEBINAR = "impresa sociale di inserimento lavorativo"


@pytest.fixture(scope="module")
def store(app):
    return app.extensions["cisem_graph"].store


@pytest.fixture(scope="module")
def network(store, settings):
    return net.build_network(store, settings.base_iri)


@pytest.fixture(scope="module")
def dump(built) -> rdflib.Graph:
    """The published default graph (all sources merged), as the build wrote it."""
    version, _ = built
    graph = rdflib.Graph()
    graph.parse(version.dump_path("nt"), format="nt")
    return graph


def by_label(network: net.Network, text: str) -> net.Node:
    """The node whose Italian name is ``text`` (any case), else the one name that contains it."""
    found = [n for n in network.nodes if text.lower() == n.label("it").lower()] or [
        n for n in network.nodes if text.lower() in n.label("it").lower()]
    assert len(found) == 1, (text, [n.label("it") for n in found])
    return found[0]


def edge(network: net.Network, source: net.Node, relation, target: net.Node) -> net.Edge:
    found = [e for e in network.edges
             if (e.source, e.relation, e.target) == (source.iri, str(relation), target.iri)]
    assert len(found) == 1, (source.iri, relation, target.iri)
    return found[0]


def organizations_in(dump: rdflib.Graph, base: str) -> set[str]:
    """Every organization the data declares: a typed thing under ``{base}id/organization/``."""
    prefix = f"{base}id/organization/"
    return {str(s) for s in dump.subjects(RDF.type, None) if str(s).startswith(prefix)}


def counted_by_rdflib(dump: rdflib.Graph, base: str, limit: int = net.LIMIT) -> tuple[int, int]:
    """Nodes and edges of the network's own query run by rdflib on the dump: distinct nodes, and
    distinct (source, relation, target, role) between two of them (the rule the docstring of
    ``network_query`` states)."""
    rows = list(dump.query(net.network_query(base, limit)))
    nodes = {str(r.node) for r in rows if r.node is not None}
    edges = {(str(r.node), str(r.relation), str(r.target), str(r.role) if r.role else "")
             for r in rows if r.relation is not None
             and str(r.target) in nodes and r.target != r.node}
    return len(nodes), len(edges)


# -- what the network holds ----------------------------------------------------------------------

def test_every_organization_of_the_graph_is_a_node(network, dump, settings):
    declared = organizations_in(dump, settings.base_iri)
    assert len(declared) >= len(SOURCE_ORGANIZATIONS)
    assert {n.iri for n in network.nodes if n.kind == "organization"} == declared
    for name in SOURCE_ORGANIZATIONS:
        assert by_label(network, name).kind == "organization"
    assert not network.truncated
    assert network.total == len(network.nodes)


def test_labels_in_both_languages_with_fallback(network):
    camera = by_label(network, "Camera di Commercio di Cuneo")
    assert camera.label("en") == "Chamber of Commerce of Cuneo"
    # Euricse has the same name in both languages; a missing language falls back
    assert by_label(network, "Euricse").label("en") == "Euricse"
    assert net.Node("x", "place", "x", {"en": "Only English"}).label("it") == "Only English"
    assert net.Node("x", "place", "some-slug").label("it") == "some-slug"


def test_the_webinar_of_14_june_and_its_speakers(network):
    webinar = by_label(network, WEBINAR)
    assert webinar.kind == "event"
    for speaker in ("Alessandro Durando", "Carlo Borzaga", "Il Laboratorio", "Cascina Pensolato"):
        found = edge(network, webinar, SDO.performer, by_label(network, speaker))
        assert found.label("it") == "relatore" and found.label("en") == "performer"
    cisem = by_label(network, "Comitato Imprenditorialità Sociale")
    assert edge(network, webinar, SDO.organizer, cisem).label("en") == "organizer"
    series = by_label(network, "Webinar CISeM 2021")
    assert series.kind == "series"
    # schema:subEvent and schema:superEvent, stated both ways, are one edge: event -> series
    assert edge(network, webinar, SDO.superEvent, series)
    assert not [e for e in network.edges if e.relation == str(SDO.subEvent)]


def test_the_committee_belongs_to_the_chamber(network):
    cisem = by_label(network, "Comitato Imprenditorialità Sociale")
    camera = by_label(network, "Camera di Commercio di Cuneo")
    # schema:parentOrganization, schema:subOrganization, org:unitOf and org:hasUnit: one edge
    assert edge(network, cisem, SDO.parentOrganization, camera)
    between = [e for e in network.edges if {e.source, e.target} == {cisem.iri, camera.iri}]
    assert len(between) == 1
    assert not [e for e in network.edges if e.relation in (str(ORG.hasUnit), str(ORG.unitOf))]


def test_roles_collapse_into_person_to_organization_edges(network, settings):
    durando = by_label(network, "Alessandro Durando")
    cisem = by_label(network, "Comitato Imprenditorialità Sociale")
    role = edge(network, durando, SDO.memberOf, cisem)
    # "il Presidente del CISeM Alessandro Durando"
    assert role.label("it") == "Presidente" and role.label("en") == "President"
    assert role.role and role.role.startswith(f"{settings.base_iri}id/role/")
    borzaga = by_label(network, "Carlo Borzaga")
    assert edge(network, borzaga, SDO.memberOf, by_label(network, "Euricse")).label("it") == "Presidente"
    # "Direttore scientifico della rivista “Impresa sociale”": the editor role, collapsed
    journal = by_label(network, "Impresa Sociale")
    assert journal.kind == "periodical"
    assert edge(network, journal, SDO.editor, borzaga).label("it") == "Direttore scientifico"
    # roles are edges, never nodes
    assert not [n for n in network.nodes if "/id/role/" in n.iri]


def test_places_of_the_cooperatives(network):
    # "Il Laboratorio" di Dronero, "Cascina Pensolato" di Fossano, in the province of Cuneo
    assert edge(network, by_label(network, "Il Laboratorio"), SDO.location, by_label(network, "Dronero"))
    assert edge(network, by_label(network, "Cascina Pensolato"), SDO.location, by_label(network, "Fossano"))
    assert edge(network, by_label(network, "Dronero"), SDO.containedInPlace,
                by_label(network, "Provincia di Cuneo"))


def test_the_same_counts_as_the_query_run_by_rdflib_on_the_dump(network, dump, settings):
    nodes, edges = counted_by_rdflib(dump, settings.base_iri)
    assert (len(network.nodes), len(network.edges)) == (nodes, edges)
    assert network.total == nodes


def test_deterministic_order(store, settings, network):
    again = net.build_network(store, settings.base_iri)
    assert again == network
    assert [n.iri for n in network.nodes] == sorted(
        (n.iri for n in network.nodes), key=lambda iri: (net.NODE_KINDS.index(
            next(n.kind for n in network.nodes if n.iri == iri)), iri))
    assert [e.key for e in network.edges] == sorted(e.key for e in network.edges)
    assert net.layout(network) == net.layout(again)


# -- bounded -----------------------------------------------------------------------------------------

def test_a_small_limit_gives_a_sample_that_says_so(store, settings, dump, network):
    sample = net.build_network(store, settings.base_iri, limit=5)
    assert sample.truncated
    assert len(sample.nodes) == 5
    assert sample.total == len(network.nodes)
    inside = {n.iri for n in sample.nodes}
    assert all(e.source in inside and e.target in inside for e in sample.edges)
    # the sample keeps the things with the most links: the committee and the webinar among them
    assert by_label(sample, "Comitato Imprenditorialità Sociale")
    assert by_label(sample, WEBINAR)
    assert counted_by_rdflib(dump, settings.base_iri, 5)[0] == 5


def test_the_query_passes_the_public_guards(store, settings):
    prepared = store.prepare(net.network_query(settings.base_iri))
    assert prepared.form == "SELECT"


# -- exports ---------------------------------------------------------------------------------------

def test_graphml_loads_in_networkx_with_the_querys_counts(network, dump, settings, tmp_path):
    nodes, edges = counted_by_rdflib(dump, settings.base_iri)
    path = tmp_path / "network.graphml"
    path.write_bytes(net.to_graphml(network, "it"))
    graph = nx.read_graphml(path)
    assert graph.is_directed()
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    cisem = next(n for n in network.nodes if n.label("it").startswith("Comitato"))
    assert graph.nodes[cisem.iri]["kind"] == "organization"
    assert graph.nodes[cisem.iri]["label"] == "Comitato Imprenditorialità Sociale E Microcredito"
    assert graph.nodes[cisem.iri]["label_en"] == "Social Entrepreneurship and Microcredit Committee"
    assert graph.nodes[cisem.iri]["iri"] == cisem.iri
    labels = {data["label"] for _, _, data in graph.edges(data=True)}
    assert {"relatore", "organizzatore", "Presidente", "Direttore scientifico"} <= labels
    assert graph.graph["truncated"] is False


def test_gexf_is_gephi_13_with_the_same_counts(network, dump, settings, tmp_path):
    nodes, edges = counted_by_rdflib(dump, settings.base_iri)
    body = net.to_gexf(network, "en", net.layout(network), modified="2024-01-02T03:04:05+00:00")
    root = ET.fromstring(body)
    ns = {"g": "http://gexf.net/1.3"}
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    assert len(root.findall("g:graph/g:nodes/g:node", ns)) == nodes
    assert len(root.findall("g:graph/g:edges/g:edge", ns)) == edges
    assert root.find("g:meta", ns).get("lastmodifieddate") == "2024-01-02"
    path = tmp_path / "network.gexf"
    path.write_bytes(body)
    graph = nx.read_gexf(path, version="1.3")
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    labels = {data["label"] for _, data in graph.nodes(data=True)}
    assert "Chamber of Commerce of Cuneo" in labels


def test_csv_tables(network):
    nodes = list(csv.DictReader(io.StringIO(net.nodes_csv(network, "it").decode("utf-8"))))
    edges = list(csv.DictReader(io.StringIO(net.edges_csv(network, "it").decode("utf-8"))))
    assert len(nodes) == len(network.nodes) and len(edges) == len(network.edges)
    assert {"Id", "Label", "Kind"} <= set(nodes[0]) and {"Source", "Target", "Label"} <= set(edges[0])
    ids = {row["Id"] for row in nodes}
    assert all(row["Source"] in ids and row["Target"] in ids for row in edges)
    assert {row["Label"] for row in nodes if row["Kind"] == "organization"} >= set(SOURCE_ORGANIZATIONS)


def test_exports_escape_and_are_deterministic():
    hostile = net.Network(
        nodes=(net.Node("https://example.org/id/organization/a", "organization", "a",
                        {"it": 'A & <b> "c" \x01'}),
               net.Node("https://example.org/id/person/b", "person", "b", {"it": "]]></label><x/>"})),
        edges=(net.Edge("https://example.org/id/person/b", str(SDO.memberOf),
                        "https://example.org/id/organization/a", None, {"it": "<&>"}),),
        total=2, limit=net.LIMIT, truncated=False)
    positions = net.layout(hostile)
    for body in (net.to_graphml(hostile), net.to_gexf(hostile, positions=positions),
                 net.to_svg(hostile, positions, "it", href=lambda n: f"/doc/{n.kind}/{n.slug}",
                            kind_names={}, title="<t>")):
        text = ET.fromstring(body)  # well-formed
        assert "<b>" not in body.decode("utf-8") and text is not None
        assert 'A &amp; &lt;b&gt; "c" ' in body.decode("utf-8").replace("&quot;", '"')
    assert net.to_graphml(hostile) == net.to_graphml(hostile)


def test_svg_has_every_organization_and_a_notice_when_sampled(network, store, settings):
    body = net.to_svg(network, net.layout(network), "it", href=lambda n: f"/{n.path}",
                      kind_names={"organization": "Organizzazioni"}, title="La rete")
    root = ET.fromstring(body)
    ns = {"s": "http://www.w3.org/2000/svg"}
    drawn = {g.get("data-iri") for g in root.iterfind(".//s:g[@data-iri]", ns)}
    assert {n.iri for n in network.nodes if n.kind == "organization"} <= drawn
    titles = " ".join(t.text or "" for t in root.iterfind(".//s:title", ns))
    for name in SOURCE_ORGANIZATIONS:
        assert name in titles
    sample = net.build_network(store, settings.base_iri, limit=3)
    note = net.to_svg(sample, net.layout(sample), "it", href=lambda n: None, kind_names={},
                      title="t", notice="Campione di 3 nodi")
    assert b"Campione di 3 nodi" in note
