"""The kinds of thing (``{base}id/{kind}/{slug}``) as the pages name and offer them: one table.

``namespaces.KINDS`` says which kinds exist; this table adds what people read (the plural, in
Italian and English); ``LISTED`` says which kinds the home page and the sitemap offer a list of.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..namespaces import KINDS


@dataclass(frozen=True)
class Kind:
    slug: str
    plural: tuple[str, str]  #: (Italian, English)

    def name(self, lang: str) -> str:
        return self.plural[0 if lang == "it" else 1]


TABLE: dict[str, Kind] = {kind.slug: kind for kind in (
    Kind("organization", ("Organizzazioni", "Organizations")),
    Kind("person", ("Persone", "People")),
    Kind("place", ("Luoghi", "Places")),
    Kind("event", ("Eventi", "Events")),
    Kind("series", ("Serie di eventi", "Event series")),
    Kind("role", ("Ruoli", "Roles")),
    Kind("concept", ("Concetti", "Concepts")),
    Kind("article", ("Articoli", "Articles")),
    Kind("quotation", ("Citazioni", "Quotations")),
    Kind("legislation", ("Norme", "Legislation")),
    Kind("periodical", ("Periodici", "Periodicals")),
)}
assert tuple(TABLE) == KINDS, "the kinds table names every kind of namespaces.KINDS, in order"

#: the kinds offered as lists, in the order the home page shows them
LISTED = ("organization", "person", "event", "place", "concept")


def kind_name(kind: str, lang: str) -> str:
    found = TABLE.get(kind)
    return found.name(lang) if found else kind
