"""Building a dataset version: dumps, checksums, determinism, the store, and failing safely."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from data_files import BASE, METADATA, assert_isomorphic, graphs_of_files, merged, named_graphs
from pyoxigraph import BlankNode, DefaultGraph, NamedNode, RdfFormat, parse, serialize
from pyoxigraph import Store as OxStore
from rdflib import Dataset, Graph

from cisem_graph.config import PROJECT_ROOT, Settings
from cisem_graph.errors import LoadError, ValidationFailed
from cisem_graph.graph.build import relabel, tree_keys
from cisem_graph.graph.pipeline import build
from cisem_graph.graph.sources import load_sources
from cisem_graph.graph.version import CHECKSUMS, CURRENT, open_current

DUMPS = {"cisem.trig": "trig", "cisem.nq": "nquads", "cisem.ttl": "turtle",
         "cisem.nt": "nt", "cisem.jsonld": "json-ld", "cisem.nq.gz": "nquads"}

# Broken additions to a copy of the data, each with what the error must name.
BROKEN = {
    "bad-turtle": ('<id/organization/x> <https://schema.org/name> "x" ;\n'
                   '  <https://schema.org/url> <oops .\n',
                   LoadError, "data/broken.ttl:2:28: Turtle syntax error"),
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
    body = (version.path / name).read_bytes()
    body = gzip.decompress(body) if name.endswith(".gz") else body
    if fmt in ("trig", "nquads", "json-ld"):
        dataset = Dataset()
        dataset.parse(data=body, format=fmt)
        graphs = named_graphs(dataset)
        assert set(graphs) == {*file_graphs, METADATA}
        for iri, expected in file_graphs.items():
            assert_isomorphic(graphs[iri], expected, f"{name} <{iri}>")
        assert_isomorphic(graphs[METADATA], metadata, f"{name} metadata")
    else:
        dump = Graph().parse(data=body, format=fmt)
        assert_isomorphic(dump, merged([*file_graphs.values(), metadata]), f"{name}, the merge")


def _quads(version, name: str, fmt: RdfFormat) -> set[str]:
    """A dump read by pyoxigraph, blank-node labels as written: quads (or triples) as strings."""
    body = (version.path / name).read_bytes()
    body = gzip.decompress(body) if name.endswith(".gz") else body
    return {str(q) for q in parse(body, fmt)}


@pytest.mark.parametrize("name, fmt", [("cisem.nq.gz", RdfFormat.N_QUADS), ("cisem.trig", RdfFormat.TRIG),
                                       ("cisem.jsonld", RdfFormat.JSON_LD)])
def test_every_dataset_dump_holds_the_same_quads(built, name, fmt):
    version, _ = built
    reference = _quads(version, "cisem.nq", RdfFormat.N_QUADS)
    assert len(reference) == version.triples
    assert _quads(version, name, fmt) == reference


@pytest.mark.parametrize("name, fmt", [("cisem.nt", RdfFormat.N_TRIPLES), ("cisem.ttl", RdfFormat.TURTLE)])
def test_every_graph_dump_holds_the_merge(built, name, fmt):
    version, _ = built
    merge = {str(q.triple) for q in parse(path=str(version.path / "cisem.nq"), format=RdfFormat.N_QUADS)}
    assert {str(q.triple) for q in parse((version.path / name).read_bytes(), fmt)} == merge


def test_trig_writes_each_graph_once(built):
    version, _ = built
    blocks = [line for line in (version.path / "cisem.trig").read_text().splitlines() if line.endswith("{")]
    quads = parse(path=str(version.path / "cisem.nq"), format=RdfFormat.N_QUADS)
    graphs = {q.graph_name.value for q in quads}
    assert len(blocks) == len(set(blocks)) == len(graphs)


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
#: keys cannot label, so the build labels this graph with RDFC-1.0.
SHARED_BLANK_NODE = """@prefix schema: <https://schema.org/> .
<https://example.org/a> schema:address _:seat .
<https://example.org/b> schema:address _:seat .
_:seat a schema:PostalAddress ; schema:addressLocality "Esempio" ; schema:addressCountry "IT" .
"""


@pytest.fixture(scope="module", params=["tree-keys", "rdfc"])
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


def triples(turtle: str) -> list:
    return [q.triple for q in parse(turtle.encode(), RdfFormat.TURTLE, rename_blank_nodes=True)]


def test_tree_keys_ignore_the_parsers_labels():
    first, second = tree_keys(triples(STRUCTURED)), tree_keys(triples(STRUCTURED))
    assert first is not None and len(first) == 3  # equal addresses of two holders stay two
    assert set(first) != set(second) and sorted(first.values()) == sorted(second.values())


@pytest.mark.parametrize("turtle", [
    # one blank node held twice
    "_:x <urn:p> 1 . <urn:a> <urn:q> _:x . <urn:b> <urn:q> _:x .",
    # a cycle
    "_:x <urn:p> _:y . _:y <urn:p> _:x .",
    # two blank nodes nothing tells apart
    "_:x <urn:p> 1 . _:y <urn:p> 1 .",
], ids=["shared", "cycle", "indistinguishable"])
def test_tree_keys_leave_other_shapes_to_rdfc(turtle):
    assert tree_keys(triples(turtle)) is None
    lines = serialize(triples(turtle), format=RdfFormat.N_TRIPLES).splitlines()
    again = serialize(triples(turtle), format=RdfFormat.N_TRIPLES).splitlines()
    assert sorted(relabel(lines, "urn:g")) == sorted(relabel(again, "urn:g"))  # labels: canonical


def test_a_changed_address_leaves_the_other_labels_alone():
    """A label depends on its holder and content only: the changelog of a release, which compares
    graphs line by line, shows what changed and nothing else."""
    lines = serialize(triples(STRUCTURED), format=RdfFormat.N_TRIPLES).splitlines()
    changed = serialize(triples(STRUCTURED.replace('"004078"', '"004079"')),
                        format=RdfFormat.N_TRIPLES).splitlines()
    before, after = set(relabel(lines, "urn:g")), set(relabel(changed, "urn:g"))
    assert len(before - after) == len(after - before) == 3  # the identifier and its two values


def test_every_blank_node_gets_its_own_label(built):
    """The shipped data's blank nodes (addresses, identifiers, virtual locations), each labelled
    once, in its own graph only."""
    version, _ = built
    graphs_of: dict[str, set[str]] = {}
    for quad in parse(path=str(version.path / "cisem.nq"), format=RdfFormat.N_QUADS):
        for term in (quad.subject, quad.object):
            if isinstance(term, BlankNode):
                graphs_of.setdefault(term.value, set()).add(quad.graph_name.value)
    assert graphs_of and all(len(graphs) == 1 for graphs in graphs_of.values())


def test_canonical_labels_for_either_path(labelled):
    """Both ways of labelling give every blank node a label of its own, in its graph only: the
    shipped data takes the tree keys only; the copy takes RDFC-1.0 for its one graph."""
    sources = load_sources(Settings(root=labelled))

    def triples(graph: str) -> list:
        return [q.triple for q in sources.store.quads_for_pattern(None, None, None, NamedNode(graph))]

    by_rdfc = {g for g in sources.graph_files if tree_keys(triples(g)) is None}
    assert by_rdfc == (set() if labelled == PROJECT_ROOT else {f"{BASE}graph/shared-address"})
    from cisem_graph.graph.build import canonical_lines

    lines, _ = canonical_lines(sources)
    graphs_of: dict[str, set[bytes]] = {}
    for quad in parse(b"".join(lines), RdfFormat.N_QUADS):
        for term in (quad.subject, quad.object):
            if isinstance(term, BlankNode):
                graphs_of.setdefault(term.value, set()).add(quad.graph_name.value)
    parsed = {term.value for q in sources.store for term in (q.subject, q.object)
              if isinstance(term, BlankNode)}
    assert len(graphs_of) == len(parsed) > 0  # one label for each blank node parsed
    assert all(len(graphs) == 1 for graphs in graphs_of.values())


LEXICAL = """\
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<id/thing/x> <https://schema.org/position> "01"^^xsd:integer ;
    <https://schema.org/price> "1.50"^^xsd:decimal ;
    <https://schema.org/isAccessibleForFree> "1"^^xsd:boolean .
"""


def test_dumps_keep_literals_as_written_and_the_store_keeps_values(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "n.ttl").write_text(LEXICAL, encoding="utf-8")
    settings = Settings(root=tmp_path, ontology_dir=tmp_path / "none", shapes_dir=PROJECT_ROOT / "shapes")
    version, _ = build(settings, tmp_path / "dist")
    dumped = {q.object.value for q in parse(path=str(version.path / "cisem.nq"), format=RdfFormat.N_QUADS)
              if q.subject.value.endswith("/id/thing/x")}
    assert dumped == {"01", "1.50", "1"}
    store = OxStore.read_only(str(version.store_path))
    stored = {q.object.value for q in store.quads_for_pattern(NamedNode(BASE + "id/thing/x"), None, None)}
    assert stored == {"1", "1.5", "true"}
