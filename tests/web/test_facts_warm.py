"""The warm-up (``web/facts.py``, setting ``warm_pages``): as a version opens, what the pages share
is worked out in the background, so the first reader of a list or the home page does not wait for
the store; with the setting off nothing is done before a request asks."""

from __future__ import annotations

import pytest
from counting import CountingStore

from cisem_graph.graph.version import open_current
from cisem_graph.store import open_store
from cisem_graph.web import create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def counted(settings, dist_dir):
    def make(warm: bool):
        app_settings = settings.replace(dist_dir=dist_dir, warm_pages=warm)
        store = CountingStore(open_store(app_settings, open_current(dist_dir)))
        return create_app(app_settings, store=store), store

    made = []
    yield lambda warm: made.append(make(warm)) or made[-1]
    for _, store in made:
        store.close()


def test_a_warmed_version_answers_its_lists_without_the_store(counted):
    app, store = counted(True)
    publisher = app.extensions["cisem_graph"]
    publisher.warming.join(60)
    assert not publisher.warming.is_alive() and store.executed > 0
    done = store.executed
    client = app.test_client()
    for path in ("/doc/", "/doc/event/", "/doc/organization/?type=https://schema.org/Cooperative",
                 "/doc/place.json", "/sitemap.xml"):
        assert client.get(path, headers={"Accept": BROWSER}).status_code == 200, path
    assert store.executed == done  # each list came from what the warm-up worked out


def test_without_the_warm_up_nothing_is_asked_before_a_request(counted):
    app, store = counted(False)
    assert app.extensions["cisem_graph"].warming is None and store.executed == 0
    assert app.test_client().get("/doc/event/", headers={"Accept": BROWSER}).status_code == 200
    assert store.executed > 0
