"""What is refused before the importer reads an upload: names that are not plain file names,
types other than .xlsx and .csv, macro workbooks; and the formulas of the sheet, counted."""

from __future__ import annotations

import zipfile

import pytest

from cisem_graph.errors import UploadRefused
from cisem_graph.staff.spreadsheet import inspect_workbook, upload_name

from .sheets import GOOD_ROW, HEADERS, write_xlsx


@pytest.mark.parametrize("name", ["prossimo webinar.xlsx", "Eventi 2031 (fittizi).csv",
                                  "città-ok.CSV"])
def test_plain_names_pass(name):
    assert upload_name(name) == name


@pytest.mark.parametrize("name", [
    "../../data/evil.csv", "..\\..\\evil.csv", "/etc/passwd.csv", "data/x.csv", ".hidden.csv",
    "a..b.csv", "nul\x00byte.csv", "line\nbreak.csv", "tab\t.csv", "", "x" * 121 + ".csv",
    "semi;colon.csv", "<script>.csv",
], ids=lambda n: repr(n)[:24])
def test_path_traversal_and_strange_names_are_refused(name):
    with pytest.raises(UploadRefused) as refused:
        upload_name(name)
    assert refused.value.status == 400
    assert {p.rule for p in refused.value.problems} == {"file-name"}
    assert all(p.messages["it"] and p.messages["en"] for p in refused.value.problems)


@pytest.mark.parametrize("name, status, rule", [
    ("macro.xlsm", 415, "macros"), ("macro.XLSM", 415, "macros"), ("binary.xlsb", 415, "macros"),
    ("old.xls", 415, "format"), ("program.exe", 415, "format"), ("picture.png", 415, "format"),
    ("noextension", 415, "format"), ("sheet.ods", 415, "format"),
])
def test_other_types_are_refused_with_what_to_do(name, status, rule):
    with pytest.raises(UploadRefused) as refused:
        upload_name(name)
    problem = refused.value.problems[0]
    assert refused.value.status == status and problem.rule == rule
    assert ".xlsx" in problem.messages["it"] and ".xlsx" in problem.messages["en"]


def test_an_xlsx_carrying_a_vba_project_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "innocent.xlsx", [HEADERS, GOOD_ROW])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run, only found")
    with pytest.raises(UploadRefused) as refused:
        inspect_workbook(path, path.name)
    assert refused.value.status == 415 and refused.value.problems[0].rule == "macros"


def test_formulas_of_the_first_sheet_are_counted_and_unsaved_ones_told(tmp_path):
    path = write_xlsx(tmp_path / "formule.xlsx", [HEADERS, GOOD_ROW],
                      formulas={"G2": '=CONCATENATE("a";"b")', "H2": "=1+1"})
    found = inspect_workbook(path, path.name)
    # openpyxl writes formulas without a computed value, as Excel would never leave them
    assert (found.cells, found.unsaved) == (2, 2)
    plain = write_xlsx(tmp_path / "valori.xlsx", [HEADERS, GOOD_ROW])
    assert inspect_workbook(plain, plain.name).cells == 0


def test_a_saved_formula_value_is_not_unsaved(tmp_path):
    """A sheet as Excel saves it: the formula and its value (the XML written by hand)."""
    path = write_xlsx(tmp_path / "excel.xlsx", [HEADERS, GOOD_ROW])
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b"</sheetData>", b'<row r="3"><c r="A3" t="str"><f>UPPER("x")</f><v>X</v></c></row></sheetData>')
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    found = inspect_workbook(path, path.name)
    assert (found.cells, found.unsaved) == (1, 0)


def test_a_damaged_workbook_is_left_to_the_importer(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is no zip")
    assert inspect_workbook(path, path.name).cells == 0
