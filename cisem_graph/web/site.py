"""The site around the endpoint: home page, dataset metadata, dumps, sitemap, ontology and shapes.

Everything here is asked of the store through the same query path as any client's query (so a
remote store serves these pages too), cached per dataset version, and sent with a strong ``ETag``
(version, path, format, language), ``Last-Modified`` (when the version was written) and
``Cache-Control``; a matching ``If-None-Match`` or ``If-Modified-Since`` gets ``304``.

HTML links point at the host that was asked; RDF bodies carry the canonical IRIs of the base.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Response, jsonify, render_template, request, send_file
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SH, SKOS, VOID

from ..errors import LoadError, NotFound
from ..formats import GRAPH_FORMATS, HTML, Format, by_extension, by_name, negotiate
from ..graph.metadata import DESCRIPTION, SPDX, TITLE, VCARD, release_facts
from ..graph.sources import METADATA_GRAPH, ONTOLOGY_GRAPH, load_shapes, turtle_files
from ..graph.version import CHECKSUMS
from ..namespaces import (
    KINDS,
    SDO,
    bind_prefixes,
    dataset_iri,
    graph_iri,
    ontology_ns,
    project_prefixes,
)
from ..reload import last_report
from ..store.base import Store
from . import get_release, get_settings, get_store
from .i18n import DEFAULT_LANG, LANGS, asked_language, kind_name, page_language
from .jsonld import SEARCH_CONTEXT, script_json

bp = Blueprint("site", __name__)

#: the kinds the home page offers lists of (``/doc/{kind}/``)
LIST_KINDS = ("organization", "person", "event", "place", "concept")
CACHE_CONTROL = "public, max-age=300"
GZIP_MIN_BYTES = 1024
CHUNK = 64 * 1024
PAGE_FORMATS: tuple[Format, ...] = (*GRAPH_FORMATS, HTML)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# -- words of the pages, in both languages --------------------------------------------------------

UI: dict[str, dict[str, str]] = {
    "it": {
        "home": "Inizio", "dataset": "Dataset", "ontology": "Ontologia", "shapes": "Forme SHACL",
        "sparql": "Punto di accesso SPARQL", "other_lang": "English", "version": "Versione",
        "triples": "triple", "modified": "Ultima modifica", "counts": "Che cosa contiene",
        "kind": "Tipo", "things": "Elementi", "browse": "Sfoglia", "events": "Eventi",
        "date_unknown": "data non indicata dalla fonte", "download": "Scarica i dati",
        "metadata": "Metadati del dataset (VoID, DCAT-AP_IT)", "sitemap": "Mappa del sito",
        "base": "IRI di base", "licence": "Licenza", "publisher": "Editore", "contact": "Contatto",
        "languages": "Lingue", "keywords": "Parole chiave", "endpoint": "Interrogazione",
        "distributions": "Distribuzioni", "file": "File", "format": "Formato", "size": "Dimensione",
        "bytes": "byte", "checksum": "SHA-256", "graphs": "Grafi (uno per fonte)",
        "graph": "Grafo", "source": "Fonte", "classes": "Classi", "class": "Classe",
        "entities": "Entità", "properties": "Proprietà", "property": "Proprietà",
        "other_formats": "Altri formati", "linksets": "Collegamenti esterni", "links": "collegamenti",
        "label": "Etichetta", "comment": "Commento", "definition": "Definizione",
        "alt_label": "Altre etichette", "concepts": "Concetti (temi)", "scheme": "Schema",
        "page": "Pagina", "alignments": "Allineamenti", "none": "nessuna",
        "targets": "Si applica a", "severity": "Gravità", "message": "Messaggio", "path": "Percorso",
        "constraints": "Vincoli", "shape_note": "Le forme SHACL che i dati devono rispettare prima "
        "di essere pubblicati. Non fanno parte del dataset.",
        "all_checksums": "Tutti i codici di controllo", "dumps_note": "Ogni file contiene l'intero "
        "dataset; i codici di controllo sono in", "not_stated": "non indicato",
        "onto_note": "Classi, proprietà e concetti del vocabolario del progetto, in italiano e "
        "in inglese, con gli allineamenti a schema.org, W3C ORG e OntoPiA.",
        "intro": "Un grafo di conoscenza (linked data) del CISeM, il Comitato Imprenditorialità "
        "Sociale e Microcredito della Camera di Commercio di Cuneo, delle organizzazioni, delle "
        "persone e degli eventi della sua rete, con la fonte di ogni fatto. Si consulta pagina "
        "per pagina, si interroga in SPARQL e si scarica per intero.",
    },
    "en": {
        "home": "Home", "dataset": "Dataset", "ontology": "Ontology", "shapes": "SHACL shapes",
        "sparql": "SPARQL endpoint", "other_lang": "Italiano", "version": "Version",
        "triples": "triples", "modified": "Last modified", "counts": "What it holds",
        "kind": "Kind", "things": "Things", "browse": "Browse", "events": "Events",
        "date_unknown": "date not given by the source", "download": "Download the data",
        "metadata": "Dataset metadata (VoID, DCAT-AP_IT)", "sitemap": "Sitemap",
        "base": "Base IRI", "licence": "Licence", "publisher": "Publisher", "contact": "Contact",
        "languages": "Languages", "keywords": "Keywords", "endpoint": "Query",
        "distributions": "Distributions", "file": "File", "format": "Format", "size": "Size",
        "bytes": "bytes", "checksum": "SHA-256", "graphs": "Graphs (one per source)",
        "graph": "Graph", "source": "Source", "classes": "Classes", "class": "Class",
        "entities": "Entities", "properties": "Properties", "property": "Property",
        "other_formats": "Other formats", "linksets": "Links to other datasets", "links": "links",
        "label": "Label", "comment": "Comment", "definition": "Definition",
        "alt_label": "Other labels", "concepts": "Concepts (themes)", "scheme": "Scheme",
        "page": "Page", "alignments": "Alignments", "none": "none",
        "targets": "Applies to", "severity": "Severity", "message": "Message", "path": "Path",
        "constraints": "Constraints", "shape_note": "The SHACL shapes the data must satisfy "
        "before it is published. They are not part of the dataset.",
        "all_checksums": "All checksums", "dumps_note": "Each file holds the whole dataset; the "
        "checksums are in", "not_stated": "not stated",
        "onto_note": "The classes, properties and concepts of the project's vocabulary, in Italian "
        "and English, with their alignments to schema.org, W3C ORG and OntoPiA.",
        "intro": "A linked-data knowledge graph of CISeM, the Social Entrepreneurship and "
        "Microcredit Committee of the Chamber of Commerce of Cuneo, and of the organizations, "
        "people and events of its network, with the source of every fact. Read it page by page, "
        "query it with SPARQL, or download it whole.",
    },
}
MONTHS = {
    "it": ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}
LANGUAGE_NAMES = {"ITA": {"it": "italiano", "en": "Italian"}, "ENG": {"it": "inglese", "en": "English"}}


# -- language, caching, negotiation ---------------------------------------------------------------

def _last_modified() -> datetime | None:
    created = get_release().created
    try:
        return datetime.fromisoformat(created) if created else None
    except ValueError:
        return None


def make_etag(*parts: str) -> str:
    """A strong validator from the dataset version, the path and what varies (format, language)."""
    material = json.dumps([get_store().version, request.path, request.query_string.decode("latin-1"),
                           *parts])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def _variant(etag: str) -> str | None:
    """The representation of ``etag`` (plain or gzip) the client already holds, if any."""
    if request.method not in ("GET", "HEAD"):
        return None
    if request.if_none_match:
        for tag in (etag, f"{etag}-gzip"):
            if request.if_none_match.contains_weak(tag):
                return tag
        return None
    modified = _last_modified()
    since = request.if_modified_since
    if modified is not None and since is not None and modified.replace(microsecond=0) <= since:
        return etag
    return None


def _headers(response: Response, etag: str, vary: str, lang: str | None) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.last_modified = _last_modified()
    if vary:
        response.headers["Vary"] = vary
    if lang:
        response.headers["Content-Language"] = lang
    return response


def cached(etag_parts: tuple[str, ...], produce: Callable[[], Response], *, vary: str = "",
           lang: str | None = None) -> Response:
    """Answer 304 when the client's copy is current; else produce, gzip if asked, and tag."""
    etag = make_etag(*etag_parts)
    vary = ", ".join(v for v in (vary, "Accept-Encoding") if v)
    held = _variant(etag)
    if held is not None:
        return _headers(Response(status=304), held, vary, lang)
    response = produce()
    if (request.accept_encodings["gzip"] > 0 and response.status_code == 200
            and not response.is_streamed and (response.content_length or 0) >= GZIP_MIN_BYTES):
        response.set_data(gzip.compress(response.get_data(), compresslevel=6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        etag = f"{etag}-gzip"
    return _headers(response, etag, vary, lang)


def choose_format(ext: str | None) -> Format:
    """A suffix picks the format directly; otherwise ``Accept`` (``*/*`` alone gets Turtle)."""
    if ext is not None:
        fmt = by_extension(ext, PAGE_FORMATS)
        if fmt is None:
            raise NotFound(f"No such format suffix: .{ext}. Offered: "
                           + ", ".join(f".{f.extension}" for f in PAGE_FORMATS))
        return fmt
    return negotiate(request.accept_mimetypes, PAGE_FORMATS)


def serialize(graph: Graph, fmt: Format, base: str) -> bytes:
    """One graph in an RDF format; dataset formats put it in its named graph."""
    extra = {"spdx": str(SPDX), "vcard": str(VCARD)}
    if fmt.dataset:
        dataset = Dataset()
        bind_prefixes(dataset, base)
        for prefix, namespace in extra.items():
            dataset.bind(prefix, namespace)
        target = dataset.graph(graph.identifier)
        for triple in graph:
            target.add(triple)
        return dataset.serialize(format=fmt.rdflib, encoding="utf-8")
    bind_prefixes(graph, base)
    if fmt.name == "jsonld":
        return graph.serialize(format="json-ld", context={**project_prefixes(base), **extra},
                               indent=2, encoding="utf-8")
    return graph.serialize(format=fmt.rdflib, encoding="utf-8")


def alternates(endpoint: str) -> list[dict[str, str]]:
    """The other formats of a page: for ``<link rel=alternate>``, the ``Link`` header and links."""
    return [{"href": f"{request.script_root}/{endpoint}.{f.extension}", "type": f.media_type,
             "name": f.name} for f in GRAPH_FORMATS]


def rdf_or_html(endpoint: str, ext: str | None, graph_of: Callable[[], Graph],
                page: Callable[[str], str], extra_etag: str = "") -> Response:
    """The negotiated answer of a document that exists as RDF and as an HTML page."""
    fmt = choose_format(ext)
    base = get_settings().base_iri
    lang = page_language() if fmt is HTML else None
    links = alternates(endpoint)
    link_header = ", ".join(f'<{a["href"]}>; rel="alternate"; type="{a["type"]}"' for a in links)

    def produce() -> Response:
        if fmt is HTML:
            response = Response(page(lang), content_type=HTML.content_type)
        else:
            response = Response(serialize(graph_of(), fmt, base), content_type=fmt.content_type)
        response.headers["Link"] = link_header
        return response

    vary = "Accept, Accept-Language" if ext is None else ("Accept-Language" if lang else "")
    return cached((fmt.name, lang or "-", extra_etag), produce, vary=vary, lang=lang)


# -- asking the store -----------------------------------------------------------------------------

def select(store: Store, text: str) -> list[dict]:
    answer = store.execute(store.prepare(text), by_name("json"))
    return json.loads(answer.body)["results"]["bindings"]


def construct(store: Store, text: str, identifier: URIRef | None = None) -> Graph:
    answer = store.execute(store.prepare(text), by_name("ntriples"))
    graph = Graph(identifier=identifier)
    graph.parse(data=answer.body.decode("utf-8"), format="nt")
    return graph


def _graph_of(store: Store, name: str, base: str) -> Graph:
    iri = graph_iri(base, name)
    return construct(store, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri.n3()} {{ ?s ?p ?o }} }}",
                     iri)


