"""Run the project's real SHACL validation on the data plus the imported graph, and put each
finding back on the spreadsheet row (and column) that made the node it is about.

The shapes are the publishing gate: an import that would make ``cisem-graph build`` fail is
refused now, with the row to fix, rather than at the next build. Findings come from
``cisem_graph.graph.validate`` as shown strings (``event:x``, ``schema:endDate``); the imported nodes are
shown the same way to match them.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from ..config import Settings
from ..graph.sources import Sources
from ..graph.validate import Finding, label_of, show_node, validate
from .convert import Converted
from .problems import Problem


def drop_graph(sources: Sources, graph_id: URIRef) -> None:
    """Leave out a previous version of the imported graph: the new one replaces it."""
    sources.remove_graph(graph_id)


def add_graph(sources: Sources, graph: Graph, path: Path) -> None:
    """Put the imported graph into the loaded sources, as if its file were already in data/."""
    sources.add_graph(graph, path)


def shacl_problems(sources: Sources, settings: Settings, converted: Converted,
                   shown_file: str) -> list[Problem]:
    findings = validate(sources, settings)
    locator = _Locator(sources, converted)
    problems = []
    for finding in findings:
        if finding.severity not in ("Violation", "Warning") or locator.is_noise(finding):
            continue
        place = locator.place(finding)
        if place is None and not finding.is_violation:
            continue  # warnings about things this import did not touch are not its business
        problems.append(locator.problem(finding, place, shown_file))
    return problems


class _Locator:
    def __init__(self, sources: Sources, converted: Converted) -> None:
        self.sources, self.converted = sources, converted
        origin = converted.origin
        self.statements = {(self.show(s), self.show(p)): v for (s, p), v in origin.statements.items()}
        self.objects = {(self.show(s), self.show(o)): v for (s, o), v in origin.objects.items()}
        self.subjects = {self.show(s): row for s, row in origin.subjects.items() if not isinstance(s, BNode)}
        self.failed = {self.show(s) for s in origin.failed}
        # blank nodes are shown as "[]": tell them apart by their label, as validate labels them
        self.blanks: dict[str, BNode] = {}
        for node in origin.holders:
            label = label_of(node, sources)
            if label is not None:
                self.blanks.setdefault(label, node)
        self.holder_of = origin.holders
        # a missing property is no statement of a row: name the column that would give it
        self.path_columns: dict[str, str] = {}
        for column in converted.kind.columns:
            for path in column.paths:
                self.path_columns.setdefault(self.show(path), column.key)

    def show(self, node: Node) -> str:
        return show_node(node, self.sources)

    def is_noise(self, finding: Finding) -> bool:
        """Findings caused by leaving out a row that has errors of its own."""
        return finding.subject in self.failed or (finding.value or "") in self.failed

    def place(self, finding: Finding) -> tuple[int, str | None] | None:
        subject = finding.subject
        if subject == "[]":
            node = self.blanks.get(finding.label or "")
            if node is None:
                return None
            holder = self.show(self.holder_of[node])
            row, key = self.objects.get((holder, self.show(node)), (None, None))
            return (row, key) if row is not None else None
        if finding.path and (subject, finding.path) in self.statements:
            return self.statements[(subject, finding.path)]
        if finding.value and (subject, finding.value) in self.objects:
            return self.objects[(subject, finding.value)]
        if subject in self.subjects:
            return self.subjects[subject], self.path_columns.get(finding.path or "")
        return None

    def problem(self, finding: Finding, place: tuple[int, str | None] | None, shown_file: str) -> Problem:
        severity = "error" if finding.is_violation else "warning"
        where = f"{finding.subject}" + (f" {finding.path}" if finding.path else "")
        messages = {lang: f"{where}: {text}" for lang, text in finding.messages.items()}
        messages.setdefault("it", messages.get("en", where))
        if place is None:
            return Problem(finding.file, "shacl", messages, value=finding.value, severity=severity)
        row, key = place
        column = letter = value = None
        if key is not None:
            header = self.converted.columns.get(key)
            plan = next((p for p in self.converted.plans if p.row.number == row), None)
            if header is not None:
                column, letter = header.text, header.letter
            else:  # a column the file does not have: both its template headers
                spec = self.converted.kind.column(key)
                column = f"{spec.it} / {spec.en}"
            if plan is not None and key in plan.values:
                value = plan.values[key].text
        return Problem(shown_file, "shacl", messages, row=row, column=column, letter=letter,
                       value=value if value is not None else finding.value, severity=severity)
