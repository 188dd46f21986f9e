"""Dereferenceable IRIs, negotiated documents, resource pages, lists and search (``web/resources``).

Every thing and every named graph of the built dataset is walked through every RDF format, with the
default base and with another one; each answer must be isomorphic to its description, computed
here from the build's N-Quads dump with plain rdflib (not with ``describe``):

* every statement with the thing as subject, in its graph;
* the statements of the blank nodes it points to, from the graph that links them;
* the labels (schema:name, rdfs:label, skos:prefLabel) and rdf:type of every other IRI it points
  to, from any graph;
* for a named graph, also everything the graph holds.

Negotiation, caching and hostile input are tables; the hostile data root (``tests/data/hostile``)
is built into an app of its own (``hostile_app``, in ``conftest.py``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyoxigraph import Store as OxStore
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, RDFS, SKOS

from cisem_graph.config import Settings
from cisem_graph.describe import sparql_string
from cisem_graph.graph.pipeline import build
from cisem_graph.graph.sources import load_sources
from cisem_graph.namespaces import SDO
from cisem_graph.web import resources

BASE = "https://w3id.org/cisem/"
OTHER_BASE = "http://example.org/cisem/"
WEBINAR = "event/impresa-sociale-di-inserimento-lavorativo"
DOC = f"/doc/{WEBINAR}"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
#: suffix -> (media type, rdflib parser)
RDF_SUFFIXES = {
    "ttl": ("text/turtle", "turtle"),
    "nt": ("application/n-triples", "nt"),
    "jsonld": ("application/ld+json", "json-ld"),
    "rdf": ("application/rdf+xml", "xml"),
    "trig": ("application/trig", "trig"),
    "nq": ("application/n-quads", "nquads"),
}
DATASET_SUFFIXES = {"trig", "nq"}
#: what is said of a linked thing in a description
LINK_FACTS = {SDO.name, RDFS.label, SKOS.prefLabel, RDF.type}


def _catalogue() -> tuple[list[str], list[str]]:
    """Things (``kind/slug``) and graph names of the shipped sources, for parametrising."""
    sources = load_sources(Settings())
    things = sorted({str(s)[len(BASE) + 3:] for s in sources.rdflib_union.subjects()
                     if isinstance(s, URIRef) and str(s).startswith(BASE + "id/")})
    graphs = sorted(str(g)[len(BASE) + 6:] for g in sources.graph_files)
    return things, [*graphs, "metadata"]


THINGS, GRAPHS = _catalogue()


# -- fixtures ---------------------------------------------------------------------------------------

@dataclass
class Served:
    base: str
    client: object
    quads: list[tuple]


def read_quads(path: Path) -> list[tuple]:
    dataset = Dataset()
    dataset.parse(path, format="nquads")
    return [(s, p, o, getattr(g, "identifier", g)) for s, p, o, g in dataset.quads()]


@pytest.fixture(scope="session")
def other_base_build(tmp_path_factory) -> tuple[Settings, object]:
    """The shipped data built with a non-default base IRI: (settings, DatasetVersion)."""
    out = tmp_path_factory.mktemp("dist-other")
    settings = Settings(base_iri=OTHER_BASE)
    version, _ = build(settings, out)
    return settings.replace(dist_dir=out), version


@pytest.fixture(scope="session")
def other_base_app(other_base_build, make_app):
    """The shipped data served with a non-default base IRI, over the test's store kind."""
    settings, version = other_base_build
    app = make_app(settings)
    yield app, version
    app.extensions["cisem_graph"].store.close()


@pytest.fixture(scope="session", params=[BASE, OTHER_BASE], ids=["default-base", "other-base"])
def served(request, app, built) -> Served:
    if request.param == BASE:
        return Served(BASE, app.test_client(), read_quads(built[0].dump_path("nq")))
    other, version = request.getfixturevalue("other_base_app")
    return Served(OTHER_BASE, other.test_client(), read_quads(version.dump_path("nq")))


