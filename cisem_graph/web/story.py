"""The story a page tells before its data table, one layout per kind.

An event: when, where or online, organizer, speakers with the role each held, series, topics. An
organization: what it is, where, its parent and units, its people and their roles, its events. A
person: roles, events, affiliation. A place: where it is, what it contains, what is there. A series:
who organizes it, its events, its topics. A role: who holds it, where, when.

Each line of a layout is a SPARQL pattern around the thing (bound first, so the query starts from
it), asked with the others in one query; the labels of everything found come from one more. Each
line keeps the property it follows, so the term stays one click away. Lines with nothing to say
are left out: a story never says more than the data.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef

from .. import describe
from ..namespaces import SDO, XSD
from ..store.base import Store
from .catalogue import term_label, word
from .i18n import format_date, pick
from .page import Row, Value

#: the most things one line lists (a place may contain thousands: the table below pages them)
LINE_LIMIT = 30


@dataclass(frozen=True)
class Line:
    key: str  #: the catalogue word (section ``story``)
    via: URIRef  #: the property the line follows
    pattern: str  #: binds ?x (the thing shown) and optionally ?note, ?org, ?date, ?end
    dated: bool = False  #: ?x itself is a date


S = f"<{SDO}>"
ROLES_OF_PERSON = """{{ <T> schema:memberOf ?r . ?r schema:roleName ?note
    OPTIONAL {{ ?r schema:memberOf ?x }} OPTIONAL {{ ?r schema:startDate ?date }}
    OPTIONAL {{ ?r schema:endDate ?end }} }}
  UNION {{ ?r schema:editor <T> . ?r schema:roleName ?note . ?x schema:editor ?r }}"""

#: events a person or an organization spoke at
TOOK_PART = Line("took_part", SDO.performer,
                 "?x schema:performer <T> OPTIONAL { ?x schema:startDate ?date }")

LAYOUTS: dict[str, tuple[Line, ...]] = {
    "event": (
        Line("when", SDO.startDate, "<T> schema:startDate ?x OPTIONAL { <T> schema:endDate ?end }",
             dated=True),
        Line("attendance", SDO.eventAttendanceMode, "<T> schema:eventAttendanceMode ?x"),
        Line("where", SDO.location, """<T> schema:location ?loc OPTIONAL { ?loc schema:name ?n }
    BIND(IF(isIRI(?loc), ?loc, ?n) AS ?x) FILTER(BOUND(?x))"""),
        Line("organizer", SDO.organizer, "<T> schema:organizer ?x"),
        Line("speakers", SDO.performer, """<T> schema:performer ?x
    OPTIONAL { ?x schema:memberOf ?r . ?r schema:roleName ?note OPTIONAL { ?r schema:memberOf ?org } }"""),
        Line("series", SDO.superEvent, "<T> schema:superEvent ?x"),
        Line("topics", SDO.about, "<T> schema:about ?x"),
    ),
    "series": (
        Line("organizer", SDO.organizer, "<T> schema:organizer ?x"),
        Line("events", SDO.subEvent, "<T> schema:subEvent ?x OPTIONAL { ?x schema:startDate ?date }"),
        Line("topics", SDO.about, "<T> schema:about ?x"),
    ),
    "organization": (
        Line("located", SDO.location, "<T> schema:location ?x"),
        Line("parent", SDO.parentOrganization, "<T> schema:parentOrganization ?x"),
        Line("units", SDO.subOrganization, "<T> schema:subOrganization ?x"),
        Line("people", SDO.member, """{ <T> schema:member ?r } UNION { ?r schema:memberOf <T> }
    ?r schema:member ?x ; schema:roleName ?note
    OPTIONAL { ?r schema:startDate ?date } OPTIONAL { ?r schema:endDate ?end }"""),
        Line("founders", SDO.founder, "<T> schema:founder ?x"),
        Line("organized", SDO.organizer,
             "?x schema:organizer <T> OPTIONAL { ?x schema:startDate ?date }"),
        TOOK_PART,
        Line("topics", SDO.knowsAbout, "<T> schema:knowsAbout ?x"),
    ),
    "person": (
        Line("roles", SDO.memberOf, ROLES_OF_PERSON),
        Line("affiliation", SDO.affiliation, "<T> schema:affiliation ?x"),
        TOOK_PART,
    ),
    "place": (
        Line("in", SDO.containedInPlace, "<T> schema:containedInPlace ?x"),
        Line("contains", SDO.containedInPlace, "?x schema:containedInPlace <T>"),
        Line("here", SDO.location, "?x schema:location <T>"),
    ),
    "role": (
        Line("holder", SDO.member, "<T> schema:member ?x"),
        Line("role_in", SDO.memberOf, "<T> schema:memberOf ?x"),
        Line("period", SDO.startDate, "<T> schema:startDate ?x OPTIONAL { <T> schema:endDate ?end }",
             dated=True),
    ),
}


def story_query(kind: str, iri: str) -> str | None:
    """One SELECT for every line of ``kind``'s layout (None when the kind has no layout)."""
    lines = LAYOUTS.get(kind)
    if not lines:
        return None
    describe._check_iri(iri)
    branches = []
    for line in lines:
        pattern = line.pattern.replace("<T>", f"<{iri}>")
        branches.append(f'{{ SELECT ?line ?x ?note ?org ?date ?end WHERE {{\n    {pattern}\n'
                        f'    BIND("{line.key}" AS ?line) }} LIMIT {LINE_LIMIT} }}')
    return f"PREFIX schema: {S}\nSELECT ?line ?x ?note ?org ?date ?end WHERE {{\n  " + \
        "\n  UNION ".join(branches) + "\n}"


