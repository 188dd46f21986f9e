"""The response pipeline's decisions (``web/http.py``) as plain functions of plain values.

These are the rules a path outside Flask's request cycle (the front's hot path) answers by, so they
are checked here without an app: headers as a client sends them, expected answers from RFC 9110
(conditional requests, ``Vary``, content codings) and the format table.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from cisem_graph.errors import NotAcceptable, NotFound
from cisem_graph.formats import DOCUMENT_FORMATS, GRAPH_FORMATS, HTML, RESULT_FORMATS, by_name
from cisem_graph.web import http

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
WRITTEN = datetime(2026, 12, 5, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("accept, formats, expected", [
    (None, DOCUMENT_FORMATS, "turtle"),
    ("", DOCUMENT_FORMATS, "turtle"),
    ("*/*", DOCUMENT_FORMATS, "turtle"),
    (BROWSER, DOCUMENT_FORMATS, "html"),
    ("application/ld+json;q=0.5, text/turtle", DOCUMENT_FORMATS, "turtle"),
    ("application/ld+json, text/turtle;q=0.5", DOCUMENT_FORMATS, "jsonld"),
    ("text/csv", RESULT_FORMATS, "csv"),
    ("application/json", RESULT_FORMATS, "json"),
    ("image/png", DOCUMENT_FORMATS, None),
])
def test_negotiate_honours_q_values_and_the_table_order(accept, formats, expected):
    found = http.negotiate(accept, formats)
    assert (found.name if found else None) == expected


def test_choose_by_suffix_tokens_or_accept():
    assert http.choose(DOCUMENT_FORMATS, extension="ttl") is by_name("turtle")
    assert http.choose(DOCUMENT_FORMATS, accept=BROWSER, extension="nt") is by_name("ntriples")
    assert http.choose(RESULT_FORMATS, tokens=("nope", "tsv")) is by_name("tsv")
    assert http.choose((*GRAPH_FORMATS, HTML), accept=BROWSER) is HTML
    with pytest.raises(NotFound):
        http.choose(DOCUMENT_FORMATS, extension="exe")
    with pytest.raises(NotAcceptable):
        http.choose(RESULT_FORMATS, tokens=("nope",))
    with pytest.raises(NotAcceptable):
        http.choose(RESULT_FORMATS, accept="image/png")


@pytest.mark.parametrize("header, expected", [
    ("gzip, deflate, br", True), ("br;q=1, gzip;q=0.5", True), ("*", True),
    ("gzip;q=0", False), ("identity", False), ("", False), (None, False),
])
def test_accepts_gzip(header, expected):
    assert http.accepts_gzip(header) is expected


@pytest.mark.parametrize("if_none_match, if_modified_since, method, expected", [
    ('"abc"', None, "GET", "abc"),
    ('W/"abc"', None, "GET", "abc"),  # If-None-Match compares weakly
    ('"abc-gzip"', None, "HEAD", "abc-gzip"),  # the gzip twin is the same entity
    ('"other", "abc"', None, "GET", "abc"),
    ("*", None, "GET", "abc"),
    ('"other"', None, "GET", None),
    ('"abc"', None, "POST", None),
    (None, "Sat, 05 Dec 2026 10:00:00 GMT", "GET", "abc"),
    (None, "Sat, 05 Dec 2026 11:00:00 GMT", "GET", "abc"),
    (None, "Sat, 05 Dec 2026 09:59:59 GMT", "GET", None),
    (None, "not a date", "GET", None),
    ('"other"', "Sat, 05 Dec 2026 11:00:00 GMT", "GET", None),  # If-None-Match wins
])
def test_held(if_none_match, if_modified_since, method, expected):
    assert http.held("abc", if_none_match, if_modified_since, WRITTEN, method) == expected


def test_held_needs_an_etag_and_a_date_for_each_condition():
    assert http.held(None, '"abc"', None, WRITTEN) is None
    assert http.held("abc", None, "Sat, 05 Dec 2026 11:00:00 GMT", None) is None


def test_vary_lists_each_header_once_then_accept_encoding():
    assert http.vary("Accept, Accept-Language") == "Accept, Accept-Language, Accept-Encoding"
    assert http.vary("") == "Accept-Encoding"
    assert http.vary("accept", "Accept", "Accept-Encoding") == "accept, Accept-Encoding"


def test_etags_name_their_parts():
    assert http.make_etag("v1", "/doc/x", "html", "it") == http.make_etag("v1", "/doc/x", "html", "it")
    assert http.make_etag("v1", "/doc/x", "html", "it") != http.make_etag("v1", "/doc/x", "html", "en")
    assert len(http.make_etag("v1")) == 32


def test_link_alternates():
    assert http.link_alternates([("http://h/doc/x.ttl", "text/turtle"),
                                 ("http://h/doc/x.nt", "application/n-triples")]) == (
        '<http://h/doc/x.ttl>; rel="alternate"; type="text/turtle", '
        '<http://h/doc/x.nt>; rel="alternate"; type="application/n-triples"')


def headers_of(reply: http.Reply) -> dict[str, str]:
    return dict(reply.headers)


def test_reply_gzips_once_when_asked_and_worth_it():
    body = ("<p>Impresa sociale di inserimento lavorativo</p>\n" * 60).encode()
    entity = http.Entity(body, "text/html; charset=utf-8", "abc", vary="Accept-Language",
                         headers=(("Content-Language", "it"),), last_modified=WRITTEN)
    plain = http.reply(entity)
    assert plain.status == 200 and plain.body == body
    assert headers_of(plain)["ETag"] == '"abc"'
    assert headers_of(plain)["Vary"] == "Accept-Language, Accept-Encoding"
    assert headers_of(plain)["Last-Modified"] == "Sat, 05 Dec 2026 10:00:00 GMT"
    assert headers_of(plain)["Content-Length"] == str(len(body))
    assert "Content-Encoding" not in headers_of(plain)

    zipped = http.reply(entity, accept_encoding="gzip, br")
    assert headers_of(zipped)["Content-Encoding"] == "gzip"
    assert headers_of(zipped)["ETag"] == '"abc-gzip"'
    assert gzip.decompress(zipped.body) == body
    again = http.reply(entity, accept_encoding="gzip")
    assert again.body is zipped.body  # compressed once, kept with the entity

    held = http.reply(entity, accept_encoding="gzip", if_none_match='"abc-gzip"')
    assert held.status == 304 and held.body == b""
    assert headers_of(held)["ETag"] == '"abc-gzip"'
    assert headers_of(held)["Content-Language"] == "it"


def test_small_errors_and_untagged_entities():
    small = http.Entity(b"ok", "text/plain", "abc")
    assert "Content-Encoding" not in headers_of(http.reply(small, accept_encoding="gzip"))
    missing = http.Entity(b"x" * 5000, "text/plain", "abc", status=404)
    answer = http.reply(missing, accept_encoding="gzip", if_none_match='"abc"')
    assert answer.status == 404 and "Content-Encoding" not in headers_of(answer)
    untagged = http.Entity(b"x" * 5000, "text/plain", None, cache_control="")
    answer = http.reply(untagged, if_none_match="*")
    assert answer.status == 200 and "ETag" not in headers_of(answer)
    assert "Cache-Control" not in headers_of(answer)


def test_common_headers():
    assert dict(http.common_headers(None, "v1", "GET")) == {
        "X-Content-Type-Options": "nosniff", "X-Dataset-Version": "v1"}
    preflight = dict(http.common_headers("*", "v1", "OPTIONS"))
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Methods" not in dict(http.common_headers("*", "v1", "GET"))
