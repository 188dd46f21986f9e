"""``cisem-graph import FILE --kind KIND``: exit 0 imported, 1 rows break the rules, 2 unreadable
file; the encoding detected is said; messages in Italian or English."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cisem_graph.cli import IMPORT_KINDS, cli
from cisem_graph.importer import KINDS

from .conftest import SOURCE, snapshot, write_csv


@pytest.fixture
def run(project):
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None):
        return runner.invoke(cli, ["--root", str(project.root), *args], env=env)

    return invoke


def test_the_cli_offers_every_kind():
    assert IMPORT_KINDS == tuple(KINDS)


def test_a_good_csv_from_italian_excel_is_imported_and_its_encoding_said(run, project, inbox):
    path = write_csv(inbox / "prossimo-webinar.csv", [
        ["Titolo", "Inizio", "Modalità", "Piattaforma", "Fonte"],
        ["Webinar di prova: perché sì (fittizio)", "14/06/2031 18:00", "online", "Zoom", SOURCE],
    ], delimiter=";", encoding="cp1252")
    result = run("import", str(path), "--kind", "events")
    assert result.exit_code == 0, result.output
    assert "encoding Windows-1252, separator ';'" in result.output
    assert "wrote data/import-prossimo-webinar.ttl" in result.output
    assert "cisem-graph build" in result.output
    assert (project.data_dir / "import-prossimo-webinar.ttl").is_file()
    again = run("import", str(path), "--kind", "events", "--lang", "it")
    assert again.exit_code == 0 and "invariato" in again.output


def test_rule_errors_exit_1_with_row_and_column_in_italian(run, project, inbox):
    path = write_csv(inbox / "errori.csv", [
        ["titolo", "inizio", "fonte"],
        ["Webinar impossibile (fittizio)", "31/02/2031 18:00", SOURCE],
        ["", "01/03/2031 18:00", SOURCE],
    ])
    before = snapshot(project.data_dir)
    result = run("import", str(path), "--kind", "events", "--lang", "it")
    assert result.exit_code == 1
    assert "errori.csv, riga 2, colonna 'inizio', valore '31/02/2031 18:00': errore [tipo di valore]" \
        in result.output
    assert "errori.csv, riga 3, colonna 'titolo': errore [valore obbligatorio]" in result.output
    assert "2 errore/i: nulla è stato scritto" in result.output
    assert "Traceback" not in result.output
    assert snapshot(project.data_dir) == before


def test_rule_errors_in_english(run, inbox):
    path = write_csv(inbox / "errors.csv", [["name", "source"], ["", SOURCE]], delimiter=",")
    result = run("import", str(path), "--kind", "places", "--lang", "en")
    assert result.exit_code == 1
    assert "errors.csv, row 2, column 'name': error [required value]" in result.output
    assert "nothing written, data/ is unchanged" in result.output


def test_an_oversized_file_exits_2(run, project, inbox):
    path = write_csv(inbox / "grande.csv", [["nome", "fonte"], ["x" * 100, SOURCE]])
    before = snapshot(project.data_dir)
    result = run("import", str(path), "--kind", "places", env={"CISEM_IMPORT_MAX_BYTES": "50"})
    assert result.exit_code == 2
    assert "file too large" in result.output and "import_max_bytes" in result.output
    assert snapshot(project.data_dir) == before


def test_undecodable_bytes_exit_2(run, inbox):
    path = inbox / "rotto.csv"
    path.write_bytes(b"nome;fonte\nA\x81;x\n")
    result = run("import", str(path), "--kind", "places")
    assert result.exit_code == 2
    assert "rotto.csv, row 2, column 'nome', value '0x81': error [encoding]" in result.output


def test_a_missing_file_or_kind_is_a_usage_error(run, inbox):
    assert run("import", str(inbox / "nessuno.xlsx"), "--kind", "events").exit_code == 2
    path = write_csv(inbox / "x.csv", [["nome", "fonte"], ["A", SOURCE]])
    assert run("import", str(path)).exit_code == 2
    assert run("import", str(path), "--kind", "animals").exit_code == 2