def _literal(text: str) -> str:
    """A SPARQL string literal (JSON's escapes are SPARQL's)."""
    return json.dumps(text)


@lru_cache(maxsize=8)
def kind_counts(store: Store, version: str, base: str) -> dict[str, int]:
    start = len(base) + len("id/") + 1
    rows = select(store, f"""SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {_literal(base + "id/")}))
  BIND(STRBEFORE(SUBSTR(STR(?s), {start}), "/") AS ?kind)
}} GROUP BY ?kind""")
    counts = {row["kind"]["value"]: int(row["n"]["value"]) for row in rows if "kind" in row}
    return {kind: counts[kind] for kind in KINDS if counts.get(kind)}


@dataclass(frozen=True)
class EventRow:
    href: str
    names: dict[str, str]
    start: str | None


@lru_cache(maxsize=8)
def events(store: Store, version: str, base: str) -> tuple[EventRow, ...]:
    rows = select(store, f"""PREFIX schema: <{SDO}>
SELECT ?e ?name ?start WHERE {{
  ?e a schema:Event FILTER(STRSTARTS(STR(?e), {_literal(base + "id/event/")}))
  OPTIONAL {{ ?e schema:name ?name }}
  OPTIONAL {{ ?e schema:startDate ?start }}
}}""")
    found: dict[str, dict] = {}
    for row in rows:
        entry = found.setdefault(row["e"]["value"], {"names": {}, "start": None})
        if "name" in row:
            entry["names"].setdefault(row["name"].get("xml:lang", ""), row["name"]["value"])
        if "start" in row:
            entry["start"] = min(filter(None, (entry["start"], row["start"]["value"])))
    result = [EventRow(local_href(iri, base), e["names"], e["start"]) for iri, e in found.items()]
    return tuple(sorted(result, key=lambda e: (e.start is None, e.start or "",
                                               pick(e.names, DEFAULT_LANG))))


