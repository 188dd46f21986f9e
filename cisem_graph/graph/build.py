"""Turn the parsed and validated sources into a version's content: canonical N-Quads and dumps.

Blank nodes are relabelled canonically, so equal input gives equal bytes (and an equal version
hash); every dump is written from that canonical dataset.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph

from ..config import Settings
from ..errors import ValidationFailed
from ..formats import by_name, ordered_jsonld
from ..namespaces import bind_prefixes, project_prefixes
from ..progress import Steps
from .revalidate import CACHE as VALIDATION_CACHE
from .revalidate import validate_with_cache
from .sources import Sources, load_sources
from .validate import Finding, violations
from .version import DUMP_FORMATS, DUMP_NAME


@dataclass
class Prepared:
    """Sources parsed, validated and relabelled canonically: what a version is made of."""

    sources: Sources
    findings: list[Finding]
    canonical: Dataset
    #: the sorted canonical N-Quads of the sources (metadata not yet added): the content
    nquads: bytes

    @property
    def content(self) -> str:
        """The content hash: equal data, equal hash, whatever the releases say."""
        return hashlib.sha256(self.nquads).hexdigest()


BUILD_STEPS = ["parse", "validate", "canonical blank nodes", "dumps", "store"]


def prepare(settings: Settings, steps: Steps | None = None) -> Prepared:
    """Parse and validate (``ValidationFailed`` on any violation), then relabel canonically."""
    step = steps.step if steps else (lambda _name: None)
    step("parse")
    sources = load_sources(settings)
    step("validate")
    findings, _ = validate_with_cache(sources, settings, Path(settings.dist_dir) / VALIDATION_CACHE)
    if violations(findings):
        raise ValidationFailed(findings)
    step("canonical blank nodes")
    canonical = canonical_dataset(sources)
    return Prepared(sources, findings, canonical, nquads(canonical))


def canonical_dataset(sources: Sources) -> Dataset:
    """The sources with blank nodes relabelled canonically, so equal input gives equal bytes."""
    canonical = Dataset()
    bind_prefixes(canonical, sources.settings.base_iri)
    counter = 0
    for graph_id in sorted(sources.graph_files):
        graph = sources.rdflib_dataset.graph(URIRef(graph_id))
        keys = tree_keys(graph)
        if keys is None:  # blank nodes that are not structured values: rdflib's general algorithm
            graph = to_canonical_graph(graph)
            keys = {t: str(t) for triple in graph for t in triple if isinstance(t, BNode)}
        order = sorted(keys, key=keys.__getitem__)
        renamed = {node: BNode(f"b{counter + i}") for i, node in enumerate(order)}
        counter += len(order)
        target = canonical.graph(URIRef(graph_id))
        for triple in graph:
            target.add(tuple(renamed.get(t, t) for t in triple))
    return canonical


def tree_keys(graph: Graph) -> dict[BNode, str] | None:
    """A key for each blank node from its holder and its content, when every blank node is a
    structured value (object of at most one triple, no cycle): what our data's addresses,
    identifiers and locations are. Equal for equal graphs whatever the parser's labels, and
    linear, where rdflib's canonicalization took 296 s of a 1M-triple build. ``None`` when it does
    not apply (a shared or cyclic blank node, or two indistinguishable ones)."""
    holder: dict[BNode, tuple] = {}
    nodes: set[BNode] = set()
    for s, p, o in graph:
        if isinstance(s, BNode):
            nodes.add(s)
        if isinstance(o, BNode):
            nodes.add(o)
            if o in holder:
                return None
            holder[o] = (s, p)
    content: dict[BNode, str] = {}

    def content_of(node: BNode, depth: int) -> str:
        if node not in content:
            if depth > len(nodes):
                raise RecursionError
            parts = sorted(f"{p.n3()} {content_of(o, depth + 1) if isinstance(o, BNode) else o.n3()}"
                           for p, o in graph.predicate_objects(node))
            content[node] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return content[node]

    def key_of(node: BNode, depth: int) -> str:
        if depth > len(nodes):
            raise RecursionError
        if node not in holder:
            return content_of(node, 0)
        s, p = holder[node]
        up = key_of(s, depth + 1) if isinstance(s, BNode) else s.n3()
        return hashlib.sha256(f"{up} {p.n3()} {content_of(node, 0)}".encode()).hexdigest()

    try:
        keys = {node: key_of(node, 0) for node in nodes}
    except RecursionError:
        return None
    return keys if len(set(keys.values())) == len(keys) else None


def add_graph(dataset: Dataset, graph: Graph) -> None:
    target = dataset.graph(graph.identifier)
    for triple in graph:
        target.add(triple)


def nquads(dataset: Dataset) -> bytes:
    lines = dataset.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)
    return b"".join(sorted(set(line for line in lines if line.strip())))


def serialize_dumps(dataset: Dataset, base: str) -> dict[str, bytes]:
    """Every dump format, each the same bytes for the same data: N-Quads and N-Triples sorted,
    TriG and Turtle written by pyoxigraph from them (rdflib took 160 s for the two at 1M
    triples), JSON-LD compacted with the project context by rdflib, then put in one order."""
    body_nq = nquads(dataset)
    quads = list(parse(body_nq, RdfFormat.N_QUADS))
    triples = sorted({q.triple for q in quads}, key=str)
    prefixes = project_prefixes(base)
    dumps: dict[str, bytes] = {}
    for name in DUMP_FORMATS:
        fmt = by_name(name)
        if name == "nquads":
            body = body_nq
        elif name == "ntriples":
            body = serialize(triples, format=RdfFormat.N_TRIPLES)
        elif name == "trig":
            body = _sorted_prefixes(serialize(quads, format=RdfFormat.TRIG, prefixes=prefixes))
        elif name == "turtle":
            body = _sorted_prefixes(serialize(triples, format=RdfFormat.TURTLE, prefixes=prefixes))
        elif name == "jsonld":
            body = ordered_jsonld(dataset.serialize(format="json-ld", context=prefixes, indent=2,
                                                    encoding="utf-8"))
        else:
            raise ValueError(f"no writer for the dump format {name}")
        dumps[f"{DUMP_NAME}.{fmt.extension}"] = body
    return dumps


def _sorted_prefixes(body: bytes) -> bytes:
    """The ``@prefix`` lines in name order: pyoxigraph writes them in the order of a hash map."""
    lines = body.splitlines(keepends=True)
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
    return b"".join(sorted(lines[:count])) + b"".join(lines[count:])