# -- the expected description, from the dump ---------------------------------------------------------

def expected_description(quads: list[tuple], iri: URIRef, *, graph: bool = False) -> Dataset:
    by_subject: dict = {}
    for quad in quads:
        by_subject.setdefault(quad[0], []).append(quad)
    expected = Dataset()

    def add(s, p, o, g):
        expected.graph(g).add((s, p, o))

    for s, p, o, g in by_subject.get(iri, []):
        add(s, p, o, g)
        if isinstance(o, BNode):
            for quad in by_subject.get(o, []):
                if quad[3] == g:
                    add(*quad)
        elif isinstance(o, URIRef) and o != iri:
            for quad in by_subject.get(o, []):
                if quad[1] in LINK_FACTS:
                    add(*quad)
    if graph:
        for quad in quads:
            if quad[3] == iri:
                add(*quad)
    return expected


def union(dataset: Dataset) -> Graph:
    graph = Graph()
    for g in dataset.graphs():
        graph += g
    return graph


def assert_isomorphic(expected: Graph, got: Graph, what: str) -> None:
    if isomorphic(expected, got):
        return
    _, only_expected, only_served = graph_diff(to_isomorphic(expected), to_isomorphic(got))
    pytest.fail(f"{what} is not its description\n-- only in the description:\n"
                f"{only_expected.serialize(format='nt')}\n-- only in the answer:\n"
                f"{only_served.serialize(format='nt')}")


def assert_same_description(expected: Dataset, body: bytes, suffix: str, what: str) -> None:
    parser = RDF_SUFFIXES[suffix][1]
    if suffix in DATASET_SUFFIXES:
        got = Dataset()
        got.parse(data=body, format=parser)
        names = {g.identifier: g for g in got.graphs() if len(g)}
        wanted = {g.identifier: g for g in expected.graphs() if len(g)}
        assert set(names) == set(wanted), f"{what}: graphs differ"
        for name, graph in wanted.items():
            assert_isomorphic(graph, names[name], f"{what} graph {name}")
        assert_isomorphic(union(expected), union(got), what)
    else:
        assert_isomorphic(union(expected), Graph().parse(data=body, format=parser), what)


# -- every thing and every graph, every format, two bases --------------------------------------------

def test_the_walk_covers_every_thing_and_graph_of_the_build(served):
    subjects = {str(q[0]) for q in served.quads}
    assert {s[len(served.base) + 3:] for s in subjects if s.startswith(served.base + "id/")} == set(
        THINGS)
    graphs = {str(q[3])[len(served.base) + 6:] for q in served.quads}
    assert graphs == set(GRAPHS)


@pytest.mark.parametrize("suffix", RDF_SUFFIXES)
@pytest.mark.parametrize("path", THINGS)
def test_every_thing_in_every_format_is_its_description(served, path, suffix):
    response = served.client.get(f"/doc/{path}.{suffix}")
    assert response.status_code == 200, response.data
    assert response.mimetype == RDF_SUFFIXES[suffix][0]
    expected = expected_description(served.quads, URIRef(f"{served.base}id/{path}"))
    assert_same_description(expected, response.data, suffix, f"/doc/{path}.{suffix}")


@pytest.mark.parametrize("suffix", RDF_SUFFIXES)
@pytest.mark.parametrize("name", GRAPHS)
def test_every_named_graph_in_every_format_is_its_description_and_contents(served, name, suffix):
    response = served.client.get(f"/graph/{name}.{suffix}")
    assert response.status_code == 200, response.data
    expected = expected_description(served.quads, URIRef(f"{served.base}graph/{name}"), graph=True)
    assert_same_description(expected, response.data, suffix, f"/graph/{name}.{suffix}")


