"""Fixtures for the importer: a writable copy of the project and spreadsheet writers.

Every test works on ``project_copy`` (a temporary copy of ontology/, data/, shapes/), never on the
repository's own data/. Every value written here is fictional; .xlsx files are made with openpyxl
the way Excel saves them (typed cells: dates are dates, numbers are numbers).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from cisem_graph.config import Settings
from cisem_graph.importer import import_file

#: a fictional source every good row cites
SOURCE = "https://example.org/fonte-fittizia"


def write_xlsx(path: Path, rows: list[list], formats: dict[str, str] | None = None) -> Path:
    """Rows into the first sheet; ``formats`` maps a cell (``"D2"``) to an Excel number format."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for ref, fmt in (formats or {}).items():
        sheet[ref].number_format = fmt
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8",
              bom: bool = False) -> Path:
    text = "\r\n".join(delimiter.join(_quote(v, delimiter) for v in row) for row in rows) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    return path


def _quote(value: str, delimiter: str) -> str:
    if any(c in value for c in (delimiter, '"', "\n")):
        return '"' + value.replace('"', '""') + '"'
    return value


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder with its SHA-256: ``data/`` must stay byte-identical on errors."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def project(project_copy: Path) -> Settings:
    """Settings over a temporary copy of the project (its data/ is the one imports write to)."""
    return Settings(root=project_copy)


@pytest.fixture
def seeded(project: Settings, tmp_path: Path) -> Settings:
    """The copy plus a fictional organization and person, for roles and events to refer to."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    import_file(write_csv(inbox / "seed-organizations.csv", [
        ["slug", "nome", "tipo", "fonte"],
        ["cooperativa-prova", "Cooperativa Prova (fittizia)", "cooperativa", SOURCE],
    ]), "organizations", project)
    import_file(write_csv(inbox / "seed-people.csv", [
        ["slug", "nome", "cognome", "organizzazione", "fonte"],
        ["giulia-prova", "Giulia", "Prova", "Cooperativa Prova (fittizia)", SOURCE],
    ]), "people", project)
    return project


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """Where a test puts the spreadsheets it imports (outside the project copy)."""
    folder = tmp_path / "spreadsheets"
    folder.mkdir(exist_ok=True)
    return folder


Writer = Callable[..., Path]
