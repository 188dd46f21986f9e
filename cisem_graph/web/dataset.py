"""``/dataset`` (the dataset's metadata: VoID, DCAT-AP_IT) and ``/dumps/{name}`` (its files).

``/dataset`` is negotiated like any document (``documents.rdf_or_html``); a dump is streamed from
the served version's folder, gzipped while it is sent when the client takes gzip, and tagged by its
SHA-256, so a dump and its checksum line agree.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, render_template, request, send_file
from rdflib import URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, VOID

from ..errors import NotFound
from ..graph.metadata import SPDX, VCARD
from ..graph.version import CHECKSUMS
from ..namespaces import dataset_iri
from . import catalog, facts, get_release, get_settings, get_store, http, release_modified
from .catalogue import term_label, words
from .documents import alternates, rdf_or_html
from .i18n import pick_text
from .jsonld import script_json
from .links import request_linker

bp = Blueprint("dataset", __name__)


@bp.route("/dataset")
@bp.route("/dataset.<ext>")
def dataset(ext: str | None = None):
    return rdf_or_html("dataset", ext, catalog.description, page)


def page(lang: str) -> str:
    store = get_store()
    graph = catalog.description()
    base = get_settings().base_iri
    ds = dataset_iri(base)
    linker = request_linker(absolute=False)
    t = words(lang, "site")

    distributions = []
    for dist in graph.objects(ds, DCAT.distribution):
        url = graph.value(dist, DCAT.downloadURL)
        name = str(url).rsplit("/", 1)[-1]
        checksum = graph.value(dist, SPDX.checksum)
        size = graph.value(dist, DCAT.byteSize)
        media = str(graph.value(dist, DCAT.mediaType) or "").rsplit("media-types/", 1)[-1]
        distributions.append({
            "name": name, "href": f"{request.script_root}/dumps/{name}", "iri": str(url),
            "media_type": media, "format": str(graph.value(dist, DCTERMS.format) or "").rsplit("/", 1)[-1],
            "size": int(size) if size is not None else None,
            "sha256": str(graph.value(checksum, SPDX.checksumValue)) if checksum is not None else None,
        })
    distributions.sort(key=lambda d: d["name"])

    def partitions(link, member, count):
        rows = []
        for node in graph.objects(ds, link):
            term, n = graph.value(node, member), graph.value(node, count)
            if term is not None and n is not None:
                rows.append({**linker.link(term), "count": int(n)})
        return sorted(rows, key=lambda r: (-r["count"], r["text"]))

    sources = facts.graph_sources()
    subsets = []
    for subset in graph.objects(ds, VOID.subset):
        if (subset, RDF.type, VOID.Linkset) in graph:
            continue
        info = sources.get(str(subset), {"titles": {}, "source": None})
        triples = graph.value(subset, VOID.triples)
        subsets.append({"iri": str(subset), "name": linker.curie(subset),
                        "title": pick_text(info["titles"], lang),
                        "source": info["source"], "triples": int(triples) if triples else None})
    subsets.sort(key=lambda s: s["iri"])
    linksets = []
    for node in graph.objects(ds, VOID.subset):
        if (node, RDF.type, VOID.Linkset) in graph:
            linksets.append({"target": str(graph.value(node, VOID.objectsTarget)),
                             "predicate": linker.curie(graph.value(node, VOID.linkPredicate)),
                             "triples": int(graph.value(node, VOID.triples) or 0)})

    publisher = graph.value(ds, DCTERMS.publisher)
    contact = graph.value(ds, DCAT.contactPoint)
    languages = sorted(str(x) for x in graph.objects(ds, DCTERMS.language))
    triples = graph.value(ds, VOID.triples)
    return render_template(
        "dataset.html", lang=lang, t=t, iri=str(ds),
        title=pick_text(catalog.by_lang(graph, ds, DCTERMS.title), lang),
        description=pick_text(catalog.by_lang(graph, ds, DCTERMS.description), lang),
        licence=str(graph.value(ds, DCTERMS.license) or ""),
        publisher=None if publisher is None else {
            "name": str(graph.value(publisher, FOAF.name) or ""),
            "url": str(graph.value(publisher, FOAF.homepage) or "") or None,
            "identifier": str(graph.value(publisher, DCTERMS.identifier) or "") or None},
        contact=None if contact is None else str(
            graph.value(contact, VCARD.hasEmail) or ""
        ).removeprefix("mailto:"),
        modified=str(graph.value(ds, DCTERMS.modified) or ""),
        version=str(graph.value(ds, URIRef(f"{DCAT}version")) or store.version),
        triples=int(triples) if triples is not None else store.triple_count(),
        endpoint=str(graph.value(ds, VOID.sparqlEndpoint) or ""),
        languages=[term_label(iri, lang, base) or iri.rsplit("/", 1)[-1] for iri in languages],
        keywords=catalog.keywords_in(graph, lang), distributions=distributions, subsets=subsets,
        linksets=linksets,
        classes=partitions(VOID.classPartition, VOID["class"], VOID.entities),
        properties=partitions(VOID.propertyPartition, VOID.property, VOID.triples),
        checksums_href=f"{request.script_root}/dumps/{CHECKSUMS}",
        alternates=alternates("dataset"), jsonld=script_json(catalog.search_form(lang, graph)))


@bp.route("/dumps/<name>")
@bp.route("/dumps/<version>/<name>", merge_slashes=False)
def dump(name: str, version: str | None = None):
    """A dump of the served version (only the names the build wrote), or its SHA256SUMS. Under
    the version's own path (``/dumps/<version>/<name>``, the version a hash of the content) it
    never changes: ``immutable``; another version than the served one is not here (404)."""
    release = get_release()
    if version is not None and version != release.version:
        raise NotFound(f"Version {version} is not the one served ({release.version}); its dumps "
                       f"are at /dumps/{release.version}/{name}.")
    policy = http.IMMUTABLE if version else http.settings_policy(get_settings())
    if name == CHECKSUMS:
        path = release.path / CHECKSUMS
        if not path.is_file():
            raise NotFound("This version has no checksum file.")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        content_type = "text/plain; charset=utf-8"
    elif name in release.files:
        path, digest = release.path / name, release.files[name]
        content_type = catalog.dump_media_type(name)
    else:
        offered = ", ".join([*sorted(release.files), CHECKSUMS])
        raise NotFound(f"No such dump. Offered: {offered}", say="no_dump", offered=offered)
    if not path.is_file():
        raise NotFound("This dump is missing from the served version.")
    modified = release_modified()
    vary = http.vary()
    tag = http.request_held(digest, modified)
    if tag is not None:
        return http.send(http.Reply(304, http.validator_headers(tag, vary, modified, policy)))
    if not name.endswith(".gz") and http.accepts_gzip(request.headers.get("Accept-Encoding")) and \
            path.stat().st_size >= http.GZIP_MIN_BYTES:
        from flask import Response

        response = Response(http.gzip_file(path), content_type=content_type)
        response.headers["Content-Encoding"] = "gzip"
        digest = f"{digest}{http.GZIP_SUFFIX}"
    else:
        response = send_file(path, mimetype=content_type, conditional=True, etag=False,
                             max_age=None, last_modified=modified)
        response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    for header, value in http.validator_headers(digest, vary, modified, policy):
        response.headers[header] = value
    return response