@lru_cache(maxsize=8)
def things(store: Store, version: str, base: str) -> tuple[tuple[str, str], ...]:
    """(kind, slug) of every thing of the graph, paged past the store's result cap."""
    prefix = base + "id/"
    page = 10_000
    found: list[tuple[str, str]] = []
    offset = 0
    while True:
        rows = select(store, f"""SELECT DISTINCT ?s WHERE {{
  ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {_literal(prefix)}))
}} ORDER BY ?s LIMIT {page} OFFSET {offset}""")
        for row in rows:
            kind, _, slug = row["s"]["value"][len(prefix):].partition("/")
            if kind in KINDS and _SLUG.match(slug):
                found.append((kind, slug))
        if len(rows) < page:
            return tuple(found)
        offset += page


@lru_cache(maxsize=8)
def metadata_graph(store: Store, version: str, base: str) -> Graph:
    return _graph_of(store, METADATA_GRAPH, base)


@lru_cache(maxsize=8)
def graph_sources(store: Store, version: str) -> dict[str, dict]:
    """Title (per language) and source URL of every named graph that describes itself."""
    rows = select(store, f"""PREFIX dct: <{DCTERMS}>
SELECT ?g ?title ?source WHERE {{
  GRAPH ?g {{ ?g dct:title ?title OPTIONAL {{ ?g dct:source ?source }} }}
}}""")
    found: dict[str, dict] = {}
    for row in rows:
        entry = found.setdefault(row["g"]["value"], {"titles": {}, "source": None})
        entry["titles"].setdefault(row["title"].get("xml:lang", ""), row["title"]["value"])
        if "source" in row:
            entry["source"] = row["source"]["value"]
    return found


