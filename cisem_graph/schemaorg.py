"""schema.org terms, and a checker that the graph uses them as the vocabulary says.

The terms come from ``cisem_graph/vocab/schemaorg-terms.json``, a table derived from the official
vocabulary (release 30.0, CC BY-SA 3.0) by ``scripts/derive_schemaorg_table.py``: names, direct
superclasses, the domains, ranges, superproperties and inverses of properties, enumeration members
and DataTypes. Terms may be named by local name (``"Person"``) or by IRI (``https://schema.org/...``).

Rules of :meth:`SchemaOrg.check_usage`
--------------------------------------

Only terms in ``https://schema.org/`` are considered: predicates in that namespace and the objects of
``rdf:type`` in it (``http://schema.org/`` and other vocabularies are ignored).

* **Unknown class**: an ``rdf:type`` object that is not a schema.org class.
* **Unknown property**: a predicate that is not a schema.org property (such a triple is not checked
  further).
* **Unknown term**: an object IRI in the schema.org namespace that is no class, property or
  enumeration member (a mistyped enumeration value, say).
* **Types of a node**: its schema.org ``rdf:type`` values in the graph that are known classes, plus,
  for an enumeration member IRI (``schema:OnlineEventAttendanceMode``), the member's types from the
  vocabulary. A type fits a set of classes when it or one of its superclasses (transitively) is in it.
* **Domain**: when the property has ``domainIncludes``, some type of the subject must fit it. A
  subject with no schema.org type is not domain-checked. A Role (``schema:Role`` or a subclass such as
  ``OrganizationRole``) carrying property *p* stands in for whatever points to it with *p*
  (``<org> schema:member <role> . <role> schema:member <person>``): it passes when something points to
  it with *p* and one such node fits the domain (or has no schema.org type, so is not checked).
  Nested roles are not followed.
* **Range** of an IRI or blank-node object, when the property has ``rangeIncludes``:
  - a typed object passes when one of its types fits the range;
  - a Role object that does not fit itself stands in for the value(s) it wraps (the objects of the
    same property on the role node): it passes when it wraps at least one value. Each wrapped value is
    range-checked on the role's own triple, so a bad value is reported once, there;
  - an IRI with no schema.org type (an external web page for ``url``/``sameAs``, a class IRI for
    ``additionalType``) is read as a URL: it passes when the range has ``URL`` or ``Text``;
  - a blank node with no schema.org type fits nothing.
* **Range** of a literal: the literal's datatype maps to a schema.org DataType, and it passes when that
  DataType or one of its superclasses is in the range:
  ``xsd:string``, ``rdf:langString`` and plain literals → ``Text``; ``xsd:anyURI`` → ``URL``;
  ``xsd:dateTime``/``dateTimeStamp`` → ``DateTime``; ``xsd:date`` → ``Date``; ``xsd:time`` → ``Time``;
  ``xsd:boolean`` → ``Boolean``; ``xsd:integer`` and its derived types → ``Integer``; ``xsd:decimal``
  → ``Number``; ``xsd:float``/``double`` → ``Float``; ``xsd:duration`` → ``Duration``; a datatype IRI
  that is itself a schema.org DataType (``"2021"^^schema:Date``) → that DataType. Pragmatic
  extensions: ``xsd:gYear``/``gYearMonth`` count as ``Date`` (ISO 8601 reduced precision, which
  schema.org's Date accepts), and a string also fits the subclasses of ``Text`` (``URL``,
  ``PronounceableText``, ...), since schema.org writes those values as strings. A string does *not* fit
  a property whose range lacks ``Text`` (or one of its subclasses): schema.org's leniency that text is
  acceptable anywhere is not applied, so ``schema:organizer "Camera di Commercio"`` is an offence.

A ``Dataset`` is checked as the union of its graphs (named and default). Offences are
de-duplicated (a triple in several named graphs is reported once) and sorted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import RDF, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

SCHEMA = "https://schema.org/"
TABLE_RESOURCE = "vocab/schemaorg-terms.json"

_RDF_LANGSTRING = RDF.langString
_INTEGER_TYPES = {
    XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
    XSD.nonPositiveInteger, XSD.positiveInteger, XSD.negativeInteger, XSD.unsignedLong,
    XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte,
}
#: Literal datatype -> the schema.org DataType it counts as.
LITERAL_DATATYPES: dict[URIRef, str] = {
    XSD.string: "Text",
    _RDF_LANGSTRING: "Text",
    XSD.normalizedString: "Text",
    XSD.token: "Text",
    XSD.anyURI: "URL",
    XSD.dateTime: "DateTime",
    XSD.dateTimeStamp: "DateTime",
    XSD.date: "Date",
    XSD.gYear: "Date",
    XSD.gYearMonth: "Date",
    XSD.time: "Time",
    XSD.boolean: "Boolean",
    XSD.decimal: "Number",
    XSD.float: "Float",
    XSD.double: "Float",
    XSD.duration: "Duration",
    **{datatype: "Integer" for datatype in _INTEGER_TYPES},
}


#: Kinds of offence, in :attr:`Offence.kind`.
UNKNOWN_CLASS = "unknown class"
UNKNOWN_PROPERTY = "unknown property"
UNKNOWN_TERM = "unknown term"
DOMAIN = "domain"
RANGE = "range"


@dataclass(frozen=True, order=True)
class Offence:
    """One misuse of schema.org: the subject (N3), the term (local name), the kind and why."""

    subject: str
    term: str
    kind: str  #: one of UNKNOWN_CLASS, UNKNOWN_PROPERTY, UNKNOWN_TERM, DOMAIN, RANGE
    reason: str
    value: str | None = None  #: the object (N3), for range and unknown-term offences

    def __str__(self) -> str:
        value = f" -> {self.value}" if self.value is not None else ""
        return f"{self.subject} schema:{self.term}{value}: {self.kind}: {self.reason}"


def _n3(node: Node) -> str:
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return f"_:{node}"
    return f"<{node}>"


def local_name(term: str | URIRef) -> str | None:
    """``https://schema.org/X``, ``schema:X`` or ``X`` -> ``X``; None for another namespace."""
    text = str(term)
    if text.startswith(SCHEMA):
        return text[len(SCHEMA):] or None
    if text.startswith("schema:") and not isinstance(term, URIRef):
        return text[len("schema:"):] or None
    if isinstance(term, URIRef) or "://" in text or ":" in text:
        return None
    return text or None


