"""What the staff area checks of an uploaded file before the importer reads it: its name, its kind
of file, and, for a workbook, macros and formulas.

The importer reads the first sheet of an ``.xlsx`` with the values Excel saved for its formulas
(openpyxl's ``data_only``): a formula is never computed here. The page says so, and how many
formula cells were read, and warns about formulas that have no saved value at all (a file written
by a program and never opened in Excel), which read as empty cells. A macro workbook (``.xlsm``, or
an ``.xlsx`` carrying a VBA project) is refused: nothing in it is ever run, but such a file should
not travel through a publishing tool, and the templates never need one.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.etree.ElementTree import ParseError, iterparse

from ..errors import UploadRefused
from ..importer import Problem

ACCEPTED = (".xlsx", ".csv")
#: Excel's macro-enabled, binary and legacy formats: refused with a word on how to save instead
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb")
LEGACY_SUFFIXES = (".xls", ".xlt", ".ods", ".numbers")
MAX_NAME = 120
_SAFE = re.compile(r"^[\w][\w .()+,&'-]*$")

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

#: rule names of the refusals made here, beside the importer's
RULES = {
    "file-name": {"it": "nome del file", "en": "file name"},
    "kind": {"it": "tipo di righe", "en": "kind of rows"},
    "macros": {"it": "macro", "en": "macros"},
    "format": {"it": "formato non supportato", "en": "unsupported format"},
}


def refuse(name: str, rule: str, it: str, en: str, status: int = 400) -> UploadRefused:
    return UploadRefused([Problem(name, rule, {"it": it, "en": en})], status=status)


def upload_name(raw: str | None) -> str:
    """The uploaded file's name, if it is a plain file name of an accepted kind.

    Browsers send a bare name; one with a folder in it, ``..``, a control character or a leading dot
    is not what a person picked in a file dialog, and is refused rather than cleaned up."""
    name = unicodedata.normalize("NFC", raw or "")
    shown = name[:MAX_NAME] or "?"
    if not name.strip():
        raise refuse(shown, "file-name", "nessun file scelto", "no file chosen")
    if ("/" in name or "\\" in name or ".." in name or name.startswith(".") or len(name) > MAX_NAME
            or any(unicodedata.category(c)[0] == "C" for c in name) or not _SAFE.match(name)):
        raise refuse(shown, "file-name",
                     "nome di file non accettato: solo lettere, cifre, spazi e . _ - ( ), senza "
                     "cartelle, fino a 120 caratteri; rinominare il file",
                     "file name not accepted: letters, digits, spaces and . _ - ( ) only, no "
                     "folders, up to 120 characters; rename the file")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise refuse(name, "macros",
                     f"i file {suffix} (cartelle di lavoro con macro o binarie) non sono accettati: "
                     "salvare il foglio come .xlsx (Cartella di lavoro di Excel) o .csv",
                     f"{suffix} files (macro-enabled or binary workbooks) are not accepted: save the "
                     "sheet as .xlsx (Excel Workbook) or .csv", status=415)
    if suffix not in ACCEPTED:
        hint_it = hint_en = ""
        if suffix in LEGACY_SUFFIXES:
            hint_it, hint_en = " (salvarlo come .xlsx)", " (save it as .xlsx)"
        raise refuse(name, "format",
                     f"formato {suffix or '(nessuna estensione)'} non supportato{hint_it}: si "
                     "accettano .xlsx e .csv",
                     f"format {suffix or '(no extension)'} is not supported{hint_en}: .xlsx and "
                     ".csv are accepted", status=415)
    return name


@dataclass(frozen=True)
class Formulas:
    """Formula cells of the sheet the importer reads: how many, and how many had no saved value."""

    cells: int = 0
    unsaved: int = 0


def inspect_workbook(path, name: str) -> Formulas:
    """Refuse a workbook with a VBA project; count the formulas of its first sheet.

    A file that is no zip, or a damaged one, is left to the importer, which says why it cannot be
    read; only what can be told here is told here."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            types = _read(archive, "[Content_Types].xml")
            if any(n.lower().endswith("vbaproject.bin") for n in names) or \
                    b"macroenabled" in types.lower():
                raise refuse(name, "macros",
                             "il file contiene macro (VBA): salvarlo come .xlsx senza macro "
                             "(Cartella di lavoro di Excel)",
                             "the file contains macros (VBA): save it as an .xlsx without macros "
                             "(Excel Workbook)", status=415)
            sheet = _first_sheet(archive)
            if sheet is None or sheet not in names:
                return Formulas()
            return _count_formulas(archive, sheet)
    except (zipfile.BadZipFile, OSError, ParseError, KeyError, ValueError):
        return Formulas()


def _read(archive: zipfile.ZipFile, member: str) -> bytes:
    try:
        return archive.read(member)
    except KeyError:
        return b""


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part of the workbook's first sheet (what openpyxl's ``worksheets[0]`` is)."""
    first = None
    with archive.open("xl/workbook.xml") as part:
        for _event, element in iterparse(part):
            if element.tag == f"{_MAIN}sheet":
                first = element.get(f"{_REL}id")
                break
    if first is None:
        return None
    with archive.open("xl/_rels/workbook.xml.rels") as part:
        for _event, element in iterparse(part):
            if element.tag == f"{_PKG_REL}Relationship" and element.get("Id") == first:
                target = element.get("Target", "")
                return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _count_formulas(archive: zipfile.ZipFile, sheet: str) -> Formulas:
    cells = unsaved = 0
    with archive.open(sheet) as part:
        for _event, element in iterparse(part):
            if element.tag == f"{_MAIN}c":
                if element.find(f"{_MAIN}f") is not None:
                    cells += 1
                    value = element.find(f"{_MAIN}v")
                    if value is None or not (value.text or "").strip():
                        unsaved += 1
                element.clear()
            elif element.tag == f"{_MAIN}row":
                element.clear()
    return Formulas(cells, unsaved)
