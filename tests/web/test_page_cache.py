"""Pages and documents are rendered once per version (``http.respond`` and the app's page cache):
asked again, in either encoding, they are served without asking the store; another language,
format or page is another representation, rendered on its own."""

from __future__ import annotations

import gzip

import pytest
from counting import CountingStore

from cisem_graph.graph.version import open_current
from cisem_graph.store import open_store
from cisem_graph.web import create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGES = ["/", "/doc/event/", "/doc/event/impresa-sociale-di-inserimento-lavorativo",
         "/doc/organization/cisem.ttl", "/queries/event-speakers", "/network", "/dataset",
         "/search?q=cisem"]


@pytest.fixture
def counted(settings, dist_dir):
    app_settings = settings.replace(dist_dir=dist_dir, warm_pages=False)  # count requests only
    store = CountingStore(open_store(app_settings, open_current(dist_dir)))
    yield create_app(app_settings, store=store), store
    store.close()


@pytest.mark.parametrize("path", PAGES)
def test_a_page_asked_again_is_not_rendered_again(counted, path):
    app, store = counted
    client = app.test_client()
    first = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert first.status_code == 200 and store.executed > 0
    asked = store.executed
    again = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "en"})
    zipped = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "en",
                                       "Accept-Encoding": "gzip"})
    assert store.executed == asked
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    if zipped.headers.get("Content-Encoding") == "gzip":
        assert gzip.decompress(zipped.data) == first.data
        assert zipped.headers["ETag"] != first.headers["ETag"]


def test_each_language_is_its_own_representation(counted):
    app, store = counted
    client = app.test_client()
    path = "/doc/event/impresa-sociale-di-inserimento-lavorativo"
    italian = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "it"})
    asked = store.executed
    english = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert store.executed > asked
    assert '<html lang="it">' in italian.get_data(as_text=True)
    assert '<html lang="en">' in english.get_data(as_text=True)


def test_an_unknown_thing_is_never_cached_as_found(counted):
    app, _ = counted
    client = app.test_client()
    for _ in range(2):
        assert client.get("/doc/event/no-such-webinar", headers={"Accept": BROWSER}).status_code == 404
