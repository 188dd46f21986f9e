"""Graphs written the same way whatever their blank node labels and insertion order, and never with
two blank nodes merged into one."""

from __future__ import annotations

import json
import random

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from cisem_graph.canonical import canonical, write_graph
from cisem_graph.formats import by_name

E = "http://example.org/"
P, CITY, LANGS = URIRef(E + "address"), URIRef(E + "city"), URIRef(E + "languages")
PREFIXES = {"ex": E}


def addresses(seed: int) -> Graph:
    """Two subjects with an address each, one with two equal addresses (indistinguishable blank
    nodes), a list, a ring of two blank nodes; labels and order drawn from ``seed``."""
    rng = random.Random(seed)
    label = lambda: BNode(f"b{rng.randrange(10**9)}")  # noqa: E731 - a short helper
    triples = []
    for subject, city in (("x", "Cuneo"), ("y", "Alba"), ("z", "Bra"), ("z", "Bra")):
        node = label()
        triples += [(URIRef(E + subject), P, node), (node, CITY, Literal(city, lang="it"))]
    ring = [label(), label()]
    triples += [(URIRef(E + "r"), P, ring[0]), (ring[0], P, ring[1]), (ring[1], P, ring[0])]
    graph = Graph()
    head = label()
    Collection(graph, head, [Literal("it"), Literal("en")])
    triples.append((URIRef(E + "x"), LANGS, head))
    rng.shuffle(triples)
    for triple in triples:
        graph.add(triple)
    return graph


@pytest.mark.parametrize("fmt", ["ntriples", "rdfxml", "trig", "jsonld", "turtle"])
def test_the_same_graph_labelled_apart_is_written_the_same(fmt):
    assert write_graph(addresses(1), by_name(fmt), PREFIXES) == \
        write_graph(addresses(2), by_name(fmt), PREFIXES)


def test_no_two_blank_nodes_become_one():
    graph = addresses(3)
    out = canonical(graph)
    assert len(out) == len(graph)
    blank = {t for triple in out for t in triple if isinstance(t, BNode)}
    assert len(blank) == len({t for triple in graph for t in triple if isinstance(t, BNode)})
    assert len(set(out.objects(URIRef(E + "z"), P))) == 2  # the two equal addresses stay two


def test_a_graph_without_blank_nodes_is_itself():
    graph = Graph()
    graph.add((URIRef(E + "x"), RDF.type, URIRef(E + "Thing")))
    assert canonical(graph) is graph


def test_json_ld_keeps_a_lists_order():
    data = json.loads(write_graph(addresses(4), by_name("jsonld"), PREFIXES))
    lists = [node for node in data.get("@graph", [data]) if "ex:languages" in node]
    assert lists and lists[0]["ex:languages"]["@list"] == ["it", "en"]
