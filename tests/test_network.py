"""The network (``cisem_graph.network``): built from one SPARQL query through the store, exported.

Expected values come from the press release (``sources/…``): the committee CISeM of the Camera di
Commercio di Cuneo organizes the webinar of 14 June 2021, where its president Alessandro Durando,
prof. Carlo Borzaga (president of Euricse) and the cooperatives Il Laboratorio and Cascina Pensolato
speak. The whole network expected (every node and edge) is written by hand from the data files in
``tests/shipped_network.py``, never taken from the program's own output.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from xml.etree import ElementTree as ET

import networkx as nx
import pytest
from shipped_network import (
    EDGE_KEYS,
    NODE_IRIS,
    NODES,
    ORGANIZATION_IRIS,
    PAIRS,
    TIED_AT_FOUR,
    TOP_WEIGHTS,
)

from cisem_graph import network as net
from cisem_graph.namespaces import ORG, SDO

SOURCE_ORGANIZATIONS = ("Camera di Commercio di Cuneo", "Comitato Imprenditorialità Sociale E Microcredito",
                        "Euricse", "Il Laboratorio", "Cascina Pensolato")
WEBINAR = "impresa sociale di inserimento lavorativo"


@pytest.fixture(scope="module")
def store(app):
    return app.extensions["cisem_graph"].store


@pytest.fixture(scope="module")
def network(store, settings):
    return net.build_network(store, settings.base_iri)


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


# -- what the network holds ----------------------------------------------------------------------

def test_every_thing_of_the_data_is_a_node_of_its_kind(network):
    assert {kind: {n.slug for n in network.nodes if n.kind == kind} for kind in NODES} == {
        kind: set(slugs) for kind, slugs in NODES.items()}
    for name in SOURCE_ORGANIZATIONS:
        assert by_label(network, name).kind == "organization"
    assert not network.truncated
    assert network.total == len(NODE_IRIS) == len(network.nodes)


def test_the_edges_are_those_the_data_files_state(network):
    assert {e.key for e in network.edges} == EDGE_KEYS
    assert len(network.edges) == len(EDGE_KEYS)


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


def test_order_by_kind_then_iri(network):
    assert [n.iri for n in network.nodes] == sorted(
        (n.iri for n in network.nodes), key=lambda iri: (net.NODE_KINDS.index(
            next(n.kind for n in network.nodes if n.iri == iri)), iri))
    assert [e.key for e in network.edges] == sorted(e.key for e in network.edges)


#: Run in a process of its own: the network and every export of it, each body's SHA-256 a line.
EXPORTS = """
import hashlib
from cisem_graph import network as net
from cisem_graph.config import Settings
from cisem_graph.store import open_store

settings = Settings.from_env()
store = open_store(settings)
try:
    network = net.build_network(store, settings.base_iri)
    positions = net.layout(network)
    for body in (net.to_graphml(network, "it"), net.to_gexf(network, "en", positions,
                 modified="2024-01-02T03:04:05+00:00"), net.nodes_csv(network, "it"),
                 net.edges_csv(network, "en"), net.to_svg(network, positions, "it",
                 href=lambda n: "/" + n.path, kind_names={}, title="t")):
        print(hashlib.sha256(body).hexdigest())
finally:
    store.close()
