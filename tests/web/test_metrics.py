"""``/metrics``: off by default, behind the admin token unless public, Prometheus' text format.

The sums over worker processes are proved against the real server in ``test_fairness``.
"""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "metrics-test-token"


@pytest.fixture(scope="module", params=["off", "token", "public"])
def metrics_client(request, settings, dist_dir, make_app):
    extra = {"admin_token": TOKEN} if request.param == "token" else {}
    app = make_app(settings.replace(dist_dir=dist_dir, metrics=request.param, **extra))
    yield request.param, app.test_client()
    app.extensions["cisem_graph"].store.close()


def families(body: bytes) -> dict:
    return {family.name: family for family in text_string_to_metric_families(body.decode())}


def test_metrics_are_off_behind_the_token_or_public(metrics_client):
    mode, client = metrics_client
    answer = client.get("/metrics")
    if mode == "off":
        assert answer.status_code == 404
        return
    if mode == "token":
        assert answer.status_code == 401
        assert b"Traceback" not in answer.data
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert answer.headers["Cache-Control"] == "no-store"
    assert "cisem_requests" in families(answer.data)


@pytest.fixture(scope="module")
def public_client(settings, dist_dir, make_app):
    app = make_app(settings.replace(dist_dir=dist_dir, metrics="public"))
    yield app.test_client()
    app.extensions["cisem_graph"].store.close()


def test_requests_queries_and_cache_hits_are_counted(public_client):
    client = public_client
    query = {"query": "ASK { ?s ?p ?o }", "format": "json"}
    before = families(client.get("/metrics").data)
    assert client.get("/sparql", query_string=query).status_code == 200  # run (or cached)
    assert client.get("/sparql", query_string=query).status_code == 200  # cached
    assert client.get("/sparql", query_string={"query": "SELECT WHERE {"}).status_code == 400
    assert client.get("/no/such/page").status_code == 404
    after = families(client.get("/metrics").data)

    def value(fams, name, **labels):
        return sum(s.value for s in fams[name].samples
                   if s.name == name + ("_total" if fams[name].type == "counter" else "")
                   and all(s.labels.get(k) == v for k, v in labels.items()))

    assert value(after, "cisem_requests", route="sparql", status="200") - \
        value(before, "cisem_requests", route="sparql", status="200") == 2
    assert value(after, "cisem_requests", route="sparql", status="400") - \
        value(before, "cisem_requests", route="sparql", status="400") == 1
    assert value(after, "cisem_requests", status="404") - value(before, "cisem_requests",
                                                                 status="404") == 1
    assert value(after, "cisem_answer_cache_hits") - value(before, "cisem_answer_cache_hits") >= 1
    counts = [s.value for s in after["cisem_query_seconds"].samples if s.name.endswith("_count")]
    assert counts and counts[0] >= 1
