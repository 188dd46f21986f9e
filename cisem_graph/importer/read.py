"""Read an .xlsx or .csv file into rows of cells, keeping the row numbers people see.

.xlsx is the main path (what Excel and LibreOffice save): it is read with openpyxl, which keeps
typed cells, so a date typed in Excel arrives as a date, not as a string in someone's locale.
.csv comes in the forms Italian offices produce: comma or semicolon separated (Excel in an Italian
locale writes semicolons), UTF-8 with or without a BOM, or Windows-1252 (what "CSV" means in Excel
on Windows). The encoding is detected and reported, never guessed silently: bytes that fit none of
them are errors naming their offset and line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from ..errors import ImportFailed
from .problems import Problem

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
_ZIP_MAGIC = b"PK\x03\x04"
_UTF8_BOM = b"\xef\xbb\xbf"
#: a well-formed UTF-8 multi-byte sequence: its presence next to invalid bytes means mixed encodings
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
#: an .xlsx is a zip: its unpacked parts may be at most this many times the size limit (zip bombs)
XLSX_EXPANSION = 20
#: at most this many undecodable bytes are listed (one line each); the count says how many more
_MAX_BYTE_PROBLEMS = 20


@dataclass(frozen=True)
class Cell:
    """One non-blank cell: its value as the file holds it, and as a person reads it."""

    value: object  # str (csv, xlsx text), int, float, bool, datetime (xlsx)
    text: str
    #: for an xlsx date: whether its number format shows a time (a midnight datetime is ambiguous)
    has_time: bool | None = None


@dataclass(frozen=True)
class Header:
    index: int
    text: str
    letter: str | None = None  # the column letter in an xlsx (A, B, …)


@dataclass
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1 when it is the first row
    cells: dict[int, Cell] = field(default_factory=dict)


@dataclass
class Table:
    file: str
    format: str  # "xlsx" or "csv"
    header_row: int
    headers: list[Header]
    rows: list[Row]
    encoding: str | None = None  # csv: "utf-8-sig", "utf-8" or "cp1252"
    delimiter: str | None = None  # csv: "," or ";"
    #: values found under a column with no header: (column index, letter, first row)
    headless: list[tuple[int, str | None, int]] = field(default_factory=list)


def read_table(path: Path, max_bytes: int, shown: str | None = None) -> Table:
    """Check the size, then read the file; raise ``ImportFailed(unreadable=True)`` if it is no table."""
    shown = shown or path.name
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        _fail(shown, "unreadable", f"il file non si può leggere ({exc.strerror})",
              f"the file cannot be read ({exc.strerror})")
    if size > max_bytes:
        _fail(shown, "too-large",
              f"il file è di {size} byte, oltre il limite di {max_bytes} (impostazione import_max_bytes)",
              f"the file is {size} bytes, over the limit of {max_bytes} (setting import_max_bytes)",
              value=str(size))
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, shown, max_bytes * XLSX_EXPANSION)
    if suffix in CSV_SUFFIXES:
        return read_csv(path, shown)
    _fail(shown, "format",
          f"formato {suffix or '(nessuna estensione)'} non supportato: salvare il foglio come .xlsx "
          "(Excel, LibreOffice) o .csv",
          f"format {suffix or '(no extension)'} is not supported: save the sheet as .xlsx (Excel, "
          "LibreOffice) or .csv")


# -- xlsx -----------------------------------------------------------------------------------------

def read_xlsx(path: Path, shown: str, max_unpacked: int) -> Table:
    """The first worksheet (templates keep their help on a second one), typed cells and all."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic != _ZIP_MAGIC:
        hint_it, hint_en = "", ""
        if magic[:2] == b"\xd0\xcf":
            hint_it = " (sembra un .xls: salvarlo come .xlsx)"
            hint_en = " (it looks like an .xls: save it as .xlsx)"
        _fail(shown, "unreadable", f"non è un file .xlsx valido{hint_it}",
              f"not a valid .xlsx file{hint_en}")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        _fail(shown, "unreadable", f"non è un file .xlsx valido ({exc})", f"not a valid .xlsx file ({exc})")
    if unpacked > max_unpacked:
        _fail(shown, "too-large", f"il file .xlsx si espande a {unpacked} byte, oltre {max_unpacked}",
              f"the .xlsx file unpacks to {unpacked} bytes, over {max_unpacked}", value=str(unpacked))
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles and extensions it ignores; they do not matter here
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                sheets = workbook.worksheets
                if not sheets:
                    _fail(shown, "empty", "il file non ha fogli di lavoro", "the workbook has no worksheet")
                raw_rows = [_xlsx_row(number, cells)
                            for number, cells in enumerate(sheets[0].iter_rows(), start=1)]
            finally:
                workbook.close()
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl raises many types on damaged files; all mean "unreadable"
        _fail(shown, "unreadable", f"il file .xlsx non si può leggere ({type(exc).__name__}: {exc})",
              f"the .xlsx file cannot be read ({type(exc).__name__}: {exc})")
    return _table(shown, "xlsx", raw_rows, letters=get_column_letter)


def _xlsx_row(number: int, cells) -> Row:
    row = Row(number)
    for index, cell in enumerate(cells):
        number = getattr(cell, "row", None) or number
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        has_time = None
        if isinstance(value, dt.datetime):
            fmt = (getattr(cell, "number_format", "") or "").lower()
            has_time = value.time() != dt.time(0) or "h" in fmt
        elif isinstance(value, dt.date):
            value, has_time = dt.datetime.combine(value, dt.time(0)), False
        row.cells[index] = Cell(value, _xlsx_text(value, has_time), has_time)
    row.number = number
    return row


