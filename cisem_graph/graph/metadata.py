"""The graph that describes the dataset itself (DCAT, DCAT-AP_IT and VoID), in two parts.

``describe_dataset`` runs at build time and becomes the named graph ``graph/metadata``: everything
that follows from the sources (titles, licence, languages, themes, named graphs and their sizes,
class and property partitions, distributions, the SPARQL service). It carries no build time, so the
same input gives the same bytes, and its ``void:triples`` counts the whole published dataset,
itself included (the count is a fixed point: adding the count adds one triple).

``release_facts`` runs when ``/dataset`` is served and adds what cannot be inside the dumps it
describes, or belongs to the deployment rather than to the data: each dump's byte size and SHA-256
(a dump cannot contain its own checksum), when the version was written (``dct:modified``), and the
publisher and contact point as configured. Nothing is stated that the settings do not say: with no
``publisher_name`` there is no ``dct:publisher``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, VOID, XSD

from ..formats import GRAPH_FORMATS, Format
from ..namespaces import DCAT_VERSION, DCATAPIT, PREFIXES, SD, dataset_iri, graph_iri, project_prefixes
from .releases import Release, describe_releases
from .sources import METADATA_GRAPH, Sources
from .terms import to_rdflib
from .version import COMPRESSED, DUMP_FORMATS, DUMP_NAME

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: the EU file-type authority terms for each dump
_FILE_TYPES = {
    "turtle": "TURTLE", "ntriples": "RDF_N_TRIPLES", "jsonld": "JSON_LD", "rdfxml": "RDF_XML",
    "trig": "RDF_TRIG", "nquads": "RDF_N_QUADS",
}
IANA = "https://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"

TITLE = {
    "it": "Rete dell'economia sociale della provincia di Cuneo",
    "en": "Social-economy network of the province of Cuneo",
}
DESCRIPTION = {
    "it": "Grafo di conoscenza del Comitato Imprenditorialità Sociale e Microcredito (CISeM) della "
          "Camera di Commercio di Cuneo, delle organizzazioni, persone ed eventi collegati, "
          "con la fonte di ogni fatto.",
    "en": "Knowledge graph of the Social Entrepreneurship and Microcredit Committee (CISeM) of the "
          "Chamber of Commerce of Cuneo, the organizations, people and events around it, with the "
          "source of every fact.",
}
#: the EU data themes the dataset is filed under (a classification chosen by the project)
THEMES = ("ECON", "SOCI")


def dump_url(base: str, extension: str) -> URIRef:
    return URIRef(f"{base}dumps/{DUMP_NAME}.{extension}")


def distribution_iri(base: str, extension: str) -> URIRef:
    return URIRef(f"{dataset_iri(base)}#dump-{extension}")


@dataclass(frozen=True)
class Statistics:
    """What the description says of the data itself, asked of the parsed store once."""

    #: graph IRI -> its triples, as the dumps hold them (the canonical lines)
    graphs: Mapping[str, int]
    #: class IRI -> its distinct members (subjects of ``rdf:type``) over all graphs
    classes: Mapping[str, int]
    #: property IRI -> its statements, counted in every graph that states them
    properties: Mapping[str, int]
    #: distinct ``schema:sameAs`` links to Wikidata
    wikidata_links: int
    #: the SKOS themes' preferred labels
    keywords: Sequence[Literal]


def statistics(sources: Sources, graphs: Mapping[str, int]) -> Statistics:
    """Partitions, links and keywords from the store (``graphs``: the triples of each graph)."""
    return Statistics(dict(graphs), _classes(sources), _properties(sources), _wikidata_links(sources),
                      _keywords(sources))


def describe_dataset(base: str, stats: Statistics, version: str, *,
                     releases: Sequence[Release] = (), content: str = "") -> Graph:
    """VoID/DCAT description of the dataset, its named graphs, partitions and dumps, and its
    releases (``releases.describe_releases``; ``content`` says which release this is, if any)."""
    ds = dataset_iri(base)
    g = Graph(identifier=graph_iri(base, METADATA_GRAPH))
    for t in (DCAT.Dataset, DCATAPIT.Dataset, VOID.Dataset):
        g.add((ds, RDF.type, t))
    for lang in ("it", "en"):
        g.add((ds, DCTERMS.title, Literal(TITLE[lang], lang=lang)))
        g.add((ds, DCTERMS.description, Literal(DESCRIPTION[lang], lang=lang)))
    g.add((ds, DCTERMS.identifier, Literal(str(ds))))
    g.add((ds, DCTERMS.license, LICENSE))
    g.add((ds, DCTERMS.language, URIRef(LANGUAGE + "ITA")))
    g.add((ds, DCTERMS.language, URIRef(LANGUAGE + "ENG")))
    for theme in THEMES:
        g.add((ds, DCAT.theme, URIRef(DATA_THEME + theme)))
    g.add((ds, DCTERMS.accrualPeriodicity, URIRef(FREQUENCY + "IRREG")))
    g.add((ds, DCAT.landingPage, URIRef(base)))
    if not describe_releases(g, base, list(releases), content):
        g.add((ds, DCAT_VERSION, Literal(version)))
    g.add((ds, VOID.sparqlEndpoint, URIRef(f"{base}sparql")))
    g.add((ds, VOID.uriSpace, Literal(f"{base}id/")))
    g.add((ds, VOID.feature, URIRef("http://www.w3.org/ns/formats/N-Quads")))
    _describe_service(g, base, ds)
    for keyword in stats.keywords:
        g.add((ds, DCAT.keyword, keyword))

    for name, count in sorted(stats.graphs.items()):
        graph_id = URIRef(name)
        g.add((ds, VOID.subset, graph_id))
        g.add((graph_id, RDF.type, VOID.Dataset))
        g.add((graph_id, RDF.type, SD.NamedGraph))
        g.add((graph_id, VOID.triples, Literal(count, datatype=XSD.integer)))
    total = sum(stats.graphs.values())
    _partitions(g, ds, base, stats)
    _linksets(g, ds, stats.wikidata_links)
    _distributions(g, ds, base)

    # The metadata graph is part of the dataset too: count it, its own counts included.
    meta = graph_iri(base, METADATA_GRAPH)
    g.add((ds, VOID.subset, meta))
    g.add((meta, RDF.type, VOID.Dataset))
    g.add((meta, RDF.type, SD.NamedGraph))
    size = len(g) + 2  # the two void:triples statements below
    g.add((meta, VOID.triples, Literal(size, datatype=XSD.integer)))
    g.add((ds, VOID.triples, Literal(total + size, datatype=XSD.integer)))
    return g


def _describe_service(g: Graph, base: str, ds: URIRef) -> None:
    service = URIRef(f"{base}sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCTERMS.license, LICENSE))
    for lang, title in (("it", "Punto di accesso SPARQL"), ("en", "SPARQL endpoint")):
        g.add((service, DCTERMS.title, Literal(title, lang=lang)))


def _keywords(sources: Sources) -> list[Literal]:
    """The preferred labels of the SKOS themes of the ontology graph, in every language."""
    rows = sources.select(f"""SELECT DISTINCT ?label WHERE {{ GRAPH <{sources.ontology_graph}> {{
        ?concept a <{SKOS.Concept}> ; <{SKOS.prefLabel}> ?label }} FILTER isLiteral(?label) }}""")
    return sorted(to_rdflib(row["label"]) for row in rows)


def _classes(sources: Sources) -> dict[str, int]:
    return {row["class"].value: int(row["n"].value) for row in sources.select(
        f"SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s <{RDF.type}> ?class }} "
        "FILTER isIRI(?class) } GROUP BY ?class")}


def _properties(sources: Sources) -> dict[str, int]:
    return {row["p"].value: int(row["n"].value) for row in sources.select(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p")}


def _wikidata_links(sources: Sources) -> int:
    sdo_same_as = f"{PREFIXES['schema']}sameAs"
    [row] = sources.select(f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{
        GRAPH ?g {{ ?s <{sdo_same_as}> ?o }} FILTER STRSTARTS(STR(?o), "{PREFIXES['wd']}") }} }}""")
    return int(row["n"].value)


