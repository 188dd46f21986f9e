"""Session fixtures: the real project files, parsed and built once per test session."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from needs import missing

from cisem_graph.config import PROJECT_ROOT, Settings
from cisem_graph.graph.pipeline import build
from cisem_graph.graph.sources import load_sources

SOURCE_TEXT = PROJECT_ROOT / "sources" / "press-release-2021-06-cisem-webinar.it.txt"


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The defaults, but no warm-up of pages in the background: a test's app is closed under it
    (the store's connections with it) while it may still be at work. ``test_facts_warm.py`` tests
    the warm-up itself; the live servers warm up as deployed."""
    return Settings(warm_pages=False)


@pytest.fixture(scope="session")
def sources(settings):
    return load_sources(settings)


@pytest.fixture(scope="session")
def built(settings, tmp_path_factory):
    """The shipped graph built into a temporary dist folder: (DatasetVersion, findings)."""
    return build(settings, tmp_path_factory.mktemp("dist"))


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A writable copy of the project's graph files, for tests that break them."""
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture(scope="session")
def dist_dir(built) -> Path:
    version, _ = built
    return version.path.parent


@pytest.fixture(scope="session")
def oxigraph_cli() -> str:
    """The ``oxigraph`` command (skipped with the reason without it; under CI, failed)."""
    from oxiserver import MISSING, OXIGRAPH

    if OXIGRAPH is None:
        missing(MISSING)
    return OXIGRAPH


@pytest.fixture(scope="session")
def store_server(oxigraph_cli, built, settings, tmp_path_factory):
    """A real ``oxigraph serve`` on a free loopback port, its own data folder, with the built
    version pushed by ``cisem_graph.push``."""
    from oxiserver import Oxigraph

    from cisem_graph.push import StoreEndpoints, push

    server = Oxigraph(tmp_path_factory.mktemp("oxigraph") / "db").start()
    try:
        push(built[0], StoreEndpoints.from_settings(settings, server.base), settings)
        yield server
    finally:
        server.stop()


@pytest.fixture
def fresh_store(oxigraph_cli, built, settings, tmp_path):
    """An ``oxigraph serve`` of the test's own (a fresh data folder, the built version pushed), for a
    test that kills, restarts or overworks its store; killed when the test ends."""
    from oxiserver import Oxigraph

    from cisem_graph.push import StoreEndpoints, push

    server = Oxigraph(tmp_path / "oxigraph").start()
    try:
        push(built[0], StoreEndpoints.from_settings(settings, server.base), settings)
        yield server
    finally:
        server.kill()


@pytest.fixture(scope="session")
def virtuoso_cli() -> str:
    """Virtuoso's ``virtuoso-t`` (skipped with the reason without it; under CI, failed)."""
    from virtuososerver import ISQL, MISSING, VIRTUOSO

    if VIRTUOSO is None or ISQL is None:
        missing(MISSING)
    return VIRTUOSO


@pytest.fixture(scope="session")
def virtuoso_server(virtuoso_cli, built, settings, tmp_path_factory):
    """A real Virtuoso on free loopback ports, its own database folder, the built version loaded."""
    from virtuososerver import start_with

    server = start_with(tmp_path_factory.mktemp("virtuoso"), built[0], settings)
    yield server
    server.stop()


@pytest.fixture
def fresh_virtuoso(virtuoso_cli, built, settings, tmp_path):
    """A Virtuoso of the test's own (a fresh database, the built version loaded), for a test that
    kills or overworks its store; killed when the test ends."""
    from virtuososerver import start_with

    server = start_with(tmp_path / "virtuoso", built[0], settings)
    yield server
    server.kill()


#: The store kinds the web tests prove: the embedded pyoxigraph store and ``RemoteStore`` over a
#: real ``oxigraph serve`` (``remote``) and over a real Virtuoso (``remote-virtuoso``).
STORE_KINDS = ("embedded", "remote", "remote-virtuoso")
#: the session fixture serving the shipped version, for each remote kind
SHIPPED_STORE = {"remote": "store_server", "remote-virtuoso": "virtuoso_server"}


@pytest.fixture(scope="session", params=STORE_KINDS)
def store_kind(request) -> str:
    """The store kind behind ``app``, ``client``, ``make_app`` and ``live_store_env``: a test using
    any of them runs once per kind, its id saying which (``[embedded]``, ``[remote]``,
    ``[remote-virtuoso]``)."""
    return request.param


