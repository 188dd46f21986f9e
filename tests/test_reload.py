"""Reload: a new version is built and validated beside the served one and switched in only if it
conforms; a refused reload leaves ``current`` as it was and says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from oxiserver import Oxigraph, free_port

from cisem_graph.cli import cli
from cisem_graph.config import Settings
from cisem_graph.errors import PublishBusy
from cisem_graph.graph.pipeline import build
from cisem_graph.graph.version import CURRENT, open_current
from cisem_graph.lock import held
from cisem_graph.push import StoreEndpoints, read_publication
from cisem_graph.reload import (
    REJECTED,
    SWITCHED,
    UNCHANGED,
    ban_caches,
    last_report,
    reload_dataset,
)

REMOVED = "data/lafedelta-2017-09-19.ttl"
MISSING_NAME = ('@prefix schema: <https://schema.org/> .\n'
                '<id/organization/senza-nome> a schema:Organization ;\n'
                '  schema:url <https://example.org/> .\n')


def copy_settings(root: Path, **changes) -> Settings:
    return Settings(root=root, **changes)


@pytest.fixture
def served(project_copy) -> Settings:
    """A project copy with its first version built and current."""
    settings = copy_settings(project_copy)
    build(settings)
    return settings


def current(settings: Settings) -> str:
    return open_current(settings.dist_dir).version


def test_changed_data_switches(served):
    before = current(served)
    (served.root / REMOVED).unlink()
    report = reload_dataset(served)
    assert report.status == SWITCHED and report.ok
    assert report.previous == before and report.version == current(served) != before
    assert last_report(served.dist_dir)["status"] == SWITCHED
    assert (served.dist_dir / before).is_dir()  # the old version stays until pruned


def test_same_data_is_unchanged(served):
    before = current(served)
    report = reload_dataset(served)
    assert (report.status, report.version) == (UNCHANGED, before)
    # the shipped data has 6 warnings (two webinars without date, place and mode); reported
    assert len(report.findings) == 6 and all(f["severity"] == "Warning" for f in report.findings)


@pytest.mark.parametrize(("content", "needle"), [
    (MISSING_NAME, "senza-nome"),
    ('<id/organization/x> <https://schema.org/name> "x" ;\n  <https://schema.org/url> <oops .\n',
     "broken.ttl:2"),
], ids=["violation", "syntax"])
def test_bad_data_keeps_the_served_version(served, content, needle):
    before = current(served)
    link = (served.dist_dir / CURRENT).readlink()
    (served.root / "data" / "broken.ttl").write_text(content, encoding="utf-8")
    report = reload_dataset(served)
    assert report.status == REJECTED and not report.ok
    assert report.version == before and (served.dist_dir / CURRENT).readlink() == link
    text = report.message + " ".join(str(f) for f in report.findings)
    assert needle in text and before in report.message
    if needle == "senza-nome":
        bad = [f for f in report.findings if f["severity"] == "Violation"]
        assert bad and bad[0]["file"].endswith("broken.ttl")
        assert bad[0]["messages"]["it"] and bad[0]["messages"]["en"]
    assert last_report(served.dist_dir)["status"] == REJECTED


def test_one_reload_at_a_time(served):
    with held(served, "a publish of the test"):
        with pytest.raises(PublishBusy, match="a publish of the test"):
            reload_dataset(served)
    assert reload_dataset(served).ok  # free again


@pytest.mark.usefixtures("oxigraph_cli")
def test_remote_reload_pushes_before_switching(served, tmp_path):
    oxi = Oxigraph(tmp_path / "db").start()
    try:
        remote = served.replace(store_query_url=oxi.url, store_update_url=oxi.base + "/update",
                                store_gsp_url=oxi.base + "/store")
        ends = StoreEndpoints.from_settings(remote)
        first = reload_dataset(remote)  # the data has not changed, but the store gets it
        assert first.status == UNCHANGED
        assert read_publication(ends, 10).version == current(served)
        (served.root / REMOVED).unlink()
        report = reload_dataset(remote)
        assert report.status == SWITCHED
        assert read_publication(ends, 10).version == report.version == current(served)
    finally:
        oxi.stop()


def test_remote_push_failure_switches_nothing(served):
    dead = f"http://127.0.0.1:{free_port()}"
    remote = served.replace(store_query_url=dead + "/query", store_update_url=dead + "/update",
                            store_gsp_url=dead + "/store")
    before = current(served)
    (served.root / REMOVED).unlink()
    report = reload_dataset(remote)
    assert report.status == "failed" and "push" in report.message
    assert current(served) == before


def test_the_reload_command_says_when_no_server_answers():
    url = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    result = CliRunner().invoke(cli, ["reload", "--url", url], env={"CISEM_ADMIN_TOKEN": "t" * 32})
    assert result.exit_code == 2
    assert f"cannot reach {url}/admin/reload" in result.stderr and "Traceback" not in result.output


def test_caches_that_cannot_be_told_are_named_with_why():
    url = f"http://127.0.0.1:{free_port()}/"
    [said] = ban_caches((url,), "v1", timeout=2)
    assert said.startswith(url) and "cannot be reached" in said
