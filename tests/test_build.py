"""Building a dataset version: dumps, checksums, determinism, the store, and failing safely."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph
from pyoxigraph import Store as OxStore
from rdflib import BNode, Dataset, Graph

from cisem_graph.config import Settings
from cisem_graph.errors import LoadError, ValidationFailed
from cisem_graph.graph.pipeline import build
from cisem_graph.graph.sources import load_sources
from cisem_graph.graph.version import CHECKSUMS, CURRENT, open_current

DUMPS = {"cisem.trig": "trig", "cisem.nq": "nquads", "cisem.ttl": "turtle",
         "cisem.nt": "nt", "cisem.jsonld": "json-ld"}

# Broken additions to a copy of the data, each with what the error must name.
BROKEN = {
    "bad-turtle": ('<id/organization/x> <https://schema.org/name> "x" ;\n'
                   '  <https://schema.org/url> <oops .\n',
                   LoadError, "broken.ttl:2"),
    "wrong-datatype": ('@prefix schema: <https://schema.org/> .\n'
                       '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                       '<id/event/impresa-sociale-di-inserimento-lavorativo> '
                       'schema:endDate "lunedì sera"^^xsd:dateTime .\n',
                       ValidationFailed, "impresa-sociale-di-inserimento-lavorativo"),
    "missing-name": ('@prefix schema: <https://schema.org/> .\n'
                     '<id/organization/senza-nome> a schema:Organization ;\n'
                     '  schema:url <https://example.org/> .\n',
                     ValidationFailed, "senza-nome"),
}


def tree(folder: Path) -> dict[str, str]:
    """Every file under a folder with its content hash (symlinks by target)."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "-> " + str(path.readlink())
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def test_build_writes_every_dump_with_its_checksum(built):
    version, _ = built
    sums = dict(reversed(line.split("  ")) for line in (version.path / CHECKSUMS).read_text().splitlines())
    assert set(sums) == set(DUMPS)
    for name in DUMPS:
        assert hashlib.sha256((version.path / name).read_bytes()).hexdigest() == sums[name]


@pytest.mark.parametrize("name, fmt", DUMPS.items())
def test_every_dump_parses_back_to_the_same_triples(built, name, fmt):
    version, _ = built
    reference = Dataset()
    reference.parse(version.path / "cisem.nq", format="nquads")
    parsed = (Dataset() if fmt in ("trig", "nquads", "json-ld") else Graph())
    parsed.parse(version.path / name, format=fmt)
    distinct = {(s, p, o) for s, p, o, _ in reference.quads((None,) * 4)}
    expected = version.triples if isinstance(parsed, Dataset) else len(distinct)
    got = sum(1 for _ in parsed.quads((None,) * 4)) if isinstance(parsed, Dataset) else len(parsed)
    assert got == expected


def test_current_points_at_the_version_and_the_store_holds_every_quad(built):
    version, _ = built
    out = version.path.parent
    assert (out / CURRENT).resolve() == version.path.resolve()
    assert open_current(out).version == version.version
    store = OxStore.read_only(str(version.store_path))
    named = [q for q in store if not isinstance(q.graph_name, DefaultGraph)]
    merged = {(q.subject, q.predicate, q.object) for q in named}
    assert len(named) == version.triples
    assert len(store) - len(named) == len(merged)  # the default graph: the merge, as a set


def test_build_is_deterministic(settings, built, tmp_path):
    first, _ = built
    second, _ = build(settings, tmp_path)
    assert second.version == first.version
    for name in ("cisem.nq", "cisem.nt"):
        assert (second.path / name).read_bytes() == (first.path / name).read_bytes()


def test_changing_the_base_edits_no_file(tmp_path):
    other = "http://example.org/cisem/"
    version, _ = build(Settings(base_iri=other), tmp_path)
    text = (version.path / "cisem.nq").read_text()
    assert f"<{other}id/organization/cisem>" in text
    assert "https://w3id.org/cisem/" not in text


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_file_names_itself_and_leaves_the_output_untouched(project_copy, case):
    turtle, error, named = BROKEN[case]
    settings = Settings(root=project_copy)
    out = project_copy / "dist"
    build(settings, out)
    before = tree(out)
    (project_copy / "data" / "broken.ttl").write_text(turtle, encoding="utf-8")
    with pytest.raises(error) as caught:
        build(settings, out)
    if isinstance(caught.value, ValidationFailed):
        offenders = [f for f in caught.value.findings if f.is_violation]
        assert any(f.file == "data/broken.ttl" and named in f.subject for f in offenders), offenders
    else:
        assert named in caught.value.message
    assert tree(out) == before


STRUCTURED = """
@prefix schema: <https://schema.org/> .
<https://example.org/a> schema:address [ schema:streetAddress "Via Roma 1" ; schema:postalCode "12100" ] ;
    schema:identifier [ schema:propertyID "ISTAT" ; schema:value "004078" ] .
<https://example.org/b> schema:address [ schema:streetAddress "Via Roma 1" ; schema:postalCode "12100" ] .
"""


def test_tree_keys_ignore_the_parsers_labels():
    from cisem_graph.graph.build import tree_keys

    first = Graph().parse(data=STRUCTURED, format="turtle")
    second = Graph().parse(data=STRUCTURED, format="turtle")
    keys1, keys2 = tree_keys(first), tree_keys(second)
    assert keys1 is not None and len(keys1) == 3  # equal addresses of two holders stay two
    assert set(keys1) != set(keys2) and sorted(keys1.values()) == sorted(keys2.values())


@pytest.mark.parametrize("turtle", [
    # one blank node held twice
    "_:x <urn:p> 1 . <urn:a> <urn:q> _:x . <urn:b> <urn:q> _:x .",
    # a cycle
    "_:x <urn:p> _:y . _:y <urn:p> _:x .",
    # two blank nodes nothing tells apart
    "_:x <urn:p> 1 . _:y <urn:p> 1 .",
], ids=["shared", "cycle", "indistinguishable"])
def test_tree_keys_leave_other_shapes_to_rdflib(turtle):
    from cisem_graph.graph.build import tree_keys

    assert tree_keys(Graph().parse(data=turtle, format="turtle")) is None


def test_canonical_labels_are_the_same_for_either_path(settings):
    """Both ways of labelling give every blank node of the shipped data its own label, in order."""
    from cisem_graph.graph.build import canonical_dataset

    ds = canonical_dataset(load_sources(settings))
    labels = sorted({t for q in ds.quads((None,) * 4) for t in q[:3] if isinstance(t, BNode)},
                    key=lambda b: int(str(b)[1:]))
    assert labels and [str(b) for b in labels] == [f"b{i}" for i in range(len(labels))]