class SchemaOrg:
    """The schema.org vocabulary as a table of names (see the module docstring)."""

    def __init__(self, table: dict) -> None:
        self.about: dict[str, str] = dict(table["about"])
        self.release: str = self.about["release"]
        self._classes: dict[str, tuple[str, ...]] = {
            name: tuple(supers) for name, supers in table["classes"].items()
        }
        self._properties: dict[str, dict[str, tuple[str, ...]]] = {
            name: {key: tuple(value) for key, value in entry.items()}
            for name, entry in table["properties"].items()
        }
        self._members: dict[str, tuple[str, ...]] = {
            name: tuple(types) for name, types in table["members"].items()
        }
        self.datatypes: frozenset[str] = frozenset(table["datatypes"])
        self._closures: dict[str, frozenset[str]] = {}

    # -- loading -----------------------------------------------------------------------------

    @classmethod
    def from_path(cls, path: str | Path) -> SchemaOrg:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def load(cls) -> SchemaOrg:
        """The table shipped with the package (cached: the same object on every call)."""
        return _shipped()

    # -- terms -------------------------------------------------------------------------------

    @property
    def classes(self) -> frozenset[str]:
        return frozenset(self._classes)

    @property
    def properties(self) -> frozenset[str]:
        return frozenset(self._properties)

    @property
    def members(self) -> frozenset[str]:
        return frozenset(self._members)

    def is_class(self, term: str | URIRef) -> bool:
        return local_name(term) in self._classes

    def is_property(self, term: str | URIRef) -> bool:
        return local_name(term) in self._properties

    def is_enumeration_member(self, term: str | URIRef) -> bool:
        return local_name(term) in self._members

    def is_datatype(self, term: str | URIRef) -> bool:
        return local_name(term) in self.datatypes

    def is_term(self, term: str | URIRef) -> bool:
        return self.is_class(term) or self.is_property(term) or self.is_enumeration_member(term)

    def superclasses(self, cls: str | URIRef) -> tuple[str, ...]:
        """Direct superclasses within schema.org."""
        return self._classes.get(local_name(cls) or "", ())

    def superclasses_closure(self, cls: str | URIRef) -> frozenset[str]:
        """The class and all its superclasses (transitively); empty for an unknown class."""
        name = local_name(cls)
        if name is None or name not in self._classes:
            return frozenset()
        found = self._closures.get(name)
        if found is None:
            seen: set[str] = set()
            todo = [name]
            while todo:
                current = todo.pop()
                if current not in seen:
                    seen.add(current)
                    todo.extend(self._classes.get(current, ()))
            found = self._closures[name] = frozenset(seen)
        return found

    def is_subclass(self, cls: str | URIRef, of: str | URIRef) -> bool:
        return local_name(of) in self.superclasses_closure(cls)

    def member_types(self, member: str | URIRef) -> tuple[str, ...]:
        return self._members.get(local_name(member) or "", ())

    def _prop(self, prop: str | URIRef, key: str) -> tuple[str, ...]:
        return self._properties.get(local_name(prop) or "", {}).get(key, ())

    def domain(self, prop: str | URIRef) -> tuple[str, ...]:
        return self._prop(prop, "domain")

    def range(self, prop: str | URIRef) -> tuple[str, ...]:
        return self._prop(prop, "range")

    def superproperties(self, prop: str | URIRef) -> tuple[str, ...]:
        return self._prop(prop, "super")

    def inverse(self, prop: str | URIRef) -> tuple[str, ...]:
        return self._prop(prop, "inverse")

    def fits(self, types: Iterable[str], allowed: Iterable[str]) -> bool:
        """Whether some type, or one of its superclasses, is among the allowed classes."""
        allowed = set(allowed)
        return any(self.superclasses_closure(t) & allowed for t in types)

    def literal_fits(self, literal: Literal, allowed: Iterable[str]) -> bool:
        allowed = set(allowed)
        kind = self.literal_datatype(literal)
        if kind is None:
            return False
        if self.superclasses_closure(kind) & allowed:
            return True
        # Pragmatic: a string is acceptable where a subclass of Text (URL, ...) is expected.
        return kind == "Text" and any(self.is_subclass(name, "Text") for name in allowed)

    def literal_datatype(self, literal: Literal) -> str | None:
        """The schema.org DataType a literal counts as (see the module docstring), or None."""
        datatype = literal.datatype
        if datatype is None:
            return "Text"  # plain or language-tagged
        name = LITERAL_DATATYPES.get(datatype)
        if name is None and self.is_datatype(datatype):
            name = local_name(datatype)
        return name

    # -- checking ----------------------------------------------------------------------------

    def node_types(self, graph: Graph, node: Node) -> set[str]:
        """Known schema.org classes of a node: its ``rdf:type`` values and, for an enumeration
        member IRI, the member's types."""
        types = {
            name for name in (_schema_name(t) for t in graph.objects(node, RDF.type))
            if name is not None and name in self._classes
        }
        if isinstance(node, URIRef):
            types.update(self.member_types(node) if _schema_name(node) else ())
        return types

    def is_role(self, types: Iterable[str]) -> bool:
        return any("Role" in self.superclasses_closure(t) for t in types)

    def check_usage(self, graph: Graph) -> list[Offence]:
        """Every misuse of schema.org terms in the graph (see the module docstring for the rules)."""
        graph = _union(graph)
        offences: set[Offence] = set()
        types_of: dict[Node, set[str]] = {}

        def types(node: Node) -> set[str]:
            if node not in types_of:
                types_of[node] = self.node_types(graph, node)
            return types_of[node]

        def report(subject: Node, term: str, kind: str, reason: str,
                   value: Node | None = None) -> None:
            offences.add(Offence(_n3(subject), term, kind, reason,
                                 None if value is None else _n3(value)))

        for subject, predicate, obj in graph.triples((None, None, None)):
            if predicate == RDF.type:
                name = _schema_name(obj)
                if name is not None and name not in self._classes:
                    what = ("a property" if name in self._properties
                            else "an enumeration member" if name in self._members else "unknown")
                    report(subject, name, UNKNOWN_CLASS, f"not a schema.org class ({what})")
                continue
            prop = _schema_name(predicate)
            if prop is None:
                continue
            if prop not in self._properties:
                report(subject, prop, UNKNOWN_PROPERTY, "not a schema.org property")
                continue
            problem = self._domain_problem(graph, subject, predicate, prop, types)
            if problem:
                report(subject, prop, DOMAIN, problem)
            name = _schema_name(obj)
            if name is not None and not self.is_term(name):
                report(subject, prop, UNKNOWN_TERM, "object is not a schema.org term", obj)
                continue
            problem = self._range_problem(graph, obj, predicate, prop, types)
            if problem:
                report(subject, prop, RANGE, problem, obj)
        return sorted(offences)

    def _domain_problem(self, graph, subject, predicate, prop, types) -> str | None:
        domain = self.domain(prop)
        subject_types = types(subject)
        if not domain or not subject_types or self.fits(subject_types, domain):
            return None
        expected = _names(domain)
        if self.is_role(subject_types):
            holders = list(graph.subjects(predicate, subject))
            if not holders:
                return (f"subject types {_names(subject_types)} fit no domainIncludes {expected}, "
                        f"and no node points to this Role with schema:{prop}")
            if any(not types(h) or self.fits(types(h), domain) for h in holders):
                return None
            holder_types = _names(set().union(*(types(h) for h in holders)))
            return (f"Role wrapped by nodes of types {holder_types}, "
                    f"which fit no domainIncludes {expected}")
        return f"subject types {_names(subject_types)} fit no domainIncludes {expected}"

    def _range_problem(self, graph, obj, predicate, prop, types) -> str | None:
        allowed = self.range(prop)
        if not allowed:
            return None
        expected = _names(allowed)
        if isinstance(obj, Literal):
            if self.literal_fits(obj, allowed):
                return None
            kind = self.literal_datatype(obj)
            datatype = obj.datatype or (_RDF_LANGSTRING if obj.language else XSD.string)
            counts = f" (counts as {kind})" if kind else ""
            return f"literal of datatype <{datatype}>{counts} fits no rangeIncludes {expected}"
        object_types = types(obj)
        if object_types:
            if self.fits(object_types, allowed):
                return None
            if self.is_role(object_types):
                if any(True for _ in graph.objects(obj, predicate)):
                    return None
                return (f"Role object wraps no value with schema:{prop}; "
                        f"rangeIncludes {expected}")
            return f"object types {_names(object_types)} fit no rangeIncludes {expected}"
        if isinstance(obj, URIRef):
            if {"URL", "Text"} & set(allowed):
                return None
            return f"object has no schema.org type, and rangeIncludes {expected} has no URL"
        return f"blank node object has no schema.org type; rangeIncludes {expected}"


def _union(graph: Graph) -> Graph:
    """A plain graph of every triple: a Dataset's named graphs and default graph merged (rdflib's
    union view of a Dataset warns on use, and pytest turns warnings into errors)."""
    if not isinstance(graph, Dataset):
        return graph
    union = Graph()
    for member in graph.graphs():
        for triple in member:
            union.add(triple)
    return union


def _schema_name(node: Node) -> str | None:
    if isinstance(node, URIRef) and str(node).startswith(SCHEMA):
        return str(node)[len(SCHEMA):] or None
    return None


def _names(names: Iterable[str]) -> str:
    return "{" + ", ".join(sorted(names)) + "}"


@cache
def _shipped() -> SchemaOrg:
    text = resources.files("cisem_graph").joinpath(TABLE_RESOURCE).read_text(encoding="utf-8")
    return SchemaOrg(json.loads(text))


def check_usage(graph: Graph) -> list[Offence]:
    """:meth:`SchemaOrg.check_usage` with the shipped table."""
    return SchemaOrg.load().check_usage(graph)
