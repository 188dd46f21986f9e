"""``cisem-graph query NAME|FILE``: on the built graph in every format, on a real endpoint (the
real ``cisem-graph serve`` on loopback), and its exit codes (2 a bad query or
parameter, 1 a failed endpoint), never a traceback. Expected rows come from the press release."""

from __future__ import annotations

import csv
import io
import json
import socket

import pytest
from click.testing import CliRunner
from rdflib import SDO, Graph, URIRef, Variable
from rdflib.query import Result

from cisem_graph.cli import cli

BASE = "https://w3id.org/cisem/"
ID = f"{BASE}id/"
# From the source: Durando (CISeM), Borzaga (Euricse) and the two cooperatives speak.
SPEAKERS = {f"{ID}person/alessandro-durando", f"{ID}person/carlo-borzaga",
            f"{ID}organization/il-laboratorio", f"{ID}organization/cascina-pensolato"}
SHORT_SPEAKERS = {"person:alessandro-durando", "person:carlo-borzaga",
                  "organization:il-laboratorio", "organization:cascina-pensolato"}


@pytest.fixture
def run(dist_dir):
    runner = CliRunner()
    return lambda *args, env=None: runner.invoke(
        cli, list(args), env={"CISEM_DIST_DIR": str(dist_dir), **(env or {})})


def speakers(stdout: str, fmt: str) -> set[str]:
    if fmt == "csv":
        return {row["speaker"] for row in csv.DictReader(io.StringIO(stdout))}
    result = Result.parse(io.BytesIO(stdout.encode("utf-8")), format=fmt)
    return {str(row[Variable("speaker")]) for row in result.bindings}


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_a_canned_query_in_each_format(run, fmt):
    result = run("query", "event-speakers", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert speakers(result.stdout, fmt) == SPEAKERS


def test_the_table_is_aligned_and_written_short(run):
    result = run("query", "event-speakers")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    header, rule, *rows, count = lines
    assert header.split() == ["event", "eventName", "start", "speaker", "speakerName",
                              "organization", "organizationName", "role", "roleName"]
    assert set(rule) == {"-", " "}
    assert count == "(4 rows)"
    column = header.index("speaker")
    assert rule[column - 2:column] == "  " and rule[column] == "-"
    assert {row[column:].split()[0] for row in rows} == SHORT_SPEAKERS


def test_parameters_bind_values(run):
    result = run("query", "people-roles", "--param", "organization=cisem", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["person"], r["roleName"]) for r in rows] == [
        (f"{ID}person/alessandro-durando", "Presidente")]
    year = run("query", "timeline", "-p", "year=2008", "--format", "json")
    dates = json.loads(year.stdout)["results"]["bindings"]
    # Euricse founded in 2008, Borzaga its President from 2008
    assert {(b["thing"]["value"], b["date"]["value"]) for b in dates} == {
        (f"{ID}organization/euricse", "2008"), (f"{ID}role/borzaga-presidente-euricse", "2008")}


@pytest.mark.parametrize("args, says", [
    (["--param", "organization=cisem> } ; DROP ALL #"], "organization"),
    (["--param", "bogus=1"], "no parameter by that name"),
    (["--param", "organization"], "NAME=VALUE"),
])
def test_a_bad_parameter_exits_2_with_a_message(run, args, says):
    result = run("query", "people-roles", *args)
    assert result.exit_code == 2
    assert says in result.stderr and result.stdout == ""
    assert "Traceback" not in result.output


def test_an_unknown_name_exits_2_naming_the_queries(run):
    result = run("query", "no-such-query")
    assert result.exit_code == 2
    assert "event-speakers" in result.stderr and "Traceback" not in result.output


def test_a_query_file(run, tmp_path):
    path = tmp_path / "organizers.rq"
    path.write_text("SELECT DISTINCT ?organizer WHERE { ?e schema:organizer ?organizer }\n")
    result = run("query", str(path), "--format", "csv")
    assert result.exit_code == 0, result.output
    assert [r["organizer"] for r in csv.DictReader(io.StringIO(result.stdout))] == [
        f"{ID}organization/cisem"]


def test_a_bad_query_file_exits_2_with_line_and_column(run, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("SELECT ?x WHERE {\n  ?x ?y\n}\n")
    result = run("query", str(path))
    assert result.exit_code == 2
    assert "error:" in result.stderr and "Traceback" not in result.output
    missing = run("query", str(tmp_path / "missing.rq"))
    assert missing.exit_code == 2 and "no such query file" in missing.stderr


def test_builds_the_graph_first_when_there_is_none(tmp_path):
    result = CliRunner().invoke(cli, ["query", "series-events", "--format", "csv"],
                                env={"CISEM_DIST_DIR": str(tmp_path / "dist")})
    assert result.exit_code == 0, result.output
    assert "building it first" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    # the dated webinar first (14 June 2021, 18:00), the two undated ones last
    assert rows[0]["start"] == "2021-06-14T18:00:00+02:00"
    assert [r["start"] for r in rows[1:]] == ["", ""]


# -- on a real endpoint ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def endpoint(live_server):
    with live_server(CISEM_WORKERS="1") as (_, url):
        yield f"{url}/sparql"


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_a_canned_query_on_an_endpoint(run, endpoint, fmt):
    result = run("query", "event-speakers", "--endpoint", endpoint, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert speakers(result.stdout, fmt) == SPEAKERS


def test_a_table_and_parameters_on_an_endpoint(run, endpoint):
    result = run("query", "people-roles", "--endpoint", endpoint, "-p", "person=carlo-borzaga")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "(2 rows)"
    assert "periodical:impresa-sociale" in result.stdout and "organization:euricse" in result.stdout


def test_the_endpoint_refusing_the_query_exits_2(run, endpoint, tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text("SELECT ?x WHERE {\n  ?x ?y\n}\n")
    result = run("query", str(path), "--endpoint", endpoint)
    assert result.exit_code == 2
    assert "refused the query" in result.stderr and "Traceback" not in result.output


def test_an_endpoint_that_does_not_answer_exits_1(run):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("query", "timeline", "--endpoint", f"http://127.0.0.1:{port}/sparql")
    assert result.exit_code == 1
    assert "cannot query" in result.stderr and "Traceback" not in result.output


def test_a_graph_on_an_endpoint_comes_as_turtle(run, endpoint, tmp_path):
    path = tmp_path / "speakers.rq"
    path.write_text("PREFIX schema: <https://schema.org/>\n"
                    "CONSTRUCT { ?o schema:name ?n } WHERE { ?o schema:name ?n "
                    "FILTER(?o = <https://w3id.org/cisem/id/organization/euricse>) }\n")
    result = run("query", str(path), "--endpoint", endpoint)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="turtle")
    names = {str(name) for name in graph.objects(URIRef(f"{ID}organization/euricse"), SDO.name)}
    assert any("Euricse" in name for name in names)


def test_an_endpoint_answering_404_exits_1(run, endpoint):
    result = run("query", "timeline", "--endpoint", endpoint.replace("/sparql", "/no-such-endpoint"))
    assert result.exit_code == 1
    assert "answered 404" in result.stderr and "Traceback" not in result.output


def test_an_endpoint_that_is_not_a_url_exits_2(run):
    result = run("query", "timeline", "--endpoint", "file:///etc/passwd")
    assert result.exit_code == 2 and "http(s)" in result.stderr
