"""The warm-up (``web/facts.py``, setting ``warm_pages``): as a version opens, what the pages share
is worked out in the background, so the first reader of a list or the home page does not wait for
the store; with the setting off nothing is done before a request asks."""

from __future__ import annotations

import logging

import pytest
from counting import CountingStore

from cisem_graph.errors import QueryTimeout
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


class SlowLocations(CountingStore):
    """The real store, but a query over ``schema:location`` and the triple count run past the
    time-out, as the organizations' place facet and the count did at a million triples on a busy
    machine."""

    def evaluate(self, prepared):
        if "https://schema.org/location" in prepared.text:
            raise QueryTimeout("The query ran longer than 10 s and was stopped.")
        return super().evaluate(prepared)

    def triple_count(self) -> int:
        raise QueryTimeout("The query ran longer than 10 s and was stopped.")


def test_a_part_that_fails_is_left_to_its_request_and_the_rest_is_warmed(settings, dist_dir, caplog):
    app_settings = settings.replace(dist_dir=dist_dir, warm_pages=True)
    store = SlowLocations(open_store(app_settings, open_current(dist_dir)))
    try:
        with caplog.at_level(logging.INFO, logger="cisem_graph.web"):
            app = create_app(app_settings, store=store)
            app.extensions["cisem_graph"].warming.join(60)
        assert "warming listing['organization']" in caplog.text
        # the network's query follows schema:location too: the two parts that need it fail
        assert "warming network" in caplog.text and "warming triples" in caplog.text
        assert "warmed up in" in caplog.text and "3 part(s) left to the first request" in caplog.text
        done = store.executed
        client = app.test_client()
        for path in ("/doc/event/", "/doc/person/", "/sitemap.xml", "/doc/"):
            assert client.get(path, headers={"Accept": BROWSER}).status_code == 200, path
        assert store.executed == done  # warmed although a part before them failed
        # the part that failed is asked again by the request that needs it (and says why it fails)
        assert client.get("/doc/organization/", headers={"Accept": BROWSER}).status_code == 503
        assert store.executed > done
    finally:
        store.close()
