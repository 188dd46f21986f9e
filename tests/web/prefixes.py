"""The project's prefixes written out by hand (not read from ``cisem_graph.namespaces``): what a
JSON-LD consumer and a query writer rely on, so a change to them fails a test and is deliberate."""

from __future__ import annotations

BASE = "https://w3id.org/cisem/"

#: the JSON-LD context of the linked data: each prefix and the namespace it stands for
CONTEXT = {
    "cisem": f"{BASE}ontology#",
    "clv": "https://w3id.org/italia/onto/CLV/",
    "cov": "https://w3id.org/italia/onto/COV/",
    "cpv": "https://w3id.org/italia/onto/CPV/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "dct": "http://purl.org/dc/terms/",
    "event": f"{BASE}id/event/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "graph": f"{BASE}graph/",
    "org": "http://www.w3.org/ns/org#",
    "organization": f"{BASE}id/organization/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "person": f"{BASE}id/person/",
    "place": f"{BASE}id/place/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",  # https, as the official vocabulary file writes it
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "wd": "http://www.wikidata.org/entity/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: the kinds of thing in ``{base}id/{kind}/{slug}`` (design.md, IRIs; legislation and periodical since)
KINDS = ("organization", "person", "place", "event", "series", "role", "concept", "article",
         "quotation", "legislation", "periodical")

#: what a canned query may use undeclared: the context's, ``id:`` and one prefix per kind
QUERY_PREFIXES = {**CONTEXT, "id": f"{BASE}id/", **{kind: f"{BASE}id/{kind}/" for kind in KINDS}}
