"""Build a dataset version: parse, validate, then write dumps and the store the server opens.

A version is content-addressed (a hash of its canonical N-Quads) and written beside the others
under ``dist/<version>/``; ``dist/current`` is switched to it only once everything is written, so
a failed build leaves the output folder as it was and a running server keeps what it serves.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize
from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph

from .config import Settings
from .errors import LoadError, ValidationFailed
from .formats import by_name
from .metadata import DUMP_FORMATS, DUMP_NAME, describe_dataset
from .namespaces import bind_prefixes, project_prefixes
from .progress import Steps
from .releases import Release, read_releases, releases_key
from .revalidate import CACHE as VALIDATION_CACHE
from .revalidate import validate_with_cache
from .sources import Sources, load_sources
from .store.embedded import write_store
from .validate import Finding, violations

__all__ = ["DatasetVersion", "build", "load_sources", "open_current", "Sources"]

CURRENT = "current"
MANIFEST = "manifest.json"
STORE_DIR = "store"
CHECKSUMS = "SHA256SUMS"
KEEP_VERSIONS = 3


@dataclass(frozen=True)
class DatasetVersion:
    """One immutable, validated version of the dataset on disk."""

    version: str
    path: Path
    base_iri: str
    triples: int
    files: dict[str, str] = field(default_factory=dict)  # dump file name -> sha256
    #: when this version was first written (UTC, ISO 8601): Last-Modified and dct:modified
    created: str = ""

    @property
    def store_path(self) -> Path:
        return self.path / STORE_DIR

    def dump_path(self, extension: str) -> Path:
        return self.path / f"{DUMP_NAME}.{extension}"


@dataclass
class Prepared:
    """Sources parsed, validated and relabelled canonically: what a version is made of."""

    sources: Sources
    findings: list[Finding]
    canonical: Dataset
    #: the sorted canonical N-Quads of the sources (metadata not yet added): the content
    nquads: bytes

    @property
    def content(self) -> str:
        """The content hash: equal data, equal hash, whatever the releases say."""
        return hashlib.sha256(self.nquads).hexdigest()


BUILD_STEPS = ["parse", "validate", "canonical blank nodes", "dumps", "store"]


def build(settings: Settings, out: Path | None = None, *,
          switch: bool = True) -> tuple[DatasetVersion, list[Finding]]:
    """Parse, validate and write a new dataset version; return it with the (warning) findings.

    ``switch=False`` writes the version beside the others without pointing ``current`` at it
    (a reload pushes it to a remote store first, then calls ``publish``)."""
    with Steps(BUILD_STEPS, "build") as steps:
        prepared = prepare(settings, steps)
        written = finish(prepared, settings, out, read_releases(settings.releases_dir),
                         switch=switch, steps=steps)
    return written, prepared.findings


def prepare(settings: Settings, steps: Steps | None = None) -> Prepared:
    """Parse and validate (``ValidationFailed`` on any violation), then relabel canonically."""
    step = steps.step if steps else (lambda _name: None)
    step("parse")
    sources = load_sources(settings)
    step("validate")
    findings, _ = validate_with_cache(sources, settings, Path(settings.dist_dir) / VALIDATION_CACHE)
    if violations(findings):
        raise ValidationFailed(findings)
    step("canonical blank nodes")
    canonical = canonical_dataset(sources)
    return Prepared(sources, findings, canonical, nquads(canonical))


def finish(prepared: Prepared, settings: Settings, out: Path | None, releases: list[Release], *,
           switch: bool = True, steps: Steps | None = None) -> DatasetVersion:
    """Describe the dataset (with its releases), write the dumps and the store.

    The version is a hash of the content and of the release record, so a release, which changes
    the metadata graph, makes a version of its own."""
    step = steps.step if steps else (lambda _name: None)
    version = hashlib.sha256(prepared.nquads + releases_key(releases)).hexdigest()[:16]
    canonical = prepared.canonical
    metadata = describe_dataset(prepared.sources, version,
                                releases=releases, content=prepared.content)
    add_graph(canonical, metadata)
    step("dumps")
    dumps = serialize_dumps(canonical, settings.base_iri)
    triples = sum(len(g) for g in canonical.graphs()
                  if g.identifier != canonical.default_graph.identifier)
    step("store")
    return write_version(Path(out or settings.dist_dir), version, settings.base_iri, triples,
                         dumps, switch=switch)


def canonical_dataset(sources: Sources) -> Dataset:
    """The sources with blank nodes relabelled canonically, so equal input gives equal bytes."""
    canonical = Dataset()
    bind_prefixes(canonical, sources.settings.base_iri)
    counter = 0
    for graph_id in sorted(sources.graph_files):
        graph = sources.dataset.graph(graph_id)
        keys = tree_keys(graph)
        if keys is None:  # blank nodes that are not structured values: rdflib's general algorithm
            graph = to_canonical_graph(graph)
            keys = {t: str(t) for triple in graph for t in triple if isinstance(t, BNode)}
        order = sorted(keys, key=keys.__getitem__)
        renamed = {node: BNode(f"b{counter + i}") for i, node in enumerate(order)}
        counter += len(order)
        target = canonical.graph(graph_id)
        for triple in graph:
            target.add(tuple(renamed.get(t, t) for t in triple))
    return canonical


def tree_keys(graph: Graph) -> dict[BNode, str] | None:
    """A key for each blank node from its holder and its content, when every blank node is a
    structured value (object of at most one triple, no cycle): what our data's addresses,
    identifiers and locations are. Equal for equal graphs whatever the parser's labels, and
    linear, where rdflib's canonicalization took 296 s of a 1M-triple build. ``None`` when it does
    not apply (a shared or cyclic blank node, or two indistinguishable ones)."""
    holder: dict[BNode, tuple] = {}
    nodes: set[BNode] = set()
    for s, p, o in graph:
        if isinstance(s, BNode):
            nodes.add(s)
        if isinstance(o, BNode):
            nodes.add(o)
            if o in holder:
                return None
            holder[o] = (s, p)
    content: dict[BNode, str] = {}

    def content_of(node: BNode, depth: int) -> str:
        if node not in content:
            if depth > len(nodes):
                raise RecursionError
            parts = sorted(f"{p.n3()} {content_of(o, depth + 1) if isinstance(o, BNode) else o.n3()}"
                           for p, o in graph.predicate_objects(node))
            content[node] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return content[node]

    def key_of(node: BNode, depth: int) -> str:
        if depth > len(nodes):
            raise RecursionError
        if node not in holder:
            return content_of(node, 0)
        s, p = holder[node]
        up = key_of(s, depth + 1) if isinstance(s, BNode) else s.n3()
        return hashlib.sha256(f"{up} {p.n3()} {content_of(node, 0)}".encode()).hexdigest()

    try:
        keys = {node: key_of(node, 0) for node in nodes}
    except RecursionError:
        return None
    return keys if len(set(keys.values())) == len(keys) else None


def add_graph(dataset: Dataset, graph: Graph) -> None:
    target = dataset.graph(graph.identifier)
    for triple in graph:
        target.add(triple)


def nquads(dataset: Dataset) -> bytes:
    lines = dataset.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)
    return b"".join(sorted(set(line for line in lines if line.strip())))


def serialize_dumps(dataset: Dataset, base: str) -> dict[str, bytes]:
    """Every dump format, each the same bytes for the same data: N-Quads and N-Triples sorted,
    TriG and Turtle written by pyoxigraph from them (rdflib took 160 s for the two at 1M
    triples), JSON-LD compacted with the project context by rdflib."""
    body_nq = nquads(dataset)
    quads = list(parse(body_nq, RdfFormat.N_QUADS))
    triples = sorted({q.triple for q in quads}, key=str)
    prefixes = project_prefixes(base)
    dumps: dict[str, bytes] = {}
    for name in DUMP_FORMATS:
        fmt = by_name(name)
        if name == "nquads":
            body = body_nq
        elif name == "ntriples":
            body = serialize(triples, format=RdfFormat.N_TRIPLES)
        elif name == "trig":
            body = _sorted_prefixes(serialize(quads, format=RdfFormat.TRIG, prefixes=prefixes))
        elif name == "turtle":
            body = _sorted_prefixes(serialize(triples, format=RdfFormat.TURTLE, prefixes=prefixes))
        elif name == "jsonld":
            body = dataset.serialize(format="json-ld", context=prefixes, indent=2, encoding="utf-8")
        else:
            raise ValueError(f"no writer for the dump format {name}")
        dumps[f"{DUMP_NAME}.{fmt.extension}"] = body
    return dumps


def _sorted_prefixes(body: bytes) -> bytes:
    """The ``@prefix`` lines in name order: pyoxigraph writes them in the order of a hash map."""
    lines = body.splitlines(keepends=True)
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
    return b"".join(sorted(lines[:count])) + b"".join(lines[count:])


def write_version(out: Path, version: str, base: str, triples: int,
                  dumps: dict[str, bytes], *, switch: bool = True) -> DatasetVersion:
    """Write into a temporary folder beside the others, then rename and (``switch``) point
    ``current`` at it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    except OSError as exc:
        raise LoadError(f"cannot write the output folder ({exc.strerror})", file=str(out)) from exc
    try:
        sums = {}
        for name, body in dumps.items():
            (staging / name).write_bytes(body)
            sums[name] = hashlib.sha256(body).hexdigest()
        (staging / CHECKSUMS).write_text("".join(f"{h}  {n}\n" for n, h in sorted(sums.items())))
        write_store(staging / STORE_DIR, dumps[f"{DUMP_NAME}.nq"])
        created = datetime.now(UTC).replace(microsecond=0).isoformat()
        manifest = {"version": version, "base_iri": base, "triples": triples, "files": sums,
                    "created": created}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        target = out / version
        if (target / MANIFEST).is_file():
            # Same content, already written (and perhaps being served): keep it as it is.
            shutil.rmtree(staging)
            created = json.loads((target / MANIFEST).read_text())["created"]
        else:
            shutil.rmtree(target, ignore_errors=True)
            staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    written = DatasetVersion(version, target, base, triples, sums, created)
    if switch:
        publish(out, written)
    return written


def publish(out: Path, version: DatasetVersion) -> None:
    """Make ``version`` the one served (``current``), then drop the oldest beyond ``KEEP_VERSIONS``."""
    switch_current(out, version.version)
    prune(out, keep=KEEP_VERSIONS)


def switch_current(out: Path, version: str) -> None:
    """Point ``current`` at a version atomically (a symlink replaced by rename)."""
    link = out / CURRENT
    tmp = out / f".{CURRENT}-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(version)
    os.replace(tmp, link)


def prune(out: Path, keep: int) -> None:
    """Remove all but the newest ``keep`` versions (never the current one)."""
    current = (out / CURRENT).resolve()
    versions = sorted((p for p in out.iterdir() if (p / MANIFEST).is_file() and not p.is_symlink()),
                      key=lambda p: p.stat().st_mtime, reverse=True)
    for old in versions[keep:]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def open_current(out: Path) -> DatasetVersion:
    """The version ``current`` points at, as the server opens it."""
    path = (out / CURRENT).resolve()
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise LoadError("no built dataset version here: run `cisem-graph build` first",
                        file=str(out.name)) from exc
    return DatasetVersion(manifest["version"], path, manifest["base_iri"], manifest["triples"],
                          manifest["files"], manifest.get("created", ""))