def _xlsx_text(value: object, has_time: bool | None) -> str:
    """The value as the spreadsheet shows it, in the Italian forms people type."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M" if has_time else "%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- csv ------------------------------------------------------------------------------------------

def read_csv(path: Path, shown: str) -> Table:
    data = path.read_bytes()
    text, encoding = decode(data, shown)
    if not text.strip():
        _fail(shown, "empty", "il file è vuoto: serve almeno la riga di intestazione",
              "the file is empty: it needs at least the header row", row=1)
    delimiter = sniff_delimiter(text)
    raw_rows: list[Row] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            row = Row(number)
            for index, value in enumerate(values):
                if value.strip():
                    row.cells[index] = Cell(value.strip(), value.strip())
            raw_rows.append(row)
    except csv.Error as exc:
        _fail(shown, "unreadable", f"CSV non valido alla riga {number + 1}: {exc}",
              f"invalid CSV at row {number + 1}: {exc}", row=number + 1)
    return _table(shown, "csv", raw_rows, encoding=encoding, delimiter=delimiter)


def decode(data: bytes, shown: str) -> tuple[str, str]:
    """UTF-8 with BOM, UTF-8, else Windows-1252; anything else is an error at its byte offset."""
    if data.startswith(_ZIP_MAGIC):
        _fail(shown, "format", "è un file .xlsx (o un altro archivio zip) con estensione .csv: "
              "rinominarlo .xlsx", "this is an .xlsx file (or another zip archive) named .csv: "
              "rename it .xlsx")
    if b"\x00" in data:
        offset = data.index(b"\x00")
        _byte_problems(shown, data, [offset],
                       "byte nullo: non è un file di testo (forse UTF-16: salvare come CSV UTF-8)",
                       "NUL byte: not a text file (UTF-16 perhaps: save as CSV UTF-8)")
    if data.startswith(_UTF8_BOM):
        try:
            return data[len(_UTF8_BOM):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            _byte_problems(shown, data, _invalid_utf8(data),
                           f"il file dichiara UTF-8 (BOM) ma questo byte non lo è ({exc.reason})",
                           f"the file declares UTF-8 (BOM) but this byte is not ({exc.reason})")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data):
        _byte_problems(shown, data, _invalid_utf8(data),
                       "codifiche miste: il file è in parte UTF-8 e questo byte non lo è",
                       "mixed encodings: the file is partly UTF-8 and this byte is not")
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        bad = [i for i, b in enumerate(data) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)]
        _byte_problems(shown, data, bad,
                       "byte non decodificabile: il file non è né UTF-8 né Windows-1252",
                       "undecodable byte: the file is neither UTF-8 nor Windows-1252")


def _invalid_utf8(data: bytes) -> list[int]:
    offsets, start = [], 0
    while len(offsets) <= _MAX_BYTE_PROBLEMS:
        try:
            data[start:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            offsets.append(start + exc.start)
            start += exc.end
    return offsets


def _byte_problems(shown: str, data: bytes, offsets: list[int], it: str, en: str) -> NoReturn:
    """One problem per bad byte, with its offset, line and (counting separators) column."""
    first_line = data.split(b"\n", 1)[0]
    delimiter = sniff_delimiter(first_line.decode("latin-1"))
    headers = [h.strip().strip('"') for h in first_line.decode("utf-8", "replace").split(delimiter)]
    problems = []
    for offset in offsets[:_MAX_BYTE_PROBLEMS]:
        line = data.count(b"\n", 0, offset) + 1
        start = data.rfind(b"\n", 0, offset) + 1
        index = data[start:offset].count(delimiter.encode())
        column = headers[index] if index < len(headers) else None
        value = f"0x{data[offset]:02X}"
        problems.append(Problem(shown, "encoding", {"it": f"{it} (byte {offset}, riga {line})",
                                                    "en": f"{en} (byte {offset}, line {line})"},
                                row=line, column=column, value=value))
    if len(offsets) > _MAX_BYTE_PROBLEMS:
        more = len(offsets) - _MAX_BYTE_PROBLEMS
        problems.append(Problem(shown, "encoding", {"it": f"e altri {more} byte non decodificabili",
                                                    "en": f"and {more} more undecodable bytes"}))
    raise ImportFailed(problems, unreadable=True)


def sniff_delimiter(text: str) -> str:
    """``;`` or ``,``: whichever the header line uses more, outside quotes (comma on a tie)."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {",": 0, ";": 0}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] > counts[","] else ","


# -- both -----------------------------------------------------------------------------------------

def _table(shown: str, fmt: str, raw_rows: list[Row], letters=None, **extra) -> Table:
    """The first non-blank row is the header; blank rows after it are skipped."""
    filled = [row for row in raw_rows if row.cells]
    if not filled:
        _fail(shown, "empty", "il file non contiene righe: serve la riga di intestazione",
              "the file has no rows: it needs the header row", row=1)
    header_row, *data_rows = filled
    headers = [Header(i, cell.text, letters(i + 1) if letters else None)
               for i, cell in sorted(header_row.cells.items())]
    known = {h.index for h in headers}
    headless: dict[int, tuple[int, str | None, int]] = {}
    for row in data_rows:
        for index in row.cells:
            if index not in known and index not in headless:
                headless[index] = (index, letters(index + 1) if letters else None, row.number)
    return Table(shown, fmt, header_row.number, headers, data_rows,
                 headless=sorted(headless.values()), **extra)


def _fail(shown: str, rule: str, it: str, en: str, *, row: int | None = None,
          value: str | None = None) -> NoReturn:
    raise ImportFailed([Problem(shown, rule, {"it": it, "en": en}, row=row, value=value)],
                       unreadable=True)
