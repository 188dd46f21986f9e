"""A synthetic, seeded dataset shaped like ours (schema.org), written as N-Quads.

Shape, per kind of thing (IRIs ``{base}id/{kind}/{slug}``, one named graph per kind, like one
source document each):

- places: cities (``schema:City``) contained in provinces, provinces in regions
  (``schema:AdministrativeArea``), names in Italian and English;
- organizations: cooperatives, social enterprises, associations, chambers (``schema:Organization``
  and a subtype), Italian and English names, a website, a founding date, a location, a description;
- persons (``schema:Person``): names, an affiliation, a job title in Italian;
- roles (``schema:OrganizationRole``): an organization's ``schema:member`` is a role whose
  ``schema:member`` is the person, with a role name and a start date (schema.org's Role pattern);
- events (``schema:Event``): names, a ``startDate`` with offset, an organizer, 1–5 performers, a
  location, attendance mode and status.

The same seed gives the same bytes. ``generate`` returns the N-Quads and the IRIs of every thing
(for lookups) and the date range of the events (for windowed joins).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"

_SYLLABLES = ("ba", "ro", "ca", "ne", "mo", "ti", "va", "lu", "ser", "gia", "fon", "dro", "pie",
              "mon", "bor", "ga", "sa", "lu", "zzo", "ve", "ri", "ta", "no", "cu", "fos", "sal")
_GIVEN = ("Anna", "Carlo", "Giulia", "Marco", "Paola", "Luca", "Elena", "Davide", "Chiara", "Paolo",
          "Sara", "Matteo", "Francesca", "Stefano", "Laura", "Andrea", "Silvia", "Nicolò", "Irene",
          "Fabrizio", "Martina", "Giorgio", "Federica", "Simone", "Beatrice", "Tommaso")
_ORG_KINDS = (
    ("cooperativa-sociale", "Cooperativa sociale", "Social cooperative", "NGO"),
    ("impresa-sociale", "Impresa sociale", "Social enterprise", "Corporation"),
    ("associazione", "Associazione", "Association", "NGO"),
    ("fondazione", "Fondazione", "Foundation", "NGO"),
    ("consorzio", "Consorzio", "Consortium", "Organization"),
)
_JOBS = ("presidente", "direttrice", "ricercatore", "socia fondatrice", "coordinatore", "consigliera")
_ROLES = ("presidente", "vicepresidente", "consigliere", "direttore", "segretaria", "tesoriere")
_TOPICS = ("microcredito", "impresa sociale", "cooperazione", "welfare di comunità", "inclusione",
           "agricoltura sociale", "economia circolare", "finanza etica", "terzo settore")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts))


@dataclass
class Synthetic:
    nquads: bytes
    triples: int
    iris: dict[str, list[str]] = field(default_factory=dict)  # kind -> IRIs of things
    graphs: list[str] = field(default_factory=list)
    first_event: datetime | None = None
    last_event: datetime | None = None


class _Writer:
    def __init__(self, base: str) -> None:
        self.base = base
        self.lines: list[str] = []
        self.graph = ""

    def use_graph(self, name: str) -> str:
        self.graph = f"{self.base}graph/{name}"
        return self.graph

    def iri(self, kind: str, slug: str) -> str:
        return f"{self.base}id/{kind}/{slug}"

    def _add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"<{s}> <{p}> {o} <{self.graph}> .\n")

    def node(self, s: str, p: str, o: str) -> None:
        self._add(s, p, f"<{o}>")

    def text(self, s: str, p: str, value: str, lang: str | None = None) -> None:
        self._add(s, p, f'"{_escape(value)}"' + (f"@{lang}" if lang else ""))

    def typed(self, s: str, p: str, value: str, datatype: str) -> None:
        self._add(s, p, f'"{_escape(value)}"^^<{XSD}{datatype}>')

    def types(self, s: str, *classes: str) -> None:
        for cls in classes:
            self.node(s, RDF_TYPE, SCHEMA + cls)


def generate(base: str = "https://w3id.org/cisem/", seed: int = 20210614, scale: float = 1.0) -> Synthetic:
    """About 100k triples at ``scale=1`` (counts of things scale linearly)."""
    rng = random.Random(seed)
    w = _Writer(base)
    s = SCHEMA
    n_regions, n_provinces = 5, 25
    n_cities = int(1500 * scale)
    n_orgs = int(2500 * scale)
    n_persons = int(4500 * scale)
    n_roles = int(3000 * scale)
    n_events = int(2500 * scale)
    iris: dict[str, list[str]] = {k: [] for k in ("place", "organization", "person", "role", "event")}
    graphs = []

    # -- places
    graphs.append(w.use_graph("bench-places"))
    regions, provinces, cities = [], [], []
    for i in range(n_regions):
        name = _word(rng, 3).capitalize()
        iri = w.iri("place", f"regione-{i}-{name.lower()}")
        w.types(iri, "AdministrativeArea", "Place")
        w.text(iri, s + "name", name, "it")
        w.text(iri, s + "name", f"Region of {name}", "en")
        w.typed(iri, s + "identifier", f"{i + 1:02d}", "string")
        regions.append(iri)
    for i in range(n_provinces):
        name = _word(rng, 3).capitalize()
        iri = w.iri("place", f"provincia-{i}-{name.lower()}")
        w.types(iri, "AdministrativeArea", "Place")
        w.text(iri, s + "name", f"Provincia di {name}", "it")
        w.text(iri, s + "name", f"Province of {name}", "en")
        w.node(iri, s + "containedInPlace", regions[i % n_regions])
        provinces.append(iri)
    for i in range(n_cities):
        name = _word(rng, rng.randint(2, 4)).capitalize()
        iri = w.iri("place", f"{name.lower()}-{i}")
        w.types(iri, "City", "Place")
        w.text(iri, s + "name", name, "it")
        w.text(iri, s + "name", name, "en")
        w.node(iri, s + "containedInPlace", rng.choice(provinces))
        w.typed(iri, s + "postalCode", f"{12000 + i:05d}", "string")
        cities.append(iri)
    iris["place"] = regions + provinces + cities

    # -- organizations
    graphs.append(w.use_graph("bench-organizations"))
    orgs = []
    for i in range(n_orgs):
        slug_kind, it_kind, en_kind, cls = rng.choice(_ORG_KINDS)
        name = _word(rng, rng.randint(2, 4)).capitalize()
        iri = w.iri("organization", f"{slug_kind}-{name.lower()}-{i}")
        w.types(iri, "Organization", *(() if cls == "Organization" else (cls,)))
        w.text(iri, s + "name", f"{it_kind} {name}", "it")
        w.text(iri, s + "name", f"{en_kind} {name}", "en")
        w.node(iri, s + "url", f"https://{name.lower()}-{i}.example.org/")
        w.typed(iri, s + "foundingDate", f"{rng.randint(1950, 2020)}-{rng.randint(1, 12):02d}-"
                f"{rng.randint(1, 28):02d}", "date")
        w.node(iri, s + "location", rng.choice(cities))
        w.text(iri, s + "description", f"{it_kind} attiva nel campo: {rng.choice(_TOPICS)}.", "it")
        orgs.append(iri)
    iris["organization"] = orgs
    # a few organizers hold most events, as chambers and federations do
    organizers = orgs[: max(10, n_orgs // 20)]

    # -- persons
    graphs.append(w.use_graph("bench-people"))
    persons = []
    for i in range(n_persons):
        given, family = rng.choice(_GIVEN), _word(rng, 3).capitalize()
        iri = w.iri("person", f"{given.lower().replace('ò', 'o')}-{family.lower()}-{i}")
        w.types(iri, "Person")
        w.text(iri, s + "name", f"{given} {family}")
        w.text(iri, s + "givenName", given)
        w.text(iri, s + "familyName", family)
        w.node(iri, s + "affiliation", rng.choice(orgs))
        w.text(iri, s + "jobTitle", rng.choice(_JOBS), "it")
        persons.append(iri)
    iris["person"] = persons

    # -- roles (schema.org Role pattern between an organization and a person)
    graphs.append(w.use_graph("bench-roles"))
    roles = []
    for i in range(n_roles):
        org, person, title = rng.choice(orgs), rng.choice(persons), rng.choice(_ROLES)
        iri = w.iri("role", f"ruolo-{i}")
        w.types(iri, "OrganizationRole", "Role")
        w.text(iri, s + "roleName", title, "it")
        w.typed(iri, s + "startDate", str(rng.randint(1990, 2023)), "gYear")
        w.node(org, s + "member", iri)
        w.node(iri, s + "member", person)
        roles.append(iri)
    iris["role"] = roles

    # -- events
    graphs.append(w.use_graph("bench-events"))
    events = []
    tz = timezone(timedelta(hours=2))
    start0 = datetime(2015, 1, 1, tzinfo=tz)
    span_minutes = 10 * 365 * 24 * 60
    dates = []
    for i in range(n_events):
        topic = rng.choice(_TOPICS)
        when = start0 + timedelta(minutes=rng.randrange(0, span_minutes, 30))
        dates.append(when)
        iri = w.iri("event", f"webinar-{i}")
        w.types(iri, "Event", *(("EducationEvent",) if i % 3 == 0 else ()))
        w.text(iri, s + "name", f"Webinar: {topic} ({i})", "it")
        w.text(iri, s + "name", f"Webinar: {topic} ({i}) [en]", "en")
        w.typed(iri, s + "startDate", when.isoformat(), "dateTime")
        w.node(iri, s + "organizer", rng.choice(organizers))
        for person in rng.sample(persons, rng.randint(1, 5)):
            w.node(iri, s + "performer", person)
        w.node(iri, s + "location", rng.choice(cities))
        w.node(iri, s + "eventAttendanceMode", s + "OnlineEventAttendanceMode")
        w.node(iri, s + "eventStatus", s + "EventScheduled")
        events.append(iri)
    iris["event"] = events

    return Synthetic("".join(w.lines).encode("utf-8"), len(w.lines), iris, graphs,
                     min(dates), max(dates))


if __name__ == "__main__":
    data = generate()
    print(data.triples, "quads;", {k: len(v) for k, v in data.iris.items()})
