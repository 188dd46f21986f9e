"""The generated graph that describes the dataset itself (DCAT, DCAT-AP_IT and VoID).

It is derived from the parsed sources, never written by hand, so counts and graph lists cannot
drift. It carries no build time: the same input gives the same bytes.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD

from .formats import GRAPH_FORMATS
from .namespaces import DCAT_VERSION, DCATAPIT, PREFIXES, SD, dataset_iri, graph_iri
from .sources import METADATA_GRAPH, Sources

LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
DUMP_NAME = "cisem"
#: the EU file-type authority terms for each dump
_FILE_TYPES = {
    "turtle": "TURTLE", "ntriples": "RDF_N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML",
    "trig": "RDF_TRIG", "nquads": "RDF_N_QUADS",
}
IANA = "https://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
DUMP_FORMATS = ("trig", "nquads", "turtle", "ntriples", "jsonld")


def dump_url(base: str, extension: str) -> URIRef:
    return URIRef(f"{base}dumps/{DUMP_NAME}.{extension}")


def describe_dataset(sources: Sources, version: str) -> Graph:
    """VoID/DCAT description of the dataset, its named graphs and its dumps."""
    base = sources.settings.base_iri
    ds = dataset_iri(base)
    g = Graph(identifier=graph_iri(base, METADATA_GRAPH))
    for t in (DCAT.Dataset, DCATAPIT.Dataset, VOID.Dataset):
        g.add((ds, RDF.type, t))
    g.add((ds, DCTERMS.title, Literal("Rete dell'economia sociale della provincia di Cuneo", lang="it")))
    g.add((ds, DCTERMS.title, Literal("Social-economy network of the province of Cuneo", lang="en")))
    g.add((ds, DCTERMS.description, Literal(
        "Grafo di conoscenza del Comitato Imprenditorialità Sociale e Microcredito (CISeM) della "
        "Camera di Commercio di Cuneo, delle organizzazioni, persone ed eventi collegati, "
        "con la fonte di ogni fatto.", lang="it")))
    g.add((ds, DCTERMS.description, Literal(
        "Knowledge graph of the Social Entrepreneurship and Microcredit Committee (CISeM) of the "
        "Chamber of Commerce of Cuneo, the organizations, people and events around it, with the "
        "source of every fact.", lang="en")))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, DCTERMS.language, URIRef("http://publications.europa.eu/resource/authority/language/ITA")))
    g.add((ds, DCTERMS.language, URIRef("http://publications.europa.eu/resource/authority/language/ENG")))
    g.add((ds, DCAT_VERSION, Literal(version)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    g.add((ds, VOID.uriSpace, Literal(f"{base}id/")))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Quads")))
    for prefix in ("schema", "org", "skos", "prov", "dct", "dcat"):
        g.add((ds, VOID.vocabulary, URIRef(str(PREFIXES[prefix]))))
    total = 0
    for graph_id in sorted(sources.graph_files):
        size = len(sources.dataset.graph(graph_id))
        total += size
        g.add((ds, VOID.subset, graph_id))
        g.add((graph_id, RDF.type, VOID.Dataset))
        g.add((graph_id, RDF.type, SD.NamedGraph))
        g.add((graph_id, VOID.triples, Literal(size, datatype=XSD.integer)))
    g.add((ds, VOID.triples, Literal(total, datatype=XSD.integer)))
    for name in DUMP_FORMATS:
        fmt = next(f for f in GRAPH_FORMATS if f.name == name)
        dist = URIRef(f"{ds}#dump-{fmt.extension}")
        url = dump_url(base, fmt.extension)
        g.add((ds, VOID.dataDump, url))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, RDF.type, DCATAPIT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
        g.add((dist, DCTERMS.format, URIRef(FILE_TYPE + _FILE_TYPES[name])))
        g.add((dist, DCTERMS.license, LICENSE))
    return g
