"""Incremental validation: after a change to some data files, validate only what it can affect.

A conforming validation's findings are kept in a cache file beside the dataset versions, with each
data file's hash and the nodes it mentions (one with violations writes nothing, so a failed build
leaves ``dist/`` as it was). On the next validation with the same shapes, ontology,
base and code, only the changed files' nodes (before and after the change) and the nodes within
the shapes' *reach* of them are validated again (pyshacl's focus nodes); every other finding is
taken from the cache. No file changed: no SHACL at all.

The reach is read from the shapes: how many steps of a property path a shape takes from its focus
node before it looks at a node's own statements (``sh:class`` reads the type of a value one step
away; an inverse path reaches back one step; nested ``sh:node`` / ``sh:qualifiedValueShape``
shapes add their own paths). A focus node's findings can only change if a statement of a node
within that many steps changed, in either direction, so the validated set is: the subjects of the
changed files and the nodes within ``reach`` steps of them, and the other nodes those files
mention (an edge added or removed is seen from both ends). ``rdf:type`` objects (classes) are not
followed: a class's own statements are ontology, and a change to the ontology or the shapes
revalidates everything.

pyshacl takes only IRIs as focus nodes, so a changed file with blank nodes that a shape targets
(a ``schema:PostalAddress``, a ``schema:PropertyValue`` identifier) is validated in full.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict
from importlib.metadata import version as package_version
from pathlib import Path

from rdflib import RDF, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDFS, SH
from rdflib.term import Node

from ..config import Settings
from .sources import Sources, load_shapes, turtle_files
from .validate import Finding, ordered, validate

CACHE = ".validation.json"
#: the reach of a path that can take any number of steps
UNBOUNDED = 10**6


def shape_reach(shapes: Graph) -> int:
    """The most steps any shape's property paths take from its focus node (at least 1)."""

    def path_length(path: Node) -> int:
        if isinstance(path, URIRef):
            return 1
        if (path, RDF.first, None) in shapes:  # a sequence path
            return sum(path_length(step) for step in Collection(shapes, path))
        for key in (SH.inversePath, SH.zeroOrOnePath):
            inner = shapes.value(path, key)
            if inner is not None:
                return path_length(inner)
        inner = shapes.value(path, SH.alternativePath)
        if inner is not None:
            return max(path_length(step) for step in Collection(shapes, inner))
        return UNBOUNDED  # zeroOrMore / oneOrMore: revalidate everything

    def reach(shape: Node, seen: frozenset) -> int:
        if shape in seen:
            return 0
        seen = seen | {shape}
        best = 0
        nested = [*shapes.objects(shape, SH.node), *shapes.objects(shape, SH.qualifiedValueShape)]
        best = max([best, *(reach(n, seen) for n in nested)])
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            inner = [*shapes.objects(prop, SH.node), *shapes.objects(prop, SH.qualifiedValueShape)]
            deeper = max([0, *(reach(n, seen) for n in inner)])
            best = max(best, (path_length(path) if path is not None else 0) + deeper)
        path = shapes.value(shape, SH.path)  # a property shape of its own
        if path is not None:
            best = max(best, path_length(path))
        return best

    roots = {s for s in shapes.subjects(RDF.type, SH.NodeShape)} | \
        {s for s in shapes.subjects(RDF.type, SH.PropertyShape)}
    return max([1, *(reach(shape, frozenset()) for shape in roots)])


def _digest(paths: Iterable[Path], *extra: str) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for text in extra:
        h.update(text.encode() + b"\0")
    return h.hexdigest()


def _key(settings: Settings) -> str:
    """What every finding depends on besides the data: shapes, ontology, base, our code, pyshacl."""
    code = Path(__file__).with_name("validate.py")
    return _digest([*turtle_files(settings.shapes_dir), *turtle_files(settings.ontology_dir), code,
                    Path(__file__)], settings.base_iri, package_version("pyshacl"))


def _targets(shapes: Graph, ontology: Graph) -> tuple[set[Node], set[Node], set[Node]]:
    """The classes (with their subclasses), subject-of and object-of predicates shapes target."""
    classes = set(shapes.objects(None, SH.targetClass))
    classes |= {s for s, _, o in shapes.triples((None, RDF.type, None))
                if o in (RDFS.Class, OWL.Class) and (s, RDF.type, SH.NodeShape) in shapes}
    grown = True
    while grown:
        more = {s for c in classes for s in ontology.subjects(RDFS.subClassOf, c)} - classes
        classes |= more
        grown = bool(more)
    return (classes, set(shapes.objects(None, SH.targetSubjectsOf)),
            set(shapes.objects(None, SH.targetObjectsOf)))


