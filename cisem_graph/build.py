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

from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph

from .config import Settings
from .errors import LoadError, ValidationFailed
from .formats import by_name
from .metadata import DUMP_FORMATS, DUMP_NAME, describe_dataset
from .namespaces import bind_prefixes, project_prefixes
from .progress import Steps
from .sources import Sources, load_sources
from .store.embedded import write_store
from .validate import Finding, validate, violations

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


def build(settings: Settings, out: Path | None = None) -> tuple[DatasetVersion, list[Finding]]:
    """Parse, validate and write a new dataset version; return it with the (warning) findings."""
    out = Path(out or settings.dist_dir)
    with Steps(["parse", "validate", "canonical blank nodes", "dumps", "store"], "build") as steps:
        steps.step("parse")
        sources = load_sources(settings)
        steps.step("validate")
        findings = validate(sources, settings)
        if violations(findings):
            raise ValidationFailed(findings)
        steps.step("canonical blank nodes")
        canonical = canonical_dataset(sources)
        version = hashlib.sha256(nquads(canonical)).hexdigest()[:16]
        metadata = describe_dataset(sources, version)
        add_graph(canonical, metadata)
        steps.step("dumps")
        dumps = serialize_dumps(canonical, settings.base_iri)
        triples = sum(len(g) for g in canonical.graphs()
                      if g.identifier != canonical.default_graph.identifier)
        steps.step("store")
        written = write_version(out, version, settings.base_iri, triples, dumps)
    return written, findings


def canonical_dataset(sources: Sources) -> Dataset:
    """The sources with blank nodes relabelled canonically, so equal input gives equal bytes."""
    canonical = Dataset()
    bind_prefixes(canonical, sources.settings.base_iri)
    counter = 0
    for graph_id in sorted(sources.graph_files):
        graph = to_canonical_graph(sources.dataset.graph(graph_id))
        labels = sorted({t for triple in graph for t in triple if isinstance(t, BNode)})
        renamed = {label: BNode(f"b{counter + i}") for i, label in enumerate(labels)}
        counter += len(labels)
        target = canonical.graph(graph_id)
        for triple in graph:
            target.add(tuple(renamed.get(t, t) for t in triple))
    return canonical


def add_graph(dataset: Dataset, graph: Graph) -> None:
    target = dataset.graph(graph.identifier)
    for triple in graph:
        target.add(triple)


def nquads(dataset: Dataset) -> bytes:
    lines = dataset.serialize(format="nquads", encoding="utf-8").splitlines(keepends=True)
    return b"".join(sorted(set(line for line in lines if line.strip())))


def serialize_dumps(dataset: Dataset, base: str) -> dict[str, bytes]:
    """Every dump format; N-Quads and N-Triples are sorted and byte-for-byte reproducible."""
    union = Graph()
    bind_prefixes(union, base)
    for graph in dataset.graphs():
        union += graph
    dumps: dict[str, bytes] = {}
    for name in DUMP_FORMATS:
        fmt = by_name(name)
        if name == "nquads":
            body = nquads(dataset)
        elif name == "ntriples":
            lines = union.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
            body = b"".join(sorted(set(line for line in lines if line.strip())))
        elif name == "jsonld":
            body = dataset.serialize(format="json-ld", context=project_prefixes(base),
                                     indent=2, encoding="utf-8")
        elif fmt.dataset:
            body = dataset.serialize(format=fmt.rdflib, encoding="utf-8")
        else:
            body = union.serialize(format=fmt.rdflib, encoding="utf-8")
        dumps[f"{DUMP_NAME}.{fmt.extension}"] = body
    return dumps


def write_version(out: Path, version: str, base: str, triples: int,
                  dumps: dict[str, bytes]) -> DatasetVersion:
    """Write into a temporary folder beside the others, then rename and switch ``current``."""
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
    switch_current(out, version)
    prune(out, keep=KEEP_VERSIONS)
    return DatasetVersion(version, target, base, triples, sums, created)


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
