"""SHACL validation, reported as findings a person can act on.

Two engines read the same parsed data. **pyshacl-turbo** (the default, setting ``shacl_engine``)
validates the pyoxigraph store itself, which already holds the ontology graph for the class
hierarchy; **pyshacl**, the reference, validates an rdflib copy of it (slow at scale: a differential
test holds the two to the same findings). Either way the report graph's results (never its text)
become ``Finding``s that name the file the subject comes from, the subject's IRI and label, the path
and the message in Italian and English. Violations fail a build; warnings never block.

Neither engine is given ``ont_graph`` (the data graph holds the ontology already; with it,
pyshacl-turbo leaves its native path) or asked to write into the data (``inplace``): the store is
the one the build publishes, and SHACL-AF is not used (``advanced=False``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
from pyshacl.errors import ReportableRuntimeError, ShapeLoadError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SH, XSD
from rdflib.term import Node

from ..config import Settings
from ..errors import LoadError
from ..namespaces import SDO
from .sources import Sources, load_shapes
from .terms import to_oxigraph, to_rdflib

_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
ENGINES = ("turbo", "pyshacl")


@dataclass(frozen=True)
class Finding:
    file: str
    subject: str
    label: str | None
    path: str | None
    severity: str
    messages: dict[str, str] = field(default_factory=dict)
    value: str | None = None
    #: the focus node's IRI ("" for a blank node)
    focus: str = ""

    @property
    def is_violation(self) -> bool:
        return self.severity == "Violation"

    @property
    def message(self) -> str:
        return self.messages.get("en") or next(iter(self.messages.values()), "")

    def describe(self, lang: str = "en") -> str:
        """One line for a terminal: where, what, why."""
        who = f"{self.subject} ({self.label})" if self.label else self.subject
        path = f" {self.path}" if self.path else ""
        text = self.messages.get(lang) or self.message
        return f"{self.file}: {self.severity}: {who}{path}: {text}"


def validate(sources: Sources, settings: Settings | None = None, shapes: Graph | None = None, *,
             engine: str | None = None) -> list[Finding]:
    """Validate every graph against the shapes with ``engine`` (default: the ``shacl_engine``
    setting)."""
    settings = settings or sources.settings
    shapes = shapes if shapes is not None else load_shapes(settings)
    engine = engine or settings.shacl_engine
    options = dict(shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True,
                   abort_on_first=False)
    try:
        if engine == "turbo":
            options["shacl_graph"] = _typed_strings(shapes)
            _, report, _ = pyshacl_turbo.validate(sources.store, inplace=False, **options)
        elif engine == "pyshacl":
            # inplace: the rdflib copy is made for this validation alone, so pyshacl need not copy it
            _, report, _ = pyshacl.validate(sources.rdflib_union, inplace=True, **options)
        else:
            raise LoadError(f"no SHACL engine {engine!r}: use one of {', '.join(ENGINES)}",
                            file="shacl_engine")
    except (ShapeLoadError, ReportableRuntimeError, pyshacl_turbo.ReportableRuntimeError,
            ValueError) as exc:  # pyshacl-turbo says a malformed shape with a ValueError
        raise LoadError(f"SHACL shapes cannot be used: {getattr(exc, 'message', exc)}",
                        file="shapes/") from None
    if isinstance(report, BaseException):  # either engine may hand back its exception as the report
        raise LoadError(f"SHACL validation failed: {report}", file="shapes/")
    return ordered(_finding(report, result, sources) for result in report.objects(None, SH.result))


def _typed_strings(shapes: Graph) -> Graph:
    """The shapes with every simple literal spelt ``"x"^^xsd:string``, as the store spells it.

    RDF 1.1 makes the two one term, but pyshacl-turbo 0.6.5 compares the spellings when it reads a
    pyoxigraph store (whose literals always carry a datatype): ``sh:hasValue "CAP"`` then matches
    no ``schema:propertyID "CAP"`` of the data, and a rule with ``sh:not`` passes what it should
    refuse (pyshacl, on the rdflib copy, gets these right; the differential test shows both)."""
    typed = Graph()
    typed.namespace_manager = shapes.namespace_manager
    for s, p, o in shapes:
        if isinstance(o, Literal) and o.language is None and o.datatype is None:
            o = Literal(str(o), datatype=XSD.string)
        typed.add((s, p, o))
    return typed


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Violations first, then by file, subject, path and message: the order people read."""
    return sorted(findings, key=lambda f: (f.severity != "Violation", f.file, f.subject,
                                          f.path or "", f.message))


def _finding(report: Graph, result: Node, sources: Sources) -> Finding:
    focus = report.value(result, SH.focusNode)
    path = report.value(result, SH.resultPath)
    value = report.value(result, SH.value)
    messages: dict[str, str] = {}
    for message in report.objects(result, SH.resultMessage):
        lang = message.language if isinstance(message, Literal) and message.language else "en"
        messages.setdefault(lang, str(message))
    return Finding(
        file=_file_of(focus, sources),
        subject=show_node(focus, sources),
        label=label_of(focus, sources),
        path=show_node(path, sources) if path is not None else None,
        severity=_SEVERITY.get(report.value(result, SH.resultSeverity), "Violation"),
        messages=messages,
        value=show_node(value, sources) if value is not None else None,
        focus=str(focus) if isinstance(focus, URIRef) else "",
    )


def _file_of(node: Node, sources: Sources) -> str:
    """The file whose graph states something about the node (as subject, else as object)."""
    graphs = sources.graphs_of(to_oxigraph(node))
    return sources.display_path(sources.graph_files[graphs[0]]) if graphs else "?"


def label_of(node: Node, sources: Sources) -> str | None:
    """The node's English, else Italian, else untagged ``schema:name`` or ``rdfs:label``; for a
    structured value, what holds it."""
    if isinstance(node, Literal):
        return None
    term = to_oxigraph(node)
    for prop in (SDO.name, RDFS.label):
        labels: dict[str | None, str] = {}
        for q in sources.store.quads_for_pattern(term, to_oxigraph(prop), None):
            if isinstance(q.object, ox.Literal):  # the least of two, so that the choice is stable
                lang, text = q.object.language, q.object.value
                labels[lang] = min(labels.get(lang, text), text)
        for lang in ("en", "it", None):
            if lang in labels:
                return labels[lang]
    if isinstance(node, BNode):  # a structured value: name what holds it
        holder = next((to_rdflib(q.subject) for q in sources.store.quads_for_pattern(None, None, term)),
                      None)
        if holder is not None and holder != node:
            return f"value of {show_node(holder, sources)}"
    return None


def show_node(node: Node, sources: Sources) -> str:
    if isinstance(node, URIRef):
        return node.n3(sources.namespaces)
    if isinstance(node, BNode):
        return "[]"
    if isinstance(node, Literal):  # "x"^^xsd:string is "x" (RDF 1.1); engines differ in the spelling
        return to_rdflib(to_oxigraph(node)).n3()
    return str(node)


def violations(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_violation]
