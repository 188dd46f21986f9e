"""The network's routes through Flask's test client: the page, its JSON, the SVG and the exports.

Expected names come from the press release; every node and edge from ``tests/shipped_network.py``,
written by hand from the data files, never from the program's output.
"""

from __future__ import annotations

import csv
import io
import json
import re
from xml.etree import ElementTree as ET

import networkx as nx
import pytest
from shipped_network import EDGE_KEYS, NODE_IRIS, NODES, ORGANIZATION_IRIS, PAIRS, iri

from cisem_graph import network as net

ORGANIZATIONS = ("Camera di Commercio di Cuneo", "Comitato Imprenditorialità Sociale E Microcredito",
                 "Euricse", "Il Laboratorio", "Cascina Pensolato")
SVG = "{http://www.w3.org/2000/svg}"


def test_page_lists_every_organization_and_links_the_exports(client):
    response = client.get("/network", headers={"Accept-Language": "it"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for name in ORGANIZATIONS:
        assert f">{name}</a>" in page
    for slug in NODES["organization"]:
        # on the host that was asked, never the canonical base
        assert f'href="/doc/organization/{slug}" data-iri="{iri("organization/" + slug)}"' in page
    for route in ("/network.graphml", "/network.gexf", "/network-nodes.csv", "/network-edges.csv",
                  "/network.json", "/network.svg"):
        assert f'href="{route}' in page
    assert 'src="/static/network.js"' in page
    assert 'data-src="/network.json?lang=it"' in page
    assert '<img src="/network.svg?lang=it"' in page  # the picture without JavaScript
    assert 'name="kind" value="organization" checked' in page
    assert "network-notice" not in page
    assert 'href="/network"' in page  # the nav link of every page
    assert "La rete" in page


def test_page_in_english_and_the_sparql_behind_it(client):
    page = client.get("/network?lang=en").get_data(as_text=True)
    assert "<h1>The network</h1>" in page and "Chamber of Commerce of Cuneo" in page
    assert "/sparql?query=" in page and "SELECT DISTINCT ?total ?node" in page


def test_a_small_limit_says_the_page_shows_a_sample(client):
    page = client.get("/network?limit=4&lang=it").get_data(as_text=True)
    assert 'id="network-notice"' in page
    assert f"un campione di 4 dei {len(NODE_IRIS)} nodi" in page
    english = client.get("/network?limit=4&lang=en").get_data(as_text=True)
    assert f"a sample of 4 of its {len(NODE_IRIS)} nodes" in english
    data = client.get("/network.json?limit=4").get_json()
    assert data["truncated"] is True and len(data["nodes"]) == 4 and data["total"] == len(NODE_IRIS)
    assert client.get("/network.graphml?limit=4").headers["X-Network-Truncated"] == "true"


@pytest.mark.parametrize("limit", ["0", "-1", "abc", str(net.LIMIT + 1), "1" * 30])
def test_bad_limits_are_refused(client, limit):
    assert client.get(f"/network?limit={limit}").status_code == 400


def test_kind_filter_without_javascript(client):
    page = client.get("/network?kind=organization&kind=nonsense").get_data(as_text=True)
    assert 'name="kind" value="organization" checked' in page
    assert 'name="kind" value="person">' in page
    assert re.search(r'id="kind-person" data-kind="person" hidden', page)
    assert "/network.svg?lang=it&amp;kind=organization" in page


def test_json_nodes_edges_and_positions(client):
    response = client.get("/network.json", headers={"Accept-Language": "en"})
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["truncated"] is False and data["lang"] == "en"
    ids = {n["id"] for n in data["nodes"]}
    assert ids == NODE_IRIS and len(data["nodes"]) == len(NODE_IRIS)
    assert {(e["source"], e["target"]) for e in data["edges"]} == PAIRS
    assert len(data["edges"]) == len(EDGE_KEYS)
    for node in data["nodes"]:
        assert node["href"].startswith("/doc/") and 0 <= node["x"] <= data["width"]
        assert 0 <= node["y"] <= data["height"]
    assert {k["kind"] for k in data["kinds"]} == set(NODES)


def test_graphml_download_loads_in_networkx(client, tmp_path):
    response = client.get("/network.graphml")
    assert response.headers["Content-Disposition"] == 'attachment; filename="cisem-network.graphml"'
    path = tmp_path / "n.graphml"
    path.write_bytes(response.data)
    graph = nx.read_graphml(path)
    assert set(graph.nodes) == NODE_IRIS
    assert set(graph.edges) == PAIRS and graph.number_of_edges() == len(EDGE_KEYS)


def test_gexf_and_csv_downloads(client):
    gexf = client.get("/network.gexf")
    assert gexf.headers["Content-Disposition"].startswith("attachment;")
    root = ET.fromstring(gexf.data)
    ns = {"g": "http://gexf.net/1.3"}
    assert {n.get("id") for n in root.findall("g:graph/g:nodes/g:node", ns)} == NODE_IRIS
    assert len(root.findall("g:graph/g:edges/g:edge", ns)) == len(EDGE_KEYS)
    tables = {}
    for route in ("/network-nodes.csv", "/network-edges.csv"):
        response = client.get(route)
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        tables[route] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted(row["Id"] for row in tables["/network-nodes.csv"]) == sorted(NODE_IRIS)
    assert sorted((row["Source"], row["Target"]) for row in tables["/network-edges.csv"]) == sorted(PAIRS)
    english = client.get("/network-nodes.csv?lang=en").get_data(as_text=True)
    assert "Chamber of Commerce of Cuneo" in english.split("\r\n", 2)[1] + english


def test_svg_is_valid_and_names_every_organization(client):
    response = client.get("/network.svg")
    assert response.mimetype == "image/svg+xml"
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    root = ET.fromstring(response.data)
    assert root.tag == f"{SVG}svg"
    text = " ".join(t.text or "" for t in root.iter() if t.tag in (f"{SVG}text", f"{SVG}title"))
    for name in ORGANIZATIONS:
        assert name in text
    drawn = {g.get("data-iri") for g in root.iter(f"{SVG}g") if g.get("data-iri")}
    assert ORGANIZATION_IRIS <= drawn
    links = {a.get("href") for a in root.iter(f"{SVG}a")}
    assert "/doc/organization/cisem" in links
    assert not root.findall(f".//{SVG}script")


def test_home_page_embeds_the_picture(client):
    page = client.get("/?lang=it").get_data(as_text=True)
    assert re.search(r'<img class="network-picture" src="/network\.svg\?lang=it"', page)
    assert 'href="/network?lang=it"' in page
    assert 'href="/network.graphml?lang=it"' in page  # the language chosen is kept on every link


@pytest.mark.parametrize("route", ["/network", "/network.json", "/network.svg", "/network.graphml",
                                   "/network.gexf", "/network-nodes.csv", "/network-edges.csv"])
def test_etag_last_modified_and_304(client, route):
    first = client.get(route)
    assert first.status_code == 200
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get(route, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    assert client.get(route, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304


def test_gzip_when_asked(client):
    response = client.get("/network.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]


def test_links_follow_the_host_that_was_asked(mirror_client):
    page = mirror_client.get("/network", base_url="http://mirror.example:8081").get_data(as_text=True)
    assert "https://w3id.org/cisem/doc/" not in page
    data = json.loads(mirror_client.get("/network.json", base_url="http://mirror.example:8081").data)
    assert all(n["href"].startswith("/doc/") for n in data["nodes"])
