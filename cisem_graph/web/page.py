"""What a resource page shows, worked out from a description before any markup is written.

``build_page`` turns a description (quads: statement + source graph), the annotations of the
graphs, predicates and types it mentions, and the page's language into plain dataclasses the
template walks: the title, the types, one row per property with its values (linked things by their
label, structured values inline), the numbered sources each value comes from. Links are made by
a ``Linker``, which maps IRIs under the base to the host that was asked and refuses to link
anything that is not http(s) (a ``javascript:`` IRI in the data is shown as text, never linked).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from ..describe import LABELS, Linked
from ..namespaces import DCTERMS, RDF, SDO
from .i18n import in_language, pick
from .links import Linker

#: properties shown first, in this order; the others follow by label
FIRST = (SDO.name, SDO.alternateName, SDO.description)
_TITLES = (*LABELS, DCTERMS.title)


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None
    rows: list[Row] | None = None  #: a structured value (a blank node), shown inline
    sources: list[int] = field(default_factory=list)


@dataclass
class Row:
    label: str
    curie: str
    href: str | None
    values: list[Value]


@dataclass(frozen=True)
class Source:
    number: int
    iri: str
    title: str
    href: str | None
    origin: str | None  #: the document the graph's facts were taken from (dct:source)


@dataclass
class Page:
    iri: str
    title: str
    title_lang: str | None  #: the title's language: the page's, or the other where it lacks one
    types: list[Value]
    rows: list[Row]
    sources: list[Source]
    contents: list[Value] = field(default_factory=list)


def build_page(description: Dataset, notes: Graph, iri: URIRef, lang: str, linker: Linker) -> Page:
    """The page about ``iri`` in ``lang``."""
    builder = _Builder(description, notes, lang, linker)
    title = builder.title(iri)
    types = builder.types(iri)
    rows = builder.rows(iri)
    return Page(str(iri), str(title) if title is not None else linker.curie(str(iri)),
                title.language if title is not None else None, types, rows, builder.source_list())


def graph_contents(description: Dataset, graph: URIRef, lang: str, linker: Linker) -> list[Value]:
    """The things a named graph describes (its IRI subjects), each by its label in ``lang``."""
    held = description.graph(graph)
    subjects = sorted({s for s in held.subjects() if isinstance(s, URIRef) and s != graph}, key=str)
    values = []
    for subject in subjects:
        label = pick([o for p in LABELS for o in held.objects(subject, p)], lang)
        values.append(Value(str(label) if label is not None else linker.curie(str(subject)),
                            linker.href(str(subject)), label.language if label is not None else None))
    return values


class _Builder:
    def __init__(self, description: Dataset, notes: Graph, lang: str, linker: Linker) -> None:
        self.lang = lang
        self.linker = linker
        self.notes = notes
        self.graph = Graph()
        self.graphs_of: dict[tuple, set[str]] = {}
        for g in description.graphs():
            for triple in g:
                self.graph.add(triple)
                self.graphs_of.setdefault(triple, set()).add(str(g.identifier))
        self.numbers: dict[str, int] = {}

    def title(self, node: Node) -> Literal | None:
        return pick([o for p in _TITLES for src in (self.graph, self.notes)
                     for o in src.objects(node, p)], self.lang)

    def label(self, node: Node) -> str | None:
        found = self.title(node)
        return str(found) if found is not None else None

    def types(self, node: Node) -> list[Value]:
        return [self.value(node, RDF.type, t) for t in self._sorted(self.graph.objects(node, RDF.type))]

    def rows(self, node: Node, with_types: bool = False) -> list[Row]:
        first = {p: i for i, p in enumerate((RDF.type, *FIRST))}
        labelled = [(self.label(p) or self.linker.curie(str(p)), p)
                    for p in set(self.graph.predicates(node)) if with_types or p != RDF.type]
        rows = []
        for label, p in sorted(labelled, key=lambda lp: (first.get(lp[1], len(first)), lp[0].lower())):
            values = [self.value(node, p, o) for o in self._ordered(self.graph.objects(node, p))]
            rows.append(Row(label, self.linker.curie(str(p)), self.linker.href(str(p)), values))
        return rows

    def value(self, subject: Node, predicate: URIRef, obj: Node) -> Value:
        sources = self._sources((subject, predicate, obj))
        if isinstance(obj, Literal):
            datatype = self.linker.curie(str(obj.datatype)) if obj.datatype else None
            return Value(str(obj), lang=obj.language, datatype=datatype, sources=sources)
        if isinstance(obj, BNode):
            return Value("", rows=self.rows(obj, with_types=True), sources=sources)
        text = self.label(obj) or self.linker.curie(str(obj))
        return Value(text, href=self.linker.href(str(obj)), sources=sources)

    def source_list(self) -> list[Source]:
        sources = []
        for iri, number in sorted(self.numbers.items(), key=lambda item: item[1]):
            origin = next((str(o) for o in self.notes.objects(URIRef(iri), DCTERMS.source)), None)
            sources.append(Source(number, iri, self.label(URIRef(iri)) or self.linker.curie(iri),
                                  self.linker.href(iri), origin and self.linker.href(origin)))
        return sources

    def _sources(self, triple: tuple) -> list[int]:
        numbers = []
        for graph in sorted(self.graphs_of.get(triple, ())):
            numbers.append(self.numbers.setdefault(graph, len(self.numbers) + 1))
        return numbers

    def _ordered(self, objects) -> list[Node]:
        objects = list(objects)
        literals = [o for o in objects if isinstance(o, Literal)]
        preferred = in_language([o for o in literals if o.language], self.lang)
        rest = sorted((o for o in literals if o not in preferred),
                      key=lambda o: (o.language is None, o.language or "", str(o)))
        return preferred + rest + self._sorted(o for o in objects if not isinstance(o, Literal))

    def _sorted(self, nodes) -> list[Node]:
        return sorted(nodes, key=lambda n: ((self.label(n) or str(n)).lower(), str(n)))


def linked_values(found: list[Linked], lang: str, linker: Linker) -> list[Value]:
    """Things found (a list, a search, backward links), each by its label in ``lang`` (else a
    short name), linked where ``linker`` says."""
    values = []
    for item in found:
        label = pick(item.labels, lang)
        text = str(label) if label is not None else linker.curie(str(item.iri))
        values.append(Value(text, linker.href(str(item.iri)),
                            label.language if label is not None else None))
    return values
