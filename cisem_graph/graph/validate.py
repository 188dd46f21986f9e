"""SHACL validation, reported as findings a person can act on.

pyshacl returns a report graph; we read its results (never its text) into ``Finding``s that name
the file the subject comes from, the subject's IRI and label, the path and the message in Italian
and English. Violations fail a build; warnings are reported and never block.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyshacl
from pyshacl.errors import ShapeLoadError
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS, SH
from rdflib.term import Node

from ..config import Settings
from ..errors import LoadError
from ..namespaces import SDO
from .sources import Sources, load_shapes

_SEVERITY = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Finding:
    file: str
    subject: str
    label: str | None
    path: str | None
    severity: str
    messages: dict[str, str] = field(default_factory=dict)
    value: str | None = None
    #: the focus node's IRI ("" for a blank node): what an incremental validation keys on
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


def validate(sources: Sources, settings: Settings | None = None,
             shapes: Graph | None = None, *, focus_nodes: list[Node] | None = None) -> list[Finding]:
    """Validate every data graph against the shapes, with the ontology for the class hierarchy
    (``focus_nodes``: only those nodes, each against the shapes that target it)."""
    settings = settings or sources.settings
    shapes = shapes if shapes is not None else load_shapes(settings)
    try:
        # inplace: the merged graph is ours alone and already holds the ontology, so pyshacl need
        # not copy it to mix the ontology in; the shapes use core SHACL only, so no SHACL-AF
        # (together about a tenth of pyshacl's time at 100k triples: 37 s instead of 40 s)
        _, report, _ = pyshacl.validate(
            sources.union, shacl_graph=shapes, ont_graph=sources.ontology, inference="none",
            advanced=False, inplace=True, allow_warnings=True, abort_on_first=False,
            focus_nodes=focus_nodes,
        )
    except ShapeLoadError as exc:
        raise LoadError(f"SHACL shapes cannot be used: {exc.message}", file="shapes/") from exc
    if isinstance(report, BaseException):  # pyshacl may hand back its exception as the report
        raise LoadError(f"SHACL validation failed: {report}", file="shapes/")
    return ordered(_finding(report, result, sources) for result in report.objects(None, SH.result))


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
    for graph_id, path in sources.graph_files.items():
        graph = sources.dataset.graph(graph_id)
        if (node, None, None) in graph:
            return sources.display_path(path)
    for graph_id, path in sources.graph_files.items():
        if (None, None, node) in sources.dataset.graph(graph_id):
            return sources.display_path(path)
    return "?"


def label_of(node: Node, sources: Sources) -> str | None:
    ds = sources.union
    for prop in (SDO.name, RDFS.label):
        labels = {lit.language: str(lit) for lit in ds.objects(node, prop) if isinstance(lit, Literal)}
        for lang in ("en", "it", None):
            if lang in labels:
                return labels[lang]
    if isinstance(node, BNode):  # a structured value: name what holds it
        holder = next(ds.subjects(None, node), None)
        if holder is not None and holder != node:
            return f"value of {show_node(holder, sources)}"
    return None


def show_node(node: Node, sources: Sources) -> str:
    if isinstance(node, URIRef):
        return node.n3(sources.dataset.namespace_manager)
    if isinstance(node, BNode):
        return "[]"
    return node.n3() if isinstance(node, Literal) else str(node)


def violations(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_violation]

