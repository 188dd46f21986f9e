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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import DefaultGraph, RdfFormat, parse, serialize
from pyoxigraph import Store as OxStore

from ..errors import LoadError

CURRENT = "current"
MANIFEST = "manifest.json"
STORE_DIR = "store"
CHECKSUMS = "SHA256SUMS"
KEEP_VERSIONS = 3
DUMP_NAME = "cisem"
DUMP_FORMATS = ("trig", "nquads", "turtle", "ntriples", "jsonld")
#: compressed copies of dumps: file extension -> the format it holds
COMPRESSED = {"nq.gz": "nquads"}


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


def write_version(out: Path, version: str, base: str, lines: list[bytes],
                  more_dumps: Callable[[Path], list[str]] | None = None, *,
                  switch: bool = True) -> DatasetVersion:
    """Write a version from its sorted canonical N-Quads ``lines`` into a temporary folder beside
    the others, then rename it and (``switch``) point ``current`` at it.

    The folder gets ``cisem.nq`` (the lines), ``cisem.nt`` (their merge), the dumps
    ``more_dumps(folder)`` writes and names, and then the store, made of the first two: ``lines``
    is emptied before, so that a million of them are not in memory while the store loads (in a
    thread beside the dumps the store took longer, not less: its load holds the interpreter for
    every quad it reads). Then checksums and the manifest. A version already written is kept as
    it is, and nothing is written: it may be being served."""
    target = out / version
    if (target / MANIFEST).is_file():
        written = read_version(target)
    else:
        written = _write(out, target, version, base, lines, more_dumps)
    if switch:
        publish(out, written)
    return written


def _write(out: Path, target: Path, version: str, base: str, lines: list[bytes],
           more_dumps: Callable[[Path], list[str]] | None) -> DatasetVersion:
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".build-", dir=out))
    except OSError as exc:
        raise LoadError(f"cannot write the output folder ({exc.strerror})", file=str(out)) from exc
    try:
        nq, nt = staging / f"{DUMP_NAME}.nq", staging / f"{DUMP_NAME}.nt"
        write_lines(nq, lines)
        write_lines(nt, merged(lines))
        names = [nq.name, nt.name, *(more_dumps(staging) if more_dumps else [])]
        triples = len(lines)
        lines.clear()
        write_store(staging / STORE_DIR, nq, nt)
        sums = {name: file_sha256(staging / name) for name in names}
        (staging / CHECKSUMS).write_text("".join(f"{h}  {n}\n" for n, h in sorted(sums.items())))
        created = datetime.now(UTC).replace(microsecond=0).isoformat()
        manifest = {"version": version, "base_iri": base, "triples": triples, "files": sums,
                    "created": created}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return DatasetVersion(version, target, base, triples, sums, created)


def write_lines(path: Path, lines: Iterable[bytes]) -> None:
    with path.open("wb") as f:
        f.writelines(lines)


def merged(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The distinct triples of sorted canonical N-Quads lines, as sorted N-Triples lines: the
    published default graph.

    A graph term follows its triple after a space, and no term can continue with a character below
    the space (N-Triples escapes them in literals), so equal triples are neighbours."""
    previous = None
    for line in lines:
        triple = line[:line.rindex(b" <")] + b" .\n"
        if triple != previous:
            yield triple
            previous = triple


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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
    try:
        return read_version((out / CURRENT).resolve())
    except (OSError, ValueError) as exc:
        raise LoadError("no built dataset version here: run `cisem-graph build` first",
                        file=str(out.name)) from exc


def read_version(path: Path) -> DatasetVersion:
    """The version written in ``path`` (``OSError``/``ValueError`` when there is none)."""
    manifest = json.loads((path / MANIFEST).read_text())
    return DatasetVersion(manifest["version"], path, manifest["base_iri"], manifest["triples"],
                          manifest["files"], manifest.get("created", ""))


def write_store(path: Path, nquads: bytes | Path, merge: bytes | Path | None = None) -> None:
    """Create the store directory of a dataset version at ``path`` from N-Quads.

    Every quad must be in a named graph; the published default graph, their merge (a set of
    triples, as N-Triples: the build's ``cisem.nt``, or made here from ``nquads``), is written beside
    them as the store's default graph. Both keep their blank-node labels, so the default graph and
    the named graphs share their blank nodes, and the store's are the dumps'. The store keeps
    values, not spellings: ``"01"^^xsd:integer`` is 1 in it (the dumps keep what was written).
    """
    path = Path(path)
    if path.exists() and any(path.iterdir()):
        raise FileExistsError(f"{path} exists and is not empty; a dataset version is immutable")
    if merge is None:
        nquads = nquads if isinstance(nquads, bytes) else Path(nquads).read_bytes()
        merge = _merge_of(nquads)
    try:
        store = OxStore(str(path))
        try:
            # two loads of a million quads each take half the memory of one of two million
            for source, fmt in ((nquads, RdfFormat.N_QUADS), (merge, RdfFormat.N_TRIPLES)):
                store.bulk_extend(_parse(source, fmt))
                if fmt is RdfFormat.N_QUADS and next(
                        iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None):
                    raise LoadError("triples in no named graph; every published triple belongs to "
                                    "the graph of its source", file="N-Quads")
            store.optimize()
            store.flush()
        finally:
            del store  # closes the database, also when a traceback keeps this frame
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def _parse(source: bytes | Path, fmt: RdfFormat) -> Iterator:
    """Quads with their blank-node labels as written; ``LoadError`` naming the line of an error."""
    try:
        if isinstance(source, bytes):
            yield from parse(source, fmt)
        else:
            yield from parse(path=str(source), format=fmt)
    except SyntaxError as exc:  # data errors carry their position as attributes
        raise LoadError(exc.msg, file="N-Quads", line=exc.lineno) from None


def _merge_of(nquads: bytes) -> bytes:
    """The N-Triples merge of the named graphs of ``nquads`` (sorted lines are not needed).

    The published default graph is the RDF merge of the named graphs: a set of triples.
    pyoxigraph's union view keeps one row per quad, so a triple stated by two sources would answer
    twice; the merge is written once, as the default graph."""
    return serialize({q.triple for q in _parse(nquads, RdfFormat.N_QUADS)}, format=RdfFormat.N_TRIPLES)
