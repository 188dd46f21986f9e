"""The network of the shipped data, written by hand from ``data/*.ttl`` (not from the program).

Nodes are the typed things under ``{base}id/{kind}/`` of the kinds the network draws; edges are
the relations between two of them in their canonical direction, a Role collapsed into one edge
that keeps the role's IRI (the rule ``cisem_graph.network`` documents). Each entry says which
file states it. A new data file that adds a thing or a relation must add it here too.
"""

from __future__ import annotations

BASE = "https://w3id.org/cisem/"
SCHEMA = "https://schema.org/"

#: kind -> slugs, with the file that types each thing
NODES: dict[str, tuple[str, ...]] = {
    "organization": (
        "camera-di-commercio-di-cuneo",  # press-release-2021-06-10
        "cisem",  # press-release-2021-06-10
        "euricse",  # press-release-2021-06-10
        "il-laboratorio",  # press-release-2021-06-10
        "cascina-pensolato",  # press-release-2021-06-10
        "universita-di-trento",  # euricse-carlo-borzaga, provincia-trento-euricse-2014
        "iris-network",  # impresa-sociale
        "federazione-trentina-della-cooperazione",  # provincia-trento-euricse-2014
        "cooperatives-europe",  # provincia-trento-euricse-2014
    ),
    "person": ("alessandro-durando", "carlo-borzaga"),  # press-release-2021-06-10
    "event": ("impresa-sociale-di-inserimento-lavorativo", "bilancio-delle-imprese-sociali",
              "trenta-anni-di-cooperazione-sociale"),  # press-release-2021-06-10
    "series": ("webinar-cisem-2021",),  # press-release-2021-06-10
    "periodical": ("impresa-sociale",),  # press-release-2021-06-10, impresa-sociale
    "place": (
        "cuneo", "dronero", "fossano", "provincia-di-cuneo", "piemonte",  # comuni-istat
        "trento",  # provincia-trento-euricse-2014
        "italia",  # wikidata-luoghi
    ),
}


def iri(path: str) -> str:
    """``kind/slug`` (or ``kind/slug`` of a role) as the thing's IRI under the default base."""
    return f"{BASE}id/{path}"


NODE_IRIS: frozenset[str] = frozenset(iri(f"{kind}/{slug}") for kind, slugs in NODES.items()
                                      for slug in slugs)
ORGANIZATION_IRIS: frozenset[str] = frozenset(iri(f"organization/{slug}")
                                              for slug in NODES["organization"])

_CISEM, _CAMERA = "organization/cisem", "organization/camera-di-commercio-di-cuneo"
_WEBINAR, _SERIES = "event/impresa-sociale-di-inserimento-lavorativo", "series/webinar-cisem-2021"
_BORZAGA, _DURANDO = "person/carlo-borzaga", "person/alessandro-durando"
_PROVINCE = "place/provincia-di-cuneo"

#: (source, relation, target, role or None): every edge, with what states it
_EDGES: tuple[tuple[str, str, str, str | None], ...] = (
    # schema:parentOrganization, org:unitOf, schema:subOrganization, org:hasUnit: one edge
    (_CISEM, "parentOrganization", _CAMERA, None),  # press-release, targatocn-2021-06-17
    (_CAMERA, "areaServed", _PROVINCE, None),  # camera-di-commercio-cuneo
    (_CAMERA, "location", "place/cuneo", None),  # targatocn-2023-01-20
    # the Roles of the press release: "il Presidente del CISeM Alessandro Durando", ...
    (_DURANDO, "memberOf", _CISEM, "role/durando-presidente-cisem"),
    (_BORZAGA, "memberOf", "organization/euricse", "role/borzaga-presidente-euricse"),
    # "Direttore scientifico della rivista Impresa Sociale" (press-release, targatocn-2021-06-17)
    ("periodical/impresa-sociale", "editor", _BORZAGA,
     "role/borzaga-direttore-scientifico-impresa-sociale"),
    ("periodical/impresa-sociale", "publisher", "organization/iris-network", None),  # impresa-sociale
    (_BORZAGA, "affiliation", "organization/universita-di-trento", None),  # euricse-carlo-borzaga
    ("organization/il-laboratorio", "location", "place/dronero", None),  # press-release
    ("organization/cascina-pensolato", "location", "place/fossano", None),  # press-release, pensolato
    # the webinar of 14 June 2021 and the series (schema:subEvent written as superEvent)
    (_SERIES, "organizer", _CISEM, None),
    (_WEBINAR, "organizer", _CISEM, None),
    (_WEBINAR, "performer", _DURANDO, None),
    (_WEBINAR, "performer", _BORZAGA, None),
    (_WEBINAR, "performer", "organization/il-laboratorio", None),
    (_WEBINAR, "performer", "organization/cascina-pensolato", None),
    (_WEBINAR, "superEvent", _SERIES, None),
    ("event/bilancio-delle-imprese-sociali", "superEvent", _SERIES, None),
    ("event/trenta-anni-di-cooperazione-sociale", "superEvent", _SERIES, None),
    # Euricse (provincia-trento-euricse-2014)
    ("organization/euricse", "location", "place/trento", None),
    ("organization/euricse", "founder", "organization/federazione-trentina-della-cooperazione", None),
    ("organization/euricse", "founder", "organization/universita-di-trento", None),
    ("organization/euricse", "founder", "organization/cooperatives-europe", None),
    # places (comuni-istat, provincia-trento-euricse-2014, wikidata-luoghi)
    ("place/cuneo", "containedInPlace", _PROVINCE, None),
    ("place/dronero", "containedInPlace", _PROVINCE, None),
    ("place/fossano", "containedInPlace", _PROVINCE, None),
    (_PROVINCE, "containedInPlace", "place/piemonte", None),
    ("place/piemonte", "containedInPlace", "place/italia", None),
    ("place/trento", "containedInPlace", "place/italia", None),
)

#: the edges as ``Edge.key`` gives them: (source IRI, relation IRI, target IRI, role IRI or "")
EDGE_KEYS: frozenset[tuple[str, str, str, str]] = frozenset(
    (iri(s), SCHEMA + relation, iri(t), iri(role) if role else "") for s, relation, t, role in _EDGES)
#: (source, target) of each edge: no two edges join the same two things in the same direction
PAIRS: frozenset[tuple[str, str]] = frozenset((s, t) for s, _, t, _ in EDGE_KEYS)

#: links of each thing in the network's ranking (other IRIs tied to it by a relation's predicate,
#: either way, roles included), for the things that rank above the rest
TOP_WEIGHTS = {
    # cisem, the four speakers, the series and the Zoom VirtualLocation (a blank node)
    iri(_WEBINAR): 7,
    # the Role of Borzaga, Trento and the three founders
    iri("organization/euricse"): 5,
    # the Chamber (areaServed), Cuneo, Dronero, Fossano and Piemonte
    iri(_PROVINCE): 5,
}
#: the next: four links each (so a sample of five holds two of them, in the engine's order)
TIED_AT_FOUR = frozenset({
    iri(_CISEM),  # the Chamber, Durando's Role, the series, the webinar
    iri(_SERIES),  # CISeM and the three events
    iri(_BORZAGA),  # the webinar, his two Roles, the University of Trento
})
