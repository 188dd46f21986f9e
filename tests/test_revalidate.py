"""Incremental validation finds exactly what a full validation finds, after each kind of change,
while validating only the nodes a change can affect (and nothing when no file changed)."""

from __future__ import annotations

import pytest

from cisem_graph.config import Settings
from cisem_graph.graph.revalidate import UNBOUNDED, shape_reach, validate_with_cache
from cisem_graph.graph.sources import load_shapes, load_sources
from cisem_graph.graph.validate import validate


def as_set(findings) -> set[tuple]:
    return {(f.severity, f.file, f.subject, f.path, f.message, f.focus) for f in findings}


def replace(root, name: str, old: str, new: str) -> None:
    path = root / "data" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def add(root, name: str, text: str) -> None:
    (root / "data" / name).write_text("@prefix schema: <https://schema.org/> .\n"
                                      "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + text,
                                      encoding="utf-8")


CHANGES = {
    # a new file with a node that breaks a rule
    "new-violation": lambda root: add(root, "zz-nuovo.ttl",
                                      "<id/organization/senza-nome> a schema:Organization .\n"),
    # a statement in another file about a node of the press release: a warning goes away
    "fix-warning-elsewhere": lambda root: add(
        root, "zz-data.ttl", '<id/event/bilancio-delle-imprese-sociali> schema:startDate '
        '"2031-01-01T18:00:00+01:00"^^xsd:dateTime .\n'),
    # a place made to hold a role: the role, described in an unchanged file, now has something
    # that is not an organization pointing schema:member at it
    "inverse-edge-from-elsewhere": lambda root: add(
        root, "zz-ruolo.ttl", "<id/place/cuneo> schema:member <id/role/durando-presidente-cisem> .\n"),
    # Dronero stops being a place: Il Laboratorio, in another (unchanged) file, now points its
    # schema:location at something that is not a schema:Place (this file has identifiers as blank
    # nodes that shapes target: validated in full)
    "type-removed-elsewhere": lambda root: replace(root, "comuni-istat.ttl",
                                                   "place:dronero a schema:City, schema:Place ;",
                                                   "place:dronero"),
    "file-removed": lambda root: (root / "data" / "lafedelta-2017-09-19.ttl").unlink(),
    "name-changed": lambda root: replace(root, "press-release-2021-06-10.ttl",
                                         '"Comitato Imprenditorialità Sociale E Microcredito"@it',
                                         '"Comitato Imprenditorialità Sociale e Microcredito"@it'),
}


#: changes to files with blank nodes that shapes target (pyshacl takes only IRIs as focus nodes)
FULL = {"type-removed-elsewhere", "name-changed"}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_partial_equals_full(change, project_copy, tmp_path):
    settings = Settings(root=project_copy)
    cache = tmp_path / "validation.json"
    first, how = validate_with_cache(load_sources(settings), settings, cache)
    assert how == "full"
    CHANGES[change](project_copy)
    sources = load_sources(settings)
    findings, how = validate_with_cache(sources, settings, cache)
    full = validate(load_sources(settings), settings)
    assert as_set(findings) == as_set(full)
    if change in FULL:
        assert how == "full"
    else:
        assert how.startswith("partial: ")
        checked, total = (int(n) for n in how.removeprefix("partial: ").split(" nodes")[0].split(" of "))
        assert checked < total / 4
    if change == "type-removed-elsewhere":  # the finding is on a node of an unchanged file
        assert any(f.is_violation and f.subject.endswith("il-laboratorio") for f in findings)
    if change == "inverse-edge-from-elsewhere":
        assert any(f.is_violation and f.subject.endswith("durando-presidente-cisem") for f in findings)
    if change in ("new-violation", "type-removed-elsewhere", "inverse-edge-from-elsewhere"):
        assert as_set(findings) != as_set(first)


def test_nothing_changed_runs_no_shacl(project_copy, tmp_path, monkeypatch):
    settings = Settings(root=project_copy)
    cache = tmp_path / "validation.json"
    first, _ = validate_with_cache(load_sources(settings), settings, cache)

    def no_shacl(*args, **kwargs):
        raise AssertionError("pyshacl ran")

    monkeypatch.setattr("pyshacl.validate", no_shacl)
    again, how = validate_with_cache(load_sources(settings), settings, cache)
    assert how == "cached" and as_set(again) == as_set(first) and len(again) == 6


def test_changed_shapes_revalidate_everything(project_copy, tmp_path):
    settings = Settings(root=project_copy)
    cache = tmp_path / "validation.json"
    validate_with_cache(load_sources(settings), settings, cache)
    shapes = project_copy / "shapes" / "cisem-shapes.ttl"
    shapes.write_text(shapes.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    _, how = validate_with_cache(load_sources(settings), settings, cache)
    assert how == "full"


def test_a_broken_cache_means_a_full_validation(project_copy, tmp_path):
    settings = Settings(root=project_copy)
    cache = tmp_path / "validation.json"
    cache.write_text("{not json")
    findings, how = validate_with_cache(load_sources(settings), settings, cache)
    assert how == "full" and len(findings) == 6


def test_reach_of_the_shipped_shapes(settings):
    """Our shapes look one step from their focus node (sh:class on values, inverse paths)."""
    assert shape_reach(load_shapes(settings)) == 1


def test_reach_follows_sequence_and_nested_shapes():
    from rdflib import Graph

    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:A a sh:NodeShape ; sh:property [ sh:path ( ex:p ex:q ) ;
            sh:node [ sh:property [ sh:path [ sh:inversePath ex:r ] ] ] ] .
        ex:B a sh:NodeShape ; sh:property [ sh:path [ sh:zeroOrMorePath ex:s ] ] .
    """, format="turtle")
    assert shape_reach(shapes) >= UNBOUNDED  # an unbounded path: everything is revalidated
    shapes.remove((None, None, None))
    shapes.parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:A a sh:NodeShape ; sh:property [ sh:path ( ex:p ex:q ) ;
            sh:node [ sh:property [ sh:path [ sh:inversePath ex:r ] ] ] ] .
    """, format="turtle")
    assert shape_reach(shapes) == 3