def _has_targeted_blank_nodes(graph: Graph, targets: tuple[set[Node], set[Node], set[Node]]) -> bool:
    """Whether a shape targets a blank node of this file (pyshacl takes only IRIs as focus nodes,
    so such a file is validated in full when it changes)."""
    classes, subjects_of, objects_of = targets
    for s, p, o in graph:
        if isinstance(s, BNode) and (p in subjects_of or (p == RDF.type and o in classes)):
            return True
        if isinstance(o, BNode) and p in objects_of:
            return True
    return False


def _nodes(graph: Graph) -> tuple[set[str], set[str]]:
    """IRIs a data file states something about, and the other IRIs it mentions (no classes)."""
    subjects = {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    others = {str(o) for _, p, o in graph if isinstance(o, URIRef) and p != RDF.type}
    return subjects, others - subjects


def _ball(graph: Graph, seeds: set[URIRef], steps: int) -> set[URIRef]:
    """The nodes within ``steps`` edges of ``seeds``, either direction, ``rdf:type`` not followed."""
    found, frontier = set(seeds), set(seeds)
    for _ in range(steps):
        nxt = set()
        for node in frontier:
            nxt.update(o for p, o in graph.predicate_objects(node)
                       if p != RDF.type and isinstance(o, (URIRef, BNode)))
            nxt.update(s for s, p in graph.subject_predicates(node) if p != RDF.type)
        frontier = nxt - found
        found |= frontier
        if not frontier:
            break
    return found


def validate_with_cache(sources: Sources, settings: Settings, cache: Path) -> tuple[list[Finding], str]:
    """Findings as a full validation would give them, and how they were made: ``"cached"`` (no file
    changed), ``"partial: N nodes"`` or ``"full"``."""
    shapes = load_shapes(settings)
    files = {sources.display_path(path): (graph_id, path)
             for graph_id, path in sources.graph_files.items()}
    data = {name: (graph_id, path) for name, (graph_id, path) in files.items()
            if Path(path).parent.resolve() == Path(settings.data_dir).resolve()}
    hashes = {name: hashlib.sha256(Path(path).read_bytes()).hexdigest() for name, (_, path) in data.items()}
    key = _key(settings)
    old = _read(cache)
    nodes = {}
    targets = _targets(shapes, sources.rdflib_dataset.graph(URIRef(sources.ontology_graph)))
    for name, (graph_id, _) in data.items():
        graph = sources.rdflib_dataset.graph(URIRef(graph_id))
        subjects, others = _nodes(graph)
        nodes[name] = {"subjects": sorted(subjects), "others": sorted(others),
                       "blank_targets": _has_targeted_blank_nodes(graph, targets)}

    if old is None or old.get("key") != key:
        findings, how = validate(sources, settings, shapes), "full"
    else:
        changed = {n for n in set(hashes) | set(old["files"]) if hashes.get(n) != old["files"].get(n)}
        reach = shape_reach(shapes)
        blank = any(record.get("blank_targets") for name in changed
                    for record in (old["nodes"].get(name), nodes.get(name)) if record)
        if not changed:
            findings, how = [Finding(**f) for f in old["findings"]], "cached"
        elif blank or reach >= UNBOUNDED:
            findings, how = validate(sources, settings, shapes), "full"
        else:
            subjects, others = set(), set()
            for name in changed:
                for record in (old["nodes"].get(name), nodes.get(name)):
                    if record:
                        subjects.update(record["subjects"])
                        others.update(record["others"])
            union = sources.rdflib_union
            focus = {n for n in _ball(union, {URIRef(s) for s in subjects}, reach)
                     if isinstance(n, URIRef)}
            focus |= {URIRef(o) for o in others}
            fresh = validate(sources, settings, shapes, focus_nodes=sorted(map(str, focus)))
            kept = [Finding(**f) for f in old["findings"]
                    if (f["focus"] and URIRef(f["focus"]) not in focus)
                    or (not f["focus"] and f["file"] not in changed)]
            findings = ordered([*kept, *fresh])
            how = f"partial: {len(focus)} of {len(set(union.subjects()))} nodes"
    if not any(f.is_violation for f in findings):  # a failed build leaves dist/ as it was
        _write(cache, {"key": key, "files": hashes, "nodes": nodes,
                       "findings": [asdict(f) for f in findings]})
    return findings, how


def _read(cache: Path) -> dict | None:
    try:
        return json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(cache: Path, content: dict) -> None:
    """Atomically; a cache that cannot be written only costs the next validation its speed."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".validation-", dir=cache.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(content, out, ensure_ascii=False)
        os.replace(tmp, cache)
    except OSError:
        pass
