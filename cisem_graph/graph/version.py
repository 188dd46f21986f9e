"""A dataset version on disk: its dumps, checksums, manifest and store, and ``dist/current``.

A version is content-addressed (a hash of its canonical N-Quads) and written beside the others
under ``dist/<version>/``; ``dist/current`` is switched to it only once everything is written, so
a failed build leaves the output folder as it was and a running server keeps what it serves.
This is what the build writes and what the server, ``push`` and a release read: it knows nothing
of how the content was made.
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

from pyoxigraph import DefaultGraph, Quad, RdfFormat
from pyoxigraph import Store as OxStore

from ..errors import LoadError

CURRENT = "current"
MANIFEST = "manifest.json"
STORE_DIR = "store"
CHECKSUMS = "SHA256SUMS"
KEEP_VERSIONS = 3
DUMP_NAME = "cisem"
DUMP_FORMATS = ("trig", "nquads", "turtle", "ntriples", "jsonld")


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


def write_store(path: Path, nquads: bytes) -> None:
    """Create the store directory of a dataset version at ``path`` from N-Quads.

    Every quad must be in a named graph; the published default graph, their merge (a set of
    triples), is written beside them as the store's default graph.
    """
    path = Path(path)
    if path.exists() and any(path.iterdir()):
        raise FileExistsError(f"{path} exists and is not empty; a dataset version is immutable")
    try:
        store = OxStore(str(path))
        try:
            try:
                store.bulk_load(nquads, RdfFormat.N_QUADS)
            except SyntaxError as exc:  # data errors carry their position as attributes
                raise LoadError(exc.msg, file="N-Quads", line=exc.lineno) from None
            outside = sum(1 for _ in store.quads_for_pattern(None, None, None, DefaultGraph()))
            if outside:
                raise LoadError(f"{outside} triple(s) are in no named graph; every published "
                                "triple belongs to the graph of its source", file="N-Quads")
            # The published default graph is the RDF merge of the named graphs: a set of
            # triples. pyoxigraph's union view keeps one row per quad, so a triple stated by
            # two sources would answer twice; the merge is written once, as the default graph.
            merged = [Quad(q.subject, q.predicate, q.object, DefaultGraph())
                      for q in store.quads_for_pattern(None, None, None)]
            store.bulk_extend(merged)
            store.optimize()
            store.flush()
        finally:
            del store  # closes the database, also when a traceback keeps this frame
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
