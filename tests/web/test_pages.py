"""Pages for people (``web/page.py``, ``web/story.py``, ``web/catalogue.py``): words instead of RDF
terms, a story per kind, dates and identifiers as people write them, one language throughout,
tags for search engines, errors in the reader's language.

Expected words come from the source text and the data files (the webinar of 14 June 2021 from
18:00 to 20:00, online, its speakers Alessandro Durando, president of CISeM, and Carlo Borzaga,
president of Euricse; Cuneo's ISTAT code 004078 and postcode 12100) and from the catalogue's own
file (``terms.tsv``), never from the pages under test.
"""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import quote

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from cisem_graph.config import PROJECT_ROOT
from cisem_graph.graph.sources import turtle_files
from cisem_graph.schemaorg import SchemaOrg
from cisem_graph.web.catalogue import known_terms

BASE = "https://w3id.org/cisem/"
WEBINAR = "/doc/event/impresa-sociale-di-inserimento-lavorativo"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EU = "http://publications.europa.eu/resource/authority/"
SDO = "https://schema.org/"


def text_of(html: str) -> str:
    """What a reader sees: the text without tags, scripts or the head."""
    html = re.sub(r"<(script|head)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def section(html: str, start: str, end: str) -> str:
    a = html.index(start)
    return html[a:html.index(end, a)]


def page(client, path: str, lang: str | None = None) -> str:
    if lang:
        path = f"{path}{'&' if '?' in path else '?'}lang={lang}"
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


# -- the catalogue covers the data ------------------------------------------------------------------

def test_every_term_the_data_uses_has_a_name_in_both_languages(built):
    """Every property, class and enumeration value of the served dataset (the build's dump: the
    data files plus the metadata graph) is in the catalogue; the project's own terms are named by
    the ontology file's labels instead."""
    dataset = Dataset()
    dataset.parse(built[0].dump_path("nq"), format="nquads")
    schema = SchemaOrg.load()
    used: set[str] = set()
    for _, p, o, _ in dataset.quads():
        used.add(str(p))
        if p == RDF.type:
            used.add(str(o))
        elif isinstance(o, URIRef) and (str(o).startswith(EU) or (
                str(o).startswith(SDO) and schema.is_enumeration_member(o))):
            used.add(str(o))
    own = f"{BASE}ontology#"
    ontology = Graph()
    for path in turtle_files(PROJECT_ROOT / "ontology"):
        ontology.parse(path, format="turtle", publicID=BASE)
    for term in sorted(t for t in used if t.startswith(own)):
        labels = {lit.language for lit in ontology.objects(URIRef(term), RDFS.label)
                  if isinstance(lit, Literal)}
        assert {"it", "en"} <= labels, term
    missing = sorted(t for t in used if not t.startswith(own) and t not in known_terms(BASE))
    assert missing == []


# -- words, dates, identifiers ---------------------------------------------------------------------

@pytest.mark.parametrize("lang, when, president, online, speakers_word", [
    ("it", "14 giugno 2021, 18:00–20:00", "Presidente", "online", "Relatori"),
    ("en", "14 June 2021, 18:00–20:00", "President", "online", "Speakers"),
])
def test_the_event_tells_its_story_first(client, lang, when, president, online, speakers_word):
    html = page(client, WEBINAR, lang)
    story = text_of(section(html, '<dl class="story">', "</dl>"))
    assert when in story and online in story and "Zoom" in story
    assert f"Alessandro Durando — {president}" in story and f"Carlo Borzaga — {president}, Euricse" in story
    assert speakers_word in story and ("Webinar CISeM 2021" in story or "CISeM webinars 2021" in story)
    # the story comes before the full table, which keeps every fact
    assert html.index('<dl class="story">') < html.index('<table class="properties">')


def test_no_rdf_term_stands_in_for_a_word(client):
    html = page(client, WEBINAR, "it")
    shown = text_of(re.sub(r'<(a|code) class="term"[^>]*>.*?</\1>', " ", html, flags=re.S))
    for raw in ("xsd:dateTime", "schema:OnlineEventAttendanceMode", "schema:EventScheduled",
                "2021-06-14T18:00:00+02:00", "rdf:type", "schema:Event"):
        assert raw not in shown, raw
    # each term stays one click away, as a small link and a tooltip
    assert 'title="schema:OnlineEventAttendanceMode">online</a>' in html
    assert '<a class="term" href="https://schema.org/startDate" title="schema:startDate">' in html


@pytest.mark.parametrize("path, lang, shown, hidden", [
    # the Chamber of Commerce founded by royal decree of 5 October 1862 (data/camera-di-commercio-cuneo.ttl)
    ("/queries/timeline", "it", ["5 ottobre 1862", 'title="schema:foundingDate">data di fondazione</a>',
                                 '<time datetime="1862-10-05">'],
     ["xsd:date", ">schema:foundingDate<"]),
    ("/queries/event-speakers", "en",
     ['<time datetime="2021-06-14T18:00:00+02:00">14 June 2021, 18:00</time>'],
     ["xsd:dateTime", "2021-06-14T18:00:00+02:00<"]),
])
def test_query_tables_speak_words_too(client, path, lang, shown, hidden):
    table = section(page(client, path, lang), '<table class="results">', "</table>")
    for text in shown:
        assert text in table, text
    for text in hidden:
        assert text not in table, text


def test_properties_are_read_in_order(client):
    table = section(page(client, WEBINAR, "en"), '<table class="properties">', "</table>")
    order = [table.index(f'title="schema:{p}"') for p in
             ("name", "description", "startDate", "endDate", "location", "organizer", "performer")]
    assert order == sorted(order)


def test_identifiers_on_one_line(client):
    html = page(client, "/doc/place/cuneo", "en")
    row = section(html, 'title="schema:identifier"', "</tr>")
    cell = text_of(row)
    assert "ISTAT 004078" in cell and "CAP 12100" in cell and "codice-catastale D205" in cell
    assert "<dl" not in row and "schema:propertyID" not in html


def test_referenced_by_names_each_thing_once(client):
    html = page(client, "/doc/person/alessandro-durando", "en")
    refs = section(html, 'id="referenced-by"', "</section>")
    assert refs.count(">Alessandro Durando, President of CISeM</a>") == 1


@pytest.mark.parametrize("path, lang, expected", [
    ("/doc/person/carlo-borzaga", "en", ["Euricse — President, 2008–2022", "Scientific director",
                                          "University of Trento"]),
    ("/doc/organization/cisem", "it", ["Camera di Commercio di Cuneo", "Alessandro Durando — Presidente"]),
    ("/doc/place/cuneo", "it", ["Provincia di Cuneo", "Camera di Commercio di Cuneo"]),
    ("/doc/series/webinar-cisem-2021", "en", ["14 June 2021, 18:00"]),
])
def test_a_layout_per_kind(client, path, lang, expected):
    story = text_of(section(page(client, path, lang), '<dl class="story">', "</dl>"))
    for words in expected:
        assert words in story, (words, story)


# -- one language throughout ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/doc/", "/doc/event/", "/search?q=cisem", WEBINAR, "/dataset",
                                  "/ontology", "/queries", "/network", "/sparql"])
