"""Hosts (``web/hosts.py``): absolute URLs come from ``public_url`` or from an allowed ``Host``; any
other host is a 400 and never appears in an answer, so a shared cache cannot be poisoned with
pages, redirects or a sitemap that point elsewhere; ``X-Forwarded-*`` count only from a trusted
proxy."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import quote

import pytest

from cisem_graph.config import Settings
from cisem_graph.web import hosts

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
WEBINAR = "event/impresa-sociale-di-inserimento-lavorativo"
#: one address of every kind of page, document and redirect
EVERY_KIND = ["/", "/doc/", "/doc/event/", f"/doc/{WEBINAR}", f"/doc/{WEBINAR}.ttl", f"/id/{WEBINAR}",
              "/id/organization/", "/graph/press-release-2021-06-10", "/search?q=cisem", "/doc/event.json",
              "/doc/event.csv", "/dataset", "/dataset.ttl", "/ontology", "/shapes", "/sitemap.xml",
              "/robots.txt", "/queries", "/queries/event-speakers", "/queries.json", "/network",
              "/network.json", "/sparql", "/context.jsonld", "/doc/event/no-such-thing",
              "/nowhere", "/index.json", "/doc.json", "/search.json?q=cisem", "/doc/person/carlo-borzaga",
              "/doc/place/cuneo", "/doc/organization/cisem.jsonld", "/queries/event-speakers.csv",
              "/dumps/cisem.ttl", "/network.svg", "/sitemap-2.xml", "/health", "/doc/?lang=xx",
              "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%201"]
#: (Host header, the name that must appear nowhere in the answer)
FOREIGN = [("evil.example", "evil.example"), ("evil.example:8080", "evil.example"),
           ("w3id.org.evil.example", "evil.example"), ("localhost.evil.example", "evil.example"),
           ("evil.example/doc", "evil.example"), ("[::2]", "::2"), ("evil.example@localhost", "evil")]


@pytest.mark.parametrize("host, named", FOREIGN)
@pytest.mark.parametrize("path", EVERY_KIND)
def test_a_foreign_host_is_400_and_named_nowhere(client, path, host, named):
    for accept in (BROWSER, "text/turtle", "application/json"):
        response = client.get(path, headers={"Host": host, "Accept": accept})
        assert response.status_code == 400, (path, host, response.status_code)
        assert named not in response.get_data(as_text=True)
        assert all(named not in value for _, value in response.headers.items())
        assert response.headers["Cache-Control"] == "no-store"


def test_the_refusal_is_in_the_readers_language(client):
    response = client.get("/?lang=it", headers={"Host": "evil.example", "Accept": BROWSER})
    assert response.status_code == 400
    assert "Questo server non risponde per l’indirizzo" in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:5000", "w3id.org", "[::1]:8080"])
def test_the_default_hosts_are_answered(client, host):
    response = client.get(f"/id/{WEBINAR}", headers={"Host": host, "Accept": "text/turtle"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"http://{host}/doc/{WEBINAR}"


def test_forwarded_headers_count_only_from_a_trusted_proxy(settings, dist_dir, make_app):
    forwarded = {"X-Forwarded-Host": "data.example.org", "X-Forwarded-Proto": "https",
                 "Accept": "text/turtle"}
    trusting = make_app(settings.replace(dist_dir=dist_dir, trusted_proxies=("10.0.0.1",),
                                         allowed_hosts=("data.example.org", "localhost")))
    try:
        client = trusting.test_client()
        via_proxy = client.get(f"/id/{WEBINAR}", headers=forwarded,
                               environ_base={"REMOTE_ADDR": "10.0.0.1"})
        assert via_proxy.headers["Location"] == f"https://data.example.org/doc/{WEBINAR}"
        direct = client.get(f"/id/{WEBINAR}", headers=forwarded,
                            environ_base={"REMOTE_ADDR": "192.0.2.7"})
        assert direct.headers["Location"] == f"http://localhost/doc/{WEBINAR}"
        # a trusted proxy that forwards a host nobody allowed is refused all the same
        evil = client.get(f"/id/{WEBINAR}", headers={**forwarded, "X-Forwarded-Host": "evil.example"},
                          environ_base={"REMOTE_ADDR": "10.0.0.1"})
        assert evil.status_code == 400 and b"evil.example" not in evil.data
    finally:
        trusting.extensions["cisem_graph"].store.close()


def test_a_public_url_writes_every_absolute_url(settings, dist_dir, make_app):
    public = make_app(settings.replace(dist_dir=dist_dir, public_url="https://dati.example.org/lod/"))
    try:
        client = public.test_client()
        redirect = client.get(f"/id/{WEBINAR}", headers={"Accept": "text/turtle"})
        assert redirect.headers["Location"] == f"https://dati.example.org/lod/doc/{WEBINAR}"
        page = client.get(f"/doc/{WEBINAR}", headers={"Accept": BROWSER}).get_data(as_text=True)
        assert f'<link rel="canonical" href="https://dati.example.org/lod/doc/{WEBINAR}?lang=it">' in page
        assert "http://localhost" not in page
        sitemap = client.get("/sitemap.xml").get_data(as_text=True)
        assert f"<loc>https://dati.example.org/lod/doc/{WEBINAR}</loc>" in sitemap
        assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    finally:
        public.extensions["cisem_graph"].store.close()


def test_resolve_on_plain_values():
    settings = Settings(allowed_hosts=("example.org", ".lod.example.org"), trusted_proxies=("10.0.0.1",))
    trusted = {"10.0.0.1"}.__contains__

    def root(host, **more):
        args = {"scheme": "http", "prefix": "", "peer": None, "forwarded_host": None,
                "forwarded_proto": None, **more}
        return hosts.resolve(settings, host=host, trusted=trusted, **args)

    assert root("example.org:8080") == hosts.Root("http", "example.org:8080", "")
    assert root("a.lod.example.org") == hosts.Root("http", "a.lod.example.org", "")
    assert root("lod.example.org") is not None
    assert root("evillod.example.org") is None and root("localhost") is None and root(None) is None
    assert root("example.org", peer="10.0.0.1", forwarded_proto="https").scheme == "https"
    assert root("example.org", peer="10.0.0.2", forwarded_proto="https").scheme == "http"
    assert root("example.org", peer="10.0.0.1", forwarded_proto="gopher").scheme == "http"


def test_the_servers_hot_path_refuses_a_foreign_host_too(live_server, live_store_env):
    """``/sparql`` answered in the front, outside Flask (``web.hot``), refuses a foreign host as
    every other path does: a cached answer is not handed to whoever names any host."""
    query = "/sparql?query=" + quote("ASK { ?s ?p ?o }")
    with live_server(CISEM_WORKERS="1", **live_store_env) as (_, url):
        for accept in ("application/sparql-results+json", "text/csv", BROWSER):
            ours = urllib.request.Request(url + query, headers={"Accept": accept})
            with urllib.request.urlopen(ours, timeout=20) as response:
                assert response.status == 200  # the same answer is in the cache now
            for host, named in FOREIGN:
                foreign = urllib.request.Request(url + query, headers={"Accept": accept, "Host": host})
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(foreign, timeout=20)
                with refused.value as answer:
                    assert answer.code == 400, (host, accept)
                    assert named not in answer.read().decode("utf-8", "replace")
