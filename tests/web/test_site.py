"""The dataset level of the site: home page, /dataset, dumps, sitemap, robots, ontology, shapes.

Expected values come from the source text (the press release names three 2021 webinars, the
first on 14 June 2021 from 18:00, and two people), from the project's own files (ontology/*.ttl,
shapes/*.ttl, the data files) or from the build's manifest and files on disk, never from the
pages under test.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
from data_files import folder_graph
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SH, SKOS, VOID, XSD

from cisem_graph.config import PROJECT_ROOT
from cisem_graph.namespaces import KINDS

BASE = "https://w3id.org/cisem/"
SDO = Namespace("https://schema.org/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DATASET = URIRef(f"{BASE}dataset")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
WEBINAR = "impresa-sociale-di-inserimento-lavorativo"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SOURCE = (PROJECT_ROOT / "sources" / "press-release-2021-06-cisem-webinar.it.txt").read_text("utf-8")

#: (format suffix, media type asked, rdflib parser, dataset format)
RDF_FORMATS = [
    ("ttl", "text/turtle", "turtle", False),
    ("jsonld", "application/ld+json", "json-ld", False),
    ("nt", "application/n-triples", "nt", False),
    ("rdf", "application/rdf+xml", "xml", False),
    ("trig", "application/trig", "trig", True),
]


def get(client, path: str, **kwargs):
    """A GET whose response is read and closed (a dump is sent as an open file)."""
    with client.get(path, **kwargs) as response:
        response.get_data()
    return response


def parse_rdf(body: bytes, parser: str, dataset: bool) -> Graph:
    if dataset:
        ds = Dataset()
        ds.parse(data=body, format=parser)
        merged = Graph()
        for g in ds.graphs():
            merged += g
        return merged
    return Graph().parse(data=body, format=parser)


@pytest.fixture(scope="module")
def manifest(dist_dir):
    return json.loads((dist_dir / "current" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def release_dir(dist_dir):
    return (dist_dir / "current").resolve()


@pytest.fixture(scope="module")
def things_in_files():
    """(kind, slug) of every thing the data and ontology files describe, read from the files."""
    graph = folder_graph(PROJECT_ROOT / "ontology") + folder_graph(PROJECT_ROOT / "data")
    found = set()
    for s in set(graph.subjects()):
        text = str(s)
        if text.startswith(f"{BASE}id/"):
            kind, _, slug = text[len(f"{BASE}id/"):].partition("/")
            found.add((kind, slug))
    assert all(kind in KINDS for kind, _ in found)
    return found


@pytest.fixture(scope="module")
def other_app(settings, dist_dir, tmp_path_factory, make_app):
    """A second deployment: a sitemap split at 7 URLs, no shapes folder, a publisher configured."""
    app = make_app(settings.replace(
        dist_dir=dist_dir, sitemap_limit=7, shapes_dir=tmp_path_factory.mktemp("no-shapes"),
        publisher_name="Example Publisher", publisher_url="https://publisher.example/",
        publisher_identifier="example-ipa", contact_email="open-data@publisher.example"))
    yield app
    app.extensions["cisem_graph"].store.close()


# -- home ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, headers, lang, date, title", [
    ("", {}, "it", "14 giugno 2021, 18:00", "impresa sociale di inserimento lavorativo"),
    ("?lang=it", {"Accept-Language": "en"}, "it", "14 giugno 2021, 18:00",
     "impresa sociale di inserimento lavorativo"),
    ("", {"Accept-Language": "en-GB,en;q=0.9"}, "en", "14 June 2021, 18:00",
     "work-integration social enterprise"),
    ("?lang=en", {}, "en", "14 June 2021, 18:00", "work-integration social enterprise"),
])
def test_home_lists_the_14_june_2021_webinar(client, query, headers, lang, date, title):
    response = get(client, "/" + query, headers=headers)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert response.headers["Content-Language"] == lang
    assert "Accept-Language" in response.headers["Vary"]
    # The source: "Lunedì 14 giugno, dalle 18 alle 20 ... “L’ impresa sociale di inserimento
    # lavorativo: Opportunità da valorizzare”".
    item = re.search(rf'<li><a href="/doc/event/{WEBINAR}[^"]*">([^<]+)</a> — '
                     r'<time datetime="([^"]+)">([^<]+)</time>', page)
    assert item, page
    assert title in html.unescape(item.group(1)).lower()
    assert item.group(2) == "2021-06-14T18:00:00+02:00"
    assert item.group(3) == date


def test_home_counts_match_the_source_and_the_manifest(client, manifest):
    page = get(client, "/?lang=en").get_data(as_text=True)
    counts = dict(re.findall(r'<tr data-kind="([a-z]+)">.*?<td class="num">(\d+)</td>', page))
    # "il CISeM conta di realizzare tre webinar"; two people: Alessandro Durando, Carlo Borzaga.
    assert "tre webinar" in SOURCE and "Alessandro Durando" in SOURCE and "Carlo Borzaga" in SOURCE
    assert counts["event"] == "3"
    assert counts["person"] == "2"
    assert counts["triples"] == str(manifest["triples"])
    events = re.search(r'<section id="events">(.*?)</section>', page, re.S).group(1)
    assert events.count("<li>") == 3


@pytest.mark.parametrize("href", [
    *(f"/doc/{kind}/" for kind in ("organization", "person", "event", "place", "concept")),
    "/sparql", "/dataset", "/ontology", "/shapes", "/sitemap.xml", "/dumps/SHA256SUMS",
    *(f"/dumps/cisem.{ext}" for ext in ("trig", "nq", "ttl", "nt", "jsonld")),
])
def test_home_links_to_the_entry_points(client, href):
    page = get(client, "/").get_data(as_text=True)
    assert f'href="{href}"' in page


def embedded_jsonld(page: str) -> list[dict]:
    return [json.loads(block) for block in
            re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)]


@pytest.mark.parametrize("path", ["/", "/dataset"])
def test_pages_need_no_javascript_and_embed_the_dataset_for_search_engines(client, manifest, path):
    page = get(client, path, headers={"Accept": BROWSER}).get_data(as_text=True)
    assert page.count("<script") == page.count('<script type="application/ld+json">') == 1
    (data,) = embedded_jsonld(page)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
    assert data["@id"] == str(DATASET)
    assert data["license"] == str(CC_BY)
    assert data["name"] == "Rete dell'economia sociale della provincia di Cuneo"
    downloads = {d["contentUrl"].rsplit("/", 1)[-1]: d for d in data["distribution"]}
    assert set(downloads) == set(manifest["files"])
    assert "publisher" not in data  # none configured, none invented


# -- /dataset ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("ext, media_type, parser, dataset", RDF_FORMATS)
@pytest.mark.parametrize("by", ["accept", "suffix"])
def test_dataset_description_in_every_format(client, manifest, release_dir, by, ext, media_type,
                                             parser, dataset):
    if by == "accept":
        response = get(client, "/dataset", headers={"Accept": media_type})
        assert "Accept" in response.headers["Vary"]
    else:
        response = get(client, f"/dataset.{ext}")
    assert response.status_code == 200
    assert response.mimetype == media_type
    g = parse_rdf(response.data, parser, dataset)
    assert (DATASET, DCTERMS.license, CC_BY) in g
    assert {(DATASET, RDF.type, t) in g for t in (DCAT.Dataset, VOID.Dataset)} == {True}
    assert g.value(DATASET, VOID.triples).toPython() == manifest["triples"]
    titles = {t.language for t in g.objects(DATASET, DCTERMS.title)}
    assert titles == {"it", "en"}
    assert {d.language for d in g.objects(DATASET, DCTERMS.description)} == {"it", "en"}
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{BASE}sparql")
    assert g.value(DATASET, DCTERMS.modified).toPython() == datetime.fromisoformat(manifest["created"])
    # no publisher is configured by default, and none is invented
    assert g.value(DATASET, DCTERMS.publisher) is None


def _class_partition(g: Graph, cls: URIRef) -> int | None:
    for node in g.objects(DATASET, VOID.classPartition):
        if g.value(node, VOID["class"]) == cls:
            return g.value(node, VOID.entities).toPython()
    return None


def _property_partition(g: Graph, prop: URIRef) -> int | None:
    for node in g.objects(DATASET, VOID.propertyPartition):
        if g.value(node, VOID.property) == prop:
            return g.value(node, VOID.triples).toPython()
    return None


@pytest.fixture(scope="module")
def description(app):
    response = app.test_client().get("/dataset.ttl")
    return Graph().parse(data=response.data, format="turtle")


@pytest.mark.parametrize("cls, entities", [
    (SDO.Event, 3),       # "tre webinar"
    (SDO.EventSeries, 1),  # the 2021 series they belong to
    (SDO.Person, 2),      # Durando and Borzaga
])
def test_dataset_class_partitions(description, cls, entities):
    assert _class_partition(description, cls) == entities


@pytest.mark.parametrize("prop, triples", [
    (SDO.startDate, 2),           # the webinar, in the release and in the report of 17 June
    (SDO.eventAttendanceMode, 1),  # online, as the release says
])
def test_dataset_property_partitions(description, prop, triples):
    assert _property_partition(description, prop) == triples


def test_dataset_languages_and_endpoint(description):
    languages = {str(x).rsplit("/", 1)[-1] for x in description.objects(DATASET, DCTERMS.language)}
    assert languages == {"ITA", "ENG"}
    assert (URIRef(f"{BASE}sparql"), DCAT.servesDataset, DATASET) in description


def test_dataset_distributions_match_the_files(description, manifest, release_dir):
    distributions = list(description.objects(DATASET, DCAT.distribution))
    seen = set()
    for dist in distributions:
        url = str(description.value(dist, DCAT.downloadURL))
        assert url.startswith(f"{BASE}dumps/")
        name = url.rsplit("/", 1)[-1]
        body = (release_dir / name).read_bytes()
        assert description.value(dist, DCAT.byteSize).toPython() == len(body)
        checksum = description.value(dist, SPDX.checksum)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = description.value(checksum, SPDX.checksumValue)
        assert value.datatype == XSD.hexBinary
        assert str(value) == hashlib.sha256(body).hexdigest() == manifest["files"][name]
        assert description.value(dist, DCAT.mediaType) is not None
        assert description.value(dist, DCTERMS.license) == CC_BY
        seen.add(name)
    assert seen == set(manifest["files"])


def test_dataset_states_the_configured_publisher(other_app):
    g = Graph().parse(data=other_app.test_client().get("/dataset.ttl").data, format="turtle")
    publisher = g.value(DATASET, DCTERMS.publisher)
    assert g.value(publisher, URIRef("http://xmlns.com/foaf/0.1/name")) == Literal("Example Publisher")
    assert g.value(publisher, DCTERMS.identifier) == Literal("example-ipa")
    contact = g.value(DATASET, DCAT.contactPoint)
    assert g.value(contact, URIRef("http://www.w3.org/2006/vcard/ns#hasEmail")) == URIRef(
        "mailto:open-data@publisher.example")


@pytest.mark.parametrize("accept, expected", [
    ("*/*", "text/turtle"),
    (BROWSER, "text/html"),
    ("application/json", "application/ld+json"),
    ("text/turtle;q=0.5, application/rdf+xml", "application/rdf+xml"),
])
def test_dataset_negotiation(client, accept, expected):
    response = get(client, "/dataset", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == expected
    assert "Accept" in response.headers["Vary"]


def test_dataset_unacceptable_and_unknown_suffix(client):
    response = get(client, "/dataset", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert get(client, "/dataset.png").status_code == 404


@pytest.mark.parametrize("lang, title", [
    ("it", "Rete dell&#39;economia sociale della provincia di Cuneo"),
    ("en", "Social-economy network of the province of Cuneo"),
])
def test_dataset_page(client, manifest, lang, title):
    response = get(client, f"/dataset?lang={lang}", headers={"Accept": BROWSER})
    page = response.get_data(as_text=True)
    assert response.headers["Content-Language"] == lang
    assert f"<h1>{title}</h1>" in page
    assert f'<dd id="triples">{manifest["triples"]}</dd>' in page
    for name, digest in manifest["files"].items():
        assert f'href="/dumps/{name}"' in page and digest in page
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in page
    assert '<link rel="alternate" type="text/turtle" href="/dataset.ttl">' in page


# -- /dumps ------------------------------------------------------------------------------------------

def _sums(release_dir) -> dict[str, str]:
    lines = (release_dir / "SHA256SUMS").read_text().splitlines()
    return {name: digest for digest, name in (line.split("  ") for line in lines)}


@pytest.mark.parametrize("name, media_type", [
    ("cisem.trig", "application/trig"), ("cisem.nq", "application/n-quads"),
    ("cisem.ttl", "text/turtle"), ("cisem.nt", "application/n-triples"),
    ("cisem.jsonld", "application/ld+json"),
])
def test_dumps_download_with_their_checksums(client, release_dir, name, media_type):
    response = get(client, f"/dumps/{name}")
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    digest = hashlib.sha256(response.data).hexdigest()
    assert digest == _sums(release_dir)[name]
    assert response.headers["ETag"] == f'"{digest}"'
    assert response.headers["Last-Modified"]
    again = get(client, f"/dumps/{name}", headers={"If-None-Match": f'"{digest}"'})
    assert again.status_code == 304 and again.data == b""

    zipped = get(client, f"/dumps/{name}", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert zipped.headers["ETag"] != response.headers["ETag"]
    assert hashlib.sha256(gzip.decompress(zipped.data)).hexdigest() == digest


def test_sha256sums_lists_every_dump(client, manifest):
    response = get(client, "/dumps/SHA256SUMS")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    listed = {name: digest for digest, name in (line.split("  ") for line in
                                                response.get_data(as_text=True).splitlines())}
    assert listed == manifest["files"]


def test_a_dump_supports_ranges(client, release_dir):
    response = get(client, "/dumps/cisem.nt", headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert response.data == (release_dir / "cisem.nt").read_bytes()[:10]


@pytest.mark.parametrize("path", [
    "/dumps/..", "/dumps/../manifest.json", "/dumps/..%2Fmanifest.json", "/dumps/%2e%2e%2fmanifest.json",
    "/dumps/..%2F..%2Fpyproject.toml", "/dumps/manifest.json", "/dumps/store", "/dumps/cisem.ttl%2F",
    "/dumps/%2Fetc%2Fpasswd", "/dumps/cisem.ttl%00", "/dumps/.%2E/SHA256SUMS", "/dumps/CISEM.TTL",
])
def test_dump_traversal_attempts_404(client, release_dir, path):
    response = get(client, path)
    assert response.status_code == 404
    assert str(release_dir).encode() not in response.data


# -- sitemap and robots ------------------------------------------------------------------------------

def _urls(body: bytes) -> dict[str, ET.Element]:
    root = ET.fromstring(body)
    assert root.tag == f"{SITEMAP}urlset"
    return {u.findtext(f"{SITEMAP}loc"): u for u in root.findall(f"{SITEMAP}url")}


def _check_entry(loc: str, entry: ET.Element, created: str) -> None:
    assert entry.findtext(f"{SITEMAP}lastmod") == created
    alternates = {link.get("hreflang"): link.get("href") for link in entry.findall(f"{XHTML}link")}
    assert alternates == {"it": f"{loc}?lang=it", "en": f"{loc}?lang=en", "x-default": loc}


def test_sitemap_lists_every_page_on_the_host_asked(mirror_client, things_in_files, manifest):
    host = "http://example.test:8123/"
    response = get(mirror_client, "/sitemap.xml", base_url=host)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    urls = _urls(response.data)
    expected = {f"{host}doc/{kind}/{slug}" for kind, slug in things_in_files}
    expected |= {host, f"{host}dataset", f"{host}ontology", f"{host}shapes"}
    expected |= {f"{host}doc/{kind}/" for kind, _ in things_in_files}  # a list of every kind there is
    assert set(urls) == expected
    assert f"{host}doc/event/{WEBINAR}" in urls
    for loc, entry in urls.items():
        _check_entry(loc, entry, manifest["created"])


def test_sitemap_splits_into_an_index(other_app, client, manifest):
    full = set(_urls(get(client, "/sitemap.xml").data))
    split = other_app.test_client()
    root = ET.fromstring(split.get("/sitemap.xml").data)
    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = [s.findtext(f"{SITEMAP}loc") for s in root.findall(f"{SITEMAP}sitemap")]
    expected_parts = -(-(len(full) - 1) // 7)  # this deployment has no shapes page
    assert len(parts) == expected_parts
    assert all(s.findtext(f"{SITEMAP}lastmod") == manifest["created"]
               for s in root.findall(f"{SITEMAP}sitemap"))
    seen: list[str] = []
    for number, loc in enumerate(parts, start=1):
        assert loc == f"http://localhost/sitemap-{number}.xml"
        urls = _urls(split.get(f"/sitemap-{number}.xml").data)
        assert 1 <= len(urls) <= 7
        seen += urls
    assert len(seen) == len(set(seen))
    assert set(seen) == full - {"http://localhost/shapes"}
    assert split.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
    assert split.get("/sitemap-0.xml").status_code == 404
    assert get(client, "/sitemap-1.xml").status_code == 404  # not split: one sitemap


def test_robots_points_at_the_sitemap_and_keeps_crawlers_off_sparql(mirror_client):
    response = get(mirror_client, "/robots.txt", base_url="https://data.example.org")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /sparql" in lines
    assert "Sitemap: https://data.example.org/sitemap.xml" in lines


# -- /ontology ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ontology_files() -> Graph:
    return folder_graph(PROJECT_ROOT / "ontology")


@pytest.fixture(scope="module")
def shapes_files() -> Graph:
    """The shapes as the files give them, read by rdflib alone (not the program's loader)."""
    return folder_graph(PROJECT_ROOT / "shapes")


def _terms(graph: Graph, types, label) -> list[tuple[URIRef, dict[str, str]]]:
    subjects = sorted({s for t in types for s in graph.subjects(RDF.type, t)})
    return [(s, {lit.language: str(lit) for lit in graph.objects(s, label)}) for s in subjects]


def test_ontology_page_documents_every_class_and_concept_in_both_languages(client, ontology_files):
    page = html.unescape(get(client, "/ontology", headers={"Accept": BROWSER}).get_data(as_text=True))
    classes = _terms(ontology_files, (OWL.Class, RDFS.Class), RDFS.label)
    properties = _terms(ontology_files, (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property),
                        RDFS.label)
    concepts = _terms(ontology_files, (SKOS.Concept,), SKOS.prefLabel)
    assert len(classes) >= 3 and len(concepts) >= 10
    for iri, labels in classes + properties:
        assert f'id="{str(iri).split("#", 1)[1]}"' in page
        assert set(labels) >= {"it", "en"}, iri
        for lang in ("it", "en"):
            assert labels[lang] in page
        for comment in ontology_files.objects(iri, RDFS.comment):
            assert str(comment) in page
    for iri, labels in concepts:
        slug = str(iri).rsplit("/", 1)[1]
        assert f'id="concept-{slug}"' in page
        assert f'href="/doc/concept/{slug}"' in page
        for lang in ("it", "en"):
            assert labels[lang] in page
    # alignments: the committee is a schema.org Organization and an ORG unit
    assert "schema:Organization" in page and "org:OrganizationalUnit" in page


@pytest.mark.parametrize("ext, media_type, parser, dataset", RDF_FORMATS)
def test_ontology_in_rdf(client, ontology_files, ext, media_type, parser, dataset):
    response = get(client, "/ontology", headers={"Accept": media_type})
    assert response.status_code == 200 and response.mimetype == media_type
    assert isomorphic(parse_rdf(response.data, parser, dataset), ontology_files)
    assert get(client, f"/ontology.{ext}").data == response.data


def test_ontology_defaults_to_turtle_for_curl(client):
    assert get(client, "/ontology", headers={"Accept": "*/*"}).mimetype == "text/turtle"


# -- /shapes --------------------------------------------------------------------------------------------

def test_shapes_as_turtle(client, shapes_files):
    response = get(client, "/shapes", headers={"Accept": "*/*"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert isomorphic(Graph().parse(data=response.data, format="turtle"), shapes_files)


def test_shapes_page_lists_every_shape_with_its_messages(client, shapes_files):
    shapes = shapes_files
    for lang in ("it", "en"):
        page = html.unescape(get(client, f"/shapes?lang={lang}", headers={"Accept": BROWSER})
                             .get_data(as_text=True))
        for shape in shapes.subjects(RDF.type, SH.NodeShape):
            assert f'id="{str(shape).split("#", 1)[1]}"' in page
        for message in shapes.objects(None, SH.message):
            assert str(message) in page, message


def test_shapes_absent_is_a_clear_404(other_app):
    response = other_app.test_client().get("/shapes", headers={"Accept": "text/plain"})
    assert response.status_code == 404
    assert "SHACL shapes are not available" in response.get_data(as_text=True)


# -- caching -------------------------------------------------------------------------------------------

CACHED = [
    ("/", {}), ("/?lang=en", {}), ("/", {"Accept-Language": "en"}),
    ("/dataset", {"Accept": BROWSER}), ("/dataset", {"Accept": "text/turtle"}),
    ("/dataset.jsonld", {}), ("/ontology", {"Accept": BROWSER}), ("/ontology.ttl", {}),
    ("/shapes", {"Accept": BROWSER}), ("/shapes.nt", {}), ("/sitemap.xml", {}), ("/robots.txt", {}),
    ("/dumps/cisem.nq", {}), ("/dumps/SHA256SUMS", {}),
]


@pytest.mark.parametrize("path, headers", CACHED)
def test_strong_etag_and_304(client, path, headers):
    first = get(client, path, headers=headers)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["Last-Modified"]
    assert "max-age" in first.headers["Cache-Control"]
    again = get(client, path, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    other = get(client, path, headers={**headers, "If-None-Match": '"something-else"'})
    assert other.status_code == 200
    since = first.headers["Last-Modified"]
    assert get(client, path, headers={**headers, "If-Modified-Since": since}).status_code == 304
    earlier = format_datetime(parsedate_to_datetime(since) - timedelta(days=1), usegmt=True)
    assert get(client, path, headers={**headers, "If-Modified-Since": earlier}).status_code == 200


@pytest.mark.parametrize("path, a, b", [
    ("/", {"Accept-Language": "it"}, {"Accept-Language": "en"}),
    ("/dataset", {"Accept": "text/turtle"}, {"Accept": "application/ld+json"}),
    ("/dataset", {"Accept": BROWSER, "Accept-Language": "it"}, {"Accept": BROWSER, "Accept-Language": "en"}),
    ("/ontology", {"Accept": "text/turtle"}, {"Accept": BROWSER}),
    ("/dataset", {}, {"Accept-Encoding": "gzip"}),
])
def test_etags_differ_by_format_language_and_coding(client, path, a, b):
    assert get(client, path, headers=a).headers["ETag"] != get(client, path, headers=b).headers["ETag"]


def test_gzip_when_asked(client):
    response = get(client, "/dataset.ttl", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    Graph().parse(data=gzip.decompress(response.data), format="turtle")
    again = get(client, "/dataset.ttl", headers={"Accept-Encoding": "gzip",
                                                "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
