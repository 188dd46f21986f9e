"""A good file per kind, xlsx and csv, imported into a project copy: after ``/admin/reload`` the
served endpoint answers for the imported thing, from the new version, without a restart."""

from __future__ import annotations

import pytest

from cisem_graph.graph.pipeline import build
from cisem_graph.importer import import_file
from cisem_graph.web import create_app

from .test_import import BASE, GOOD, ontology_ns, write_good

TOKEN = "import-reload-token-0123456789"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("kind", list(GOOD))
def test_imported_rows_are_served_after_a_reload(kind, fmt, seeded, inbox):
    settings = seeded.replace(admin_token=TOKEN)
    build(settings)
    app = create_app(settings)
    try:
        client = app.test_client()
        subject, predicate, value = GOOD[kind]["triples"](ontology_ns(BASE))[0]
        ask = {"query": f"ASK {{ {subject.n3()} {predicate.n3()} {value.n3()} }}"}
        json = {"Accept": "application/sparql-results+json"}
        before = client.get("/sparql", query_string=ask, headers=json)
        assert before.json["boolean"] is False
        import_file(write_good(kind, fmt, inbox), kind, settings)
        reload = client.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
        assert reload.status_code == 200 and reload.json["status"] == "switched", reload.json
        after = client.get("/sparql", query_string=ask, headers=json)
        assert after.json["boolean"] is True
        assert after.headers["X-Dataset-Version"] == reload.json["version"] \
            != before.headers["X-Dataset-Version"]
    finally:
        app.extensions["cisem_graph"].close()
