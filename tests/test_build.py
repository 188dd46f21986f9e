"""Building a dataset version: dumps, checksums, determinism, the store, and failing safely."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from data_files import BASE, METADATA, assert_isomorphic, graphs_of_files, merged, named_graphs
from pyoxigraph import DefaultGraph
from pyoxigraph import Store as OxStore
from rdflib import BNode, Dataset, Graph

from cisem_graph.config import PROJECT_ROOT, Settings
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


@pytest.fixture(scope="module")
def file_graphs() -> dict[str, Graph]:
    return graphs_of_files(PROJECT_ROOT)


@pytest.fixture(scope="module")
def metadata(built) -> Graph:
    """The generated metadata graph, as the N-Quads dump holds it (its content is tested in
    ``tests/web/test_site.py``): the one graph no data file gives."""
    dataset = Dataset()
    dataset.parse(built[0].path / "cisem.nq", format="nquads")
    return named_graphs(dataset)[METADATA]


@pytest.mark.parametrize("name, fmt", DUMPS.items())
def test_every_dump_holds_the_data_files_graph_by_graph(built, file_graphs, metadata, name, fmt):
    """Each named graph of a dataset dump is its data file; a triples dump is their merge."""
    version, _ = built
    if fmt in ("trig", "nquads", "json-ld"):
        dataset = Dataset()
        dataset.parse(version.path / name, format=fmt)
        graphs = named_graphs(dataset)
        assert set(graphs) == {*file_graphs, METADATA}
        for iri, expected in file_graphs.items():
            assert_isomorphic(graphs[iri], expected, f"{name} <{iri}>")
        assert_isomorphic(graphs[METADATA], metadata, f"{name} metadata")
    else:
        dump = Graph().parse(version.path / name, format=fmt)
        assert_isomorphic(dump, merged([*file_graphs.values(), metadata]), f"{name}, the merge")


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


#: Two organizations of example.org sharing one address: a blank node held twice, which the tree
#: keys cannot label, so the build labels this graph with rdflib's canonical algorithm.
SHARED_BLANK_NODE = """@prefix schema: <https://schema.org/> .
<https://example.org/a> schema:address _:seat .
<https://example.org/b> schema:address _:seat .
_:seat a schema:PostalAddress ; schema:addressLocality "Esempio" ; schema:addressCountry "IT" .
"""


@pytest.fixture(scope="module", params=["tree-keys", "rdflib-canonical"])
def labelled(request, tmp_path_factory) -> Path:
    """A project root whose blank nodes are labelled by one of the two ways: the shipped data
    (every blank node a structured value), or a copy with a blank node held twice."""
    if request.param == "tree-keys":
        return PROJECT_ROOT
    root = tmp_path_factory.mktemp("shared-blank-node")
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    (root / "data" / "shared-address.ttl").write_text(SHARED_BLANK_NODE, encoding="utf-8")
    return root


def test_build_is_the_same_bytes_whatever_the_hash_seed(labelled, tmp_path):
    """Two builds in processes of their own, with different ``PYTHONHASHSEED`` (set and dict
    order, hence the order of what rdflib writes): every dump and checksum byte for byte."""
    written = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "CISEM_ROOT": str(labelled),
               "CISEM_DIST_DIR": str(out)}
        run = subprocess.run([sys.executable, "-m", "cisem_graph", "build"], env=env,
                             capture_output=True, timeout=600)
        assert run.returncode == 0, run.stderr.decode(errors="replace")[-3000:]
        current = (out / CURRENT).resolve()
        written.append((current.name, {name: (current / name).read_bytes()
                                       for name in (*DUMPS, CHECKSUMS)}))
    (first, dumps), (second, again) = written
    assert first == second
    for name in dumps:
        assert again[name] == dumps[name], f"{name} differs between hash seeds"


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


def test_canonical_labels_are_the_same_for_either_path(labelled):
    """Both ways of labelling give every blank node its own label, in order, from b0."""
    from cisem_graph.graph.build import canonical_dataset, tree_keys

    sources = load_sources(Settings(root=labelled))
    # the shipped data takes the tree keys only; the copy takes rdflib's way for its one graph
    by_rdflib = {str(g) for g in sources.graph_files if tree_keys(sources.dataset.graph(g)) is None}
    assert by_rdflib == (set() if labelled == PROJECT_ROOT else {f"{BASE}graph/shared-address"})
    ds = canonical_dataset(sources)
    labels = sorted({t for q in ds.quads((None,) * 4) for t in q[:3] if isinstance(t, BNode)},
                    key=lambda b: int(str(b)[1:]))
    assert labels and [str(b) for b in labels] == [f"b{i}" for i in range(len(labels))]


def test_jsonld_order_sorts_the_sets_and_keeps_lists_and_contexts():
    from cisem_graph.formats import ordered_jsonld

    body = {"@context": [{"b": "urn:b"}, {"a": "urn:a"}],
            "@graph": [{"@id": "urn:y", "p": [{"@value": "z"}, {"@value": "a"}], "@type": ["T", "S"]},
                       {"@id": "urn:x", "q": {"@list": [3, 1, 2]}}]}
    assert json.loads(ordered_jsonld(json.dumps(body).encode())) == {
        "@context": [{"b": "urn:b"}, {"a": "urn:a"}],  # a context array is ordered: kept
        "@graph": [{"@id": "urn:x", "q": {"@list": [3, 1, 2]}},  # a list too
                   {"@id": "urn:y", "@type": ["S", "T"], "p": [{"@value": "a"}, {"@value": "z"}]}]}