@lru_cache(maxsize=8)
def ontology_graph(store: Store, version: str, base: str) -> Graph:
    return _graph_of(store, ONTOLOGY_GRAPH, base)


# -- how terms are shown ----------------------------------------------------------------------------

def pick(values: dict[str, str], lang: str) -> str:
    """The value in ``lang``, else in the other language, else any."""
    for key in (lang, *(x for x in LANGS if x != lang), ""):
        if values.get(key):
            return values[key]
    return next(iter(values.values()), "")


def by_lang(graph: Graph, subject, predicate) -> dict[str, str]:
    values: dict[str, str] = {}
    for value in sorted(graph.objects(subject, predicate)):
        if isinstance(value, Literal):
            values.setdefault(value.language or "", str(value))
    return values


def local_href(iri: str, base: str) -> str | None:
    """Where a browser on this host finds a page about ``iri``: external http(s) IRIs stay as they
    are; anything else (a ``javascript:`` IRI, a URN) is not linked at all."""
    if not iri.startswith(base):
        return iri if iri.startswith(("https://", "http://")) else None
    rest = iri[len(base):]
    if rest.startswith("id/"):
        rest = "doc/" + rest[3:]
    return f"{request.script_root}/{rest}"


class Namer:
    """Compact names (``schema:Event``) for the IRIs of a page."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.prefixes = sorted(project_prefixes(base).items(), key=lambda item: -len(item[1]))
        self.prefixes.append(("shapes", f"{base}shapes#"))

    def __call__(self, iri) -> str:
        text = str(iri)
        for prefix, namespace in self.prefixes:
            if text.startswith(namespace) and len(text) > len(namespace):
                return f"{prefix}:{text[len(namespace):]}"
        return text

    def link(self, iri) -> dict[str, str]:
        return {"text": self(iri), "href": local_href(str(iri), self.base), "iri": str(iri)}


def show_term(graph: Graph, term, namer: Namer, depth: int = 0) -> str:
    """A value as Turtle-like text: IRIs compacted, lists in brackets, blank nodes inline."""
    if isinstance(term, URIRef):
        return namer(term)
    if isinstance(term, Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype:
            return f"{text}^^{namer(term.datatype)}"
        return text
    if depth > 6:
        return "[…]"
    if (term, RDF.first, None) in graph or term == RDF.nil:
        items = list(Collection(graph, term))
        return "( " + " ".join(show_term(graph, i, namer, depth + 1) for i in items) + " )"
    parts = [f"{namer(p)} {show_term(graph, o, namer, depth + 1)}"
             for p, o in sorted(graph.predicate_objects(term))]
    return "[ " + " ; ".join(parts) + " ]"


# -- home -------------------------------------------------------------------------------------------

@bp.route("/")
def home():
    store, settings, release = get_store(), get_settings(), get_release()
    base = settings.base_iri

    def page() -> Response:
        lang = page_language()
        counts = kind_counts(store, store.version, base)
        rows = [{"name": pick(e.names, lang), "href": with_lang(e.href), "start": e.start,
                 "when": format_date(e.start, lang)} for e in events(store, store.version, base)]
        html = render_template(
            "home.html", lang=lang, t=UI[lang], title=TITLE[lang], description=DESCRIPTION[lang],
            version=store.version, triples=store.triple_count(), base=base,
            counts=[{"kind": k, "name": kind_name(k, lang), "count": n,
                     "href": with_lang(f"{request.script_root}/doc/{k}/") if k in LIST_KINDS else None}
                    for k, n in counts.items()],
            lists=[{"kind": k, "name": kind_name(k, lang), "count": counts.get(k, 0),
                    "href": with_lang(f"{request.script_root}/doc/{k}/")} for k in LIST_KINDS],
            events=rows, dumps=dump_rows(release), modified=release.created,
            lang_links=lang_links(lang), jsonld=script_json(dataset_search_form(lang)))
        return Response(html, content_type=HTML.content_type)

    lang = page_language()
    return cached(("html", lang), page, vary="Accept-Language", lang=lang)


def with_lang(href: str) -> str:
    """Keep an explicit ``?lang=`` on links, so a reader who chose a language stays in it."""
    asked = asked_language()
    return f"{href}?lang={asked}" if asked else href


def lang_links(lang: str) -> list[dict[str, str]]:
    return [{"lang": x, "href": f"{request.path}?lang={x}", "current": x == lang} for x in LANGS]


def format_date(value: str | None, lang: str) -> str | None:
    """``14 giugno 2021, 18:00`` / ``14 June 2021, 18:00``, in the time zone the data gives."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    day = f"{when.day} {MONTHS[lang][when.month - 1]} {when.year}"
    return day if len(value) <= 10 else f"{day}, {when:%H:%M}"


