"""Live reload against the real server (2 worker processes): queries run in threads while reloads
alternate between good data and bad data. No query fails, every answer comes from one consistent
version (its ``X-Dataset-Version`` and its triple count agree), and the bad data is never served."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.parse
import urllib.request

from click.testing import CliRunner

from cisem_graph.cli import cli
from cisem_graph.config import Settings
from cisem_graph.graph.pipeline import build

TOKEN = "live-reload-token-0123456789"
REMOVED = "lafedelta-2017-09-19.ttl"
BROKEN = ('@prefix schema: <https://schema.org/> .\n'
          '<id/organization/senza-nome> a schema:Organization .\n')
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def ask(url: str) -> tuple[int, str, int]:
    """Status, version header and triple count of one COUNT query."""
    target = url + "/sparql?" + urllib.parse.urlencode({"query": COUNT})
    request = urllib.request.Request(target, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.load(response)
        n = int(body["results"]["bindings"][0]["n"]["value"])
        return response.status, response.headers["X-Dataset-Version"], n


def test_queries_during_alternating_reloads(project_copy, live_server, tmp_path):
    settings = Settings(root=project_copy)
    full, _ = build(settings)  # version A, served first
    removed = tmp_path / REMOVED
    shutil.move(project_copy / "data" / REMOVED, removed)
    fewer, _ = build(settings, tmp_path / "other-dist")  # version B (built elsewhere, same hash)
    shutil.move(removed, project_copy / "data" / REMOVED)
    expected = {full.version: full.triples, fewer.version: fewer.triples}
    assert full.triples != fewer.triples

    env = {"CISEM_ROOT": str(project_copy), "CISEM_DIST_DIR": str(project_copy / "dist"),
           "CISEM_ADMIN_TOKEN": TOKEN, "CISEM_WORKERS": "2"}
    with live_server(**env) as (_, url):
        answers: list[tuple[int, str, int]] = []
        failures: list[str] = []
        stop = threading.Event()

        def query() -> None:
            while not stop.is_set():
                try:
                    answers.append(ask(url))
                except Exception as exc:  # noqa: BLE001 - any failure is the finding
                    failures.append(repr(exc))

        threads = [threading.Thread(target=query) for _ in range(4)]
        for thread in threads:
            thread.start()
        runner = CliRunner()
        outcomes = []
        try:
            for _ in range(3):
                shutil.move(project_copy / "data" / REMOVED, removed)  # good: B
                outcomes.append(runner.invoke(cli, ["reload", "--url", url],
                                              env={"CISEM_ADMIN_TOKEN": TOKEN}))
                (project_copy / "data" / "broken.ttl").write_text(BROKEN)  # bad
                outcomes.append(runner.invoke(cli, ["reload", "--url", url],
                                              env={"CISEM_ADMIN_TOKEN": TOKEN}))
                (project_copy / "data" / "broken.ttl").unlink()
                shutil.move(removed, project_copy / "data" / REMOVED)  # good: A again
                outcomes.append(runner.invoke(cli, ["reload", "--url", url],
                                              env={"CISEM_ADMIN_TOKEN": TOKEN}))
        finally:
            stop.set()
            for thread in threads:
                thread.join(30)

    codes = [(o.exit_code, o.stdout.split(":")[0]) for o in outcomes]
    assert codes == [(0, "switched"), (1, "rejected"), (0, "switched")] * 3, \
        [o.stdout for o in outcomes]
    assert "senza-nome" in outcomes[1].output  # the finding, named
    assert not failures, failures[:5]
    assert len(answers) > 20
    seen = {version for _, version, _ in answers}
    assert seen == set(expected)  # both good versions answered, nothing else
    for status, version, n in answers:
        assert status == 200 and n == expected[version], (version, n)
