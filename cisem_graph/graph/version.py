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
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
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

    The folder gets ``cisem.nq`` (the lines), ``cisem.nt`` (their merge), then the store, made
    of the first two (the merge only when a triple is in two graphs, see ``write_store``) in a
    process of its own (``start_store``) while this one writes the dumps ``more_dumps(folder)``
    writes and names (in a thread the store took longer, not less: its load holds the
    interpreter for every quad it reads). Then checksums and the manifest. A version already
    written is kept as it is, and nothing is written: it may be being served."""
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
        distinct = write_lines(nt, merged(lines))
        triples = len(lines)
        store = (staging / STORE_DIR, nq, nt if distinct < triples else NO_SHARED_TRIPLE)
        loading = start_store(*store)
        try:
            names = [nq.name, nt.name, *(more_dumps(staging) if more_dumps else [])]
        except BaseException:
            loading.kill()
            loading.wait()
            raise
        lines.clear()
        finish_store(loading, *store)
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


def write_lines(path: Path, lines: Iterable[bytes]) -> int:
    """Write the lines; how many there were."""
    written = 0
    with path.open("wb") as f:
        for chunk in chunks(lines):
            f.write(b"".join(chunk))
            written += len(chunk)
    return written


def chunks(lines: Iterable[bytes], size: int = 1 << 14) -> Iterator[list[bytes]]:
    """The lines ``size`` at a time: one write call a chunk instead of one a line (a million of
    them cost a second in calls alone, two for gzip, which compresses what each call gives)."""
    iterator = iter(lines)
    while chunk := list(islice(iterator, size)):
        yield chunk


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


#: ``write_store``'s ``merge`` when no triple is in two named graphs: their union is their merge
NO_SHARED_TRIPLE = b""


_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])
_BOOT = ("import sys; sys.path.insert(0, sys.argv.pop(1)); "
         "from cisem_graph.graph.version import write_store; "
         "write_store(sys.argv[1], __import__('pathlib').Path(sys.argv[2]), "
         "__import__('pathlib').Path(sys.argv[3]) if sys.argv[3] else b'')")


def start_store(path: Path, nquads: Path, merge: Path | bytes) -> subprocess.Popen:
    """Start ``write_store`` from files in a fresh interpreter (it imports pyoxigraph and this
    module only), so that the store loads on one core while this process writes the dumps on the
    other: a million quads' load takes 10 s, the dumps about as long. ``finish_store`` waits."""
    if not (merge == NO_SHARED_TRIPLE or isinstance(merge, Path)):
        raise TypeError("a store written apart takes its merge from a file")
    merge_arg = "" if merge == NO_SHARED_TRIPLE else str(merge)
    return subprocess.Popen([sys.executable, "-P", "-c", _BOOT, _PACKAGE_PARENT, str(path),
                             str(nquads), merge_arg],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def finish_store(process: subprocess.Popen, path: Path, nquads: Path, merge: Path | bytes) -> None:
    """Wait for the store ``start_store`` writes. If it failed in any way, it is written here
    again, so that its error is raised as ``write_store`` raises it (its process says no more
    than its exit status)."""
    if process.wait() != 0:
        shutil.rmtree(path, ignore_errors=True)
        write_store(path, nquads, merge)


def write_store(path: Path, nquads: bytes | Path, merge: bytes | Path | None = None) -> None:
    """Create the store directory of a dataset version at ``path`` from N-Quads.

    Every quad must be in a named graph. The published default graph is their merge, a set of
    triples. Where no triple is in two graphs, that is the union of the named graphs, which
    queries read as their default graph (``store.worker.run_query``) and nothing more is
    written: a million triples' merge doubled the store's load (2M quads), for the same answers.
    Where a triple is in two graphs, pyoxigraph's union would answer it twice, so the merge is
    written beside them as the store's default graph (the two keep their blank-node labels, so
    they share their blank nodes, and the store's are the dumps'). ``merge``: that merge as
    N-Triples (the build's ``cisem.nt``), ``NO_SHARED_TRIPLE`` when the caller knows that no
    triple is in two graphs, ``None`` to find out here. The store keeps values, not spellings:
    ``"01"^^xsd:integer`` is 1 in it (the dumps keep what was written).
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
            store.bulk_extend(_parse(nquads, RdfFormat.N_QUADS))
            if next(iter(store.quads_for_pattern(None, None, None, DefaultGraph())), None):
                raise LoadError("triples in no named graph; every published triple belongs to "
                                "the graph of its source", file="N-Quads")
            if merge != NO_SHARED_TRIPLE:
                store.bulk_extend(_parse(merge, RdfFormat.N_TRIPLES))
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
    """The N-Triples merge of the named graphs of ``nquads`` when a triple is in two of them, else
    ``NO_SHARED_TRIPLE`` (sorted lines are not needed)."""
    quads = 0
    triples = set()
    for quad in _parse(nquads, RdfFormat.N_QUADS):
        quads += 1
        triples.add(quad.triple)
    if len(triples) == quads:
        return NO_SHARED_TRIPLE
    return serialize(triples, format=RdfFormat.N_TRIPLES)
