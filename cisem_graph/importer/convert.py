"""Rows to triples, with a problem for every cell that breaks a rule.

Three passes, so that every problem of a file shows up in one run and a row may name a thing that
a later row creates: (1) find what each row is about (its slug, or its name: an existing thing, or
a new one), (2) check that rows about the same thing agree, (3) read every cell and write the
triples, following the curated data's modelling (schema.org first, ORG beside it, roles as
``schema:OrganizationRole`` nodes linked both ways). A row with any problem contributes nothing.
Each triple remembers the row and column it came from, so SHACL findings can be put back there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, XSD
from rdflib.term import Node

from ..namespaces import thing_iri
from .builders import Builders
from .kinds import ATTENDANCE, PLACE_CODES, PLACE_TYPES, STATUS, Column, Kind, organization_types
from .problems import Problem
from .read import Cell, Header, Row, Table
from .resolve import Index
from .values import (
    BadValue,
    check_excel_error,
    norm,
    parse_choice,
    parse_code,
    parse_date,
    parse_datetime,
    parse_language,
    parse_slug,
    parse_source,
    parse_url,
    slugify,
    split_multi,
)


@dataclass
class Plan:
    """What one row is about and what it says."""

    row: Row
    values: dict[str, Cell]
    subject: URIRef | None = None
    exists: bool = False  # the thing is in the data already: the row adds statements to it
    by_name: bool = False  # found by its name (so the name is not written again)
    failed: bool = False
    refs: dict[str, URIRef] = field(default_factory=dict)  # resolved while finding the subject


@dataclass
class Origin:
    """Where each written statement came from: for putting SHACL findings back on rows."""

    #: (subject, predicate) -> (row, column key), first writer wins
    statements: dict[tuple[Node, Node], tuple[int, str]] = field(default_factory=dict)
    #: (subject, object) -> (row, column key)
    objects: dict[tuple[Node, Node], tuple[int, str]] = field(default_factory=dict)
    #: subject -> first row that wrote about it
    subjects: dict[Node, int] = field(default_factory=dict)
    #: blank node -> the node that holds it
    holders: dict[BNode, Node] = field(default_factory=dict)
    #: subjects of rows that failed (their findings are noise)
    failed: set[Node] = field(default_factory=set)


@dataclass
class Converted:
    kind: Kind
    graph: Graph
    plans: list[Plan]
    origin: Origin
    columns: dict[str, Header]
    sources: list[URIRef]  # the distinct web sources the rows cite
    created: list[URIRef]
    extended: list[URIRef]


class Converter(Builders):
    def __init__(self, table: Table, kind: Kind, index: Index, base: str, graph_id: URIRef) -> None:
        self.table, self.kind, self.index, self.base = table, kind, index, base
        self.graph = Graph(identifier=graph_id)
        self.problems: list[Problem] = []
        self.columns: dict[str, Header] = {}
        self.origin = Origin()
        self.org_types = organization_types(base)

    # -- problems ---------------------------------------------------------------------------------

    def column_name(self, key: str) -> tuple[str, str | None]:
        """The header as written in the file (and its letter); else both template headers."""
        header = self.columns.get(key)
        if header is not None:
            return header.text, header.letter
        column = self.kind.column(key)
        return f"{column.it} / {column.en}", None

    def report(self, row: int | None, key: str | None, rule: str, it: str, en: str,
               value: str | None = None) -> None:
        column, letter = self.column_name(key) if key else (None, None)
        self.problems.append(Problem(self.table.file, rule, {"it": it, "en": en}, row=row,
                                     column=column, letter=letter, value=value))

    def bad(self, plan: Plan, key: str, exc: BadValue, value: str | None) -> None:
        plan.failed = True
        column, letter = self.column_name(key)
        self.problems.append(Problem(self.table.file, exc.rule, exc.messages, row=plan.row.number,
                                     column=column, letter=letter, value=value))

    # -- the passes -------------------------------------------------------------------------------

    def run(self) -> Converted:
        self.map_headers()
        plans = [Plan(row, {key: row.cells[h.index] for key, h in self.columns.items()
                            if h.index in row.cells})
                 for row in self.table.rows]
        if not plans:
            self.report(self.table.header_row + 1, None, "empty",
                        "il file ha solo l’intestazione: nessuna riga da importare",
                        "the file has only the header: no row to import")
        for plan in plans:
            self.identify(plan)
        self.check_required(plans)
        self.check_duplicates(plans)
        self.register(plans)
        sources: set[URIRef] = set()
        for plan in plans:
            if not plan.failed:
                self.convert(plan, sources)
        good = {p.subject for p in plans if not p.failed}
        self.origin.failed = {p.subject for p in plans if p.failed and p.subject not in good} - {None}
        created = sorted({p.subject for p in plans if p.subject and not p.failed and not p.exists})
        extended = sorted({p.subject for p in plans if p.subject and not p.failed and p.exists})
        return Converted(self.kind, self.graph, plans, self.origin, self.columns, sorted(sources), created,
                         extended)

    def map_headers(self) -> None:
        row = self.table.header_row
        for header in self.table.headers:
            column = self.kind.match(header.text)
            if column is None:
                known = ", ".join(c.it for c in self.kind.columns)
                known_en = ", ".join(c.en for c in self.kind.columns)
                self.problems.append(Problem(self.table.file, "unknown-column", {
                    "it": f"colonna sconosciuta per {self.kind.label_it}; le colonne sono: {known}",
                    "en": f"unknown column for {self.kind.label_en}; the columns are: {known_en}"},
                    row=row, column=header.text, letter=header.letter, value=header.text))
            elif column.key in self.columns:
                first = self.columns[column.key]
                self.problems.append(Problem(self.table.file, "duplicate-column", {
                    "it": f"la colonna ripete {first.text!r}: tenerne una sola",
                    "en": f"the column repeats {first.text!r}: keep only one"},
                    row=row, column=header.text, letter=header.letter, value=header.text))
            else:
                self.columns[column.key] = header
        for _index, letter, first_row in self.table.headless:
            self.problems.append(Problem(self.table.file, "unknown-column", {
                "it": "valori in una colonna senza intestazione", "en": "values in a column with no header"},
                row=first_row, letter=letter))
        if "source" not in self.columns:
            self.report(row, "source", "missing-column",
                        "manca la colonna della fonte (fonte / source): ogni riga cita il documento da "
                        "cui vengono i suoi fatti",
                        "the source column (fonte / source) is missing: every row cites the document "
                        "its facts come from")

    def identify(self, plan: Plan) -> None:
        """Pass 1: the row's subject, from its slug or its name (roles: person, role, organization)."""
        thing = self.kind.thing
        slug_cell = plan.values.get("slug")
        if slug_cell is not None:
            try:
                plan.subject = thing_iri(self.base, thing, parse_slug(slug_cell.text, thing))
            except BadValue as exc:
                self.bad(plan, "slug", exc, slug_cell.text)
                return
            if self.kind.name == "roles":
                self.resolve_refs(plan, ("person", "organization"))
        elif self.kind.name == "roles":
            self.resolve_refs(plan, ("person", "organization"))
            role = plan.values.get("role_it")
            if plan.failed or role is None or len(plan.refs) < 2:
                return  # the missing values are reported as required
            person, organization = plan.refs["person"], plan.refs["organization"]
            who = self.index.family_names.get(person) or _slug_of(person)
            slug = slugify(f"{who} {role.text} {_slug_of(organization)}")
            plan.subject = thing_iri(self.base, thing, slug)
        else:
            name = self.display_name(plan)
            if not name:
                return  # reported as required
            existing = {s for s in self.index.named(thing, name) if s not in self.index.created}
            if len(existing) > 1:
                slugs = ", ".join(sorted(_slug_of(s) for s in existing))
                self.bad(plan, "name", BadValue(
                    f"il nome indica più risorse esistenti ({slugs}): indicare lo slug",
                    f"the name matches several existing things ({slugs}): give the slug",
                    rule="ambiguous-reference"), name)
                return
            if existing:
                plan.subject, plan.by_name = existing.pop(), True
            else:
                slug = slugify(name)
                if not slug:
                    self.bad(plan, "name", BadValue(
                        "dal nome non si ricava uno slug: indicarlo nella colonna slug",
                        "no slug can be derived from the name: give one in the slug column"), name)
                    return
                plan.subject = thing_iri(self.base, thing, slug)
        if plan.subject is not None:
            plan.exists = self.index.exists(plan.subject)

    def resolve_refs(self, plan: Plan, keys: tuple[str, ...]) -> None:
        for key in keys:
            cell = plan.values.get(key)
            if cell is None:
                continue
            try:
                plan.refs[key] = self.index.resolve(cell.text, self.kind.column(key).targets)
            except BadValue as exc:
                self.bad(plan, key, exc, cell.text)

    def display_name(self, plan: Plan) -> str | None:
        cell = plan.values.get("name")
        if cell is not None:
            return cell.text
        if self.kind.name == "people":
            given, family = plan.values.get("given_name"), plan.values.get("family_name")
            if given is not None and family is not None:
                return f"{given.text} {family.text}"
        return None

    def check_required(self, plans: list[Plan]) -> None:
        for plan in plans:
            for column in self.kind.columns:
                if column.key in plan.values:
                    continue
                if column.always and "source" in self.columns:
                    self.bad(plan, column.key, BadValue(
                        "obbligatorio: la fonte dei fatti della riga (un URL o una citazione)",
                        "required: the source of the row's facts (a URL or a citation)",
                        rule="required"), None)
                elif column.required and not plan.exists:
                    if column.key == "name" and self.display_name(plan):
                        continue
                    self.bad(plan, column.key, BadValue(
                        f"obbligatorio per una risorsa nuova ({column.help_it})",
                        f"required for a new thing ({column.help_en})", rule="required"), None)

    def check_duplicates(self, plans: list[Plan]) -> None:
        """Rows about the same thing may add to each other, never disagree."""
        first: dict[URIRef, Plan] = {}
        for plan in plans:
            if plan.subject is None:
                continue
            earlier = first.setdefault(plan.subject, plan)
            if earlier is plan:
                continue
            for key, cell in plan.values.items():
                other = earlier.values.get(key)
                column = self.kind.column(key)
                if other is None or column.multi or norm(other.text) == norm(cell.text):
                    continue
                self.bad(plan, key, BadValue(
                    f"la riga {earlier.row.number} descrive la stessa risorsa ({_slug_of(plan.subject)}) "
                    f"con un altro valore: {other.text!r}",
                    f"row {earlier.row.number} describes the same thing ({_slug_of(plan.subject)}) "
                    f"with another value: {other.text!r}", rule="conflict"), cell.text)

    def register(self, plans: list[Plan]) -> None:
        """New things become nameable by every row, wherever they are in the file."""
        for plan in plans:
            if plan.subject is None or plan.exists or plan.failed:
                continue
            names: dict[str | None, str] = {}
            name = self.display_name(plan)
            if name:
                names["it"] = name
            if "name_en" in plan.values:
                names["en"] = plan.values["name_en"].text
            other = tuple(plan.values[k].text for k in ("alternate_name",) if k in plan.values)
            family = plan.values.get("family_name")
            self.index.add(plan.subject, self.kind.thing, names, other,
                           family.text if family is not None else None)

    # -- pass 3: cells to triples -----------------------------------------------------------------

    def convert(self, plan: Plan, sources: set[URIRef]) -> None:
        values: dict[str, object] = {}
        for key, cell in plan.values.items():
            if key == "slug" or key in plan.refs:
                continue
            column = self.kind.column(key)
            try:
                check_excel_error(cell)
                values[key] = self.parse(column, cell, plan)
            except BadValue as exc:
                self.bad(plan, key, exc, exc.value or cell.text)
        values.update(plan.refs)
        if plan.failed:
            return
        triples: list[tuple[Node, Node, Node, str]] = []

        def emit(s: Node, p: Node, o: Node, key: str) -> None:
            triples.append((s, p, o, key))

        assert plan.subject is not None
        builder: Callable[[Plan, dict, Callable], None] = getattr(self, f"_{self.kind.name}")
        builder(plan, values, emit)
        source = values.get("source")
        if source is not None:
            emit(plan.subject, DCTERMS.source, source, "source")
            if isinstance(source, URIRef):
                emit(plan.subject, PROV.wasDerivedFrom, source, "source")
                sources.add(source)
        number = plan.row.number
        for s, p, o, key in triples:
            self.graph.add((s, p, o))
            self.origin.statements.setdefault((s, p), (number, key))
            self.origin.objects.setdefault((s, o), (number, key))
            self.origin.subjects.setdefault(s, number)
            if isinstance(o, BNode):
                self.origin.holders[o] = s

    def parse(self, column: Column, cell: Cell, plan: Plan) -> object:
        kind = column.type
        if kind == "text":
            return cell.text
        if kind == "url":
            return parse_url(cell)
        if kind == "datetime":
            return parse_datetime(cell)
        if kind == "date":
            value = parse_date(cell)
            if column.key == "founding_date" and value.datatype == XSD.dateTime:
                raise BadValue("la data di fondazione è un giorno, un mese o un anno, senza ora",
                               "the founding date is a day, a month or a year, with no time")
            return value
        if kind == "source":
            return parse_source(cell)
        if kind == "language":
            return parse_language(cell)
        if kind == "code":
            _key, _id, pattern, width, example, name_it, name_en = next(
                c for c in PLACE_CODES if c[0] == column.key)
            return parse_code(cell, pattern, width, example, name_it, name_en)
        if kind == "choice":
            choices = {"attendance": ATTENDANCE, "status": STATUS}.get(column.key)
            if choices is None:
                choices = self.org_types if self.kind.name == "organizations" else PLACE_TYPES
            return parse_choice(cell, choices)
        if kind == "ref":
            texts = split_multi(cell.text) if column.multi else [cell.text]
            found: list[URIRef] = []
            failures = []
            for text in texts:
                try:
                    found.append(self.index.resolve(text, column.targets))
                except BadValue as exc:
                    failures.append((exc, text))
            for exc, text in failures[:-1]:
                self.bad(plan, column.key, exc, text)
            if failures:
                exc, text = failures[-1]
                exc.value = text
                raise exc
            return found if column.multi else found[0]
        raise AssertionError(f"unknown column type {kind}")


def _slug_of(iri: URIRef) -> str:
    return str(iri).rsplit("/", 1)[-1]
