"""What a cache in front may rely on: the Cache-Control the settings give, ``immutable`` dumps under
their version, ``Vary`` naming only what chose the answer, and the same bytes under one strong ETag
in every process and from every store (hash seeds, replicas), a weak ETag on a query's answer."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cisem_graph.web import create_app

QUERY = "SELECT ?s WHERE { ?s a <https://schema.org/Event> } ORDER BY ?s"
#: every RDF format and the HTML of pages, documents and the service description: representations
#: under a strong ETag (blank nodes in each: a place's identifiers, an organization's address,
#: the shapes' property shapes, the dataset's distributions)
PATHS = [f"{path}{ext}" for path in ("/doc/place/cuneo", "/doc/organization/camera-di-commercio-di-cuneo",
                                     "/shapes", "/dataset")
         for ext in (".html", ".ttl", ".nt", ".jsonld", ".rdf", ".trig", ".nq")
         if not (ext == ".nq" and path in ("/shapes", "/dataset"))]
PATHS += ["/sparql?format=turtle", "/sparql?format=rdfxml", "/sparql?format=ntriples"]

BODIES = """
import hashlib, sys
from cisem_graph.config import Settings
from cisem_graph.web import create_app
app = create_app(Settings.from_env())
client = app.test_client()
for path in sys.argv[1:]:
    response = client.get(path, headers={"Accept-Language": "it"})
    print(path, response.status_code, response.headers.get("ETag"),
          hashlib.sha256(response.data).hexdigest())
app.extensions["cisem_graph"].store.close()
"""


@pytest.fixture(scope="module")
def tuned(settings, dist_dir):
    app = create_app(settings.replace(dist_dir=dist_dir, cache_max_age=7, cache_shared_max_age=900))
    yield app.test_client()
    app.extensions["cisem_graph"].store.close()


@pytest.mark.parametrize("path, headers", [
    ("/doc/organization/cisem", {"Accept": "text/html"}),
    ("/doc/organization/cisem.ttl", {}),
    ("/sparql", {"Accept": "text/turtle"}),  # the service description
    (f"/sparql?query={QUERY}", {"Accept": "text/csv"}),
    ("/dumps/cisem.nt", {}),
    ("/network.json", {}),
])
def test_a_representation_of_the_version_says_the_settings_lifetimes(tuned, path, headers):
    with tuned.get(path, headers=headers) as response:  # a dump is a file: closed after
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=7, s-maxage=900"
        etag = response.headers["ETag"]
    again = tuned.get(path, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == "public, max-age=7, s-maxage=900"


def test_a_dump_under_its_version_is_immutable(tuned, built):
    version = built[0]
    with tuned.get(f"/dumps/{version.version}/cisem.nt") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Expires" not in response.headers
        assert response.data == (version.path / "cisem.nt").read_bytes()
    with tuned.get(f"/dumps/{version.version}/SHA256SUMS") as response:
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_dump_of_another_version_is_not_here(tuned, built):
    response = tuned.get("/dumps/0123456789abcdef/cisem.nt")
    assert response.status_code == 404
    assert built[0].version.encode() in response.data  # names where the served one is


@pytest.mark.parametrize("params, headers, expected", [
    ({"query": QUERY, "format": "json"}, {"Accept": "text/html"}, "Accept-Encoding"),
    ({"query": QUERY}, {"Accept": "text/csv"}, "Accept, Accept-Encoding"),
])
def test_an_answer_varies_on_accept_only_when_accept_chose_it(client, params, headers, expected):
    response = client.get("/sparql", query_string=params, headers=headers)
    assert response.status_code == 200
    assert response.headers["Vary"] == expected


def test_a_query_answer_has_a_weak_etag_that_revalidates(client):
    response = client.get("/sparql", query_string={"query": QUERY, "format": "json"})
    etag = response.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/sparql", query_string={"query": QUERY, "format": "json"},
                       headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.headers["ETag"] == etag
    page = client.get("/doc/organization/cisem.ttl")
    assert page.headers["ETag"].startswith('"')  # a page's bytes are the same everywhere: strong


def bodies(paths, env) -> list[str]:
    run = subprocess.run([sys.executable, "-c", BODIES, *paths], capture_output=True,
                         timeout=300, env={**os.environ, **env})
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-3000:]
    lines = run.stdout.decode().splitlines()
    assert len(lines) == len(paths) and all(" 200 " in line for line in lines), lines
    return lines


def test_every_process_writes_the_same_bytes_under_one_etag(dist_dir):
    """Two workers are two processes with their own ``PYTHONHASHSEED`` (set order): rdflib wrote
    N-Triples, RDF/XML, TriG and JSON-LD in set order before ``canonical``."""
    env = {"CISEM_DIST_DIR": str(dist_dir)}
    first = bodies(PATHS, {**env, "PYTHONHASHSEED": "1"})
    second = bodies(PATHS, {**env, "PYTHONHASHSEED": "2"})
    assert first == second


def test_every_store_gives_a_page_the_same_bytes(dist_dir, store_server, virtuoso_server):
    """Replicas: the embedded store, Oxigraph server and Virtuoso label blank nodes their own way;
    pages and documents read them canonically, so the bytes under an ETag are the same."""
    env = {"CISEM_DIST_DIR": str(dist_dir), "PYTHONHASHSEED": "3"}
    embedded = bodies(PATHS, env)
    assert bodies(PATHS, {**env, "CISEM_STORE_QUERY_URL": store_server.url}) == embedded
    assert bodies(PATHS, {**env, "CISEM_STORE_QUERY_URL": virtuoso_server.url}) == embedded
