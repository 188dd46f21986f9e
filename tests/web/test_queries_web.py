"""``/queries``: the list, each query's page, its downloads, parameters in the query string, errors.

Bodies are read back by independent parsers (rdflib's SPARQL result parsers, the csv module,
html.parser); expected rows come from the press release and the data files.
"""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS
from rdflib.query import Result

from cisem_graph.config import PROJECT_ROOT
from cisem_graph.web.queries import SHOWN

BASE = "https://w3id.org/cisem/"
ID = f"{BASE}id/"
NAMES = sorted(path.stem for path in (PROJECT_ROOT / "queries").glob("*.rq"))
MEDIA = {"json": "application/sparql-results+json", "csv": "text/csv",
         "tsv": "text/tab-separated-values"}
# From the source: Durando and Borzaga speak, and the two cooperatives.
SPEAKERS = {f"{ID}person/alessandro-durando", f"{ID}person/carlo-borzaga",
            f"{ID}organization/il-laboratorio", f"{ID}organization/cascina-pensolato"}


class Page(HTMLParser):
    """Links, table rows and text of an HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.links: list[str] = []
        self.rows = 0
        self.in_body = False
        self.text: list[str] = []
        self.lang = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "tbody":
            self.in_body = True
        if tag == "tr" and self.in_body:
            self.rows += 1

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def rows_of(body: bytes, fmt: str) -> list[dict[str, str]]:
    """A download's rows: SPARQL JSON and TSV through rdflib, CSV through the csv module."""
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    result = Result.parse(io.BytesIO(body), format=fmt)
    return [{str(v): str(row[v]) for v in result.vars if row.get(v) is not None}
            for row in result.bindings]


@pytest.fixture(scope="module")
def listing(client_module):
    return client_module.get("/queries.json").get_json()


@pytest.fixture(scope="module")
def client_module(app):
    return app.test_client()


def test_the_json_list_has_every_query_with_what_the_editor_needs(listing):
    assert [q["name"] for q in listing["queries"]] == NAMES
    for query in listing["queries"]:
        assert query["title"]["it"] and query["title"]["en"]
        assert query["description"]["it"] and query["description"]["en"]
        assert "SELECT" in query["query"]
        assert query["url"].endswith(f"/queries/{query['name']}")
        assert set(query["downloads"]) == {"json", "csv", "tsv", "rq"}
        for parameter in query["parameters"]:
            assert parameter["type"] in ("iri", "integer", "string")
    assert listing["prefixes"]["organization"] == f"{ID}organization/"


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_list_page_links_every_query(client, listing, lang):
    response = client.get("/queries", query_string={"lang": lang})
    assert response.status_code == 200 and response.headers["Content-Language"] == lang
    page = Page(response.get_data(as_text=True))
    paths = {urlsplit(link).path for link in page.links}
    assert {f"/queries/{name}" for name in NAMES} <= paths
    for query in listing["queries"]:
        assert query["title"][lang] in page.all_text


def test_the_home_page_lists_the_queries(client):
    page = Page(client.get("/", query_string={"lang": "en"}).get_data(as_text=True))
    assert {f"/queries/{name}" for name in NAMES} <= {urlsplit(a).path for a in page.links}


def test_the_service_description_links_every_query(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    service = URIRef(f"{BASE}sparql")
    examples = set(graph.objects(service, RDFS.seeAlso))
    assert examples == {URIRef(f"{BASE}queries/{name}") for name in NAMES}
    assert all(graph.value(e, RDFS.label) for e in examples)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["it", "en"])
def test_each_query_has_a_page_in_both_languages(client, listing, name, lang):
    query = next(q for q in listing["queries"] if q["name"] == name)
    response = client.get(f"/queries/{name}", query_string={"lang": lang})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == lang
    html = response.get_data(as_text=True)
    page = Page(html)
    assert page.lang == lang
    assert query["title"][lang] in page.all_text and query["description"][lang] in page.all_text
    assert query["query"] in page.all_text  # the SPARQL as it runs
    count = int(response.headers["X-Result-Count"])
    assert count >= 1 and page.rows == min(count, SHOWN)  # a page shows the first SHOWN rows
    assert (count > SHOWN) == (f"the first {SHOWN} shown here" in html or
                               f"qui le prime {SHOWN}" in html)
    editor = [a for a in page.links if urlsplit(a).path == "/sparql"
              and "query" in parse_qs(urlsplit(a).query)]
    assert editor and parse_qs(urlsplit(editor[0]).query)["query"] == [query["query"]]
    for parameter in query["parameters"]:
        assert f'name="{parameter["name"]}"' in html


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("fmt", ["json", "csv", "tsv"])
def test_each_query_downloads_as_json_csv_and_tsv(client, name, fmt):
    response = client.get(f"/queries/{name}.{fmt}")
    assert response.status_code == 200
    assert response.mimetype == MEDIA[fmt]
    assert response.headers["Content-Disposition"] == f"attachment; filename={name}.{fmt}"
    rows = rows_of(response.data, fmt)
    assert len(rows) == int(response.headers["X-Result-Count"]) >= 1


