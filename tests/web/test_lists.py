"""Lists like Datasette's (``web/lists.py``): counts, sort, paging, facets, JSON and CSV twins; search
with the kind and a snippet.

Expected things come from the data files (parsed here with plain rdflib), the events' years,
series and modes from the press release (three 2021 webinars of the series "Webinar CISeM 2021",
the first on 14 June 2021, online; the other two without a known date).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from cisem_graph import describe
from cisem_graph.config import PROJECT_ROOT
from cisem_graph.graph.sources import turtle_files
from cisem_graph.namespaces import SDO
from cisem_graph.web import lists

BASE = "https://w3id.org/cisem/"
SERIES = f"{BASE}id/series/webinar-cisem-2021"
FIRST = f"{BASE}id/event/impresa-sociale-di-inserimento-lavorativo"
ONLINE = "https://schema.org/OnlineEventAttendanceMode"


@pytest.fixture(scope="module")
def files() -> Graph:
    graph = Graph()
    for path in turtle_files(PROJECT_ROOT / "data"):
        graph.parse(path, format="turtle", publicID=BASE)
    return graph


def of_kind(graph: Graph, kind: str) -> set[str]:
    prefix = f"{BASE}id/{kind}/"
    return {str(s) for s in graph.subjects(RDF.type, None) if str(s).startswith(prefix)}


def links(page: str) -> list[str]:
    """The things a list page lists, in order (the IRI path of each link of ``ul.things``)."""
    block = re.search(r'<ul class="things">(.*?)</ul>', page, re.S)
    return re.findall(r'href="http://localhost/doc/([^"?]+)', block.group(1)) if block else []


def test_a_kind_list_counts_and_names_every_thing(client, files):
    organizations = of_kind(files, "organization")
    page = client.get("/doc/organization/?lang=en").get_data(as_text=True)
    assert f'<span id="total">{len(organizations)}</span>' in page
    assert {f"{BASE}id/{p}" for p in links(page)} == organizations
    data = client.get("/doc/organization.json?lang=en").get_json()
    assert data["total"] == len(organizations) and data["pages"] == 1
    assert {item["iri"] for item in data["items"]} == organizations
    assert "Chamber of Commerce of Cuneo" in {item["name"] for item in data["items"]}


def test_events_are_faceted_by_year_series_and_mode(client):
    data = client.get("/doc/event.json?lang=en").get_json()
    facets = {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in data["facets"]}
    assert facets["year"] == {"2021": 1}  # only the first webinar has a date in the source
    assert facets["series"] == {SERIES: 3}
    assert facets["mode"] == {ONLINE: 1}
    names = {f["name"]: {v["value"]: v["label"] for v in f["values"]} for f in data["facets"]}
    assert names["series"][SERIES] == "CISeM webinars 2021" and names["mode"][ONLINE] == "online"
    # newest first by default; the two webinars with no date come after the dated one
    assert data["sort"] == "-date" and data["items"][0]["iri"] == FIRST
    assert data["items"][0]["date"] == "2021-06-14T18:00:00+02:00"

    online = client.get("/doc/event.json", query_string={"mode": ONLINE}).get_json()
    assert [i["iri"] for i in online["items"]] == [FIRST] and online["total"] == 1
    page = client.get("/doc/event/", query_string={"year": "2021", "lang": "it"}).get_data(as_text=True)
    assert links(page) == ["event/impresa-sociale-di-inserimento-lavorativo"]
    assert "14 giugno 2021, 18:00" in page
    none = client.get("/doc/event.json", query_string={"year": "1999"}).get_json()
    assert none["total"] == 0 and none["items"] == []


def test_organizations_are_faceted_by_type_and_place(client, files):
    data = client.get("/doc/organization.json").get_json()
    facets = {f["name"]: {v["value"]: v["count"] for v in f["values"]} for f in data["facets"]}
    cooperatives = {str(s) for s in files.subjects(RDF.type, SDO.Cooperative)}
    assert facets["type"][str(SDO.Cooperative)] == len(cooperatives)
    located: dict[str, int] = {}
    for s, o in files.subject_objects(SDO.location):
        if str(s).startswith(f"{BASE}id/organization/"):
            located[str(o)] = located.get(str(o), 0) + 1
    assert facets["place"] == located


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_sort_by_name_both_ways(client, sort):
    names = [i["name"] for i in client.get(f"/doc/person.json?sort={sort}").get_json()["items"]]
    assert names == sorted(names, key=str.casefold, reverse=sort.startswith("-"))


def test_pages_link_prev_and_next(client, files, monkeypatch):
    monkeypatch.setattr(lists, "LIST_SIZE", 3)
    organizations = of_kind(files, "organization")
    seen: list[str] = []
    number = 1
    while True:
        page = client.get(f"/doc/organization/?page={number}&lang=en").get_data(as_text=True)
        seen += links(page)
        assert ('rel="prev"' in page) == (number > 1)
        if 'rel="next"' not in page:
            break
        assert f'<link rel="next" href="http://localhost/doc/organization/?lang=en&amp;page={number + 1}">' \
            in page
        number += 1
    assert len(seen) == len(set(seen)) == len(organizations)
    assert client.get(f"/doc/organization/?page={number + 1}").status_code == 404


@pytest.mark.parametrize("query", ["sort=bogus", "sort=date", "page=0", "page=99999999",
                                   "page=%3Cscript%3E", "type=" + "x" * 600])
def test_bad_parameters_are_400_in_the_readers_language(client, query):
    response = client.get(f"/doc/organization/?{query}&lang=it",
                          headers={"Accept": "text/html"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Richiesta non valida" in body and "<script>" not in body and "x" * 600 not in body


def test_csv_twin_has_every_match_and_neutralises_formulas(hostile_app):
    client = hostile_app.test_client()
    response = client.get("/doc/organization.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_iri = {row["iri"]: row for row in rows}
    # names from tests/data/hostile/data/hostile.ttl, each shown as text
    assert by_iri[f"{BASE}id/organization/formula"]["name_it"] == \
        "'=HYPERLINK(\"https://example.org/\",\"click\")"
    assert by_iri[f"{BASE}id/organization/formula"]["name_en"] == "'@SUM(1+1)"
    assert by_iri[f"{BASE}id/organization/segni"]["name_it"] == "'-2+3"
    assert by_iri[f"{BASE}id/organization/segni"]["name_en"] == "'+cmd|' /C calc'!A0"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_twins_are_announced(client):
    response = client.get("/doc/event/?lang=en")
    assert "/doc/event.json?lang=en" in response.headers["Link"]
    assert "/doc/event.csv?lang=en" in response.headers["Link"]
    kinds = client.get("/doc.json").get_json()["kinds"]
    assert {k["kind"] for k in kinds} >= {"organization", "person", "event", "place", "series",
                                          "role", "article", "quotation"}


def test_home_links_the_list_of_every_kind(client, files):
    page = client.get("/?lang=en").get_data(as_text=True)
    present = {str(s)[len(f"{BASE}id/"):].split("/")[0] for s in files.subjects()
               if str(s).startswith(f"{BASE}id/")}
    for kind in present:
        assert f'href="/doc/{kind}/?lang=en"' in page, kind


def test_search_results_show_the_kind_and_a_snippet(client):
    data = client.get("/search.json?q=Borzaga&lang=en").get_json()
    by_iri = {r["iri"]: r for r in data["results"]}
    person = by_iri[f"{BASE}id/person/carlo-borzaga"]
    assert person["kind"] == "person" and person["kind_name"] == "Person"
    role = by_iri[f"{BASE}id/role/borzaga-direttore-scientifico-impresa-sociale"]
    assert role["kind_name"] == "Role"
    # the role's description, from data/press-release-2021-06-10.ttl, in English
    assert role["snippet"].startswith("The role as stated by the press release")
    page = client.get("/search?q=Borzaga&lang=it").get_data(as_text=True)
    assert '<span class="kind">Persona</span>' in page
    assert '<p class="snippet">Ruolo indicato dal comunicato stampa' in page
    assert json.loads(json.dumps(data))  # plain JSON


def test_search_is_not_indexed(client):
    response = client.get("/search?q=cisem")
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.get_data(as_text=True)


def test_facet_names_at_scale_are_asked_in_queries_the_store_takes(app, files):
    """A list at a million triples names thousands of facet values (series, organizers): their
    labels are asked in batches, each under the request size the store accepts, and every one
    is found (the names from the data files)."""
    store = app.extensions["cisem_graph"].store
    many = [URIRef(f"{BASE}id/series/a-series-no-file-holds-{i:05d}") for i in range(3000)]
    found = describe.annotations(store, [*many, URIRef(SERIES), URIRef(FIRST)])
    for iri in (SERIES, FIRST):
        expected = {str(o) for o in files.objects(URIRef(iri), SDO.name)}
        assert expected and {str(o) for o in found.objects(URIRef(iri), SDO.name)} == expected
    assert not any((i, None, None) in found for i in many)


@pytest.mark.parametrize("page", [None, 7, 1])
def test_every_thing_is_found_whatever_the_page_size(app, files, page):
    """The sitemap's things, read a page at a time past the store's cap, are those of the data and
    ontology files (each typed subject under id/: the themes are the ontology's), each once."""
    store = app.extensions["cisem_graph"].store
    found = describe.things(store, BASE) if page is None else describe.things(store, BASE, page)
    every = Graph()
    every += files
    for path in turtle_files(PROJECT_ROOT / "ontology"):
        every.parse(path, format="turtle", publicID=BASE)
    expected = {str(s)[len(f"{BASE}id/"):] for s in every.subjects(RDF.type, None)
                if str(s).startswith(f"{BASE}id/")}
    assert len(found) == len(set(found)) and {f"{k}/{s}" for k, s in found} == expected