def build_story(store: Store, kind: str | None, iri: str, lang: str, linker) -> list[Row]:
    """The lines of ``iri``'s story in ``lang`` (none for a kind without a layout)."""
    query = story_query(kind or "", iri)
    if query is None:
        return []
    rows = list(store.select(query))
    things = {str(r[k]) for r in rows for k in ("x", "org") if isinstance(r.get(k), URIRef)}
    labels = describe.annotations(store, [URIRef(t) for t in things]) if things else None
    base = linker.base

    def name(iri: str) -> str:
        found = pick([o for p in describe.LABELS for o in labels.objects(URIRef(iri), p)],
                     lang) if labels is not None else None
        return str(found) if found is not None else (term_label(iri, lang, base) or linker.curie(iri))

    # one value per thing and qualifier; a role's name in the page's language
    grouped: dict[tuple, list[dict]] = {}
    for row in rows:
        key = tuple(str(row[k]) if k in row else None for k in ("line", "x", "org", "date", "end"))
        grouped.setdefault(key, []).append(row)
    by_line: dict[str, list[Value]] = {}
    for (line, *_), found in grouped.items():
        note = pick([r["note"] for r in found if isinstance(r.get("note"), Literal)], lang)
        row = {k: v for k, v in found[0].items() if k != "note"}
        by_line.setdefault(line, []).append(
            _value(row, None if note is None else str(note), lang, linker, name, base))
    story = []
    for line in LAYOUTS[kind]:
        values = by_line.get(line.key)
        if values:
            values.sort(key=lambda v: (v.when or "9999", v.text.casefold()))
            story.append(Row(word(line.key, lang, "story"), linker.curie(str(line.via)),
                             linker.term_href(str(line.via)), values, str(line.via)))
    return story


def _value(row: dict, note: str | None, lang: str, linker, name, base: str) -> Value:
    x, end = row["x"], str(row["end"]) if "end" in row else None
    if isinstance(x, Literal) and x.datatype is not None and str(x.datatype).startswith(str(XSD)):
        return _period(str(x), end, lang)
    if not isinstance(x, URIRef):
        return Value(str(x), lang=getattr(x, "language", None))
    iri = str(x)
    term = term_label(iri, lang, base)
    notes = [note] if note else []
    if isinstance(row.get("org"), URIRef):
        notes.append(name(str(row["org"])))
    when = str(row["date"]) if "date" in row else None
    if when:
        notes.append(_period(when, end, lang).text)
    return Value(term or name(iri), href=linker.term_href(iri) if term else linker.href(iri),
                 title=linker.curie(iri) if term else None, note=", ".join(notes) or None,
                 kind=linker.kind(iri), when=when)


def _period(start: str, end: str | None, lang: str) -> Value:
    """``14 giugno 2021, 18:00–20:00``; ``2008–2022``; a start alone as it is."""
    first = format_date(start, lang) or start
    if end:
        last = format_date(end, lang) or end
        if end[:10] == start[:10] and len(end) > 10:
            last = last.rsplit(", ", 1)[-1]  # the same day: only the time
        first = f"{first}–{last}"
    return Value(first, when=start, title=start if not end else f"{start}/{end}")
