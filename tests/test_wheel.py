"""A non-editable install: the wheel, built from a copy of the sources, installed in a fresh venv
and run on a copy of a project folder, from its root and from a folder inside it.

The fresh venv reaches the dependencies through a ``.pth`` line naming this venv's site-packages,
where a path line adds a folder but runs no ``.pth`` file of it: this checkout's editable install
stays out, so ``cisem_graph`` is the wheel's (checked), with its package data (the schema.org term
table, the templates) or nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from oxiserver import free_port

from cisem_graph.config import PROJECT_ROOT

FICTIONAL_EVENT = (
    "Titolo,Inizio,Modalità,Piattaforma,Fonte\n"
    "Webinar di prova (fittizio),14/06/2031 18:00,online,Zoom,https://example.org/fonte-fittizia\n"
)


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 300):
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The ``bin`` folder of a fresh venv with the wheel installed."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(PROJECT_ROOT / name, source / name)
    shutil.copytree(PROJECT_ROOT / "cisem_graph", source / "cisem_graph",
                    ignore=shutil.ignore_patterns("__pycache__"))
    wheels = tmp / "wheels"
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
                tmp, os.environ.copy())
    assert built.returncode == 0, built.stderr[-3000:]
    [wheel] = wheels.glob("cisem_graph-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "cisem_graph/vocab/schemaorg-terms.json" in names
    assert "cisem_graph/web/templates/base.html" in names
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    tmp, os.environ.copy()).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
               tmp, os.environ.copy())
    assert done.returncode == 0, done.stderr[-3000:]
    return venv / "bin"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project") / "network"
    for name in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    return root


@pytest.fixture(scope="module")
def env(installed) -> dict[str, str]:
    """No ``CISEM_*`` variable, this checkout nowhere on the path: only the venv's command."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CISEM_", "PYTHON", "VIRTUAL_ENV"))}
    return {**clean, "PATH": f"{installed}{os.pathsep}{clean.get('PATH', '')}"}


def test_the_package_is_the_wheels(installed, project, env):
    found = run([str(installed / "python"), "-c", "import cisem_graph; print(cisem_graph.__file__)"],
                project, env)
    assert Path(found.stdout.strip()).is_relative_to(installed.parent)


def test_validate_build_and_import_in_the_project_folder(installed, project, env):
    validated = run(["cisem-graph", "validate"], project, env)
    assert validated.returncode == 0, validated.stderr
    assert "conforms" in validated.stdout
    inside = run(["cisem-graph", "validate"], project / "data", env)  # a folder inside the project
    assert inside.returncode == 0 and "conforms" in inside.stdout
    inbox = project.parent / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "prossimo-webinar.csv").write_text(FICTIONAL_EVENT, encoding="utf-8")
    imported = run(["cisem-graph", "import", str(inbox / "prossimo-webinar.csv"), "--kind", "events"],
                   project, env)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert (project / "data" / "import-prossimo-webinar.ttl").is_file()
    built = run(["cisem-graph", "build"], project, env)
    assert built.returncode == 0, built.stderr
    assert (project / "dist" / "current" / "manifest.json").is_file()
    assert not (installed.parent / "dist").exists()


def test_outside_a_project_the_error_names_root(installed, tmp_path, env):
    refused = run(["cisem-graph", "validate"], tmp_path, env)
    assert refused.returncode == 2
    assert "--root" in refused.stderr and "Traceback" not in refused.stderr
    rooted = run(["cisem-graph", "--root", str(PROJECT_ROOT), "validate"], tmp_path, env)
    assert rooted.returncode == 0, rooted.stderr


def test_serve_answers_pages_from_the_wheels_templates(installed, project, env, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(["cisem-graph", "serve", "--port", str(port), "--workers", "1"],
                                  cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None, log.read_text(errors="replace")[-3000:]
                assert time.monotonic() < deadline, "the server did not answer within 120 s"
                time.sleep(0.5)
        assert "<html" in page and "Cuneo" in page
        query = "ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query={query}", timeout=30) as response:
            assert b"true" in response.read()
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
