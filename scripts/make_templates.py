"""Write the spreadsheet templates of ``cisem-graph import`` into ``data/templates/``.

One .xlsx (Italian headers, the form Chamber staff fill in Excel or LibreOffice) and one .csv
(English headers, semicolon separated, UTF-8 with a BOM so that Excel opens it right) per kind,
each with the header row and one clearly fictional example row, all from the column tables in
``cisem_graph/importer/kinds.py``. The .xlsx has a second sheet that explains every column. The
output is byte-for-byte reproducible (fixed document dates and zip timestamps), so regenerating
the templates changes nothing unless the column tables changed.

    .venv/bin/python scripts/make_templates.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Font, PatternFill  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.datavalidation import DataValidation  # noqa: E402

from cisem_graph.importer.kinds import ATTENDANCE, KINDS, PLACE_TYPES, STATUS, Kind  # noqa: E402

FIXED = dt.datetime(2021, 6, 14, 0, 0, 0)
#: the choices offered in the xlsx drop-down lists (Italian; English values are accepted too)
DROPDOWNS = {
    ("organizations", "type"): ["organizzazione", "cooperativa", "cooperativa sociale di inserimento "
                                "lavorativo", "cooperativa agricola sociale", "ente pubblico", "comitato",
                                "ente di ricerca", "università", "ong"],
    ("places", "type"): [k for k in PLACE_TYPES if k in ("luogo", "comune", "provincia", "regione", "stato")],
    ("events", "attendance"): [k for k in ATTENDANCE if k in ("online", "in presenza", "mista")],
    ("events", "status"): [k for k in STATUS if k in ("programmato", "annullato", "rinviato",
                                                      "spostato online", "riprogrammato")],
}


def example_cell(kind: Kind, key: str, text: str) -> object:
    """The example as a typed cell where Excel would type it: dates as dates, years as numbers."""
    column = kind.column(key)
    if not text:
        return None
    if column.type == "datetime":
        return dt.datetime.strptime(text, "%d/%m/%Y %H:%M")
    if column.type == "date" and text.count("/") == 2:
        return dt.datetime.strptime(text, "%d/%m/%Y")
    if column.type == "date" and text.isdigit():
        return int(text)
    return text


def xlsx_template(kind: Kind) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind.label_it
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(kind.columns, start=1):
        header = sheet.cell(row=1, column=index, value=column.it)
        header.font, header.fill = bold, fill
        cell = sheet.cell(row=2, column=index, value=example_cell(kind, column.key, column.example))
        if column.type == "datetime":
            cell.number_format = "dd/mm/yyyy hh:mm"
        elif column.type == "date" and isinstance(cell.value, dt.datetime):
            cell.number_format = "dd/mm/yyyy"
        elif column.type == "code":
            cell.number_format = "@"  # text, so that leading zeros stay
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.example or column.it) + 4))
        choices = DROPDOWNS.get((kind.name, column.key))
        if choices:
            validation = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                        allow_blank=True, showErrorMessage=False)
            validation.add(f"{letter}2:{letter}1000")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("Leggimi - Read me")
    help_sheet.append(["colonna", "column", "obbligatoria / required", "che cosa", "what"])
    for cell in help_sheet[1]:
        cell.font, cell.fill = bold, fill
    for column in kind.columns:
        need = ("sempre / always" if column.always else
                "per una nuova risorsa / for a new thing" if column.required else "")
        help_sheet.append([column.it, column.en, need, column.help_it, column.help_en])
    help_sheet.append([])
    help_sheet.append(["La riga 2 del primo foglio è un esempio inventato: sostituirla con dati reali.",
                       "Row 2 of the first sheet is a made-up example: replace it with real data."])
    for letter, width in zip("ABCDE", (22, 22, 24, 70, 70), strict=True):
        help_sheet.column_dimensions[letter].width = width
    workbook.properties.created = workbook.properties.modified = FIXED
    workbook.properties.creator = "cisem-graph"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _reproducible_zip(buffer.getvalue())


def _reproducible_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps: openpyxl stamps the time of writing on the zip
    entries and on the document's ``dcterms:modified`` whatever the properties say."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rb"\g<1>" + FIXED.isoformat().encode() + rb"Z\g<2>", body)
            target.writestr(entry, body)
    return out.getvalue()


def csv_template(kind: Kind) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.en for column in kind.columns])
    writer.writerow([column.example for column in kind.columns])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "templates")
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    for kind in KINDS.values():
        for suffix, body in ((".xlsx", xlsx_template(kind)), (".csv", csv_template(kind))):
            path = out / f"{kind.name}{suffix}"
            if not path.is_file() or path.read_bytes() != body:
                path.write_bytes(body)
                print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
