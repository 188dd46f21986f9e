"""Reading spreadsheets: the encodings and separators Italian offices produce, typed .xlsx cells,
row numbers as the spreadsheet shows them, and files that are no table at all."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from cisem_graph.errors import ImportFailed
from cisem_graph.importer.read import read_table

from .conftest import write_csv, write_xlsx

LIMIT = 20_000_000
ROWS = [["nome", "descrizione", "fonte"],
        ["Società Esempio (fittizia)", "Perché sì, però: ‘fittizia’ €", "x"]]


@pytest.mark.parametrize("encoding, bom, delimiter, detected", [
    ("utf-8", False, ";", "utf-8"),
    ("utf-8", True, ";", "utf-8-sig"),
    ("utf-8", False, ",", "utf-8"),
    ("cp1252", False, ";", "cp1252"),  # what Excel's "CSV (separato da ;)" writes on Windows
])
def test_csv_encodings_and_separators_are_detected(tmp_path, encoding, bom, delimiter, detected):
    path = write_csv(tmp_path / "a.csv", ROWS, delimiter=delimiter, encoding=encoding, bom=bom)
    table = read_table(path, LIMIT)
    assert (table.format, table.encoding, table.delimiter) == ("csv", detected, delimiter)
    assert [h.text for h in table.headers] == ROWS[0]
    row = table.rows[0]
    assert row.number == 2
    assert [c.text for c in row.cells.values()] == ROWS[1]


def test_a_quoted_separator_does_not_confuse_the_sniffer(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('"nome; con punto e virgola",fonte\nA,b\n', encoding="utf-8")
    table = read_table(path, LIMIT)
    assert table.delimiter == "," and table.headers[0].text == "nome; con punto e virgola"


def test_blank_rows_are_skipped_but_keep_the_numbering(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("nome;fonte\n\nA;x\n;\nB;y\n", encoding="utf-8")
    table = read_table(path, LIMIT)
    assert [(r.number, r.cells[0].text) for r in table.rows] == [(3, "A"), (5, "B")]


def test_a_cell_with_a_line_break_is_one_row(tmp_path):
    path = write_csv(tmp_path / "m.csv", [["nome", "relatori"], ["A", "uno\ndue"], ["B", "tre"]])
    table = read_table(path, LIMIT)
    assert [r.number for r in table.rows] == [2, 3]
    assert table.rows[0].cells[1].text == "uno\ndue"


@pytest.mark.parametrize("data, offsets, rows", [
    (b"nome;fonte\nA;x\nB\x81;y\n", [16], [3]),  # not UTF-8, and 0x81 is no Windows-1252 character
    (b"nome;fonte\n\x8d;x\n\x9d;y\n", [11, 15], [2, 3]),  # every one is listed
])
def test_undecodable_bytes_are_named_by_offset_and_row(tmp_path, data, offsets, rows):
    path = tmp_path / "u.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFailed) as failed:
        read_table(path, LIMIT)
    problems = failed.value.problems
    assert failed.value.unreadable
    assert [p.row for p in problems] == rows
    assert [p.column for p in problems] == ["nome"] * len(rows)
    for problem, offset in zip(problems, offsets, strict=True):
        assert problem.rule == "encoding" and f"byte {offset}" in problem.messages["en"]


def test_mixed_utf8_and_windows_1252_is_an_error_not_mojibake(tmp_path):
    path = tmp_path / "mix.csv"
    path.write_bytes("nome;fonte\nSocietà;x\n".encode() + "Città;y\n".encode("cp1252"))
    with pytest.raises(ImportFailed) as failed:
        read_table(path, LIMIT)
    (problem,) = failed.value.problems
    assert problem.row == 3 and "mixed" in problem.messages["en"] and problem.value == "0xE0"


def test_a_bom_that_lies_is_an_error(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfnome;fonte\nCitt\xe0;x\n")
    with pytest.raises(ImportFailed) as failed:
        read_table(path, LIMIT)
    assert failed.value.problems[0].row == 2


def test_utf16_is_refused_with_advice(tmp_path):
    path = tmp_path / "w.csv"
    path.write_bytes("nome;fonte\n".encode("utf-16"))
    with pytest.raises(ImportFailed) as failed:
        read_table(path, LIMIT)
    assert "UTF-16" in failed.value.problems[0].messages["en"]


def test_xlsx_cells_keep_their_types_and_letters(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", [
        ["titolo", "inizio", "giorno", "codice", None, "fonte"],
        [],
        ["Webinar (fittizio)", dt.datetime(2031, 6, 14, 18, 0), dt.date(2031, 6, 14), 4078, None, "x"],
    ], formats={"B3": "dd/mm/yyyy hh:mm", "C3": "dd/mm/yyyy"})
    table = read_table(path, LIMIT)
    assert table.format == "xlsx" and table.encoding is None
    assert [(h.text, h.letter) for h in table.headers] == [
        ("titolo", "A"), ("inizio", "B"), ("giorno", "C"), ("codice", "D"), ("fonte", "F")]
    (row,) = table.rows
    assert row.number == 3
    assert row.cells[1].value == dt.datetime(2031, 6, 14, 18, 0) and row.cells[1].has_time
    assert row.cells[1].text == "14/06/2031 18:00"
    assert row.cells[2].has_time is False and row.cells[2].text == "14/06/2031"
    assert row.cells[3].value == 4078 and row.cells[3].text == "4078"


def test_values_under_no_header_are_noticed(tmp_path):
    path = write_xlsx(tmp_path / "h.xlsx", [["nome", None, "fonte"], ["A", "perso", "x"]])
    table = read_table(path, LIMIT)
    assert table.headless == [(1, "B", 2)]


def test_only_the_first_sheet_is_read(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["nome", "fonte"])
    workbook.create_sheet("Leggimi").append(["istruzioni", "non dati"])
    workbook.save(tmp_path / "two.xlsx")
    table = read_table(tmp_path / "two.xlsx", LIMIT)
    assert [h.text for h in table.headers] == ["nome", "fonte"]


@pytest.mark.parametrize("name, data, rule, hint", [
    ("vecchio.xlsx", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "unreadable", ".xls"),  # an old .xls renamed
    ("rotto.xlsx", b"PK\x03\x04 not really a zip", "unreadable", ".xlsx"),
    ("foglio.ods", b"PK\x03\x04", "format", ".xlsx"),
    ("foglio.xls", b"\xd0\xcf\x11\xe0", "format", ".csv"),
    ("dati.csv", b"PK\x03\x04zip inside", "format", ".xlsx"),
])
def test_files_that_are_no_table_are_refused(tmp_path, name, data, rule, hint):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ImportFailed) as failed:
        read_table(path, LIMIT)
    (problem,) = failed.value.problems
    assert failed.value.unreadable and problem.rule == rule and hint in problem.messages["en"]


def test_a_zip_without_a_workbook_is_unreadable(tmp_path):
    path = tmp_path / "z.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ImportFailed) as failed:
        read_table(path, LIMIT)
    assert failed.value.problems[0].rule == "unreadable"


def test_the_size_is_checked_before_anything_is_read(tmp_path, monkeypatch):
    path = write_csv(tmp_path / "big.csv", [["nome", "fonte"], ["x" * 200, "y"]])

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr("builtins.open", no_reading)
    with pytest.raises(ImportFailed) as failed:
        read_table(path, 100)
    assert failed.value.problems[0].rule == "too-large"


def test_an_xlsx_that_unpacks_far_beyond_the_limit_is_refused(tmp_path):
    rows = [["nome", "fonte"]] + [[f"{i} " + "a" * 30_000, "x"] for i in range(20)]
    path = write_xlsx(tmp_path / "bomba.xlsx", rows)  # 600 kB of text, a few kB zipped
    size = path.stat().st_size
    with pytest.raises(ImportFailed) as failed:
        read_table(path, size + 1)  # the file itself is within the limit
    (problem,) = failed.value.problems
    assert problem.rule == "too-large" and "unpacks" in problem.messages["en"]
