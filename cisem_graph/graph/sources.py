"""Read the curated files into one rdflib ``Dataset``: one named graph per source document.

Files use IRIs relative to the base, resolved here, so a deployment with another base edits no
file. Every parse error is reported with the file and line, never as a bare rdflib exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from ..config import Settings
from ..errors import LoadError
from ..namespaces import bind_prefixes, graph_iri
from ..progress import track

#: the named graph that holds the project ontology and its concept scheme
ONTOLOGY_GRAPH = "ontology"
#: the generated named graph that describes the dataset (VoID/DCAT)
METADATA_GRAPH = "metadata"
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Sources:
    """The parsed files: the dataset, and which file each named graph came from."""

    dataset: Dataset
    graph_files: dict[URIRef, Path]
    settings: Settings

    @cached_property
    def union(self) -> Graph:
        """Every named graph merged into one plain graph, for lookups and SHACL.

        rdflib's union view of a ``Dataset`` warns on every read; a merged graph does not.
        """
        merged = Graph()
        bind_prefixes(merged, self.settings.base_iri)
        for graph_id in self.graph_files:
            merged += self.dataset.graph(graph_id)
        return merged

    def add_graph(self, graph: Graph, path: Path) -> None:
        """Add a named graph as if ``path`` were already among the files (an import's check)."""
        target = self.dataset.graph(graph.identifier)
        for triple in graph:
            target.add(triple)
        self.graph_files[graph.identifier] = path
        self.__dict__.pop("union", None)  # the cached merge no longer holds

    def remove_graph(self, graph_id: URIRef) -> None:
        if graph_id in self.graph_files:
            self.dataset.remove_graph(graph_id)
            del self.graph_files[graph_id]
        self.__dict__.pop("union", None)

    @property
    def ontology(self) -> Graph:
        return self.dataset.graph(graph_iri(self.settings.base_iri, ONTOLOGY_GRAPH))

    def file_of(self, graph: URIRef) -> Path | None:
        return self.graph_files.get(graph)

    def display_path(self, path: Path) -> str:
        """A path relative to the project root where possible: messages never show host paths."""
        try:
            return str(path.resolve().relative_to(self.settings.root.resolve()))
        except ValueError:
            return path.name


def parse_turtle(path: Path, into: Graph, base: str, shown_as: str | None = None) -> None:
    """Parse one Turtle file, turning every failure into a ``LoadError`` naming file and line."""
    shown = shown_as or path.name
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 ({exc.reason} at byte {exc.start})", file=shown) from exc
    except OSError as exc:
        raise LoadError(f"cannot read ({exc.strerror})", file=shown) from exc
    try:
        into.parse(data=text, format="turtle", publicID=base)
    except BadSyntax as exc:
        raise LoadError(f"Turtle syntax error: {exc._why}", file=shown, line=exc.lines + 1) from exc
    except (ValueError, TypeError, AssertionError) as exc:
        # rdflib raises these for malformed terms (e.g. a bad language tag or IRI).
        raise LoadError(f"invalid Turtle: {exc}", file=shown) from exc


def turtle_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.ttl") if p.is_file())


def load_sources(settings: Settings) -> Sources:
    """Parse ``ontology/`` and ``data/`` into a dataset whose default graph is the union."""
    base = settings.base_iri
    dataset = Dataset(default_union=True)
    bind_prefixes(dataset, base)
    sources = Sources(dataset, {}, settings)
    ontology = dataset.graph(graph_iri(base, ONTOLOGY_GRAPH))
    for path in turtle_files(settings.ontology_dir):
        parse_turtle(path, ontology, base, sources.display_path(path))
        sources.graph_files.setdefault(ontology.identifier, path)
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
        graph = dataset.graph(graph_iri(base, name))
        parse_turtle(path, graph, base, shown)
        sources.graph_files[graph.identifier] = path
    return sources


def load_shapes(settings: Settings) -> Graph:
    """The SHACL shapes: not part of the published dataset, served as a document of their own."""
    shapes = Graph()
    bind_prefixes(shapes, settings.base_iri)
    files = turtle_files(settings.shapes_dir)
    if not files:
        raise LoadError("no SHACL shapes (*.ttl) found", file="shapes/")
    for path in files:
        parse_turtle(path, shapes, settings.base_iri, f"shapes/{path.name}")
    return shapes