def dump_rows(release) -> list[dict]:
    rows = []
    for name, digest in sorted(release.files.items()):
        path = release.path / name
        fmt = by_extension(name.rsplit(".", 1)[-1], GRAPH_FORMATS)
        rows.append({"name": name, "href": f"{request.script_root}/dumps/{name}", "sha256": digest,
                     "size": path.stat().st_size if path.is_file() else None,
                     "media_type": fmt.media_type if fmt else "application/octet-stream"})
    return rows


@bp.route("/health")
def health():
    store = get_store()
    body = {"status": "ok", "version": store.version, "triples": store.triple_count()}
    report = last_report(get_settings().dist_dir)
    if report is not None:
        body["last_reload"] = report
    return jsonify(body)


# -- /dataset -----------------------------------------------------------------------------------------

def dataset_description() -> Graph:
    """The metadata graph from the store, plus what the served version and deployment add."""
    store, settings, release = get_store(), get_settings(), get_release()
    base = settings.base_iri
    graph = Graph(identifier=graph_iri(base, METADATA_GRAPH))
    bind_prefixes(graph, base)
    graph.bind("spdx", SPDX)
    graph.bind("vcard", VCARD)
    graph += metadata_graph(store, store.version, base)
    release_facts(graph, base, files=release.files, folder=release.path, created=release.created,
                  publisher={"name": settings.publisher_name, "url": settings.publisher_url,
                             "identifier": settings.publisher_identifier},
                  contact_email=settings.contact_email)
    return graph


@bp.route("/dataset")
@bp.route("/dataset.<ext>")
def dataset(ext: str | None = None):
    return rdf_or_html("dataset", ext, dataset_description, dataset_page)


def dataset_page(lang: str) -> str:
    store, settings = get_store(), get_settings()
    base = settings.base_iri
    graph = dataset_description()
    ds = dataset_iri(base)
    namer = Namer(base)
    t = UI[lang]

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
                rows.append({**namer.link(term), "count": int(n)})
        return sorted(rows, key=lambda r: (-r["count"], r["text"]))

    sources = graph_sources(store, store.version)
    subsets = []
    for subset in graph.objects(ds, VOID.subset):
        if (subset, RDF.type, VOID.Linkset) in graph:
            continue
        info = sources.get(str(subset), {"titles": {}, "source": None})
        triples = graph.value(subset, VOID.triples)
        subsets.append({"iri": str(subset), "name": namer(subset), "title": pick(info["titles"], lang),
                        "source": info["source"], "triples": int(triples) if triples else None})
    subsets.sort(key=lambda s: s["iri"])
    linksets = []
    for node in graph.objects(ds, VOID.subset):
        if (node, RDF.type, VOID.Linkset) in graph:
            linksets.append({"target": str(graph.value(node, VOID.objectsTarget)),
                             "predicate": namer(graph.value(node, VOID.linkPredicate)),
                             "triples": int(graph.value(node, VOID.triples) or 0)})

    publisher = graph.value(ds, DCTERMS.publisher)
    contact = graph.value(ds, DCAT.contactPoint)
    languages = sorted(str(x).rsplit("/", 1)[-1] for x in graph.objects(ds, DCTERMS.language))
    keywords = sorted(str(k) for k in graph.objects(ds, DCAT.keyword)
                      if isinstance(k, Literal) and k.language == lang)
    triples = graph.value(ds, VOID.triples)
    return render_template(
        "dataset.html", lang=lang, t=t, iri=str(ds), lang_links=lang_links(lang),
        title=pick(by_lang(graph, ds, DCTERMS.title), lang),
        description=pick(by_lang(graph, ds, DCTERMS.description), lang),
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
        languages=[LANGUAGE_NAMES.get(code, {}).get(lang, code) for code in languages],
        keywords=keywords, distributions=distributions, subsets=subsets, linksets=linksets,
        classes=partitions(VOID.classPartition, VOID["class"], VOID.entities),
        properties=partitions(VOID.propertyPartition, VOID.property, VOID.triples),
        checksums_href=f"{request.script_root}/dumps/{CHECKSUMS}",
        alternates=alternates("dataset"), jsonld=script_json(dataset_search_form(lang, graph)))


