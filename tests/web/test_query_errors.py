"""Helpful errors from the endpoint: an undeclared prefix is named with the ``PREFIX`` line to add
(the namespace filled in when the prefix is one of the dataset's), and a GET too long for the app
says to send the query with POST. Namespaces expected here are the vocabularies' own IRIs."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from cisem_graph.web import protocol

SELECT = "SELECT ?s WHERE {{ {pattern} }} LIMIT 1"


@pytest.mark.parametrize("pattern, advice", [
    ("?s schema:name ?n", "The prefix schema: is used but not declared. Add at the top of the query: "
                          "PREFIX schema: <https://schema.org/>"),
    ("?s a cisem:Committee", "PREFIX cisem: <https://w3id.org/cisem/ontology#>"),
    ("?s org:memberOf ?o ; schema:name ?n", "The prefixes org:, schema: are used but not declared"),
    ("?s foaf:name ?n", "PREFIX foaf: <http://xmlns.com/foaf/0.1/>"),
    ("?s nope:thing ?n", "PREFIX nope: <…> (nope: is not among this dataset's prefixes"),
])
def test_an_undeclared_prefix_names_the_line_to_add(client, pattern, advice):
    response = client.get("/sparql", query_string={"query": SELECT.format(pattern=pattern)},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert advice in body and "\\u{" not in body and "line 1" in body


def test_prefixes_inside_strings_iris_and_comments_do_not_count(client):
    query = ('PREFIX schema: <https://schema.org/>\n# foo:bar in a comment\n'
             'SELECT ?s WHERE { ?s schema:name "x:y" . ?s ?p <urn:z:w> } LIMIT 1')
    assert client.get("/sparql", query_string={"query": query},
                      headers={"Accept": "application/sparql-results+json"}).status_code == 200


def test_the_editor_shows_the_advice_where_the_query_is(client):
    response = client.get("/sparql", query_string={"query": SELECT.format(pattern="?s schema:name ?n")},
                          headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "PREFIX schema: &lt;https://schema.org/&gt;" in response.get_data(as_text=True)


def test_a_get_too_long_says_what_to_do(app, client):
    limit = app.extensions["cisem_graph"].settings.max_request_bytes
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 # " + "é" * limit  # twice the limit in UTF-8
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 413
    assert "by GET or by POST: shorten it" in response.get_data(as_text=True)
    posted = client.post("/sparql", data=query.encode(), content_type="application/sparql-query",
                         headers={"Accept": "application/sparql-results+json"})
    assert posted.status_code == 413


def test_a_url_too_long_for_a_query_that_fits_says_to_post():
    # 4000 bytes of query, 12000 once percent-encoded: over a URL limit, within a body's
    encoded = quote("SELECT * WHERE { ?s ?p ?o } # " + "é" * 1985).encode()
    assert "send the query with POST instead" in protocol.url_too_long(encoded, 4000)
    assert "shorten it" in protocol.url_too_long(encoded, 3000)


def test_the_live_server_gives_the_same_advice(live_server, live_store_env):
    """Through the real server, where the front answers /sparql outside Flask's request cycle."""
    import urllib.error
    import urllib.parse
    import urllib.request

    with live_server(**live_store_env) as (_, url):
        query = urllib.parse.urlencode({"query": SELECT.format(pattern="?s schema:name ?n")})
        request = urllib.request.Request(f"{url}/sparql?{query}",
                                         headers={"Accept": "application/sparql-results+json"})
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=20)
        with caught.value as answer:
            assert answer.code == 400
            assert "PREFIX schema: <https://schema.org/>" in answer.read().decode()