"""


def test_exports_are_the_same_bytes_whatever_the_hash_seed(dist_dir):
    """Built and exported in two processes with different ``PYTHONHASHSEED`` (set and dict order):
    the same bytes, so no order of the network comes from a hash."""
    digests = []
    for seed in ("1", "2"):
        run = subprocess.run([sys.executable, "-c", EXPORTS], capture_output=True, timeout=300,
                             env={**os.environ, "PYTHONHASHSEED": seed, "CISEM_DIST_DIR": str(dist_dir)})
        assert run.returncode == 0, run.stderr.decode(errors="replace")[-3000:]
        digests.append(run.stdout.split())
    assert len(digests[0]) == 5 and digests[0] == digests[1]


# -- bounded -----------------------------------------------------------------------------------------

def test_a_small_limit_gives_a_sample_that_says_so(store, settings, network):
    sample = net.build_network(store, settings.base_iri, limit=5)
    assert sample.truncated
    assert len(sample.nodes) == 5
    assert sample.total == len(network.nodes)
    inside = {n.iri for n in sample.nodes}
    assert all(e.source in inside and e.target in inside for e in sample.edges)
    # the sample keeps the things with the most links (counted by hand from the data files): the
    # webinar, Euricse and the province, then two of the three tied at four, in the engine's order
    weights = {n.iri: n.weight for n in sample.nodes}
    assert {iri: weights.get(iri) for iri in TOP_WEIGHTS} == TOP_WEIGHTS
    tied = inside - set(TOP_WEIGHTS)
    assert len(tied) == 2 and tied <= TIED_AT_FOUR and {weights[iri] for iri in tied} == {4}


def test_the_query_passes_the_public_guards(store, settings):
    prepared = store.prepare(net.network_query(settings.base_iri))
    assert prepared.form == "SELECT"


# -- exports ---------------------------------------------------------------------------------------

def test_graphml_loads_in_networkx_with_every_node_and_edge(network, tmp_path):
    path = tmp_path / "network.graphml"
    path.write_bytes(net.to_graphml(network, "it"))
    graph = nx.read_graphml(path)
    assert graph.is_directed()
    assert set(graph.nodes) == NODE_IRIS
    assert set(graph.edges) == PAIRS and graph.number_of_edges() == len(EDGE_KEYS)
    cisem = next(n for n in network.nodes if n.label("it").startswith("Comitato"))
    assert graph.nodes[cisem.iri]["kind"] == "organization"
    assert graph.nodes[cisem.iri]["label"] == "Comitato Imprenditorialità Sociale E Microcredito"
    assert graph.nodes[cisem.iri]["label_en"] == "Social Entrepreneurship and Microcredit Committee"
    assert graph.nodes[cisem.iri]["iri"] == cisem.iri
    labels = {data["label"] for _, _, data in graph.edges(data=True)}
    assert {"relatore", "organizzatore", "Presidente", "Direttore scientifico"} <= labels
    assert graph.graph["truncated"] is False


def test_gexf_is_gephi_13_with_every_node_and_edge(network, tmp_path):
    body = net.to_gexf(network, "en", net.layout(network), modified="2024-01-02T03:04:05+00:00")
    root = ET.fromstring(body)
    ns = {"g": "http://gexf.net/1.3"}
    assert root.tag == "{http://gexf.net/1.3}gexf" and root.get("version") == "1.3"
    assert len(root.findall("g:graph/g:nodes/g:node", ns)) == len(NODE_IRIS)
    assert len(root.findall("g:graph/g:edges/g:edge", ns)) == len(EDGE_KEYS)
    assert root.find("g:meta", ns).get("lastmodifieddate") == "2024-01-02"
    path = tmp_path / "network.gexf"
    path.write_bytes(body)
    graph = nx.read_gexf(path, version="1.3")
    assert set(graph.nodes) == NODE_IRIS and set(graph.edges) == PAIRS
    labels = {data["label"] for _, data in graph.nodes(data=True)}
    assert "Chamber of Commerce of Cuneo" in labels


def test_csv_tables(network):
    nodes = list(csv.DictReader(io.StringIO(net.nodes_csv(network, "it").decode("utf-8"))))
    edges = list(csv.DictReader(io.StringIO(net.edges_csv(network, "it").decode("utf-8"))))
    assert {"Id", "Label", "Kind"} <= set(nodes[0]) and {"Source", "Target", "Label"} <= set(edges[0])
    assert sorted(row["Id"] for row in nodes) == sorted(NODE_IRIS)
    assert sorted((row["Source"], row["Target"]) for row in edges) == sorted(PAIRS)
    assert {row["Label"] for row in nodes if row["Kind"] == "organization"} >= set(SOURCE_ORGANIZATIONS)


def test_exports_escape_what_they_write():
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


def test_svg_has_every_organization_and_a_notice_when_sampled(network, store, settings):
    body = net.to_svg(network, net.layout(network), "it", href=lambda n: f"/{n.path}",
                      kind_names={"organization": "Organizzazioni"}, title="La rete")
    root = ET.fromstring(body)
    ns = {"s": "http://www.w3.org/2000/svg"}
    drawn = {g.get("data-iri") for g in root.iterfind(".//s:g[@data-iri]", ns)}
    assert ORGANIZATION_IRIS <= drawn
    titles = " ".join(t.text or "" for t in root.iterfind(".//s:title", ns))
    for name in SOURCE_ORGANIZATIONS:
        assert name in titles
    sample = net.build_network(store, settings.base_iri, limit=3)
    note = net.to_svg(sample, net.layout(sample), "it", href=lambda n: None, kind_names={},
                      title="t", notice="Campione di 3 nodi")
    assert b"Campione di 3 nodi" in note