def test_the_same_rows_in_every_format_and_in_the_editor(client, listing):
    query = next(q for q in listing["queries"] if q["name"] == "event-speakers")
    for fmt in ("json", "csv", "tsv"):
        rows = rows_of(client.get(f"/queries/event-speakers.{fmt}").data, fmt)
        assert {r["speaker"].strip("<>") for r in rows} == SPEAKERS
    editor = client.get("/sparql", query_string={"query": query["query"]},
                        headers={"Accept": "application/sparql-results+json"})
    assert {r["speaker"] for r in rows_of(editor.data, "json")} == SPEAKERS


@pytest.mark.parametrize("value", ["cisem", "organization/cisem", f"{ID}organization/cisem"])
def test_parameters_come_in_the_query_string(client, value):
    response = client.get("/queries/people-roles.csv", query_string={"organization": value})
    rows = rows_of(response.data, "csv")
    assert [(r["person"], r["roleName"]) for r in rows] == [
        (f"{ID}person/alessandro-durando", "Presidente")]


def test_a_parameter_repeated_takes_several_values(client):
    response = client.get("/queries/people-roles.json?organization=cisem&organization=euricse")
    assert {r["person"] for r in rows_of(response.data, "json")} == {
        f"{ID}person/alessandro-durando", f"{ID}person/carlo-borzaga"}


def test_empty_form_fields_are_no_parameter(client):
    response = client.get("/queries/people-roles?organization=&person=&lang=en")
    assert response.status_code == 200 and response.headers["X-Result-Count"] == "3"


def test_the_page_form_keeps_the_values_given(client, store_kind, request):
    if store_kind == "remote-virtuoso":  # README, Virtuoso: a trailing VALUES on a BIND variable
        request.applymarker(pytest.mark.xfail(strict=True, reason="Virtuoso 7.2.5 does not join "
                                              "a trailing VALUES with a variable the query BINDs"))
    html = client.get("/queries/timeline?year=2021").get_data(as_text=True)
    assert 'name="year" value="2021"' in html
    page = Page(html)
    assert page.rows == 2
    downloads = [a for a in page.links if urlsplit(a).path == "/queries/timeline.csv"]
    assert downloads and parse_qs(urlsplit(downloads[0]).query) == {"year": ["2021"]}


@pytest.mark.parametrize("path, value", [
    ("/queries/people-roles.json", "cisem> } ; DROP ALL #"),
    ("/queries/people-roles.json", '"><script>alert(1)</script>'),
    ("/queries/people-roles.json", "cisem\n} DROP ALL"),
    ("/queries/people-roles.json", "cisem\\u003e"),
    ("/queries/people-roles.json", "javascript:alert(1)"),
    ("/queries/timeline.json", "2021 } ; DROP ALL #"),
])
def test_a_hostile_value_is_a_400_and_the_query_is_not_run(client, path, value):
    name = "organization" if "people" in path else "year"
    response = client.get(path, query_string={name: value})
    assert response.status_code == 400
    body = response.get_json()
    assert body["title"] == "Bad parameter" and name in body["error"]
    assert "X-Result-Count" not in response.headers
    control = client.get(path, query_string={name: "cisem" if name == "organization" else "2021"})
    assert control.status_code == 200 and len(rows_of(control.data, "json")) >= 1


def test_a_hostile_value_on_the_page_is_escaped_in_the_error(client):
    response = client.get("/queries/people-roles", query_string={"organization": "<b>x</b>"},
                          headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "<b>x</b>" not in response.get_data(as_text=True)


def test_an_unknown_parameter_is_a_400(client):
    response = client.get("/queries/people-roles.json", query_string={"bogus": "1"})
    body = response.get_json()
    assert response.status_code == 400 and "no parameter by that name" in body["error"]
    assert "bogus" not in body["error"]  # named by the query's own parameters, never echoed


@pytest.mark.parametrize("path", ["/queries/no-such-query", "/queries/no-such-query.csv",
                                  "/queries/people-roles.xml", "/queries/people-roles.csv.csv"])
def test_unknown_names_and_formats_are_404(client, path):
    assert client.get(path).status_code == 404


def test_the_query_text_is_served_with_its_values(client):
    response = client.get("/queries/timeline.rq", query_string={"year": "2021"})
    assert response.status_code == 200 and response.mimetype == "application/sparql-query"
    assert response.get_data(as_text=True).rstrip().endswith("VALUES ?year { 2021 }")


def test_downloads_are_cached_by_etag(client):
    first = client.get("/queries/themes.csv")
    again = client.get("/queries/themes.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_json_list_is_json(client):
    response = client.get("/queries.json")
    assert response.mimetype == "application/json"
    assert json.loads(response.data)["queries"]