@pytest.fixture(scope="session")
def remote_stores(request, store_kind, built, tmp_path_factory):
    """``remote_stores(settings)``: the query URL of a store of the test's remote kind holding the
    version built in ``settings.dist_dir``: the session's server for the shipped version, one
    server of its own (own data folder, started on first use) for any other build."""
    from oxiserver import Oxigraph
    from virtuososerver import start_with

    from cisem_graph.graph.version import open_current
    from cisem_graph.push import StoreEndpoints, push

    servers = {built[0].version: request.getfixturevalue(SHIPPED_STORE[store_kind])}
    owned: list = []

    def url_for(app_settings: Settings) -> str:
        version = open_current(app_settings.dist_dir)
        server = servers.get(version.version)
        if server is None:
            folder = tmp_path_factory.mktemp("store")
            if store_kind == "remote-virtuoso":  # pushed: the session's server is loaded
                server = start_with(folder, version, app_settings, pushed=True)
            else:
                server = Oxigraph(folder / "db").start()
                push(version, StoreEndpoints.from_settings(app_settings, server.base),
                     app_settings)
            owned.append(server)
            servers[version.version] = server
        return server.url

    yield url_for
    for server in owned:
        server.stop()


@pytest.fixture(scope="session")
def make_app(request, store_kind):
    """``make_app(settings)``: ``create_app(settings)`` over the store kind of the test (remote: a
    real ``oxigraph serve`` holding the version in ``settings.dist_dir``). The caller closes the
    store (``app.extensions["cisem_graph"].store.close()``)."""
    from cisem_graph.web import create_app

    remote = request.getfixturevalue("remote_stores") if store_kind != "embedded" else None

    def make(app_settings: Settings):
        if remote is not None and app_settings.store_query_url is None:
            app_settings = app_settings.replace(store_query_url=remote(app_settings))
        return create_app(app_settings)

    return make


@pytest.fixture(scope="session")
def live_store_env(request, store_kind) -> dict[str, str]:
    """The ``CISEM_*`` variables giving ``live_server`` the test's store kind (remote: the query URL
    of the kind's session server)."""
    if store_kind != "embedded":
        return {"CISEM_STORE_QUERY_URL": request.getfixturevalue(SHIPPED_STORE[store_kind]).url}
    return {}


@pytest.fixture(scope="session")
def app(settings, dist_dir, make_app):
    """The app over the shipped build, once per store kind."""
    app = make_app(settings.replace(dist_dir=dist_dir))
    yield app
    app.extensions["cisem_graph"].store.close()


@pytest.fixture
def client(app):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(dist_dir):
    """Start the real ``cisem-graph serve`` on a free loopback port (or ``port``): ``with
    live_server(**env) as (process, url):``, where ``env`` adds ``CISEM_*`` variables. Stopped
    when the block ends."""

    @contextmanager
    def start(port: int | None = None, **env: str) -> Iterator[tuple[subprocess.Popen, str]]:
        port = port or free_port()
        environ = {**os.environ, "CISEM_DIST_DIR": str(dist_dir), **env}
        cmd = [sys.executable, "-m", "cisem_graph", "serve", "--port", str(port)]
        # The server's log goes to a file, not a pipe nobody drains (a full pipe blocks it).
        with tempfile.TemporaryFile() as log:
            # a session of its own: stopping it stops its workers too, even when the main
            # process has to be killed (its workers would otherwise outlive the test)
            proc = subprocess.Popen(cmd, env=environ, stdout=subprocess.DEVNULL, stderr=log,
                                    start_new_session=True)

            def fail(why: str) -> None:
                log.seek(0)
                pytest.fail(f"{why}: " + log.read().decode(errors="replace")[-2000:])

            url = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        # closed even when the read times out (a server still starting)
                        with urllib.request.urlopen(url + "/health", timeout=1) as answer:
                            answer.read()
                        break
                    except OSError:
                        if proc.poll() is not None:
                            fail("server exited")
                        if time.monotonic() > deadline:
                            fail("server did not answer /health within 30 s")
                        time.sleep(0.2)
                yield proc, url
            finally:
                stop_session(proc)

    return start


def stop_session(proc: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM to the process's whole session, then SIGKILL to whatever is left of it."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # workers that outlived their main process
    except ProcessLookupError:
        pass
    proc.wait(grace)
