"""What a resource page shows, worked out from a description before any markup is written.

``build_page`` turns a description (quads: statement + source graph), the annotations of the
graphs, predicates and types it mentions, and the page's language into plain dataclasses the
template walks: the title, the kind's words, one row per property in a reading order, each value
in words (a term by its catalogue name, a date as people write it, identifiers on one line,
structured values inline), and the numbered sources each value comes from. The term itself stays
reachable: each row and value keeps its short name (``schema:startDate``) as a title and a link.

Links are made by a ``links.Linker``, which maps IRIs under the base to the host that was asked
and refuses to link anything that is not http(s) (a ``javascript:`` IRI in the data is shown as
text, never linked). Nothing here reads the request: a page is a function of its inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..describe import LABELS, Linked
from ..namespaces import DCTERMS, RDF, RDFS, SDO, ontology_ns
from ..schemaorg import SchemaOrg
from .catalogue import term_label
from .i18n import format_date, in_language, pick

_TITLES = (*LABELS, DCTERMS.title)
#: the order properties are read in: what a thing is called and is, when and where, who, what
#: about, then the rest by name, then identifiers and links elsewhere
READING_ORDER = (
    SDO.name, SDO.alternateName, SDO.roleName, SDO.honorificPrefix, SDO.givenName, SDO.familyName,
    SDO.description, SDO.text, SDO.startDate, SDO.endDate, SDO.foundingDate, SDO.datePublished,
    SDO.legislationDate, SDO.eventStatus, SDO.eventAttendanceMode, SDO.location, SDO.address,
    SDO.containedInPlace, SDO.organizer, SDO.performer, SDO.creator, SDO.editor, SDO.founder,
    SDO.member, SDO.memberOf, SDO.affiliation, SDO.parentOrganization, SDO.subOrganization,
    SDO.superEvent, SDO.subEvent, SDO.isPartOf, SDO.hasPart, SDO.about, SDO.knowsAbout,
    SDO.mentions, SDO.inLanguage,
)
LAST = (SDO.identifier, SDO.issn, SDO.url, SDO.sameAs, RDFS.seeAlso, RDF.type)
DATES = {XSD.dateTime: "dateTime", XSD.date: "date", XSD.gYear: "gYear", XSD.gYearMonth: "gYearMonth"}
#: datatypes whose values read as they are, with no datatype shown
PLAIN = (XSD.string, RDF.langString, XSD.integer, XSD.decimal, XSD.boolean, XSD.anyURI)


@dataclass
class Value:
    text: str
    href: str | None = None
    lang: str | None = None
    datatype: str | None = None  #: a datatype people do not read past (shown small)
    rows: list[Row] | None = None  #: a structured value (a blank node), shown inline
    sources: list[int] = field(default_factory=list)
    title: str | None = None  #: the term or IRI behind the words (a tooltip)
    when: str | None = None  #: a machine-readable date for ``<time datetime>``
    note: str | None = None  #: what qualifies the value (a role held, a date)
    kind: str | None = None  #: the kind of thing linked (``event``, ``person``…)


@dataclass
class Row:
    label: str
    curie: str
    href: str | None
    values: list[Value]
    key: str = ""  #: the property's IRI


@dataclass(frozen=True)
class Source:
    number: int
    iri: str
    title: str
    href: str | None
    origin: str | None  #: the document the graph's facts were taken from (dct:source)


@dataclass
class Referrer:
    """A thing that links here, once, with every way it does."""

    value: Value
    via: list[tuple[str, str, str | None]]  #: (words, short name, link) of each predicate


@dataclass
class Page:
    iri: str
    title: str
    title_lang: str | None  #: the title's language: the page's, or the other where it lacks one
    types: list[Value]
    rows: list[Row]
    sources: list[Source]
    contents: list[Value] = field(default_factory=list)
    summary: str | None = None  #: the description in the page's language, for meta tags
    kind: str | None = None
    story: list[Row] = field(default_factory=list)


def build_page(description: Dataset, notes: Graph, iri: URIRef, lang: str, linker) -> Page:
    """The page about ``iri`` in ``lang``."""
    builder = _Builder(description, notes, lang, linker)
    title = builder.title(iri)
    summary = pick(list(builder.graph.objects(iri, SDO.description)), lang) or \
        pick(list(builder.graph.objects(iri, DCTERMS.description)), lang)
    return Page(str(iri), str(title) if title is not None else linker.curie(str(iri)),
                title.language if title is not None else None, builder.types(iri),
                builder.rows(iri), builder.source_list(),
                summary=str(summary) if summary is not None else None,
                kind=linker.kind(str(iri)))


def graph_contents(description: Dataset, graph: URIRef, lang: str, linker) -> list[Value]:
    """The things a named graph describes (its IRI subjects), each by its label in ``lang``."""
    held = description.graph(graph)
    subjects = sorted({s for s in held.subjects() if isinstance(s, URIRef) and s != graph}, key=str)
    values = []
    for subject in subjects:
        label = pick([o for p in LABELS for o in held.objects(subject, p)], lang)
        values.append(Value(str(label) if label is not None else linker.curie(str(subject)),
                            linker.href(str(subject)), label.language if label is not None else None,
                            kind=linker.kind(str(subject))))
    return values


def literal_value(text: str, datatype: str | None, language: str | None, lang: str,
                  linker) -> Value:
    """A literal in words: a date as people write it in ``lang`` (the value itself as its title
    and ``<time datetime>``), else the text, with its datatype only where people would not read
    past it (not for strings, numbers, booleans)."""
    if datatype is not None and URIRef(datatype) in DATES:
        return Value(format_date(text, lang) or text, when=text, title=text)
    shown = None
    if datatype is not None and URIRef(datatype) not in PLAIN:
        shown = linker.curie(str(datatype))
    return Value(text, lang=language, datatype=shown)


def term_value(iri: str, lang: str, linker) -> Value | None:
    """A vocabulary term (a class, property or enumeration value) by its catalogue name, the
    term itself as a title and a link; None when the catalogue does not name it."""
    words = term_label(iri, lang, linker.base)
    if words is None:
        return None
    return Value(words, href=linker.term_href(iri), title=linker.curie(iri))


def linked_values(found: list[Linked], lang: str, linker) -> list[Value]:
    """Things found (a list, a search, backward links), each by its label in ``lang`` (else a
    short name), linked where ``linker`` says."""
    values = []
    for item in found:
        label = pick(item.labels, lang)
        text = str(label) if label is not None else linker.curie(str(item.iri))
        values.append(Value(text, linker.href(str(item.iri)),
                            label.language if label is not None else None,
                            kind=linker.kind(str(item.iri))))
    return values


def referrers(found: list[Linked], lang: str, linker, name_of) -> list[Referrer]:
    """Backward links, one entry per thing however many predicates it links by (``org:member``
    and ``schema:member`` of the same role make one entry), each predicate named once."""
    grouped: dict[str, Referrer] = {}
    for item, value in zip(found, linked_values(found, lang, linker), strict=True):
        entry = grouped.setdefault(str(item.iri), Referrer(value, []))
        predicate = str(item.predicate)
        words = name_of(predicate)
        if all(words != seen[0] for seen in entry.via):
            entry.via.append((words, linker.curie(predicate), linker.term_href(predicate)))
    return list(grouped.values())


class _Builder:
    def __init__(self, description: Dataset, notes: Graph, lang: str, linker) -> None:
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

    def term_words(self, term: URIRef) -> str:
        """A vocabulary term in words: the catalogue's, the ontology's label, else its short name."""
        return (term_label(str(term), self.lang, self.linker.base) or self.label(term)
                or self.linker.curie(str(term)))

    def types(self, node: Node) -> list[Value]:
        """What the thing is, in words: its most specific schema.org classes and the project's
        own (the others, ORG's and OntoPiA's, stay in the table below)."""
        every = set(self.graph.objects(node, RDF.type))
        schema = SchemaOrg.load()
        own = str(ontology_ns(self.linker.base))
        chosen = {t for t in every if str(t).startswith(own)}
        named = {t for t in every if str(t).startswith(str(SDO)) and schema.is_class(t)}
        chosen |= {t for t in named if not any(o != t and schema.is_subclass(o, t) for o in named)}
        return [self.term_value(node, RDF.type, t) for t in self._sorted(chosen or every)]

    def term_value(self, subject: Node, predicate: URIRef, term: URIRef) -> Value:
        return Value(self.term_words(term), href=self.linker.term_href(str(term)),
                     title=self.linker.curie(str(term)),
                     sources=self._sources((subject, predicate, term)))

    def rows(self, node: Node, *, with_types: bool = True) -> list[Row]:
        order = {p: i for i, p in enumerate(READING_ORDER)}
        last = {p: i for i, p in enumerate(LAST)}
        labelled = [(self.term_words(p), p) for p in set(self.graph.predicates(node))
                    if with_types or p != RDF.type]

        def place(item: tuple[str, URIRef]) -> tuple:
            words, p = item
            if p in order:
                return (0, order[p], "")
            return (2, last[p], "") if p in last else (1, 0, words.casefold())

        rows = []
        for words, p in sorted(labelled, key=place):
            objects = self._ordered(self.graph.objects(node, p))
            rows.append(Row(words, self.linker.curie(str(p)), self.linker.term_href(str(p)),
                            self.values(node, p, objects), str(p)))
        return rows

    def values(self, subject: Node, predicate: URIRef, objects: list[Node]) -> list[Value]:
        identifiers = [o for o in objects if isinstance(o, BNode) and self._identifier(o)]
        values = [self.value(subject, predicate, o) for o in objects if o not in identifiers]
        if identifiers:  # "ISTAT 004078 · CAP 12100": one line, each with its source
            parts = [self._identifier(o) for o in identifiers]
            sources = sorted({n for o in identifiers for n in self._sources((subject, predicate, o))})
            values.insert(0, Value(" · ".join(f"{name} {value}" for name, value in parts),
                                   sources=sources))
        return values

    def value(self, subject: Node, predicate: URIRef, obj: Node) -> Value:
        sources = self._sources((subject, predicate, obj))
        if isinstance(obj, Literal):
            return self.literal(obj, sources)
        if isinstance(obj, BNode):
            return self.structured(obj, sources)
        if self._is_term(obj):  # an enumeration value or a class: a word from the catalogue
            return self.term_value(subject, predicate, obj)
        text = self.label(obj) or self.linker.curie(str(obj))
        return Value(text, href=self.linker.href(str(obj)), sources=sources,
                     title=None if self.label(obj) is None else self.linker.curie(str(obj)),
                     kind=self.linker.kind(str(obj)))

    def literal(self, obj: Literal, sources: list[int]) -> Value:
        value = literal_value(str(obj), obj.datatype, obj.language, self.lang, self.linker)
        value.sources = sources
        return value

    def structured(self, node: BNode, sources: list[int]) -> Value:
        """A blank node: an address on one line; anything else as a small table of its own."""
        if (node, RDF.type, SDO.PostalAddress) in self.graph:
            parts = [str(o) for p in (SDO.streetAddress, SDO.postalCode, SDO.addressLocality,
                                      SDO.addressRegion, SDO.addressCountry)
                     for o in self.graph.objects(node, p)]
            return Value(", ".join(parts), sources=sources,
                         title=self.term_words(SDO.PostalAddress))
        kinds = self._sorted(self.graph.objects(node, RDF.type))
        return Value(", ".join(self.term_words(t) for t in kinds), rows=self.rows(node, with_types=False),
                     sources=sources, title=" ".join(self.linker.curie(str(t)) for t in kinds) or None)

    def source_list(self) -> list[Source]:
        sources = []
        for iri, number in sorted(self.numbers.items(), key=lambda item: item[1]):
            origin = next((str(o) for o in self.notes.objects(URIRef(iri), DCTERMS.source)), None)
            sources.append(Source(number, iri, self.label(URIRef(iri)) or self.linker.curie(iri),
                                  self.linker.href(iri), origin and self.linker.href(origin)))
        return sources

    def _identifier(self, node: BNode) -> tuple[str, str] | None:
        """(name, value) of a ``schema:PropertyValue`` identifier, when that is all it says."""
        name = self.graph.value(node, SDO.propertyID)
        value = self.graph.value(node, SDO.value)
        if name is None or value is None:
            return None
        if set(self.graph.predicates(node)) - {RDF.type, SDO.propertyID, SDO.value}:
            return None
        return str(name), str(value)

    def _is_term(self, node: Node) -> bool:
        return isinstance(node, URIRef) and term_label(str(node), self.lang, self.linker.base) \
            is not None

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
