"""What the site says of the dataset as a whole, for the home page and ``/dataset`` alike.

The metadata graph comes from the store (once per version); the served version and the deployment
add its files, checksums, date and publisher. ``search_form`` is the same description as a
schema.org ``Dataset`` for search engines (Google Dataset Search reads it): only schema.org
terms, canonical IRIs, nothing the metadata does not say.
"""

from __future__ import annotations

from flask import request
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from ..formats import GRAPH_FORMATS, by_extension
from ..graph.metadata import SPDX, VCARD, release_facts
from ..graph.sources import METADATA_GRAPH
from ..graph.version import DatasetVersion
from ..namespaces import bind_prefixes, dataset_iri, graph_iri
from . import facts, get_release, get_settings
from .i18n import LANGS, pick_text
from .jsonld import SEARCH_CONTEXT


def description() -> Graph:
    """The metadata graph from the store, plus what the served version and deployment add."""
    settings, release = get_settings(), get_release()
    base = settings.base_iri
    graph = Graph(identifier=graph_iri(base, METADATA_GRAPH))
    bind_prefixes(graph, base)
    graph.bind("spdx", SPDX)
    graph.bind("vcard", VCARD)
    graph += facts.metadata_graph()
    release_facts(graph, base, files=release.files, folder=release.path, created=release.created,
                  publisher={"name": settings.publisher_name, "url": settings.publisher_url,
                             "identifier": settings.publisher_identifier},
                  contact_email=settings.contact_email)
    return graph


def by_lang(graph: Graph, subject, predicate) -> dict[str, str]:
    """The literal values of ``subject``'s ``predicate``, one per language tag (``""``: none)."""
    values: dict[str, str] = {}
    for value in sorted(graph.objects(subject, predicate)):
        if isinstance(value, Literal):
            values.setdefault(value.language or "", str(value))
    return values


def search_form(lang: str, graph: Graph | None = None) -> dict:
    """The dataset as a schema.org ``Dataset``, in ``lang``."""
    base = get_settings().base_iri
    graph = graph if graph is not None else description()
    ds = dataset_iri(base)
    data: dict = {"@context": SEARCH_CONTEXT, "@type": "Dataset", "@id": str(ds), "url": str(ds),
                  "name": pick_text(by_lang(graph, ds, DCTERMS.title), lang),
                  "description": pick_text(by_lang(graph, ds, DCTERMS.description), lang),
                  "license": str(graph.value(ds, DCTERMS.license)),
                  "isAccessibleForFree": True, "inLanguage": list(LANGS)}
    keywords = keywords_in(graph, lang)
    if keywords:
        data["keywords"] = keywords
    version = graph.value(ds, URIRef(f"{DCAT}version"))
    if version is not None:
        data["version"] = str(version)
    modified = graph.value(ds, DCTERMS.modified)
    if modified is not None:
        data["dateModified"] = str(modified)
    publisher = graph.value(ds, DCTERMS.publisher)
    if publisher is not None:
        data["publisher"] = {"@type": "Organization", "name": str(graph.value(publisher, FOAF.name))}
        homepage = graph.value(publisher, FOAF.homepage)
        if homepage is not None:
            data["publisher"]["url"] = str(homepage)
    downloads = []
    for dist in sorted(graph.objects(ds, DCAT.distribution)):
        entry = {"@type": "DataDownload", "contentUrl": str(graph.value(dist, DCAT.downloadURL)),
                 "encodingFormat": str(graph.value(dist, DCAT.mediaType)).rsplit("media-types/", 1)[-1]}
        size = graph.value(dist, DCAT.byteSize)
        if size is not None:
            entry["contentSize"] = f"{int(size)} B"
        downloads.append(entry)
    data["distribution"] = downloads
    return data


def keywords_in(graph: Graph, lang: str) -> list[str]:
    ds = dataset_iri(get_settings().base_iri)
    return sorted(str(k) for k in graph.objects(ds, DCAT.keyword)
                  if isinstance(k, Literal) and k.language == lang)


def dump_media_type(name: str) -> str:
    """What a dump file is served as: its format's type, ``application/gzip`` for a compressed one
    (a file of its own, not a compression of the transfer)."""
    if name.endswith(".gz"):
        return "application/gzip"
    fmt = by_extension(name.rsplit(".", 1)[-1], GRAPH_FORMATS)
    return fmt.content_type if fmt else "application/octet-stream"


def dump_rows(release: DatasetVersion, root: str | None = None) -> list[dict]:
    """The dumps of the served version: name, link (under ``root``, else the site's own path),
    checksum, size and media type."""
    root = request.script_root if root is None else root
    rows = []
    for name, digest in sorted(release.files.items()):
        path = release.path / name
        rows.append({"name": name, "href": f"{root}/dumps/{name}", "sha256": digest,
                     "size": path.stat().st_size if path.is_file() else None,
                     "media_type": dump_media_type(name).split(";")[0]})
    return rows
