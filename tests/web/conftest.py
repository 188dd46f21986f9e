"""Fixtures of the browser tests: one headless Chromium per module, one live server per module and
store kind."""

from __future__ import annotations

import pytest
from cdp import Chromium, find_chromium
from needs import missing


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
