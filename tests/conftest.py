"""Session fixtures: the real project files, parsed and built once per test session."""

from __future__ import annotations

import os
import shutil
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

from cisem_graph.build import build, load_sources
from cisem_graph.config import PROJECT_ROOT, Settings

SOURCE_TEXT = PROJECT_ROOT / "sources" / "press-release-2021-06-cisem-webinar.it.txt"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings()


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
def store_server(built, settings, tmp_path_factory):
    """A real ``oxigraph serve`` on a free loopback port, its own data folder, with the built
    version pushed by ``cisem_graph.push`` (skipped, with the reason, without the oxigraph CLI)."""
    from oxiserver import MISSING, OXIGRAPH, Oxigraph

    from cisem_graph.push import StoreEndpoints, push

    if OXIGRAPH is None:
        pytest.skip(MISSING)
    server = Oxigraph(tmp_path_factory.mktemp("oxigraph") / "db").start()
    try:
        push(built[0], StoreEndpoints.from_settings(settings, server.base), settings)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app(settings, dist_dir):
    from cisem_graph.web import create_app

    app = create_app(settings.replace(dist_dir=dist_dir))
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
    """Start the real ``cisem-graph serve`` on a free loopback port: ``with live_server(**env) as
    (process, url):``, where ``env`` adds ``CISEM_*`` variables. Stopped when the block ends."""

    @contextmanager
    def start(**env: str) -> Iterator[tuple[subprocess.Popen, str]]:
        port = free_port()
        environ = {**os.environ, "CISEM_DIST_DIR": str(dist_dir), **env}
        cmd = [sys.executable, "-m", "cisem_graph", "serve", "--port", str(port)]
        # The server's log goes to a file, not a pipe nobody drains (a full pipe blocks it).
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(cmd, env=environ, stdout=subprocess.DEVNULL, stderr=log)

            def fail(why: str) -> None:
                log.seek(0)
                pytest.fail(f"{why}: " + log.read().decode(errors="replace")[-2000:])

            url = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        urllib.request.urlopen(url + "/health", timeout=1).read()
                        break
                    except OSError:
                        if proc.poll() is not None:
                            fail("server exited")
                        if time.monotonic() > deadline:
                            fail("server did not answer /health within 30 s")
                        time.sleep(0.2)
                yield proc, url
            finally:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)

    return start
