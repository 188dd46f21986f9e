"""Spreadsheets for the staff area's tests: every row is made up and says so ("fittizio"), its
source on example.org; nothing here is a fact about the network."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

SOURCE = "https://example.org/fonte-fittizia"
HEADERS = ["titolo", "inizio", "fine", "modalità", "organizzatore", "fonte"]
#: a new event, organized by CISeM (which exists in data/): its IRI is made from the title
GOOD_ROW = ["Webinar di prova (fittizio)", "14/06/2031 18:00", "14/06/2031 20:00", "online", "cisem",
            SOURCE]
GOOD_SLUG = "webinar-di-prova-fittizio"
#: the same with a day February never has
BAD_DATE = "31/02/2031 18:00"
BAD_ROW = ["Webinar impossibile (fittizio)", BAD_DATE, "", "online", "cisem", SOURCE]


def csv_bytes(rows: list[list[str]]) -> bytes:
    return ("\r\n".join(";".join(row) for row in rows) + "\r\n").encode("utf-8")


def good_csv() -> bytes:
    return csv_bytes([HEADERS, GOOD_ROW])


def bad_csv() -> bytes:
    return csv_bytes([HEADERS, BAD_ROW])


def write_xlsx(path: Path, rows: list[list], *, formulas: dict[str, str] | None = None) -> Path:
    """Rows into the first sheet (as Excel saves typed cells); ``formulas`` puts a formula in a
    cell (openpyxl saves no computed value for it, as a program that never ran Excel would)."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for ref, formula in (formulas or {}).items():
        sheet[ref] = formula
    workbook.save(path)
    return path
