"""The query editor at ``/sparql`` as a browser receives it, through Flask's test client.

The page must work before any script runs: the query in the textarea, its answer in a table whose
IRIs link to the local pages, the canned queries as examples, the project's prefixes, downloads and
a permalink. Expected rows come from the source text: on 14 June 2021 Alessandro Durando, Carlo
Borzaga and the cooperatives Il Laboratorio and Cascina Pensolato speak at the first webinar.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from prefixes import QUERY_PREFIXES  # tests/web is on sys.path

from cisem_graph.config import PROJECT_ROOT
from cisem_graph.queries import load_queries

BASE = "https://w3id.org/cisem/"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
EVENT = f"{BASE}id/event/impresa-sociale-di-inserimento-lavorativo"
PERFORMERS = ("PREFIX schema: <https://schema.org/>\n"
              "SELECT DISTINCT ?who ?whoName WHERE {\n"
              f"  <{EVENT}> schema:performer ?who .\n"
              '  ?who schema:name ?whoName FILTER(LANG(?whoName) = "it")\n'
              "} ORDER BY ?whoName\n")
SPEAKERS = {"Alessandro Durando": "person/alessandro-durando",
            "Carlo Borzaga": "person/carlo-borzaga",
            "Il Laboratorio": "organization/il-laboratorio",
            "Cascina Pensolato": "organization/cascina-pensolato"}


class Page(HTMLParser):
    """What the tests look at: the textarea, options, links, table cells, elements by id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.textarea: str | None = None
        self.options: list[tuple[str, str]] = []
        self.links: list[dict] = []
        self.rows: list[list[dict]] = []
        self.headers: list[str] = []
        self.ids: dict[str, dict] = {}
        self.scripts: dict[str, str] = {}
        self._open: list[tuple[str, dict]] = []
        self._text: dict[int, list[str]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if "id" in attrs:
            self.ids[attrs["id"]] = attrs
        if tag == "tr":
            self.rows.append([])
        if tag in ("textarea", "option", "a", "td", "th", "script"):
            self._open.append((tag, attrs))
            self._text[len(self._open)] = []

    def handle_data(self, data):
        for depth in self._text:
            self._text[depth].append(data)

    def handle_endtag(self, tag):
        if not self._open or self._open[-1][0] != tag:
            return
        depth = len(self._open)
        _, attrs = self._open.pop()
        text = "".join(self._text.pop(depth))
        if tag == "textarea":  # as browsers read it: a line break right after the tag is dropped
            self.textarea = text[1:] if text.startswith("\n") else text
        elif tag == "option":
            self.options.append((attrs.get("value", ""), text))
        elif tag == "a":
            self.links.append({**attrs, "text": text})
        elif tag == "th":
            self.headers.append(text)
        elif tag == "td":
            self.rows[-1].append({**attrs, "text": text})
        elif tag == "script" and attrs.get("id"):
            self.scripts[attrs["id"]] = text

    def config(self) -> dict:
        return json.loads(self.scripts["editor-config"])

    def table(self) -> list[list[dict]]:
        return [row for row in self.rows if row]


def page(client, lang: str | None = None, **query) -> tuple[Page, object]:
    args = {**query, **({"lang": lang} if lang else {})}
    response = client.get("/sparql", query_string=args, headers=BROWSER)
    assert response.mimetype == "text/html"
    return Page(response.get_data(as_text=True)), response


def static(client, path: str) -> str:
    """A static file's text (the response is closed: it holds the file open)."""
    with client.get(path) as response:
        assert response.status_code == 200
        return response.get_data(as_text=True)


def test_the_form_is_the_editor_with_its_script_and_styles(client):
    form, response = page(client)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="query"' in html and "<textarea" in html
    assert 'class="editor-highlight"' in html  # the highlighted copy the script draws
    assert '<script src="/static/editor.js" defer></script>' in html
    assert 'href="/static/editor.css"' in html
    for asset in ("/static/editor.js", "/static/editor.css"):
        assert static(client, asset)
    # the form works without the script: a GET of /sparql with the query
    assert form.ids["sparql-form"]["action"] == "/sparql"
    assert form.ids["sparql-form"]["method"] == "get"


def test_assets_fetch_nothing_from_another_host(client):
    script, styles = static(client, "/static/editor.js"), static(client, "/static/editor.css")
    assert "http://" not in styles and "https://" not in styles and "@import" not in styles
    assert not re.search(r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(",
                         script)
    # the only URLs the script loads are the endpoint's (from the page's config)
    assert "fetch(url" in script and "https://" not in script.replace("https?:", "")
    form, _ = page(client)
    srcs = [v for attrs in form.ids.values() for k, v in attrs.items() if k in ("src", "href")]
    assert not [s for s in srcs if s.startswith(("http:", "https:", "//"))
                and not s.startswith("http://localhost/")]


def test_the_default_query_declares_prefixes_and_runs(client):
    form, _ = page(client)
    query = form.textarea
    assert query.startswith("PREFIX schema: <https://schema.org/>\n")
    assert f"PREFIX event: <{BASE}id/event/>" in query
    answer = client.get("/sparql", query_string={"query": query, "format": "json"})
    assert answer.status_code == 200
    names = {b["name"]["value"] for b in answer.get_json()["results"]["bindings"]}
    assert "L’impresa sociale di inserimento lavorativo: Opportunità da valorizzare" in names


def test_the_project_prefixes_are_ready(client):
    form, response = page(client)
    assert form.config()["prefixes"] == QUERY_PREFIXES
    html = response.get_data(as_text=True)
    for name, iri in QUERY_PREFIXES.items():
        assert f"PREFIX {name}: &lt;{iri}&gt;" in html


def query_files() -> dict[str, tuple[dict[str, str], str]]:
    """name -> (title by language, the query after its header), read from ``queries/*.rq`` here,
    not by the program's loader."""
    found = {}
    for path in sorted((PROJECT_ROOT / "queries").glob("*.rq")):
        lines = path.read_text(encoding="utf-8").splitlines()
        titles = {m[1]: m[2].strip() for line in lines if (m := re.match(r"# title@(\w+):(.*)", line))}
        start = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith("#"))
        found[path.stem] = titles, "\n".join(lines[start:]).strip() + "\n"
    return found


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_canned_query_is_an_example(client, lang):
    form, _ = page(client, lang=lang)
    files = query_files()
    options = dict(form.options)
    examples = {e["name"]: e["query"] for e in form.config()["examples"]}
    assert set(examples) == set(files) and len(files) >= 12
    for name, (titles, body) in files.items():
        assert options[name] == titles[lang]
        # the file's query as written, after a PREFIX line for each project prefix it uses
        text = examples[name]
        assert text.endswith(body), name
        for line in filter(None, text[: -len(body)].splitlines()):
            declared = re.fullmatch(r"PREFIX (\w+): <([^>]+)>", line)
            assert declared and QUERY_PREFIXES[declared[1]] == declared[2], (name, line)
    # and for a reader without JavaScript, each one a link that opens it with its results
    links = [urlsplit(a["href"]) for a in form.links if a["href"].startswith("/sparql?query=")]
    opened = {parse_qs(link.query)["query"][0] for link in links}
    assert set(examples.values()) <= opened


def test_the_speakers_example_runs_as_is(client, settings):
    (speakers,) = [q for q in load_queries(settings) if q.name == "event-speakers"]
    form, response = page(client, query=speakers.text)
    assert response.status_code == 200
    names = {cell["text"] for row in form.table() for cell in row}
    assert set(SPEAKERS) <= names


def test_a_permalink_opens_the_query_and_its_results(client):
    form, response = page(client, query=PERFORMERS)
    assert response.status_code == 200
    assert form.textarea == PERFORMERS  # exactly, leading and trailing line breaks included
    assert form.headers == ["who", "whoName"]
    rows = form.table()
    assert [row[1]["text"] for row in rows] == [f"{name}@it" for name in sorted(SPEAKERS)]
    assert [row[1]["data-sort"] for row in rows] == sorted(SPEAKERS)  # ORDER BY ?whoName
    assert "4 risultati" in response.get_data(as_text=True)
    for row in rows:
        # the IRI shown by its label (the whoName column), linked to its page on this host
        (link,) = [a for a in form.links if a["text"] == row[0]["text"] and "/doc/" in a["href"]]
        assert link["href"] == "http://localhost/doc/" + SPEAKERS[row[0]["text"]]
        assert link["title"] == BASE + "id/" + SPEAKERS[row[0]["text"]]
    permalink = form.ids["permalink"]["href"]
    assert parse_qs(urlsplit(permalink).query)["query"] == [PERFORMERS]
    assert permalink.startswith("http://localhost/sparql?")


def test_iris_without_a_label_column_are_compact_and_only_http_is_linked(client):
    query = ('SELECT ?x WHERE { VALUES ?x { <https://w3id.org/cisem/id/person/carlo-borzaga> '
             '<https://schema.org/Event> <javascript:alert(1)> <urn:isbn:123> } }')
    form, _ = page(client, query=query)
    texts = [row[0]["text"] for row in form.table()]
    assert texts == ["person:carlo-borzaga", "schema:Event", "javascript:alert(1)", "urn:isbn:123"]
    hrefs = {a["text"]: a["href"] for a in form.links}
    assert hrefs["person:carlo-borzaga"] == "http://localhost/doc/person/carlo-borzaga"
    assert hrefs["schema:Event"] == "https://schema.org/Event"
    assert "javascript:alert(1)" not in hrefs and "urn:isbn:123" not in hrefs


def test_literals_show_language_and_datatype(client):
    query = ('PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n'
             'SELECT ?v WHERE { VALUES ?v { "ciao"@it "2021-06-14T18:00:00+02:00"^^xsd:dateTime '
             '"plain" } }')
    form, _ = page(client, query=query)
    assert [row[0]["text"] for row in form.table()] == [
        "ciao@it", "2021-06-14T18:00:00+02:00^^xsd:dateTime", "plain"]
    assert [row[0]["data-sort"] for row in form.table()] == [
        "ciao", "2021-06-14T18:00:00+02:00", "plain"]


@pytest.mark.parametrize("hostile", [
    '# </textarea><script>alert(1)</script>\nSELECT * WHERE { ?s ?p ?o } LIMIT 1',
    'SELECT * WHERE { ?s ?p "</textarea><script>alert(1)</script>" }',
    'SELECT * WHERE { ?s ?p </textarea><script>alert(1)</script> }',  # a syntax error: 400
])
def test_a_query_echoed_into_the_page_is_inert(client, hostile):
    form, response = page(client, query=hostile)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "</textarea><script>" not in html
    assert form.textarea == hostile
    assert set(form.scripts) == {"editor-config"}  # no script but the page's own
    assert parse_qs(urlsplit(form.ids["permalink"]["href"]).query)["query"] == [hostile]


def test_a_result_value_echoed_into_the_page_is_inert(client):
    query = 'SELECT ?v WHERE { BIND("<script>alert(1)</script>" AS ?v) }'
    form, response = page(client, query=query)
    assert "<script>alert(1)" not in response.get_data(as_text=True)
    assert form.table()[0][0]["text"] == "<script>alert(1)</script>"


def test_download_links_give_the_same_answer(client):
    form, _ = page(client, query=PERFORMERS)
    downloads = {a["data-format"]: a for a in form.links if a.get("data-format")}
    assert set(downloads) == {"csv", "tsv", "json"}
    assert downloads["csv"]["download"] == "query-results.csv"
    for name, a in downloads.items():
        url = urlsplit(a["href"])
        assert url.path == "/sparql"
        assert parse_qs(url.query) == {"query": [PERFORMERS], "format": [name]}
    as_csv = client.get(downloads["csv"]["href"])
    assert as_csv.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    assert [r["whoName"] for r in rows] == sorted(SPEAKERS)
    as_json = client.get(downloads["json"]["href"])
    assert as_json.mimetype == "application/sparql-results+json"
    assert len(as_json.get_json()["results"]["bindings"]) == 4


def test_a_graph_answer_is_turtle_text_with_graph_downloads(client):
    construct = (f"PREFIX schema: <https://schema.org/>\nCONSTRUCT {{ <{EVENT}> schema:performer ?w }}"
                 f" WHERE {{ <{EVENT}> schema:performer ?w }}")
    form, response = page(client, query=construct)
    html = response.get_data(as_text=True)
    assert '<pre class="graph">' in html and "carlo-borzaga" in html
    assert "4 triple" in html
    downloads = {a["data-format"] for a in form.links if a.get("data-format")}
    assert downloads == {"turtle", "jsonld", "ntriples"}


def test_ask_shows_the_boolean(client):
    form, response = page(client, query=f"ASK {{ <{EVENT}> ?p ?o }}", lang="en")
    assert '<p class="boolean">true</p>' in response.get_data(as_text=True)


def test_a_syntax_error_is_shown_in_the_editor_with_line_and_column(client):
    broken = "PREFIX schema: <https://schema.org/>\nSELECT * WHERE {\n  ?s ?p\n}"
    form, response = page(client, query=broken, lang="en")
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"
    assert form.textarea == broken  # kept, to be corrected where it is
    error = form.ids["error"]
    assert "hidden" not in error
    assert error["data-line"] == "4"  # the closing brace: a triple lacks its object
    html = response.get_data(as_text=True)
    assert f"line 4, column {error['data-column']}" in html
    assert "Syntax error at line 4" in html
    assert form.ids["query"]["aria-invalid"] == "true"
    # machines still get the error as before
    as_json = client.get("/sparql", query_string={"query": broken},
                         headers={"Accept": "application/json"})
    assert as_json.status_code == 400 and as_json.get_json()["line"] == 4


def test_a_refused_query_is_shown_in_the_editor(client):
    form, response = page(client, query="INSERT DATA { <a:a> <a:b> <a:c> }", lang="en")
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)
    assert form.textarea == "INSERT DATA { <a:a> <a:b> <a:c> }"


def test_the_page_is_in_the_readers_language(client):
    _, italian = page(client)
    assert italian.headers["Content-Language"] == "it" and "Esegui" in italian.get_data(as_text=True)
    _, english = page(client, lang="en")
    assert english.headers["Content-Language"] == "en" and ">Run<" in english.get_data(as_text=True)
    assert "Accept-Language" in english.headers["Vary"]


def test_the_editor_config_cannot_close_its_script(client):
    _, response = page(client)
    html = response.get_data(as_text=True)
    start = html.index('<script type="application/json" id="editor-config">')
    body = html[start:html.index("</script>", start)]
    assert "<" not in body.split(">", 1)[1]  # tojson writes < > & as \\u escapes