def test_trig_keeps_the_source_of_each_fact(client):
    dataset = Dataset()
    dataset.parse(data=client.get(f"{DOC}.trig").data, format="trig")
    event = URIRef(BASE + "id/" + WEBINAR)
    # the press release gives the date; the report of 17 June gives the Zoom location
    start = {g.identifier for g in dataset.graphs() if (event, SDO.startDate, None) in g}
    where = {g.identifier for g in dataset.graphs() if (event, SDO.location, None) in g}
    assert start == {URIRef(BASE + "graph/press-release-2021-06-10")}
    assert where == {URIRef(BASE + "graph/targatocn-2021-06-17")}


@pytest.mark.parametrize("path", THINGS)
def test_every_thing_redirects_to_its_page(client, path):
    response = client.get(f"/id/{path}")
    assert response.status_code == 303
    assert response.headers["Location"] == f"http://localhost/doc/{path}"
    page = client.get(response.headers["Location"], headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b"<h1" in page.data and b'<script type="application/ld+json">' in page.data


# -- negotiation ------------------------------------------------------------------------------------

NEGOTIATION = [
    # path, Accept, Accept-Language, status, media type, Content-Language
    (DOC, None, None, 200, "text/turtle", None),
    (DOC, "*/*", None, 200, "text/turtle", None),
    (DOC, "text/*", None, 200, "text/turtle", None),
    (DOC, BROWSER, None, 200, "text/html", "it"),
    (DOC, BROWSER, "en-GB,en;q=0.9", 200, "text/html", "en"),
    (DOC, BROWSER, "fr", 200, "text/html", "it"),
    (DOC, BROWSER, "de, en;q=0.5, it;q=0.4", 200, "text/html", "en"),
    (DOC, "application/xhtml+xml", "it-IT", 200, "text/html", "it"),
    (DOC + "?lang=en", BROWSER, "it", 200, "text/html", "en"),
    (DOC + "?lang=it", BROWSER, "en", 200, "text/html", "it"),
    (DOC + "?lang=xx", BROWSER, "en", 400, "text/html", None),
    (DOC, "application/ld+json", None, 200, "application/ld+json", None),
    (DOC, "application/json", None, 200, "application/ld+json", None),
    (DOC, "application/n-triples", None, 200, "application/n-triples", None),
    (DOC, "application/rdf+xml", None, 200, "application/rdf+xml", None),
    (DOC, "application/trig", None, 200, "application/trig", None),
    (DOC, "application/n-quads", None, 200, "application/n-quads", None),
    (DOC, "text/turtle;q=0.5, application/rdf+xml", None, 200, "application/rdf+xml", None),
    (DOC, "application/n-triples;q=0.2, text/turtle;q=0.3", None, 200, "text/turtle", None),
    (DOC, "text/html;q=0.1, */*;q=0.2", None, 200, "text/turtle", None),
    (DOC, "text/html, application/ld+json;q=0.9", "en", 200, "text/html", "en"),
    (DOC, "image/png", None, 406, "text/plain", None),
    (DOC, "text/html;q=0", None, 406, "text/plain", None),
    (DOC + ".ttl", "image/png", None, 200, "text/turtle", None),
    (DOC + ".html", "text/turtle", "en", 200, "text/html", "en"),
    (DOC + ".html?lang=it", None, "en", 200, "text/html", "it"),
    (DOC + ".jsonld", BROWSER, None, 200, "application/ld+json", None),
    (DOC + ".nt", None, None, 200, "application/n-triples", None),
    (DOC + ".rdf", None, None, 200, "application/rdf+xml", None),
    (DOC + ".trig", None, None, 200, "application/trig", None),
    (DOC + ".png", None, None, 404, "text/plain", None),
    (DOC + ".TTL", None, None, 404, "text/plain", None),
    ("/doc/event/no-such-webinar", BROWSER, None, 404, "text/html", None),
    ("/doc/event/no-such-webinar", "text/turtle", None, 404, "text/plain", None),
    ("/doc/event/no-such-webinar.ttl", None, None, 404, "text/plain", None),
    ("/doc/no-such-kind/cisem", "text/turtle", None, 404, "text/plain", None),
    ("/id/event/no-such-webinar", BROWSER, None, 404, "text/html", None),
    ("/graph/press-release-2021-06-10", "application/trig", None, 200, "application/trig", None),
    ("/graph/press-release-2021-06-10", BROWSER, "en", 200, "text/html", "en"),
    ("/graph/no-such-graph", "text/turtle", None, 404, "text/plain", None),
    ("/context.jsonld", None, None, 200, "application/ld+json", None),
]


@pytest.mark.parametrize("path, accept, language, status, media_type, content_language", NEGOTIATION)
def test_negotiation(client, path, accept, language, status, media_type, content_language):
    headers = {k: v for k, v in (("Accept", accept), ("Accept-Language", language)) if v}
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.data[:300]
    assert response.mimetype == media_type
    assert response.headers.get("Content-Language") == content_language
    if status == 200 and media_type == "text/html":
        assert f'<html lang="{content_language}">'.encode() in response.data
    if status == 406:
        for offered in ("text/turtle", "application/ld+json", "application/trig", "text/html"):
            assert offered.encode() in response.data


@pytest.mark.parametrize("path, vary", [
    (DOC, {"Accept", "Accept-Language"}),
    (DOC + ".html", {"Accept-Language"}),
    (DOC + ".ttl", set()),
    ("/graph/metadata", {"Accept", "Accept-Language"}),
])
def test_vary_names_what_the_answer_depends_on(client, path, vary):
    response = client.get(path)
    # every document may also be sent gzipped, so each varies on Accept-Encoding too
    assert set(response.vary) == vary | {"Accept-Encoding"}
    zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["ETag"] != response.headers["ETag"]


@pytest.mark.parametrize("accept, location", [
    ("*/*", f"http://localhost{DOC}.ttl"),
    ("application/ld+json", f"http://localhost{DOC}.jsonld"),
    (BROWSER, f"http://localhost{DOC}.html?lang=it"),
])
def test_a_negotiated_answer_says_where_its_variant_lives(client, accept, location):
    response = client.get(DOC, headers={"Accept": accept})
    assert response.headers["Content-Location"] == location


@pytest.mark.parametrize("base_url, query, location", [
    ("http://localhost", "", f"http://localhost{DOC}"),
    ("http://lod.example.test:8080", "", f"http://lod.example.test:8080{DOC}"),
    ("https://dati.example.test", "?lang=en", f"https://dati.example.test{DOC}?lang=en"),
    ("http://localhost", "?page=2", f"http://localhost{DOC}"),
])
def test_id_is_303_to_doc_on_the_host_that_was_asked(mirror_client, base_url, query, location):
    response = mirror_client.get(f"/id/{WEBINAR}{query}", base_url=base_url,
                          headers={"Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == location


def test_a_kind_iri_leads_to_its_list(client):
    response = client.get("/id/organization/?lang=en")
    assert response.status_code == 303
    assert response.headers["Location"] == "http://localhost/doc/organization/?lang=en"


def test_rdf_carries_canonical_iris_and_html_links_the_asked_host(mirror_client):
    host = "http://lod.example.test"
    turtle = mirror_client.get(f"{DOC}.ttl", base_url=host).data.decode()
    assert BASE + "id/person/carlo-borzaga" in turtle or "person:carlo-borzaga" in turtle
    assert "lod.example.test" not in turtle
    page = mirror_client.get(DOC, base_url=host, headers={"Accept": BROWSER}).data.decode()
    assert f'href="{host}/doc/person/carlo-borzaga"' in page
    assert f'href="{host}/graph/press-release-2021-06-10"' in page
    assert 'href="https://w3id.org/cisem/' not in page


# -- Link headers, link tags, canonical --------------------------------------------------------------

class Tags(HTMLParser):
    """Collects ``<link>`` and ``<a>`` attributes and the text of ld+json scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict] = []
        self.anchors: list[dict] = []
        self.scripts: list[str] = []
        self.html_lang: str | None = None
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "a":
            self.anchors.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse_page(body: bytes) -> Tags:
    tags = Tags()
    tags.feed(body.decode("utf-8"))
    return tags


def test_link_headers_and_tags_offer_every_format(client):
    response = client.get(DOC, headers={"Accept": BROWSER})
    header = response.headers["Link"]
    offered = dict(re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', header))
    expected = {f"http://localhost{DOC}.{s}": t for s, (t, _) in RDF_SUFFIXES.items()}
    expected[f"http://localhost{DOC}.html"] = "text/html"
    assert offered == expected
    tags = parse_page(response.data)
    typed = {t["href"]: t["type"] for t in tags.links if t.get("rel") == "alternate" and "type" in t}
    assert typed == expected
    languages = {t["hreflang"]: t["href"] for t in tags.links if "hreflang" in t}
    assert languages == {"it": f"http://localhost{DOC}?lang=it", "en": f"http://localhost{DOC}?lang=en",
                         "x-default": f"http://localhost{DOC}"}
    [canonical] = [t["href"] for t in tags.links if t.get("rel") == "canonical"]
    assert canonical == f"http://localhost{DOC}?lang=it"


def test_every_format_link_on_the_page_answers(client):
    tags = parse_page(client.get(DOC, headers={"Accept": BROWSER}).data)
    formats = [a["href"] for a in tags.anchors if a.get("type")]
    assert len(formats) == len(RDF_SUFFIXES) + 1
    for href in formats:
        assert client.get(href).status_code == 200, href


def test_the_sparql_links_show_the_same_description(client):
    tags = parse_page(client.get(DOC, headers={"Accept": BROWSER}).data)
    queries = [a["href"] for a in tags.anchors if "?query=" in a["href"]]
    assert len(queries) == 2
    served = Graph().parse(data=client.get(f"{DOC}.ttl").data, format="turtle")
    construct = client.get(queries[0], headers={"Accept": "text/turtle"})
    assert construct.status_code == 200, construct.data
    assert_isomorphic(served, Graph().parse(data=construct.data, format="turtle"), "CONSTRUCT")
    quads = client.get(queries[1], headers={"Accept": "application/sparql-results+json"})
    assert quads.status_code == 200 and len(quads.get_json()["results"]["bindings"]) >= len(served)


# -- caching ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, headers", [
    (DOC, {"Accept": "text/turtle"}),
    (DOC, {"Accept": BROWSER, "Accept-Language": "en"}),
    (DOC + ".jsonld", {}),
    ("/graph/metadata.trig", {}),
    ("/context.jsonld", {}),
])
def test_etag_and_last_modified_give_304(client, built, path, headers):
    first = client.get(path, headers=headers)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and not etag.startswith("W/")
    assert first.headers["Last-Modified"] == _http_date(built[0].created)
    assert first.cache_control.public and first.cache_control.max_age > 0
    again = client.get(path, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    since = client.get(path, headers={**headers, "If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    older = client.get(path, headers={**headers, "If-Modified-Since": "Mon, 14 Jun 2021 16:00:00 GMT"})
    assert older.status_code == 200
    other = client.get(path, headers={**headers, "If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.data == first.data


def _http_date(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%a, %d %b %Y %H:%M:%S GMT")


def test_etag_differs_by_format_language_and_page(client):
    tags = {client.get(DOC, headers={"Accept": a, "Accept-Language": lang}).headers["ETag"]
            for a, lang in (("text/turtle", "it"), ("application/ld+json", "it"),
                            (BROWSER, "it"), (BROWSER, "en"))}
    tags.add(client.get(DOC + "?page=2", headers={"Accept": BROWSER}).headers["ETag"])
    assert len(tags) == 5
    assert (client.get(DOC, headers={"Accept": "text/turtle", "Accept-Language": "en"}).headers["ETag"]
            in tags)  # the RDF does not depend on the language


def test_an_etag_of_another_representation_is_not_a_304(client):
    html = client.get(DOC, headers={"Accept": BROWSER}).headers["ETag"]
    turtle = client.get(DOC, headers={"Accept": "text/turtle", "If-None-Match": html})
    assert turtle.status_code == 200


def test_unknown_thing_is_404_even_with_a_matching_etag(client):
    etag = client.get(DOC + ".ttl").headers["ETag"]
    response = client.get("/doc/event/no-such-webinar.ttl", headers={"If-None-Match": etag})
    assert response.status_code == 404


# -- hostile paths and parameters ----------------------------------------------------------------------

HOSTILE_PATHS = [
    ("/doc/organization/..", ".."),
    ("/doc/organization/%2e%2e", "%2e"),
    ("/doc/organization/..%2F..%2Fetc%2Fpasswd", "passwd"),
    ("/id/organization/cisem%2F..%2F..%2Fsecret", "secret"),
    ("/doc/organization%2Fcisem", "organization/cisem"),
    ("/doc/../../etc/passwd", "passwd"),
    ("/graph/..%2F..%2Fetc%2Fpasswd", "passwd"),
    ("/doc/organization/" + "a" * 5000, "a" * 200),
    ("/id/organization/" + "a-" * 3000 + "a", "a-a-a-a-a-a-a-a-a-a"),
    ("/doc/organization/caf%C3%A9", "caf\u00e9"),
    ("/doc/organization/%00", "\x00"),
    ("/doc/organization/cisem%00.ttl", "\x00"),
    ("/doc/organization/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "<script>"),
    ("/doc/%3Cscript%3Ealert(1)%3C%2Fscript%3E/cisem", "<script>"),
    ("/doc/organization/%3Cscript%3Ealert(1)%3C/script%3E.ttl", "<script>"),
    ("/doc/organization/Cisem", "Cisem"),
    ("/doc/organization/cisem.ttl.ttl", "ttl.ttl"),
    ("/doc/organization/cisem.", "cisem."),
    ("/doc/organization/-cisem-", "-cisem-"),
    ("/graph/%22%3E%3Cscript%3E", "<script>"),
    (DOC + "?page=0", None),
    (DOC + "?page=-1", None),
    (DOC + "?page=%3Cscript%3E", "<script>"),
    (DOC + "?page=99999999999999999999", "9999999999"),
    ("/doc/organization/?page=abc", "abc"),
    ("/search?q=%00", "\x00"),
    ("/search?q=" + "x" * 300, "x" * 201),
]


@pytest.mark.parametrize("path, reflected", HOSTILE_PATHS)
@pytest.mark.parametrize("accept", [BROWSER, "text/turtle", "application/json"])
def test_hostile_paths_are_4xx_and_never_reflected(client, path, reflected, accept):
    response = client.get(path, headers={"Accept": accept})
    assert 400 <= response.status_code < 500, (path, response.status_code)
    body = response.data.decode("utf-8", "replace")
    assert "Traceback" not in body and "/work/" not in body
    if reflected:
        assert reflected not in body


# -- resource pages ----------------------------------------------------------------------------------

def test_the_webinar_page_in_italian(client):
    response = client.get(DOC, headers={"Accept": BROWSER})
    page = response.data.decode()
    tags = parse_page(response.data)
    assert tags.html_lang == "it"
    # the title, from the source text ("L’ impresa sociale ...", typographic space dropped)
    assert "<h1>L’impresa sociale di inserimento lavorativo: Opportunità da valorizzare</h1>" in page
    # what it is in words, the term one click away
    assert '<a href="https://schema.org/Event" title="schema:Event">evento</a>' in page
    # linked things by their label, linking to the local /doc/ page
    for slug, name in (("person/alessandro-durando", "Alessandro Durando"),
                       ("person/carlo-borzaga", "Carlo Borzaga"),
                       ("organization/il-laboratorio", "Il Laboratorio"),
                       ("organization/cascina-pensolato", "Cascina Pensolato")):
        assert f'<a href="http://localhost/doc/{slug}">{name}</a>' in page
    # a structured value inline: the Zoom virtual location
    assert 'title="schema:VirtualLocation">luogo virtuale</span>' in page and "<span>Zoom</span>" in page
    # the sources, by title, with the document each was taken from
    assert "Comunicato stampa sul webinar del CISeM del 14 giugno 2021" in page
    assert "https://www.targatocn.it/2021/06/17/" in page
    assert "Citato da" in page and "http://localhost/doc/series/webinar-cisem-2021" in page


def test_the_webinar_page_in_english(client):
    page = client.get(DOC + "?lang=en", headers={"Accept": BROWSER}).data.decode()
    assert '<html lang="en">' in page
    assert "<h1>The work-integration social enterprise: opportunities worth developing</h1>" in page
    assert "Referenced by" in page and "Sources" in page
    assert "Press release on the CISeM webinar of 14 June 2021" in page


def test_a_graph_page_lists_what_it_describes(client):
    page = client.get("/graph/targatocn-2021-06-17?lang=en", headers={"Accept": BROWSER}).data.decode()
    assert "<h1>targatocn.it report on the CISeM webinar (17 June 2021)</h1>" in page
    assert "Things described in this graph" in page
    assert f'href="http://localhost/doc/{WEBINAR}?lang=en"' in page


def test_referenced_by_is_paged(client, monkeypatch):
    concept = "/doc/concept/impresa-sociale"
    everything = _referencing(client.get(concept, headers={"Accept": BROWSER}).data)
    assert len(everything) >= 3
    monkeypatch.setattr(resources, "PAGE_SIZE", 2)
    seen: list[str] = []
    number = 1
    while True:
        body = client.get(f"{concept}?page={number}", headers={"Accept": BROWSER}).data
        page = _referencing(body)
        assert 1 <= len(page) <= 2
        seen += page
        if b'rel="next"' not in body:
            break
        number += 1
    assert number == (len(everything) + 1) // 2
    assert sorted(seen) == sorted(everything)


def _referencing(body: bytes) -> list[str]:
    section = body.decode().split('id="referenced-by"')[1].split("</section>")[0]
    return re.findall(r'<li><a href="([^"]+)"', section)


# -- lists and search --------------------------------------------------------------------------------

def test_the_kinds_index_counts_things(client):
    page = client.get("/doc/?lang=en").data.decode()
    assert 'href="/doc/organization/?lang=en">Organizations</a>' in page
    assert 'href="/doc/event/?lang=en">Events</a> <span class="count">3</span>' in page


def test_a_kind_list_names_every_thing_of_that_kind(client):
    page = client.get("/doc/organization/?lang=en").data.decode()
    organizations = [t for t in THINGS if t.startswith("organization/")]
    for path in organizations:
        assert f'href="http://localhost/doc/{path}?lang=en"' in page  # the language chosen, kept
    assert ">Chamber of Commerce of Cuneo</a>" in page  # the English name, from the source's "Camera"
    assert client.get("/doc/organization/?lang=it").data.decode().count("<li>") >= len(organizations)


@pytest.mark.parametrize("text, found", [
    ("Borzaga", {"person/carlo-borzaga"}),
    ("borzaga", {"person/carlo-borzaga"}),
    ("CHAMBER OF COMMERCE", {"organization/camera-di-commercio-di-cuneo"}),  # English names too
    ("Laboratorio", {"organization/il-laboratorio"}),
    ("L’impresa sociale di inserimento", {WEBINAR}),
    ("CISeM", {"organization/cisem"}),  # the alternate name
])
def test_search_matches_labels_in_both_languages(client, text, found):
    page = client.get("/search", query_string={"q": text, "lang": "en"}).data.decode()
    hits = set(re.findall(r'<a href="http://localhost/doc/([^"?]+)\?lang=en"', page))
    assert found <= hits


@pytest.mark.parametrize("text", [
    '"} ; DROP ALL ; #',
    '") || true || ("',
    "x\" ) } UNION { ?s ?p ?o } #",
    "\\",
    "\\u0022) || true || (\\u0022",
    '"""',
    "\\\\\"",
    "<script>alert(1)</script>",
    "}}}}}}",
])
def test_search_text_cannot_change_the_query(client, text):
    response = client.get("/search", query_string={"q": text})
    assert response.status_code == 200
    page = response.data.decode()
    assert 'href="http://localhost/doc/' not in page  # no label contains these, nothing was injected
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize("text", [
    'say "hi"', "back\\slash", "\\u0022", "\\\\u0022", "u\\u", "line\nbreak\r\ttab", "\"}\\",
    "caffè ’ “quoted” 🙂", "\\U0001F642", "\x01\x1f",
])
def test_sparql_string_round_trips_through_a_sparql_engine(text):
    store = OxStore()
    [row] = list(store.query(f"SELECT ?x WHERE {{ VALUES ?x {{ {sparql_string(text)} }} }}"))
    assert row["x"].value == text


# -- the hostile data root ---------------------------------------------------------------------------

HOSTILE_NAME_IT = "</script><!-- <script>alert(1)</script>"
HOSTILE_NAME_EN = "Tom & \"Jerry\" 'quotes' </SCRIPT > -->"
HOSTILE_ORGANIZER = "<img src=x onerror=alert(1)>"
HOSTILE_ORGANIZER_EN = "\u2028line&separator</script>"


@pytest.mark.parametrize("path", [
    "/doc/event/hostile", "/doc/event/hostile?lang=en", "/doc/organization/hostile",
    "/graph/hostile", "/doc/event/", "/search?q=script", "/search?q=%3C%2Fscript%3E",
])
def test_markup_in_labels_stays_text(hostile_app, path):
    response = hostile_app.test_client().get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200
    page = response.data.decode()
    assert "<script>alert" not in page and "<img src=x" not in page and "<!-- <" not in page
    tags = parse_page(response.data)
    for anchor in tags.anchors + tags.links:
        href = anchor.get("href", "")
        assert href.startswith(("http://", "https://", "/", "#", "?")), href
    # every ld+json script holds exactly the JSON, and no end tag or comment opener inside it
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(scripts) == len(tags.scripts) == 1
    assert "</script" not in scripts[0].lower() and "<!--" not in scripts[0]
    assert "<" not in scripts[0] and ">" not in scripts[0] and "&" not in scripts[0]


def test_hostile_values_round_trip_through_html_and_json_ld(hostile_app):
    client = hostile_app.test_client()
    for lang, name, organizer in (("it", HOSTILE_NAME_IT, HOSTILE_ORGANIZER),
                                  ("en", HOSTILE_NAME_EN, HOSTILE_ORGANIZER_EN)):
        tags = parse_page(client.get(f"/doc/event/hostile?lang={lang}", headers={"Accept": BROWSER}).data)
        [script] = tags.scripts
        data = json.loads(script)
        assert data["name"] == name
        assert data["organizer"]["name"] == organizer
        assert data["location"]["name"] == "<script>alert('zoom')</script>"
        assert "url" not in data and "seeAlso" not in data
    page = client.get("/doc/event/hostile", headers={"Accept": BROWSER}).data.decode()
    assert "&lt;/script&gt;&lt;!-- &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<span>javascript:alert(1)</span>" in page  # shown, never linked


def test_a_label_missing_in_the_language_falls_back_to_the_other(hostile_app):
    page = hostile_app.test_client().get("/doc/event/solo-in-italiano?lang=en",
                                         headers={"Accept": BROWSER}).data.decode()
    assert '<html lang="en">' in page
    assert '<h1 lang="it">Incontro con nome solo in italiano</h1>' in page