def _partitions(g: Graph, ds: URIRef, base: str, stats: Statistics) -> None:
    """``void:classPartition`` (entities per class) and ``void:propertyPartition`` (triples per
    property) over the source graphs; a statement in two graphs counts in both, as in the total."""
    members, per_property = stats.classes, stats.properties
    prefixes = project_prefixes(base)
    used: set[str] = set()
    for cls in sorted(members):
        node = URIRef(f"{ds}#class-{_fragment(URIRef(cls), prefixes)}")
        g.add((ds, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(cls)))
        g.add((node, VOID.entities, Literal(members[cls], datatype=XSD.integer)))
        used.add(_namespace(URIRef(cls)))
    for prop in sorted(per_property):
        node = URIRef(f"{ds}#property-{_fragment(URIRef(prop), prefixes)}")
        g.add((ds, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(prop)))
        g.add((node, VOID.triples, Literal(per_property[prop], datatype=XSD.integer)))
        used.add(_namespace(URIRef(prop)))
    g.add((ds, VOID.classes, Literal(len(members), datatype=XSD.integer)))
    g.add((ds, VOID.properties, Literal(len(per_property), datatype=XSD.integer)))
    known = {*(str(ns) for ns in PREFIXES.values()), prefixes["cisem"]}
    for namespace in sorted(used & known):
        g.add((ds, VOID.vocabulary, URIRef(namespace)))


