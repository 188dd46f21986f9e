"""What the publisher says about one thing, asked of the store with one query.

The description is built from a SELECT of quads through the store interface, so it works on any
store kind (embedded or remote) and keeps the named graph of every statement: the thing's own
statements, its structured values (blank nodes, one level down) and the labels of what it links to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from .formats import by_name
from .namespaces import RDFS, SDO, SKOS, bind_prefixes
from .store.base import Store

LABELS = (SDO.name, RDFS.label, SKOS.prefLabel)
_LABELS = " ".join(f"<{p}>" for p in LABELS)

DESCRIBE_QUADS = """SELECT ?g ?s ?p ?o WHERE {{
  {{ GRAPH ?g {{ <{iri}> ?p ?o }} BIND(<{iri}> AS ?s) }}
  UNION {{ GRAPH ?g {{ <{iri}> ?link ?s . ?s ?p ?o FILTER(isBlank(?s)) }} }}
  UNION {{ <{iri}> ?link ?s FILTER(isIRI(?s) && ?s != <{iri}>)
          GRAPH ?g {{ ?s ?p ?o VALUES ?p {{ {labels} }} }} }}
}}"""

INCOMING = """SELECT ?s ?p ?label WHERE {{
  ?s ?p <{iri}> FILTER(isIRI(?s))
  OPTIONAL {{ ?s <{name}> ?label }}
}} ORDER BY ?s ?p LIMIT {limit} OFFSET {offset}"""


@dataclass(frozen=True)
class Incoming:
    subject: URIRef
    predicate: URIRef
    labels: tuple[Literal, ...]


def describe(store: Store, iri: str, base: str) -> Dataset:
    """The description of ``iri`` as a dataset whose named graphs are the sources of each fact."""
    _check_iri(iri)
    answer = store.execute(store.prepare(DESCRIBE_QUADS.format(iri=iri, labels=_LABELS)),
                           by_name("json"))
    dataset = Dataset()
    bind_prefixes(dataset, base)
    for row in json.loads(answer.body)["results"]["bindings"]:
        graph = dataset.graph(URIRef(row["g"]["value"]))
        graph.add((_term(row["s"]), _term(row["p"]), _term(row["o"])))
    return dataset


def flatten(dataset: Dataset) -> Graph:
    """The description's triples without their graphs (for formats that hold one graph)."""
    graph = Graph()
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=True)
    for g in dataset.graphs():
        graph += g
    return graph


def incoming(store: Store, iri: str, *, limit: int, offset: int) -> list[Incoming]:
    """Things that link to ``iri``, a page at a time (a place may be referenced by thousands)."""
    _check_iri(iri)
    query = INCOMING.format(iri=iri, name=SDO.name, limit=int(limit) + 1, offset=int(offset))
    answer = store.execute(store.prepare(query), by_name("json"))
    grouped: dict[tuple[URIRef, URIRef], list[Literal]] = {}
    for row in json.loads(answer.body)["results"]["bindings"]:
        key = (URIRef(row["s"]["value"]), URIRef(row["p"]["value"]))
        labels = grouped.setdefault(key, [])
        if "label" in row:
            labels.append(_term(row["label"]))
    return [Incoming(s, p, tuple(labels)) for (s, p), labels in grouped.items()]


def _check_iri(iri: str) -> None:
    """IRIs are spliced into query text: refuse anything that could end the IRI early."""
    if any(c in iri for c in '<>"{}|^`\\ \n\r\t'):
        raise ValueError(f"not an IRI that can be described: {iri!r}")


def _term(binding: dict) -> Node:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in binding:
        return Literal(value, lang=binding["xml:lang"])
    datatype = binding.get("datatype")
    return Literal(value, datatype=URIRef(datatype) if datatype else None)
