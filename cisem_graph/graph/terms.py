"""One RDF term in both libraries: pyoxigraph, which holds the data, and rdflib, which the SHACL
reports, the reference engine, the importer and the metadata graph speak.

Both directions keep what the parser read: blank-node identifiers (so a finding's focus node is
the store's node) and literals' lexical forms (rdflib would rewrite ``"01"^^xsd:integer`` as
``"1"``; ``normalize=False`` keeps it, so both SHACL engines see the same data).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_rdflib(term: OxTerm) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language, normalize=False)
    datatype = term.datatype.value
    if datatype == _STRING:
        return Literal(term.value, normalize=False)
    return Literal(term.value, datatype=URIRef(datatype), normalize=False)


def triple_of(quad: ox.Quad | ox.Triple) -> tuple[Node, Node, Node]:
    """A pyoxigraph quad's (or triple's) statement as an rdflib triple."""
    return to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)


def to_oxigraph(node: Node) -> OxTerm:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None and str(node.datatype) not in (_STRING, _LANG_STRING):
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"not an RDF term: {node!r}")


def quad(triple: tuple[Node, Node, Node], graph: str) -> ox.Quad:
    """An rdflib triple as a pyoxigraph quad in the named graph ``graph``."""
    s, p, o = (to_oxigraph(t) for t in triple)
    return ox.Quad(s, p, o, ox.NamedNode(graph))


def graph_lines(graph: Graph) -> list[bytes]:
    """A small rdflib graph as sorted N-Quads lines in its named graph, written by pyoxigraph (so
    spelt as the lines of the parsed data are)."""
    name = str(graph.identifier)
    return sorted(ox.serialize([quad(t, name) for t in graph], format=ox.RdfFormat.N_QUADS)
                  .splitlines(keepends=True))
