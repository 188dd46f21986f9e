"""The templates in data/templates/: one .xlsx and one .csv per kind, reproducible, fictional, and
importable; imported in order (then the README's next-webinar row), built, and answered by the
store over SPARQL. Also: data/templates/ is never read as data, and the README documents it all."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from rdflib import URIRef

from cisem_graph.config import PROJECT_ROOT
from cisem_graph.graph.pipeline import build
from cisem_graph.graph.sources import load_sources
from cisem_graph.importer import KINDS, import_file
from cisem_graph.importer.read import read_table
from cisem_graph.queries import run_local

from .conftest import write_xlsx

TEMPLATES = PROJECT_ROOT / "data" / "templates"
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
BASE = "https://w3id.org/cisem/"
#: the templates refer to each other: places first, events last
ORDER = ("places", "organizations", "people", "roles", "events")
CREATED = {
    "places": "place/borgo-esempio",
    "organizations": "organization/cooperativa-esempio-fittizia",
    "people": "person/maria-esempio",
    "roles": "role/esempio-presidente-cooperativa-esempio-fittizia",
    "events": "event/webinar-esempio-fittizio",
}


def _script():
    path = PROJECT_ROOT / "scripts" / "make_templates.py"
    spec = importlib.util.spec_from_file_location("make_templates", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_kind_has_an_xlsx_and_a_csv_template():
    assert ORDER == tuple(sorted(KINDS, key=ORDER.index)) and set(ORDER) == set(KINDS)
    for kind in KINDS:
        for suffix in (".xlsx", ".csv"):
            assert (TEMPLATES / f"{kind}{suffix}").is_file(), f"{kind}{suffix}"


def test_the_templates_are_what_the_script_makes(tmp_path):
    """Regenerated from the column tables, byte for byte: change kinds.py, rerun the script."""
    assert _script().main(["--out", str(tmp_path)]) == 0
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (TEMPLATES / path.name).read_bytes(), \
            f"{path.name} is stale: run .venv/bin/python scripts/make_templates.py"


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("kind", ORDER)
def test_a_template_has_every_column_and_one_fictional_example_row(kind, suffix):
    table = read_table(TEMPLATES / f"{kind}{suffix}", 20_000_000)
    spec = KINDS[kind]
    assert [spec.match(h.text).key for h in table.headers] == [c.key for c in spec.columns]
    (row,) = table.rows
    texts = {spec.match(h.text).key: row.cells[h.index].text
             for h in table.headers if h.index in row.cells}
    assert texts["source"].startswith("https://example.org/")
    for key in ("name", "role_it"):  # what the example is called says it is made up
        if key in texts and kind != "roles":
            assert "fittizi" in texts[key], texts[key]


def test_templates_are_not_read_as_data(project_copy):
    from cisem_graph.config import Settings

    assert any((project_copy / "data" / "templates").iterdir())
    sources = load_sources(Settings(root=project_copy))
    templates = (project_copy / "data" / "templates").resolve()
    assert all(templates not in path.resolve().parents for path in sources.graph_files.values())
    assert all(path.suffix == ".ttl" for path in sources.graph_files.values())


def _readme_row() -> list[list[str]]:
    """The README's "next webinar as one row" table, header and row."""
    section = README.split("**The next webinar as one row**", 1)[1]
    lines = [line for line in section.splitlines() if line.startswith("|")][:3]
    header, _rule, row = ([cell.strip() for cell in line.strip("|").split("|")] for line in lines)
    return [header, [cell or None for cell in row]]


def _ask(settings, query: str) -> list[dict]:
    answer = run_local(settings, query, "json")
    return json.loads(answer.body)["results"]["bindings"]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_templates_and_the_readme_row_import_build_and_answer_sparql(suffix, project, inbox, tmp_path):
    for kind in ORDER:
        result = import_file(TEMPLATES / f"{kind}{suffix}", kind, project)
        assert result.created == [URIRef(f"{BASE}id/{CREATED[kind]}")], kind
    webinar = write_xlsx(inbox / "next-webinar.xlsx", _readme_row())
    result = import_file(webinar, "events", project)
    assert result.extended == [URIRef(f"{BASE}id/event/bilancio-delle-imprese-sociali")]

    settings = project.replace(dist_dir=tmp_path / "dist")
    version, _ = build(settings)
    assert version.triples > 0
    for kind in ORDER:
        thing = f"{BASE}id/{CREATED[kind]}"
        rows = _ask(settings, f"SELECT ?g ?name WHERE {{ GRAPH ?g {{ <{thing}> ?p ?o }} "
                              f"OPTIONAL {{ <{thing}> <https://schema.org/name> ?name }} }} LIMIT 1")
        assert rows and rows[0]["g"]["value"] == f"{BASE}graph/import-{kind}", kind
    rows = _ask(settings, "SELECT ?start ?g WHERE { GRAPH ?g { "
                          f"<{BASE}id/event/bilancio-delle-imprese-sociali> "
                          "<https://schema.org/startDate> ?start } }")
    assert [(r["start"]["value"], r["g"]["value"]) for r in rows] == \
        [("2031-10-12T17:00:00+02:00", f"{BASE}graph/import-next-webinar")]


def test_the_readme_documents_the_import():
    section = README.split("## Adding data from a spreadsheet", 1)[1].split("\n## ", 1)[0]
    assert "cisem-graph import next-webinar.xlsx --kind events" in section
    assert "cisem-graph build" in section
    for kind in KINDS.values():
        assert f"`{kind.name}`" in section
        for column in kind.columns:
            assert f"`{column.it}`" in section and f"`{column.en}`" in section, (kind.name, column.key)
    assert re.search(r"\| `import_max_bytes` \| `20000000` \|", README)
    assert Path(TEMPLATES).relative_to(PROJECT_ROOT).as_posix() + "/" in section