def dataset_search_form(lang: str, graph: Graph | None = None) -> dict:
    """The dataset as a schema.org ``Dataset`` for search engines (Google Dataset Search reads
    it): only schema.org terms, canonical IRIs, nothing the metadata does not say."""
    base = get_settings().base_iri
    graph = graph if graph is not None else dataset_description()
    ds = dataset_iri(base)
    data: dict = {"@context": SEARCH_CONTEXT, "@type": "Dataset", "@id": str(ds), "url": str(ds),
                  "name": pick(by_lang(graph, ds, DCTERMS.title), lang),
                  "description": pick(by_lang(graph, ds, DCTERMS.description), lang),
                  "license": str(graph.value(ds, DCTERMS.license)),
                  "isAccessibleForFree": True, "inLanguage": list(LANGS)}
    keywords = sorted(str(k) for k in graph.objects(ds, DCAT.keyword)
                      if isinstance(k, Literal) and k.language == lang)
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


# -- /dumps -------------------------------------------------------------------------------------------

@bp.route("/dumps/<name>")
def dump(name: str):
    """A dump of the served version (only the names the build wrote), or its SHA256SUMS."""
    release = get_release()
    if name == CHECKSUMS:
        path = release.path / CHECKSUMS
        if not path.is_file():
            raise NotFound("This version has no checksum file.")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        content_type = "text/plain; charset=utf-8"
    elif name in release.files:
        path, digest = release.path / name, release.files[name]
        fmt = by_extension(name.rsplit(".", 1)[-1], GRAPH_FORMATS)
        content_type = fmt.content_type if fmt else "application/octet-stream"
    else:
        raise NotFound("No such dump. Offered: " + ", ".join([*sorted(release.files), CHECKSUMS]))
    if not path.is_file():
        raise NotFound("This dump is missing from the served version.")
    vary = "Accept-Encoding"
    held = _variant(digest)
    if held is not None:
        return _headers(Response(status=304), held, vary, None)
    if request.accept_encodings["gzip"] > 0 and path.stat().st_size >= GZIP_MIN_BYTES:
        response = Response(_gzip_stream(path), content_type=content_type)
        response.headers["Content-Encoding"] = "gzip"
        digest = f"{digest}-gzip"
    else:
        response = send_file(path, conditional=True, etag=False, max_age=300,
                             last_modified=_last_modified())
        response.headers["Content-Type"] = content_type
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _headers(response, digest, vary, None)


