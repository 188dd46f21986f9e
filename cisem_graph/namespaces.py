"""Every namespace and IRI pattern of the project, in one place.

Standard vocabularies come from rdflib (closed where rdflib closes them); the project's own IRIs
hang off the configured base, so they are built by functions that take it, never hard-coded.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    FOAF,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SH,
    SKOS,
    VOID,
    XSD,
)

#: schema.org, in the https form the official vocabulary file uses.
SDO = Namespace("https://schema.org/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
COV = Namespace("https://w3id.org/italia/onto/COV/")
CPV = Namespace("https://w3id.org/italia/onto/CPV/")
CLV = Namespace("https://w3id.org/italia/onto/CLV/")
L0 = Namespace("https://w3id.org/italia/onto/l0/")
WD = Namespace("http://www.wikidata.org/entity/")
#: DCAT 3 terms that rdflib's closed DCAT namespace (DCAT 2) lacks (version, hasVersion,
#: hasCurrentVersion, isVersionOf, previousVersion)
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")
DCAT_VERSION = DCAT3.version

#: Kinds of thing, in the singular, as they appear in ``{base}id/{kind}/{slug}``.
KINDS = ("organization", "person", "place", "event", "series", "role", "concept", "article",
         "quotation", "legislation", "periodical")

#: Prefixes bound in every serialization and offered to queries.
PREFIXES: dict[str, Namespace] = {
    "schema": SDO,
    "org": ORG,
    "prov": PROV,
    "dct": DCTERMS,
    "dcat": DCAT,
    "dcatapit": DCATAPIT,
    "void": VOID,
    "skos": SKOS,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "foaf": FOAF,
    "sh": SH,
    "sd": SD,
    "cov": COV,
    "cpv": CPV,
    "clv": CLV,
    "wd": WD,
}


def ontology_ns(base: str) -> Namespace:
    """The project vocabulary: ``{base}ontology#``."""
    return Namespace(f"{base}ontology#")


def thing_iri(base: str, kind: str, slug: str) -> URIRef:
    return URIRef(f"{base}id/{kind}/{slug}")


def doc_iri(base: str, kind: str, slug: str) -> URIRef:
    return URIRef(f"{base}doc/{kind}/{slug}")


def graph_iri(base: str, name: str) -> URIRef:
    return URIRef(f"{base}graph/{name}")


def dataset_iri(base: str) -> URIRef:
    return URIRef(f"{base}dataset")


def project_prefixes(base: str) -> dict[str, str]:
    """All prefixes as plain strings, with the project's own (``cisem:``, ``id:`` …) from the base."""
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    prefixes.update({
        "cisem": str(ontology_ns(base)),
        "graph": f"{base}graph/",
        **{kind: f"{base}id/{kind}/" for kind in ("organization", "person", "place", "event")},
    })
    return prefixes


def bind_prefixes(graph, base: str) -> None:
    """Bind the project's prefixes on an rdflib graph or dataset, replacing rdflib's defaults."""
    for name, iri in project_prefixes(base).items():
        graph.bind(name, iri, override=True, replace=True)
