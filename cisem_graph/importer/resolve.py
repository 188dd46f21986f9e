"""Find the things a row names: by slug, ``kind/slug``, full IRI, or by name.

People write "Il Laboratorio" or "cisem", not IRIs. A name matches a thing's ``schema:name``,
``schema:alternateName`` or ``skos:prefLabel`` in any language, compared loosely (case, accents,
punctuation). A reference must be unambiguous and must exist: in the data already, or created by
the same import (so a file may name in row 5 what row 9 creates).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from ..graph.sources import Sources
from ..graph.terms import to_rdflib
from ..namespaces import SDO, thing_iri
from .values import SLUG, BadValue, norm

NAME_PROPERTIES = (SDO.name, SDO.alternateName, SKOS.prefLabel, RDFS.label)

_KIND_IT = {"organization": "organizzazione", "person": "persona", "place": "luogo", "event": "evento",
            "series": "serie di eventi", "role": "ruolo", "concept": "tema", "legislation": "atto normativo"}


@dataclass
class Index:
    """The things of the data (every kind), with their names, plus those this import creates."""

    base: str
    kinds: dict[URIRef, str] = field(default_factory=dict)
    by_name: dict[tuple[str, str], set[URIRef]] = field(default_factory=lambda: defaultdict(set))
    names: dict[URIRef, dict[str | None, str]] = field(default_factory=lambda: defaultdict(dict))
    family_names: dict[URIRef, str] = field(default_factory=dict)
    created: set[URIRef] = field(default_factory=set)

    @classmethod
    def of(cls, sources: Sources, base: str) -> Index:
        """The things of the parsed data (asked of its store), with their names."""
        index = cls(base)
        prefix = f"{base}id/"
        things = f'isIRI(?s) && STRSTARTS(STR(?s), "{prefix}")'
        for row in sources.select(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER({things}) }}"):
            subject = URIRef(row["s"].value)
            kind, _, slug = str(subject)[len(prefix):].partition("/")
            if slug and "/" not in slug:
                index.kinds[subject] = kind
        names = " ".join(f"<{prop}>" for prop in NAME_PROPERTIES)
        rows = sources.select(f"SELECT DISTINCT ?s ?p ?name WHERE {{ VALUES ?p {{ {names} }} "
                              f"?s ?p ?name FILTER({things} && isLiteral(?name)) }}")
        found = sorted(((r["s"].value, r["p"].value, to_rdflib(r["name"])) for r in rows),
                       key=lambda row: (row[0], row[1], str(row[2]), row[2].language or ""))
        for s, p, name in found:
            subject = URIRef(s)
            if subject in index.kinds:
                index._name(subject, index.kinds[subject], str(name), name.language,
                            display=p == str(SDO.name))
        rows = sources.select(f"SELECT ?s (MIN(STR(?f)) AS ?family) WHERE {{ ?s <{SDO.familyName}> ?f "
                              f"FILTER({things}) }} GROUP BY ?s")
        for row in rows:
            if URIRef(row["s"].value) in index.kinds:
                index.family_names[URIRef(row["s"].value)] = row["family"].value
        return index

    def _name(self, subject: URIRef, kind: str, name: str, lang: str | None, display: bool) -> None:
        self.by_name[(kind, norm(name))].add(subject)
        if display:  # schema:name; other labels identify a thing but are not shown for it
            self.names[subject].setdefault(lang, name)

    def add(self, subject: URIRef, kind: str, names: dict[str | None, str],
            other_names: tuple[str, ...] = (), family_name: str | None = None) -> None:
        """A thing this import creates, so that other rows may name it."""
        self.kinds[subject] = kind
        self.created.add(subject)
        for lang, name in names.items():
            self._name(subject, kind, name, lang, display=True)
        for name in other_names:
            self._name(subject, kind, name, None, display=False)
        if family_name:
            self.family_names[subject] = family_name

    def exists(self, subject: URIRef) -> bool:
        return subject in self.kinds

    def name_of(self, subject: URIRef, lang: str) -> str:
        names = self.names.get(subject, {})
        return names.get(lang) or names.get("it") or names.get(None) or str(subject).rsplit("/", 1)[-1]

    def named(self, kind: str, name: str) -> set[URIRef]:
        return set(self.by_name.get((kind, norm(name)), ()))

    def resolve(self, text: str, targets: tuple[str, ...]) -> URIRef:
        """The one thing of one of the ``targets`` kinds that ``text`` names, or ``BadValue``."""
        value = text.strip()
        found: set[URIRef] = set()
        prefix = f"{self.base}id/"
        if value.startswith(prefix):
            candidate = URIRef(value)
            if self.kinds.get(candidate) in targets:
                found.add(candidate)
        elif "/" in value and value.split("/", 1)[0] in targets:
            kind, slug = value.split("/", 1)
            candidate = thing_iri(self.base, kind, slug)
            if self.exists(candidate):
                found.add(candidate)
        else:
            if SLUG.match(value):
                found |= {thing_iri(self.base, k, value) for k in targets
                          if self.exists(thing_iri(self.base, k, value))}
            for kind in targets:
                found |= self.named(kind, value)
        wanted_it = " o ".join(_KIND_IT.get(k, k) for k in targets)
        wanted_en = " or ".join(targets)
        if not found:
            raise BadValue(
                f"nessun {wanted_it} con questo slug o nome, né nei dati né in questo file",
                f"no {wanted_en} has this slug or name, in the data or in this file",
                rule="unknown-reference")
        if len(found) > 1:
            slugs = ", ".join(sorted(f"{self.kinds[s]}/{str(s).rsplit('/', 1)[-1]}" for s in found))
            raise BadValue(f"il nome indica più risorse ({slugs}): usare lo slug",
                           f"the name matches several things ({slugs}): use the slug",
                           rule="ambiguous-reference")
        return found.pop()
