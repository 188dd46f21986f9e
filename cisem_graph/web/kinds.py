"""The kinds of thing (``{base}id/{kind}/{slug}``) as the pages name, list and filter them: one table.

``namespaces.KINDS`` says which kinds exist; this table adds what people read (the plural, in
Italian and English), how a list of the kind is sorted by default, and the facets that fit it:
events by year, series and attendance mode; organizations by type and place; places by what
contains them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..namespaces import KINDS, RDF, SDO


@dataclass(frozen=True)
class Facet:
    name: str  #: the query-string parameter (``?year=2021``)
    predicate: str  #: the property whose values it counts
    year: bool = False  #: the value is a date: count its year


@dataclass(frozen=True)
class Kind:
    slug: str
    plural: tuple[str, str]  #: (Italian, English)
    singular: tuple[str, str]
    facets: tuple[Facet, ...] = ()
    dated: bool = False  #: listed by date (``schema:startDate``), newest first

    def name(self, lang: str, *, one: bool = False) -> str:
        return (self.singular if one else self.plural)[0 if lang == "it" else 1]


YEAR = Facet("year", str(SDO.startDate), year=True)
TABLE: dict[str, Kind] = {kind.slug: kind for kind in (
    Kind("organization", ("Organizzazioni", "Organizations"), ("Organizzazione", "Organization"),
         (Facet("type", str(RDF.type)), Facet("place", str(SDO.location)))),
    Kind("person", ("Persone", "People"), ("Persona", "Person")),
    Kind("place", ("Luoghi", "Places"), ("Luogo", "Place"), (Facet("in", str(SDO.containedInPlace)),)),
    Kind("event", ("Eventi", "Events"), ("Evento", "Event"),
         (YEAR, Facet("series", str(SDO.superEvent)), Facet("mode", str(SDO.eventAttendanceMode))),
         dated=True),
    Kind("series", ("Serie di eventi", "Event series"), ("Serie di eventi", "Event series"),
         (Facet("organizer", str(SDO.organizer)),)),
    Kind("role", ("Ruoli", "Roles"), ("Ruolo", "Role")),
    Kind("concept", ("Concetti", "Concepts"), ("Concetto", "Concept")),
    Kind("article", ("Articoli", "Articles"), ("Articolo", "Article")),
    Kind("quotation", ("Citazioni", "Quotations"), ("Citazione", "Quotation")),
    Kind("legislation", ("Norme", "Legislation"), ("Norma", "Legislation")),
    Kind("periodical", ("Periodici", "Periodicals"), ("Periodico", "Periodical")),
)}
assert tuple(TABLE) == KINDS, "the kinds table names every kind of namespaces.KINDS, in order"


def kind_name(kind: str, lang: str, *, one: bool = False) -> str:
    found = TABLE.get(kind)
    return found.name(lang, one=one) if found else kind
