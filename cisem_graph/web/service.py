"""The SPARQL 1.1 Service Description of the endpoint, with the dataset it serves.

The named graphs and their sizes are asked of the store through the same query path as any
client's query, so the description is true for whichever store kind serves it.
Each canned query (``queries/*.rq``) is linked from the service as ``rdfs:seeAlso``, with its
titles as ``rdfs:label``.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from ..formats import RESULT_FORMATS
from ..namespaces import SD, bind_prefixes, dataset_iri
from ..queries import load_queries
from ..store.base import Store
from . import get_settings, get_store, remember

W3_FORMATS = {
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML", "trig": "TriG", "nquads": "N-Quads",
}
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def named_graph_sizes(store: Store) -> list[tuple[str, int]]:
    """Each named graph and its size (once per version)."""
    return remember("graph-sizes", lambda: _sizes(store))


def _sizes(store: Store) -> list[tuple[str, int]]:
    return [(str(row["g"]), int(row["n"])) for row in store.select(GRAPH_SIZES)]


def service_description() -> Graph:
    settings = get_settings()
    base = settings.base_iri
    g = Graph()
    bind_prefixes(g, base)
    service = URIRef(f"{base}sparql")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, service))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.service_allowlist:
        g.add((service, SD.feature, SD.BasicFederatedQuery))
    for name in (*(f.name for f in RESULT_FORMATS), "turtle", "ntriples", "jsonld", "rdfxml", "trig",
                 "nquads"):
        g.add((service, SD.resultFormat, URIRef(f"http://www.w3.org/ns/formats/{W3_FORMATS[name]}")))
    dataset = dataset_iri(base)
    default = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    total = 0
    for iri, size in named_graph_sizes(get_store()):
        named, graph = BNode(), URIRef(iri)
        total += size
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, graph))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(size, datatype=XSD.integer)))
    g.add((default, VOID.triples, Literal(total, datatype=XSD.integer)))
    for query in load_queries(settings):
        example = URIRef(f"{base}queries/{query.name}")
        g.add((service, RDFS.seeAlso, example))
        for lang, title in query.title.items():
            g.add((example, RDFS.label, Literal(title, lang=lang)))
    return g
