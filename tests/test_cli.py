"""The command line: exit codes and messages a person can act on."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cisem_graph.cli import cli


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args))


def test_validate_the_shipped_graph_conforms(run):
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_validate_reports_violations_with_exit_1(run, project_copy):
    (project_copy / "data" / "extra.ttl").write_text(
        "<id/person/anonimo> a <https://schema.org/Person> .\n")
    result = run("--root", str(project_copy), "validate")
    assert result.exit_code == 1
    assert "data/extra.ttl" in result.output and "anonimo" in result.output


def test_validate_names_file_and_line_of_a_syntax_error_with_exit_2(run, project_copy):
    (project_copy / "data" / "extra.ttl").write_text("\n\n<id/person/x> a .\n")
    result = run("--root", str(project_copy), "validate")
    assert result.exit_code == 2
    assert "data/extra.ttl:3" in result.output


def test_build_says_where_the_dumps_are(run, tmp_path):
    result = run("build", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert str(tmp_path) in result.output
