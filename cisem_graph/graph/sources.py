"""Read the curated files into one pyoxigraph store: one named graph per source document.

Files use IRIs relative to the base, resolved here, so a deployment with another base edits no
file. Every parse error is reported with the file, line and column, never as a bare exception.
Literals keep their lexical form as written (``"01"^^xsd:integer`` stays ``"01"``), and each file's
blank nodes are its own (the parser renames them), as RDF's merge of separate documents wants.

rdflib copies of the data (``rdflib_dataset``, ``rdflib_union``) exist for the reference SHACL engine
and for tests; they cost seconds per hundred thousand triples and the build never asks for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph
from rdflib.namespace import NamespaceManager

from ..config import Settings
from ..errors import LoadError
from ..namespaces import bind_prefixes, graph_iri
from ..progress import track
from .terms import quad, to_rdflib, triple_of

#: the named graph that holds the project ontology and its concept scheme
ONTOLOGY_GRAPH = "ontology"
#: the generated named graph that describes the dataset (VoID/DCAT)
METADATA_GRAPH = "metadata"
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: a Turtle prefix directive (``@prefix p: <iri> .`` or ``PREFIX p: <iri>``), for display only
_DIRECTIVE = re.compile(rb"^[ \t]*(?:@prefix|PREFIX)[ \t]+[^\n]*", re.M | re.I)
_POSITION = re.compile(r"^Parser error (?:at|between) line \d+ column \d+(?: and line \d+ column \d+)?: ")


@dataclass
class Sources:
    """The parsed files: the store (a named graph per file), and which file each graph came from."""

    store: ox.Store
    #: graph IRI -> the file it was read from (the ontology graph: its first file)
    graph_files: dict[str, Path]
    settings: Settings
    #: the prefixes the files declare, so that findings show ``role:x`` as the files write it
    declared: dict[str, str] = field(default_factory=dict)
    #: graph IRI -> the Turtle documents as read: the build writes the dumps from these, so
    #: literals keep their lexical form (the store keeps values: ``"01"^^xsd:integer`` is 1 there)
    documents: dict[str, list[bytes]] = field(default_factory=dict)

    @property
    def ontology_graph(self) -> str:
        return str(graph_iri(self.settings.base_iri, ONTOLOGY_GRAPH))

    def file_of(self, graph: str) -> Path | None:
        return self.graph_files.get(str(graph))

    def display_path(self, path: Path) -> str:
        """A path relative to the project root where possible: messages never show host paths."""
        try:
            return str(path.resolve().relative_to(self.settings.root.resolve()))
        except ValueError:
            return path.name

    def graphs_of(self, node: ox.NamedNode | ox.BlankNode | ox.Literal) -> list[str]:
        """The graphs that state something about ``node``: as subject, else as object, in the
        order of the files."""
        found: set[str] = set()
        if not isinstance(node, ox.Literal):
            found = {q.graph_name.value for q in self.store.quads_for_pattern(node, None, None)}
        if not found:
            found = {q.graph_name.value for q in self.store.quads_for_pattern(None, None, node)}
        return [g for g in self.graph_files if g in found]

    def select(self, query: str) -> ox.QuerySolutions:
        """A SELECT over the union of the named graphs."""
        return self.store.query(query, use_default_graph_as_union=True)

    @cached_property
    def namespaces(self) -> NamespaceManager:
        """The project's prefixes, then those the files declare: how findings show IRIs."""
        graph = Graph(bind_namespaces="none")
        bind_prefixes(graph, self.settings.base_iri)
        bound = {str(ns) for _, ns in graph.namespaces()}
        known = {name for name, _ in graph.namespaces()}
        for name, namespace in self.declared.items():
            if name not in known and namespace not in bound:
                graph.bind(name, namespace)
                known.add(name)
                bound.add(namespace)
        return graph.namespace_manager

    @cached_property
    def rdflib_dataset(self) -> Dataset:
        """An rdflib copy, graph by graph, with the store's blank nodes and lexical forms; its
        default graph is their union."""
        dataset = Dataset(default_union=True)
        dataset.namespace_manager = self.namespaces
        for graph_id in self.graph_files:
            target = dataset.graph(to_rdflib(ox.NamedNode(graph_id)))
            for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph_id)):
                target.add(triple_of(q))
        return dataset

    @cached_property
    def rdflib_union(self) -> Graph:
        """Every named graph merged into one rdflib graph (the reference engine's data graph)."""
        merged = Graph()
        merged.namespace_manager = self.namespaces
        for q in self.store.quads_for_pattern(None, None, None):
            merged.add(triple_of(q))
        return merged

    def add_graph(self, graph: Graph, path: Path) -> None:
        """Add a named graph as if ``path`` were already among the files (an import's check);
        its blank nodes keep their identifiers, so findings about them can be traced back."""
        name = str(graph.identifier)
        quads = [quad(triple, name) for triple in graph]
        self.store.extend(quads)
        self.graph_files[name] = path
        self.documents[name] = [ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES)]
        self._forget()

    def remove_graph(self, graph_id: str) -> None:
        name = str(graph_id)
        if name in self.graph_files:
            self.store.remove_graph(ox.NamedNode(name))
            del self.graph_files[name]
            del self.documents[name]
        self._forget()

    def _forget(self) -> None:
        for copy in ("rdflib_dataset", "rdflib_union"):
            self.__dict__.pop(copy, None)