def _gzip_stream(path: Path) -> Iterator[bytes]:
    """gzip a file while sending it: constant memory, however large the dump."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            if out := compressor.compress(chunk):
                yield out
    yield compressor.flush()


# -- sitemap and robots -------------------------------------------------------------------------------

def site_pages() -> list[str]:
    """Paths of every HTML page, home first. ``/sparql`` is left out: robots.txt keeps crawlers
    off it, and a sitemap that lists a disallowed URL contradicts itself."""
    store, settings = get_store(), get_settings()
    base = settings.base_iri
    pages = ["", "dataset", "ontology"]
    if _shapes_files(settings.shapes_dir):
        pages.append("shapes")
    pages += [f"doc/{kind}/" for kind in LIST_KINDS]
    pages += [f"doc/{kind}/{slug}" for kind, slug in things(store, store.version, base)]
    return pages


def sitemap_chunks() -> list[list[str]]:
    pages = site_pages()
    limit = get_settings().sitemap_limit
    return [pages[i:i + limit] for i in range(0, len(pages), limit)] or [[]]


@bp.route("/sitemap.xml")
def sitemap():
    def produce() -> Response:
        chunks = sitemap_chunks()
        if len(chunks) == 1:
            body = urlset(chunks[0])
        else:
            body = sitemap_index(len(chunks))
        return Response(body, content_type="application/xml; charset=utf-8")

    return cached((request.host_url, str(get_settings().sitemap_limit)), produce)


@bp.route("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    chunks = sitemap_chunks()
    if not 1 <= number <= len(chunks) or len(chunks) == 1:
        raise NotFound(f"No such sitemap: the sitemap has {len(chunks)} part(s); see /sitemap.xml.")
    return cached((request.host_url, str(get_settings().sitemap_limit)),
                  lambda: Response(urlset(chunks[number - 1]),
                                   content_type="application/xml; charset=utf-8"))


def _lastmod() -> str:
    return get_release().created or ""


def urlset(paths: list[str]) -> str:
    root = request.url_root
    lastmod = _lastmod()
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
           f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n']
    for path in paths:
        loc = root + path
        out.append(f"<url><loc>{escape(loc)}</loc>")
        if lastmod:
            out.append(f"<lastmod>{escape(lastmod)}</lastmod>")
        for lang in LANGS:
            href = quoteattr(f"{loc}?lang={lang}")
            out.append(f'<xhtml:link rel="alternate" hreflang="{lang}" href={href}/>')
        out.append(f'<xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(loc)}/>')
        out.append("</url>\n")
    out.append("</urlset>\n")
    return "".join(out)


def sitemap_index(parts: int) -> str:
    root = request.url_root
    lastmod = _lastmod()
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for number in range(1, parts + 1):
        out.append(f"<sitemap><loc>{escape(f'{root}sitemap-{number}.xml')}</loc>")
        if lastmod:
            out.append(f"<lastmod>{escape(lastmod)}</lastmod>")
        out.append("</sitemap>\n")
    out.append("</sitemapindex>\n")
    return "".join(out)


@bp.route("/robots.txt")
def robots():
    def produce() -> Response:
        body = (f"User-agent: *\nDisallow: {request.script_root}/sparql\n\n"
                f"Sitemap: {request.url_root}sitemap.xml\n")
        return Response(body, content_type="text/plain; charset=utf-8")

    return cached((request.host_url,), produce)


# -- /ontology --------------------------------------------------------------------------------------

@dataclass
class Term:
    iri: str
    anchor: str
    name: str
    labels: dict[str, str]
    comments: dict[str, str]
    kind: str
    relations: list[dict] = field(default_factory=list)
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    page: str | None = None


CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
TERM_RELATIONS = (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty,
                  RDFS.domain, RDFS.range, OWL.inverseOf, SKOS.exactMatch, SKOS.closeMatch,
                  SKOS.broadMatch, SKOS.narrowMatch, RDFS.seeAlso, RDFS.isDefinedBy)
CONCEPT_RELATIONS = (SKOS.broader, SKOS.narrower, SKOS.related, SKOS.inScheme, SKOS.topConceptOf,
                     SKOS.exactMatch, SKOS.closeMatch, RDFS.seeAlso)


@bp.route("/ontology")
@bp.route("/ontology.<ext>")
def ontology(ext: str | None = None):
    store, base = get_store(), get_settings().base_iri
    return rdf_or_html("ontology", ext, lambda: _copy(ontology_graph(store, store.version, base)),
                       ontology_page)


def _copy(graph: Graph) -> Graph:
    copy = Graph(identifier=graph.identifier)
    copy += graph
    return copy


def ontology_terms(graph: Graph, base: str) -> dict[str, list[Term]]:
    """Classes, properties, concept schemes and concepts of the ontology graph, with anchors."""
    namer = Namer(base)
    vocab = str(ontology_ns(base))
    concept_prefix = f"{base}id/concept/"

    def anchor(iri: str) -> str:
        if iri.startswith(vocab):
            return iri[len(vocab):]
        if iri.startswith(concept_prefix):
            return "concept-" + iri[len(concept_prefix):]
        return "term-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:12]

    def relations(subject, predicates) -> list[dict]:
        rows = []
        for predicate in predicates:
            for value in sorted(graph.objects(subject, predicate)):
                if isinstance(value, URIRef):
                    target = str(value)
                    inside = target.startswith(vocab) or (
                        target.startswith(concept_prefix) and (value, None, None) in graph)
                    href = f"#{anchor(target)}" if inside else local_href(target, base)
                    rows.append({"relation": namer(predicate), "text": namer(value), "href": href,
                                 "labels": by_lang(graph, value, RDFS.label)
                                 or by_lang(graph, value, SKOS.prefLabel)})
                elif isinstance(value, BNode):
                    rows.append({"relation": namer(predicate), "text": show_term(graph, value, namer),
                                 "href": None, "labels": {}})
        return rows

    def term(subject, kind, label_p, comment_p, predicates) -> Term:
        iri = str(subject)
        alt: dict[str, list[str]] = {}
        for value in sorted(graph.objects(subject, SKOS.altLabel)):
            alt.setdefault(getattr(value, "language", None) or "", []).append(str(value))
        return Term(iri, anchor(iri), namer(subject), by_lang(graph, subject, label_p),
                    by_lang(graph, subject, comment_p), kind, relations(subject, predicates), alt,
                    local_href(iri, base) if iri.startswith(concept_prefix) else None)

    def subjects(types) -> list:
        return sorted({s for t in types for s in graph.subjects(RDF.type, t) if isinstance(s, URIRef)})

    return {
        "classes": [term(s, "class", RDFS.label, RDFS.comment, TERM_RELATIONS)
                    for s in subjects(CLASS_TYPES)],
        "properties": [term(s, "property", RDFS.label, RDFS.comment, TERM_RELATIONS)
                       for s in subjects(PROPERTY_TYPES)],
        "schemes": [term(s, "scheme", SKOS.prefLabel, SKOS.definition, (SKOS.hasTopConcept,))
                    for s in subjects((SKOS.ConceptScheme,))],
        "concepts": [term(s, "concept", SKOS.prefLabel, SKOS.definition, CONCEPT_RELATIONS)
                     for s in subjects((SKOS.Concept,))],
    }


def ontology_page(lang: str) -> str:
    store, base = get_store(), get_settings().base_iri
    graph = ontology_graph(store, store.version, base)
    header = next((s for s in graph.subjects(RDF.type, OWL.Ontology)), None)
    return render_template(
        "ontology.html", lang=lang, t=UI[lang], langs=LANGS, lang_links=lang_links(lang),
        iri=str(header or f"{base}ontology"), namespace=str(ontology_ns(base)),
        titles=by_lang(graph, header, DCTERMS.title) if header else {},
        descriptions=by_lang(graph, header, DCTERMS.description) if header else {},
        version_info=str(graph.value(header, OWL.versionInfo) or "") if header else "",
        licence=str(graph.value(header, DCTERMS.license) or "") if header else "",
        terms=ontology_terms(graph, base), alternates=alternates("ontology"))


# -- /shapes ----------------------------------------------------------------------------------------

def _shapes_files(folder: Path) -> list[Path]:
    return turtle_files(folder)


def _shapes_digest() -> str:
    """Shapes are not part of the dataset version: their bytes go into the ETag."""
    digest = hashlib.sha256()
    for path in _shapes_files(get_settings().shapes_dir):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=4)
def _shapes_graph(settings_key, digest: str) -> Graph:
    settings = settings_key
    graph = load_shapes(settings)
    copy = Graph(identifier=URIRef(f"{settings.base_iri}shapes"))
    bind_prefixes(copy, settings.base_iri)
    copy += graph
    return copy


def shapes_graph() -> Graph:
    settings = get_settings()
    if not _shapes_files(settings.shapes_dir):
        raise NotFound("The SHACL shapes are not available on this server: it runs without the "
                       "project's shapes/ folder (set CISEM_SHAPES_DIR to serve them).")
    try:
        return _shapes_graph(settings, _shapes_digest())
    except LoadError as exc:
        raise NotFound(f"The SHACL shapes cannot be read on this server ({exc.message}).") from None


@bp.route("/shapes")
@bp.route("/shapes.<ext>")
def shapes(ext: str | None = None):
    graph = shapes_graph()  # 404 before negotiating when there are none
    return rdf_or_html("shapes", ext, lambda: _copy(graph), shapes_page, extra_etag=_shapes_digest())


SHAPE_META = {RDF.type, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
              SH.property, SH.message, SH.severity, SH.name, SH.description, SH.path,
              RDFS.label, RDFS.comment}


def _shape_anchor(iri: str, prefix: str) -> str:
    local = iri[len(prefix):] if iri.startswith(prefix) else ""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", local):
        return local
    return "shape-" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:12]


def describe_shape(graph: Graph, node, namer: Namer, base: str) -> dict:
    anchor_prefix = f"{base}shapes#"
    iri = str(node) if isinstance(node, URIRef) else None
    severity = graph.value(node, SH.severity)
    return {
        "iri": iri,
        "anchor": _shape_anchor(iri, anchor_prefix) if iri else None,
        "name": namer(node) if iri else None,
        "labels": by_lang(graph, node, RDFS.label) or by_lang(graph, node, SH.name),
        "comments": by_lang(graph, node, RDFS.comment) or by_lang(graph, node, SH.description),
        "path": show_term(graph, graph.value(node, SH.path), namer)
        if graph.value(node, SH.path) is not None else None,
        "targets": [{"relation": namer(p), **namer.link(o)}
                    for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
                    for o in sorted(graph.objects(node, p)) if isinstance(o, URIRef)],
        "severity": namer(severity).removeprefix("sh:") if severity is not None else "Violation",
        "messages": by_lang(graph, node, SH.message),
        "constraints": [{"name": namer(p), "value": show_term(graph, o, namer)}
                        for p, o in sorted(graph.predicate_objects(node)) if p not in SHAPE_META],
        "properties": [describe_shape(graph, p, namer, base) if isinstance(p, BNode)
                       else {"ref": True, "name": namer(p), "anchor": _shape_anchor(str(p), anchor_prefix)}
                       for p in sorted(graph.objects(node, SH.property), key=str)],
    }


def shapes_page(lang: str) -> str:
    settings = get_settings()
    base = settings.base_iri
    graph = shapes_graph()
    namer = Namer(base)
    node_shapes = sorted({s for s in graph.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)})
    property_shapes = sorted({s for s in graph.subjects(RDF.type, SH.PropertyShape)
                              if isinstance(s, URIRef)}
                             | {p for p in graph.objects(None, SH.property) if isinstance(p, URIRef)})
    return render_template(
        "shapes.html", lang=lang, t=UI[lang], langs=LANGS, lang_links=lang_links(lang),
        node_shapes=[describe_shape(graph, s, namer, base) for s in node_shapes],
        property_shapes=[describe_shape(graph, s, namer, base) for s in property_shapes],
        alternates=alternates("shapes"))

