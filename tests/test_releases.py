"""``cisem-graph release``: numbered, dated dumps with checksums, a changelog of triples added and
removed per named graph, and the dataset's DCAT version links. Always in a project copy."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from cisem_graph.cli import cli
from cisem_graph.config import Settings
from cisem_graph.errors import ValidationFailed
from cisem_graph.graph.pipeline import make_release
from cisem_graph.graph.releases import MANIFEST, NothingToRelease, read_releases
from cisem_graph.graph.version import open_current
from cisem_graph.namespaces import DCAT3

B = "https://w3id.org/cisem/"
DS = URIRef(f"{B}dataset")
REMOVED = "lafedelta-2017-09-19"
OLD_NAME = '"Comitato Imprenditorialità Sociale E Microcredito"@it'
NEW_NAME = '"Comitato Imprenditorialità Sociale e Microcredito"@it'


@pytest.fixture
def project(project_copy) -> Settings:
    return Settings(root=project_copy)


def file_triples(path: Path) -> int:
    """Triples of one source file, counted by rdflib on the file itself."""
    return len(Graph().parse(path, format="turtle", publicID=B))


def metadata(version) -> Graph:
    ds = Dataset()
    ds.parse(version.dump_path("nq"), format="nquads")
    return ds.graph(URIRef(f"{B}graph/metadata"))


def test_first_release(project):
    result = make_release(project, date(2026, 11, 1))
    release = result.release
    assert (release.number, release.date, result.folder.name) == (1, "2026-11-01", "2026-11-01-r1")
    data_files = sorted((project.root / "data").glob("*.ttl"))
    for path in data_files:
        assert release.graphs[path.stem]["triples"] == file_triples(path)
    assert release.triples == sum(g["triples"] for g in release.graphs.values())
    # the dumps are those of the current version, with checksums that hold
    sums = dict(line.split("  ")[::-1] for line in (result.folder / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {"cisem.jsonld", "cisem.nq", "cisem.nq.gz", "cisem.nt", "cisem.trig", "cisem.ttl"}
    for name, digest in sums.items():
        assert hashlib.sha256((result.folder / name).read_bytes()).hexdigest() == digest
    assert open_current(project.dist_dir).version == result.version.version
    assert "First release" in (project.releases_dir / "CHANGELOG.md").read_text()
    meta = metadata(result.version)
    assert meta.value(DS, DCAT3.version) == Literal("1")
    assert meta.value(DS, DCTERMS.modified) == Literal("2026-11-01", datatype=XSD.date)
    assert meta.value(DS, DCAT3.previousVersion) is None


def test_same_data_releases_nothing(project):
    make_release(project, date(2026, 11, 1))
    before = (project.releases_dir / MANIFEST).read_bytes()
    with pytest.raises(NothingToRelease, match="release 1"):
        make_release(project, date(2026, 11, 2))
    assert (project.releases_dir / MANIFEST).read_bytes() == before
    assert not (project.releases_dir / "2026-11-02-r2").exists()


def change_data(root: Path) -> int:
    """Drop one source file and correct one name: return the dropped file's triples."""
    dropped = file_triples(root / "data" / f"{REMOVED}.ttl")
    (root / "data" / f"{REMOVED}.ttl").unlink()
    press = root / "data" / "press-release-2021-06-10.ttl"
    text = press.read_text(encoding="utf-8")
    assert text.count(OLD_NAME) == 1
    press.write_text(text.replace(OLD_NAME, NEW_NAME), encoding="utf-8")
    return dropped


def test_changelog_counts_added_and_removed_per_graph(project):
    first = make_release(project, date(2026, 11, 1))
    dropped = change_data(project.root)
    second = make_release(project, date(2026, 11, 20))
    notes = second.changelog
    assert "## Release 2 — 2026-11-20" in notes and "Since release 1 (2026-11-01)" in notes
    assert f"| `{REMOVED}` (removed) | +0 | −{dropped} | {dropped} → 0 |" in notes
    assert "| `press-release-2021-06-10` | +1 | −1 | 198 → 198 |" in notes
    assert "camera-di-commercio-cuneo" not in notes  # unchanged graphs are not listed
    assert second.release.triples == first.release.triples - dropped
    log = (project.releases_dir / "CHANGELOG.md").read_text()
    assert log.index("Release 2") < log.index("Release 1")
    meta = metadata(second.version)
    assert meta.value(DS, DCAT3.version) == Literal("2")
    assert meta.value(DS, DCAT3.previousVersion) == URIRef(f"{B}dataset#release-1")
    assert set(meta.objects(DS, DCAT3.hasVersion)) == {URIRef(f"{B}dataset#release-{n}")
                                                       for n in (1, 2)}
    assert [r.number for r in read_releases(project.releases_dir)] == [1, 2]


def test_changelog_without_the_previous_dumps(project):
    import shutil

    first = make_release(project, date(2026, 11, 1))
    shutil.rmtree(first.folder)  # a fresh clone: manifest and changelog only
    dropped = change_data(project.root)
    notes = make_release(project, date(2026, 11, 20)).changelog
    assert "not in this folder" in notes
    assert "| `press-release-2021-06-10` | ? | ? | 198 → 198 |" in notes
    assert f"| `{REMOVED}` (removed) | +0 | −{dropped} |" in notes


def test_bad_data_releases_nothing(project):
    make_release(project, date(2026, 11, 1))
    before = (project.releases_dir / MANIFEST).read_bytes()
    current = open_current(project.dist_dir).version
    (project.root / "data" / "broken.ttl").write_text(
        '@prefix schema: <https://schema.org/> .\n<id/organization/senza-nome> a schema:Organization .\n')
    with pytest.raises(ValidationFailed):
        make_release(project, date(2026, 11, 20))
    assert (project.releases_dir / MANIFEST).read_bytes() == before
    assert open_current(project.dist_dir).version == current
    assert sorted(p.name for p in project.releases_dir.iterdir()) == \
        ["2026-11-01-r1", "CHANGELOG.md", MANIFEST]


def test_release_command(project):
    env = {"CISEM_ROOT": str(project.root)}
    runner = CliRunner()
    first = runner.invoke(cli, ["release", "--date", "2026-11-01"], env=env)
    assert first.exit_code == 0, first.output
    assert "release 1 (2026-11-01)" in first.stdout
    again = runner.invoke(cli, ["release"], env=env)
    assert again.exit_code == 0 and "nothing to release" in again.stdout
    (project.root / "data" / "broken.ttl").write_text("<id/x> <oops .\n")
    broken = runner.invoke(cli, ["release"], env=env)
    assert broken.exit_code == 2 and "broken.ttl" in broken.output
    manifest = json.loads((project.releases_dir / MANIFEST).read_text())
    assert [r["number"] for r in manifest["releases"]] == [1]


def test_unreadable_manifest_is_a_clear_error(project):
    project.releases_dir.mkdir()
    (project.releases_dir / MANIFEST).write_text("{not json")
    result = CliRunner().invoke(cli, ["release"], env={"CISEM_ROOT": str(project.root)})
    assert result.exit_code == 2 and "manifest.json" in result.output
    assert "Traceback" not in result.output
