"""``POST /admin/reload``: off without a token, refused with a wrong one; a good reload moves the
served version, a bad one keeps it and is reported in ``/health``; requests in flight keep theirs."""

from __future__ import annotations

import pytest

from cisem_graph.config import Settings
from cisem_graph.errors import StoreUnavailable
from cisem_graph.formats import by_name
from cisem_graph.graph.pipeline import build
from cisem_graph.graph.version import open_current
from cisem_graph.web import create_app

TOKEN = "test-admin-token-0123456789"
REMOVED = "data/lafedelta-2017-09-19.ttl"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture
def site(project_copy):
    """An app over a project copy with its own dist folder and the admin token set."""
    settings = Settings(root=project_copy, admin_token=TOKEN)
    build(settings)
    app = create_app(settings)
    yield app, settings
    app.extensions["cisem_graph"].close()


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def count(client) -> tuple[str, int]:
    response = client.get("/sparql", query_string={"query": COUNT},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    n = int(response.json["results"]["bindings"][0]["n"]["value"])
    return response.headers["X-Dataset-Version"], n


def test_off_without_a_token(client):
    assert client.post("/admin/reload", headers=auth()).status_code == 404


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer"},
], ids=["none", "wrong", "basic", "longer", "empty"])
def test_wrong_token_is_401(site, headers):
    app, settings = site
    before = open_current(settings.dist_dir).version
    response = app.test_client().post("/admin/reload", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert open_current(settings.dist_dir).version == before


def test_get_is_not_allowed(site):
    app, _ = site
    assert app.test_client().get("/admin/reload", headers=auth()).status_code == 405


def test_good_reload_moves_the_served_version(site):
    app, settings = site
    client = app.test_client()
    first, triples = count(client)
    (settings.root / REMOVED).unlink()
    response = client.post("/admin/reload", headers=auth())
    assert response.status_code == 200, response.json
    assert response.json["status"] == "switched" and response.json["previous"] == first
    second, fewer = count(client)
    assert second == response.json["version"] != first
    assert fewer == open_current(settings.dist_dir).triples < triples
    assert client.get("/health").json["version"] == second


def test_bad_reload_keeps_serving_and_reports(site):
    app, settings = site
    client = app.test_client()
    first, triples = count(client)
    (settings.root / "data" / "broken.ttl").write_text(
        '@prefix schema: <https://schema.org/> .\n<id/organization/senza-nome> a schema:Organization .\n',
        encoding="utf-8")
    response = client.post("/admin/reload", headers=auth())
    assert response.status_code == 422
    assert response.json["status"] == "rejected" and response.json["version"] == first
    assert any(f["severity"] == "Violation" and "senza-nome" in f["subject"]
               for f in response.json["findings"])
    assert count(client) == (first, triples)
    health = client.get("/health").json
    assert health["version"] == first and health["last_reload"]["status"] == "rejected"


def test_request_in_flight_keeps_its_version(site):
    """A lease taken before the switch keeps the old store open and answering."""
    app, settings = site
    publisher = app.extensions["cisem_graph"]
    old = publisher.lease()
    (settings.root / REMOVED).unlink()
    assert app.test_client().post("/admin/reload", headers=auth()).json["status"] == "switched"
    new = publisher.lease()
    assert new.release.version != old.release.version and old.retired
    query = old.store.prepare(COUNT)
    assert old.store.execute(query, by_name("json")).count == 1  # still open
    publisher.unlease(new)
    publisher.unlease(old)
    assert old.leases == 0
    with pytest.raises(StoreUnavailable):  # closed with its last request
        old.store.execute(query, by_name("json"))
