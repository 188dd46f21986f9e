"""Session fixtures: the real project files, parsed and built once per test session."""

from __future__ import annotations

import shutil
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
def app(settings, dist_dir):
    from cisem_graph.web import create_app

    app = create_app(settings.replace(dist_dir=dist_dir))
    yield app
    app.extensions["cisem_graph"].store.close()


@pytest.fixture
def client(app):
    return app.test_client()