def _linksets(g: Graph, ds: URIRef, links: int) -> None:
    """A ``void:Linkset`` for each kind of identity link out of the dataset (Wikidata ``sameAs``)."""
    sdo_same_as = URIRef(f"{PREFIXES['schema']}sameAs")
    if not links:
        return
    node = URIRef(f"{ds}#links-wikidata")
    g.add((ds, VOID.subset, node))
    g.add((node, RDF.type, VOID.Linkset))
    g.add((node, VOID.subjectsTarget, ds))
    g.add((node, VOID.objectsTarget, URIRef("http://www.wikidata.org/")))
    g.add((node, VOID.linkPredicate, sdo_same_as))
    g.add((node, VOID.triples, Literal(links, datatype=XSD.integer)))


def dumps() -> list[tuple[str, Format, bool]]:
    """Every dump a version has: (file extension, the format it holds, gzip-compressed)."""
    formats = {f.name: f for f in GRAPH_FORMATS}
    return [*((formats[name].extension, formats[name], False) for name in DUMP_FORMATS),
            *((extension, formats[name], True) for extension, name in COMPRESSED.items())]


def _distributions(g: Graph, ds: URIRef, base: str) -> None:
    for extension, fmt, compressed in dumps():
        dist = distribution_iri(base, extension)
        url = dump_url(base, extension)
        g.add((ds, VOID.dataDump, url))
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, RDF.type, DCATAPIT.Distribution))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
        if compressed:
            g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
        g.add((dist, DCTERMS.format, URIRef(FILE_TYPE + _FILE_TYPES[fmt.name])))
        g.add((dist, DCTERMS.license, LICENSE))
        g.add((dist, DCTERMS.title, Literal(f"{DUMP_NAME}.{extension}")))


def _namespace(iri: URIRef) -> str:
    text = str(iri)
    cut = max(text.rfind("#"), text.rfind("/"))
    return text[:cut + 1]


def _fragment(iri: URIRef, prefixes: Mapping[str, str]) -> str:
    """``schema-Event`` for ``schema:Event``; a short hash where no prefix or a safe name fits."""
    text = str(iri)
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        local = text[len(namespace):]
        if text.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_.-]+", local):
            return f"{prefix}-{local}"
    return "h" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def release_facts(graph: Graph, base: str, *, files: Mapping[str, str], folder: Path,
                  created: str, publisher: Mapping[str, str | None],
                  contact_email: str | None) -> None:
    """Add what the served version knows and the dumps cannot say about themselves (see above)."""
    ds = dataset_iri(base)
    if created and graph.value(ds, DCTERMS.modified) is None:  # a release states its own date
        graph.add((ds, DCTERMS.modified, Literal(created, datatype=XSD.dateTime)))
    for extension, _, _ in dumps():
        file_name = f"{DUMP_NAME}.{extension}"
        path = folder / file_name
        if file_name not in files or not path.is_file():
            continue
        dist = distribution_iri(base, extension)
        graph.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.nonNegativeInteger)))
        checksum = BNode(f"checksum-{extension.replace('.', '-')}")
        graph.add((dist, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(files[file_name], datatype=XSD.hexBinary)))
        if created:
            graph.add((dist, DCTERMS.modified, Literal(created, datatype=XSD.dateTime)))
    name = publisher.get("name")
    if name:
        agent = URIRef(f"{ds}#publisher")
        graph.add((ds, DCTERMS.publisher, agent))
        for t in (FOAF.Agent, DCATAPIT.Agent):
            graph.add((agent, RDF.type, t))
        graph.add((agent, FOAF.name, Literal(name)))
        if publisher.get("url"):
            graph.add((agent, FOAF.homepage, URIRef(publisher["url"])))
        if publisher.get("identifier"):
            graph.add((agent, DCTERMS.identifier, Literal(publisher["identifier"])))
    if contact_email:
        contact = URIRef(f"{ds}#contact")
        graph.add((ds, DCAT.contactPoint, contact))
        for t in (VCARD.Organization, DCATAPIT.Organization):
            graph.add((contact, RDF.type, t))
        graph.add((contact, VCARD.fn, Literal(name or contact_email)))
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{contact_email}")))
