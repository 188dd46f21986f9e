"""The project's Turtle files read with rdflib alone: the oracle that dumps and stores are compared
with, graph by graph (one file is one named graph; the ontology folder is the graph ``ontology``).

Nothing of ``cisem_graph`` is used here, so a fault in its loading, relabelling or writing cannot
hide in the expected values.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

BASE = "https://w3id.org/cisem/"
METADATA = f"{BASE}graph/metadata"


def folder_graph(folder: Path, base: str = BASE) -> Graph:
    """Every Turtle file of ``folder`` in one graph, relative IRIs resolved against ``base``."""
    graph = Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle", publicID=base)
    return graph


def graphs_of_files(root: Path, base: str = BASE) -> dict[str, Graph]:
    """Graph IRI -> the triples of its file(s), relative IRIs resolved against ``base``."""
    graphs = {f"{base}graph/ontology": folder_graph(root / "ontology", base)}
    for path in sorted((root / "data").glob("*.ttl")):
        graphs[f"{base}graph/{path.stem}"] = Graph().parse(path, format="turtle", publicID=base)
    return graphs


def merged(graphs) -> Graph:
    """The union of ``graphs`` as a set of triples, each graph's blank nodes its own."""
    union = Graph()
    for graph in graphs:
        union += graph
    return union


def named_graphs(dataset: Dataset) -> dict[str, Graph]:
    """Each non-empty named graph of ``dataset`` as a plain graph."""
    found: dict[str, Graph] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g is not None and g != dataset.default_graph.identifier:
            found.setdefault(str(getattr(g, "identifier", g)), Graph()).add((s, p, o))
    return found


def assert_isomorphic(got: Graph, expected: Graph, what: str) -> None:
    """Equal up to blank-node labels; else say which triples differ (a few of each side)."""
    if isomorphic(got, expected):
        return
    _, extra, missing = graph_diff(to_isomorphic(got), to_isomorphic(expected))
    raise AssertionError(f"{what}: {len(extra)} triples more than expected, e.g. {_few(extra)}; "
                         f"{len(missing)} missing, e.g. {_few(missing)}")


def _few(graph: Graph) -> list[str]:
    return sorted(" ".join(term.n3() for term in triple) for triple in graph)[:5]
