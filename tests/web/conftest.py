"""Fixtures of the web tests: one headless Chromium per module, one live server per module and
store kind, and the hostile data root built and served."""

from __future__ import annotations

from pathlib import Path

import pytest
from cdp import Chromium, find_chromium
from needs import missing

from cisem_graph.config import PROJECT_ROOT, Settings
from cisem_graph.graph.pipeline import build


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    executable = find_chromium()
    if executable is None:
        missing("no Chromium browser found: install Debian's with `apt-get install chromium` "
                "(.ci/run does this before `make test`)")
    browser = Chromium(executable, tmp_path_factory.mktemp("chromium-profile"))
    try:
        version = browser.call("Browser.getVersion")
        assert "Chrome" in version["product"]
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def site(live_server, live_store_env):
    """The live server the browser reads, once per store kind."""
    with live_server(CISEM_WORKERS="1", CISEM_THREADS="4", **live_store_env) as (_, url):
        yield url


HOSTILE_ROOT = Path(__file__).resolve().parent.parent / "data" / "hostile"


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory) -> Settings:
    """The hostile data root (markup in labels, formulas in names), with the project's shapes and
    ontology, built."""
    out = tmp_path_factory.mktemp("dist-hostile")
    settings = Settings(root=HOSTILE_ROOT, ontology_dir=PROJECT_ROOT / "ontology",
                        shapes_dir=PROJECT_ROOT / "shapes")
    build(settings, out)
    return settings.replace(dist_dir=out)


@pytest.fixture(scope="session")
def hostile_app(hostile_build, make_app):
    """The hostile data root served over the test's store kind."""
    app = make_app(hostile_build)
    yield app
    app.extensions["cisem_graph"].store.close()


#: the hosts ``mirror_client`` answers for, besides the defaults (tests of links on the host asked)
MIRROR_HOSTS = ("localhost", "lod.example.test", "dati.example.test", "example.test",
                "mirror.example", "data.example.org")


@pytest.fixture(scope="session")
def mirror_app(settings, dist_dir, make_app):
    """The shipped build served for several host names (``allowed_hosts``), over the test's store
    kind: links, redirects and the sitemap follow the host that was asked."""
    app = make_app(settings.replace(dist_dir=dist_dir, allowed_hosts=MIRROR_HOSTS))
    yield app
    app.extensions["cisem_graph"].store.close()


@pytest.fixture
def mirror_client(mirror_app):
    return mirror_app.test_client()
