"""Graphs written the same way by every process: one representation, one body.

An ETag names a representation (the version, the path, the format, the language), not its bytes,
so every worker and every replica behind a cache must write the same bytes for it, or a cache
holds two bodies under one strong tag. rdflib writes N-Triples, N-Quads, RDF/XML, TriG and JSON-LD
in the order of its in-memory sets, which follows the process's hash seed (``PYTHONHASHSEED``, a
new one per process), and two stores loaded apart label the same blank nodes differently. So a
description is read with canonical blank nodes (``describe``: a page lists structured values in
one order on every replica), and a page's RDF is written here:

- blank nodes get canonical labels, graph by graph (a blank node belongs to the one source
  document, the one named graph, that states it): a hash of what the node says and of what
  points at it, which tells apart every blank node of the project's data (addresses, property
  shapes, lists) at once; where two would get one label, ``rdflib.compare``'s exact
  canonicalization decides (seconds on the shapes, so only then);
- N-Triples and N-Quads lines are sorted; RDF/XML and TriG are written by pyoxigraph from the
  sorted statements (it writes in the order given, with the project's prefixes); Turtle is
  rdflib's (it sorts); JSON-LD is rdflib's compaction with every array sorted but ``@list``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from pyoxigraph import RdfFormat, parse, serialize
from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from .formats import Format

_OXIGRAPH = {"rdfxml": RdfFormat.RDF_XML, "trig": RdfFormat.TRIG}


def canonical(graph: Graph) -> Graph:
    """``graph`` with canonical blank node labels (itself when it has no blank node)."""
    if not any(isinstance(term, BNode) for triple in graph for term in triple[::2]):
        return graph
    out = Graph(identifier=graph.identifier, namespace_manager=graph.namespace_manager)
    labels = _hashed_labels(graph)
    if labels is None:
        for triple in to_canonical_graph(graph):
            out.add(triple)
        return out
    for s, p, o in graph:
        out.add((labels.get(s, s), p, labels.get(o, o)))
    return out


class _Cycle(Exception):
    """Blank nodes that point at each other in a ring."""


def _hashed_labels(graph: Graph) -> dict[BNode, BNode] | None:
    """A label for every blank node from what it says (recursively) and what points at it (and
    at that, until no label splits further); ``None`` when two blank nodes would share one."""
    outgoing: dict[BNode, list[tuple[Node, Node]]] = {}
    incoming: dict[BNode, list[tuple[Node, Node]]] = {}
    for s, p, o in graph:
        if isinstance(s, BNode):
            outgoing.setdefault(s, []).append((p, o))
            incoming.setdefault(s, [])
        if isinstance(o, BNode):
            incoming.setdefault(o, []).append((s, p))
            outgoing.setdefault(o, [])
    content: dict[BNode, str] = {}

    def said(node: BNode, path: frozenset = frozenset()) -> str:
        if node in content:
            return content[node]
        if node in path:
            raise _Cycle
        lines = sorted(f"{p.n3()} {said(o, path | {node}) if isinstance(o, BNode) else o.n3()}"
                       for p, o in outgoing[node])
        content[node] = digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        return digest

    try:  # a cycle, or a list too long to recurse into: the exact way decides
        color = {node: said(node) for node in outgoing}
    except (_Cycle, RecursionError):
        return None
    # refine by what points at a node, its pointers' labels included, until nothing splits
    while True:
        refined = {}
        for node in outgoing:
            pointers = sorted(f"{color[s] if isinstance(s, BNode) else s.n3()} {p.n3()}"
                              for s, p in incoming[node])
            material = color[node] + "\n" + "\n".join(pointers)
            refined[node] = hashlib.sha256(material.encode()).hexdigest()
        if len(set(refined.values())) == len(set(color.values())):
            break
        color = refined
    if len(set(color.values())) != len(color):
        return None
    return {node: BNode("c" + value[:24]) for node, value in color.items()}


def canonical_dataset(dataset: Dataset) -> Dataset:
    """``dataset`` with canonical blank node labels, graph by graph (itself without any)."""
    graphs = [(g, canonical(g)) for g in dataset.graphs() if len(g)]
    if all(new is old for old, new in graphs):
        return dataset
    out = Dataset()
    for prefix, namespace in dataset.namespaces():
        out.bind(prefix, namespace, override=True, replace=True)
    for old, new in graphs:
        target = out.graph(old.identifier)
        for triple in new:
            target.add(triple)
    return out


def write_graph(graph: Graph, fmt: Format, prefixes: Mapping[str, str], *,
                context: Mapping[str, str] | None = None) -> bytes:
    """One graph in ``fmt`` (not a dataset format); ``context``: JSON-LD's, by value."""
    graph = canonical(graph)
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    if fmt.name == "ntriples":
        return _sorted_lines(graph.serialize(format="nt", encoding="utf-8"))
    if fmt.name == "jsonld":
        data = json.loads(graph.serialize(format="json-ld", context=dict(context or prefixes)))
        return json.dumps(_sorted_json(data), indent=2, ensure_ascii=False).encode("utf-8")
    if fmt.name in _OXIGRAPH:
        nt = _sorted_lines(graph.serialize(format="nt", encoding="utf-8"))
        return serialize(parse(nt, RdfFormat.N_TRIPLES), format=_OXIGRAPH[fmt.name],
                         prefixes=dict(prefixes))
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


def write_dataset(dataset: Dataset, fmt: Format, prefixes: Mapping[str, str]) -> bytes:
    """A dataset in a dataset format (TriG, N-Quads), each named graph canonical on its own."""
    lines = []
    for graph in dataset.graphs():
        if len(graph):
            name = f" <{graph.identifier}> ."
            nt = canonical(graph).serialize(format="nt", encoding="utf-8").decode("utf-8")
            lines += [line[:-2] + name for line in nt.splitlines() if line.endswith(" .")]
    nquads = "".join(f"{line}\n" for line in sorted(lines)).encode("utf-8")
    if fmt.name == "nquads":
        return nquads
    return serialize(parse(nquads, RdfFormat.N_QUADS), format=RdfFormat.TRIG,
                     prefixes=dict(prefixes))


def write_any(graph: Graph, fmt: Format, prefixes: Mapping[str, str]) -> bytes:
    """One graph in any RDF format: in its own named graph for a dataset format."""
    if not fmt.dataset:
        return write_graph(graph, fmt, prefixes)
    dataset = Dataset()
    target = dataset.graph(graph.identifier)
    for triple in graph:
        target.add(triple)
    return write_dataset(dataset, fmt, prefixes)


def _sorted_lines(data: bytes) -> bytes:
    return b"".join(sorted(line + b"\n" for line in data.splitlines() if line.strip()))


def _sorted_json(value: Any, in_list: bool = False) -> Any:
    """Every array sorted (JSON-LD arrays are sets), but a ``@list``'s items, kept in order."""
    if isinstance(value, dict):
        return {key: _sorted_json(item, key == "@list") for key, item in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(item) for item in value]
        return items if in_list else sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value
