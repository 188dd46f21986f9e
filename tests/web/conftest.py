"""Fixtures of the web tests: one headless Chromium per module, one live server per module and
store kind, and the hostile data root built and served."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cdp import Chromium, find_chromium
from needs import missing
from oxiserver import free_port

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


VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")
VCL = PROJECT_ROOT / "deploy" / "varnish.vcl"


@pytest.fixture
def varnish(tmp_path):
    """``start(backend_port) -> url``: varnishd with the recipe's VCL before a server on that
    port, on a free loopback port, its own work folder; stopped when the test ends."""
    if VARNISHD is None:
        missing("varnishd not found: apt-get install varnish (.ci/run does)")
    procs: list[subprocess.Popen] = []

    def start(backend_port: int) -> str:
        vcl = tmp_path / "cisem.vcl"
        vcl.write_text(VCL.read_text().replace('.port = "5000";', f'.port = "{backend_port}";'))
        port = free_port()
        # -j none: no jail (the work folder is the test's own); no management port
        proc = subprocess.Popen([VARNISHD, "-F", "-j", "none", "-a", f"127.0.0.1:{port}",
                                 "-T", "none", "-f", str(vcl), "-n", str(tmp_path / "varnish"),
                                 "-s", "malloc,32m"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        procs.append(proc)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "/health", timeout=30) as answer:
                    answer.read()
                return url
            except urllib.error.HTTPError as answered:  # Varnish answers, with no backend yet
                answered.close()
                return url
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("varnishd exited: " + proc.stderr.read().decode(errors="replace"))
                assert time.monotonic() < deadline, "varnishd did not answer within 30 s"
                time.sleep(0.1)

    yield start
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        proc.stderr.close()


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