def test_the_chosen_language_is_on_every_internal_link_and_the_switch_everywhere(client, path):
    sep = "&" if "?" in path else "?"
    html = client.get(f"{path}{sep}lang=en", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert '<html lang="en">' in html
    switch = section(html, '<p class="langs"', "</p>")
    assert 'hreflang="it"' in switch and "lang=it" in switch
    # links to pages (not to files: RDF formats, dumps, exports, downloads of answers)
    files = re.compile(r"(\.(ttl|nt|jsonld|rdf|trig|nq|csv|tsv|json|graphml|gexf|svg|rq|xml)(\?|$))"
                       r"|^/dumps/|[?&]format=|/static/")
    internal = [unescape(h) for h in re.findall(r'<a [^>]*href="([^"]+)"', html)
                if h.startswith(("/", "http://localhost/"))]
    internal = [h for h in internal if not files.search(h.removeprefix("http://localhost"))]
    assert internal
    assert [h for h in internal if "lang=" not in h] == []
    # the footer and the menu in English too
    assert ">Browse</a>" in html and "Data:" in html


def test_a_page_asked_for_in_italian_by_the_browser_carries_no_lang(client):
    html = client.get("/", headers={"Accept": BROWSER, "Accept-Language": "it"}).get_data(as_text=True)
    assert '<a href="/doc/">Sfoglia</a>' in html  # no ?lang= was chosen: none is added


@pytest.mark.parametrize("lang, title, message", [
    ("it", "404 Pagina non trovata", "In questo dataset non c’è nulla con questo nome."),
    ("en", "404 Not found", "There is no such thing in this dataset."),
])
def test_the_404_page_speaks_the_readers_language(client, lang, title, message):
    response = client.get(f"/doc/organization/nessuna?lang={lang}", headers={"Accept": BROWSER})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html and message in html
    other = "en" if lang == "it" else "it"
    assert f'href="?lang={other}"' in html  # the switch, reflecting nothing of the address
    assert '<meta name="robots" content="noindex">' in html and "nessuna" not in html


def test_unknown_routes_and_methods_in_italian(client):
    html = client.get("/nowhere?lang=it", headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "Pagina non trovata" in html and "Qui non c’è nulla" in html
    response = client.post("/doc/?lang=it", headers={"Accept": BROWSER})
    assert response.status_code == 405 and "Metodo non consentito" in response.get_data(as_text=True)


# -- search engines ---------------------------------------------------------------------------------

def meta(html: str) -> dict[str, str]:
    found = dict(re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', html))
    return {k: unescape(v) for k, v in found.items()}


@pytest.mark.parametrize("path", ["/", "/doc/", "/doc/event/", WEBINAR, "/doc/place/cuneo", "/dataset",
                                  "/ontology", "/shapes", "/queries", "/queries/event-speakers",
                                  "/network", "/sparql"])
def test_every_page_has_a_description_and_open_graph_tags(client, path):
    tags = meta(page(client, path, "en"))
    assert tags["description"] and tags["og:description"] == tags["description"]
    assert tags["og:title"] and tags["og:locale"] == "en_GB" and tags["og:locale:alternate"] == "it_IT"
    assert tags["og:url"].startswith("http://localhost/") and "lang=en" in tags["og:url"]


def test_the_event_description_is_its_own(client):
    tags = meta(page(client, WEBINAR, "en"))
    assert tags["description"].startswith("The first of CISeM's 2021 webinars, held online")


def test_home_has_a_canonical_url(client):
    html = page(client, "/", "it")
    assert '<link rel="canonical" href="http://localhost/?lang=it">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://localhost/">' in html


def test_the_event_refers_to_its_series_without_embedding_a_dateless_event(client):
    html = page(client, WEBINAR, "it")
    (data,) = [json.loads(block) for block in
               re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)]
    assert data["@type"] == "Event"
    assert data["superEvent"] == {"@id": f"{BASE}id/series/webinar-cisem-2021", "name": "Webinar CISeM 2021"}
    # Google's Event essentials the source gives: name, start date, location, mode, status
    assert data["startDate"] == "2021-06-14T18:00:00+02:00" and data["name"]
    assert data["location"]["@type"] == "VirtualLocation" and "url" not in data["location"]
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"


# -- every view that shows data has a JSON twin ----------------------------------------------------

SELECT = ("PREFIX schema: <https://schema.org/> SELECT ?event ?name WHERE { ?event a schema:Event ; "
          "schema:name ?name }")
JSON_TYPES = ("application/json", "application/ld+json", "application/sparql-results+json")


@pytest.mark.parametrize("path", ["/", "/doc/", "/doc/event/", "/search?q=cisem", WEBINAR,
                                  "/doc/place/cuneo", "/graph/press-release-2021-06-10", "/dataset",
                                  "/ontology", "/shapes", "/queries", "/queries/event-speakers",
                                  "/network", "/sparql?query=" + quote(SELECT)])
def test_every_view_with_data_names_its_json_twin(client, path):
    html = page(client, path, "en")
    twins = [unescape(href) for kind, href in
             re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', html) if kind in JSON_TYPES]
    assert twins, path
    response = client.get(twins[0].removeprefix("http://localhost"))
    assert response.status_code == 200 and response.mimetype in JSON_TYPES, twins[0]
    assert json.loads(response.get_data(as_text=True))


def test_the_home_pages_twin_holds_its_counts_and_events(client):
    response = client.get("/?lang=en", headers={"Accept": BROWSER})
    assert '</index.json?lang=en>; rel="alternate"; type="application/json"' in response.headers["Link"]
    data = client.get("/index.json?lang=en").get_json()
    # the three webinars of the press release, the first dated 14 June 2021 at 18:00
    assert data["events_total"] == 3 and data["lang"] == "en"
    first = data["events"][0]
    assert first["iri"] == f"{BASE}id/event/impresa-sociale-di-inserimento-lavorativo"
    assert first["when"] == "14 June 2021, 18:00" and first["href"].startswith("http://localhost/doc/")
    counts = {c["kind"]: c["count"] for c in data["counts"]}
    assert counts["event"] == 3 and counts["series"] == 1
    assert {d["name"] for d in data["dumps"]} >= {"cisem.trig", "cisem.nq"}