def parse_turtle(path: Path, store: ox.Store, graph: str, base: str,
                 shown: str) -> tuple[bytes, dict[str, str]]:
    """Parse one Turtle file into ``graph``, turning every failure into a ``LoadError`` naming file,
    line and column; return the document and the prefixes it declares."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read ({exc.strerror})", file=shown) from exc
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 ({exc.reason} at byte {exc.start})", file=shown) from exc
    try:
        store.load(data, ox.RdfFormat.TURTLE, base_iri=base, to_graph=ox.NamedNode(graph))
    except SyntaxError as exc:
        reason = _POSITION.sub("", exc.msg)
        raise LoadError(f"Turtle syntax error: {reason}", file=shown, line=exc.lineno,
                        column=exc.offset) from None
    return data, declared_prefixes(data, base)


def declared_prefixes(data: bytes, base: str) -> dict[str, str]:
    """The prefix directives of a Turtle document, their IRIs resolved against the base."""
    directives = b"\n".join(m.group(0) for m in _DIRECTIVE.finditer(data))
    parser = ox.parse(directives, ox.RdfFormat.TURTLE, base_iri=base)
    try:
        for _ in parser:
            pass
    except SyntaxError:  # a directive split over lines: display prefixes are a courtesy
        return {}
    return dict(parser.prefixes)


def turtle_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.ttl") if p.is_file())


def load_sources(settings: Settings) -> Sources:
    """Parse ``ontology/`` and ``data/`` into a store, one named graph per data file."""
    base = settings.base_iri
    sources = Sources(ox.Store(), {}, settings)
    ontology = sources.ontology_graph
    for path in turtle_files(settings.ontology_dir):
        _read(sources, path, ontology, sources.display_path(path))
    data_files = turtle_files(settings.data_dir)
    if not data_files:
        raise LoadError("no data files (*.ttl) found", file=sources.display_path(settings.data_dir))
    for path in track(data_files, "parse data files", unit="file"):
        name = path.stem
        shown = sources.display_path(path)
        if not _NAME.match(name) or name in (ONTOLOGY_GRAPH, METADATA_GRAPH):
            raise LoadError(
                f"file name {name!r} cannot name a graph: use lower-case ASCII letters, digits "
                f"and hyphens, and not '{ONTOLOGY_GRAPH}' or '{METADATA_GRAPH}'", file=shown)
        _read(sources, path, str(graph_iri(base, name)), shown)
    return sources


def _read(sources: Sources, path: Path, graph: str, shown: str) -> None:
    data, declared = parse_turtle(path, sources.store, graph, sources.settings.base_iri, shown)
    sources.graph_files.setdefault(graph, path)
    sources.documents.setdefault(graph, []).append(data)
    for name, namespace in declared.items():
        sources.declared.setdefault(name, namespace)


def load_shapes(settings: Settings) -> Graph:
    """The SHACL shapes, parsed as the data is, as an rdflib graph (what both engines take): not
    part of the published dataset, served as a document of their own."""
    base = settings.base_iri
    files = turtle_files(settings.shapes_dir)
    if not files:
        raise LoadError("no SHACL shapes (*.ttl) found", file="shapes/")
    store = ox.Store()
    shapes = Graph()
    bind_prefixes(shapes, base)
    for path in files:
        _, declared = parse_turtle(path, store, f"{base}shapes", base, f"shapes/{path.name}")
        for name, namespace in declared.items():
            if name not in dict(shapes.namespaces()):
                shapes.bind(name, namespace)
    for q in store:
        shapes.add(triple_of(q))
    return shapes
