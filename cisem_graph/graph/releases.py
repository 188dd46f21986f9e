"""Versioned releases: numbered, dated sets of dumps with checksums and a changelog.

The release manifest (``releases/manifest.json``) and the changelog (``releases/CHANGELOG.md``)
are kept in the repository: they are the record of what was released when, and they are small
(per release: number, date, content hash, and per named graph its triple count and the digest
of its canonical N-Quads). The released dumps go beside them in ``releases/<date>-r<n>/``,
generated and git-ignored.

A build reads the manifest: when the data is the content of a release, the dataset's metadata
says so (``dcat:version`` the release number, ``dct:modified`` its date, ``dcat:previousVersion``
the release before); every release is listed with ``dcat:hasVersion``. The changelog counts the
triples added and removed per named graph since the previous release, comparing the graphs'
canonical N-Quads lines (blank-node labels are keyed by holder and content, ``build``); when
the previous release's dumps are not on this machine it says what the manifest alone can tell
(changed or not, and the counts).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from ..errors import CisemError, ConfigError
from ..namespaces import DCAT3, DCAT_VERSION, dataset_iri, graph_iri
from .dumps import by_graph
from .version import CHECKSUMS, DUMP_NAME, DatasetVersion

MANIFEST = "manifest.json"
CHANGELOG = "CHANGELOG.md"


class NothingToRelease(CisemError):
    """The data is already the content of the latest release."""

    status = 409
    title = "Nothing to release"


@dataclass(frozen=True)
class Release:
    number: int
    date: str  # YYYY-MM-DD
    #: sha256 of the sources' canonical N-Quads (``build.Prepared.content``)
    content: str
    triples: int
    #: named graph (its name, relative to the base) -> {"triples": n, "digest": hex}
    graphs: dict[str, dict] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.date}-r{self.number}"


def read_releases(folder: Path) -> list[Release]:
    """The releases in the manifest, oldest first (none when there is no manifest)."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["releases"]
        return [Release(**entry) for entry in entries]
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path.name} in {folder} cannot be read ({exc}): fix or restore it "
                          "from the repository") from None


def releases_key(releases: list[Release]) -> bytes:
    """What of the releases goes into a version's hash (nothing when there are none)."""
    if not releases:
        return b""
    return json.dumps([asdict(r) for r in releases], sort_keys=True).encode()


def release_iri(base: str, number: int) -> URIRef:
    return URIRef(f"{dataset_iri(base)}#release-{number}")


def describe_releases(g: Graph, base: str, releases: list[Release], content: str) -> bool:
    """Add the releases to the metadata graph; return whether this content is a release (then
    ``dcat:version``/``dct:modified`` are stated here, else the caller states its own)."""
    ds = dataset_iri(base)
    current = next((r for r in reversed(releases) if r.content == content), None)
    for release in releases:
        node = release_iri(base, release.number)
        g.add((ds, DCAT3.hasVersion, node))
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCAT3.isVersionOf, ds))
        g.add((node, DCAT_VERSION, Literal(str(release.number))))
        g.add((node, DCTERMS.issued, Literal(release.date, datatype=XSD.date)))
        if release.number > 1:
            g.add((node, DCAT3.previousVersion, release_iri(base, release.number - 1)))
    if current is None:
        return False
    g.add((ds, DCAT_VERSION, Literal(str(current.number))))
    g.add((ds, DCTERMS.modified, Literal(current.date, datatype=XSD.date)))
    g.add((ds, DCAT3.hasCurrentVersion, release_iri(base, current.number)))
    if current.number > 1:
        g.add((ds, DCAT3.previousVersion, release_iri(base, current.number - 1)))
    return True


# --- making a release ------------------------------------------------------------------------


def _graph_name(base: str, iri: str) -> str:
    prefix = str(graph_iri(base, ""))
    return iri[len(prefix):] if iri.startswith(prefix) else iri


def _graphs(lines: list[bytes], base: str) -> dict[str, set[bytes]]:
    """Canonical N-Quads lines per named graph (its name relative to the base)."""
    return {_graph_name(base, graph.decode("utf-8")[1:-1]): set(bucket)
            for graph, bucket in by_graph(lines).items()}


def _summary(graphs: dict[str, set[bytes]]) -> dict[str, dict]:
    """Per graph its triple count and the digest of its sorted canonical lines (blank-node labels
    are canonical, so equal graphs have equal digests)."""
    return {name: {"triples": len(bucket),
                   "digest": hashlib.sha256(b"".join(sorted(bucket))).hexdigest()}
            for name, bucket in sorted(graphs.items())}


def _previous_graphs(folder: Path, previous: Release, base: str) -> dict[str, set[bytes]] | None:
    """The previous release's named graphs from its N-Quads dump here (``None`` when it is not)."""
    dump = folder / previous.name / f"{DUMP_NAME}.nq"
    if not dump.is_file():
        return None
    with dump.open("rb") as f:
        return _graphs(list(f), base)


def changelog(new: Release, previous: Release | None, now: dict[str, set[bytes]],
              before: dict[str, set[bytes]] | None) -> str:
    """Markdown: triples added and removed per named graph since ``previous``, from the graphs'
    canonical N-Quads lines (a triple with blank nodes counts as changed when what holds them or
    what they hold did)."""
    lines = [f"## Release {new.number} — {new.date}", ""]
    if previous is None:
        lines.append(f"First release: {new.triples} triples in {len(new.graphs)} named graphs.")
        lines += [f"- `{name}`: {info['triples']} triples" for name, info in new.graphs.items()]
        return "\n".join(lines) + "\n"
    lines.append(f"Since release {previous.number} ({previous.date}): {previous.triples} → "
                 f"{new.triples} triples.")
    if before is None:
        lines.append(f"(The dumps of release {previous.number} are not in this folder: changed "
                     "graphs and counts only.)")
    lines.append("")
    lines.append("| graph | added | removed | triples |")
    lines.append("| --- | ---: | ---: | ---: |")
    for name in sorted(set(new.graphs) | set(previous.graphs)):
        old, cur = previous.graphs.get(name), new.graphs.get(name)
        if old and cur and old["digest"] == cur["digest"]:
            continue
        if before is not None and name in before and name in now:
            change = (len(now[name] - before[name]), len(before[name] - now[name]))
        elif cur is None:
            change = (0, old["triples"])
        elif old is None:
            change = (cur["triples"], 0)
        else:
            change = None
        what = (f"+{change[0]} | −{change[1]}" if change else "? | ?")
        total = f"{old['triples'] if old else 0} → {cur['triples'] if cur else 0}"
        label = " (new)" if old is None else " (removed)" if cur is None else ""
        lines.append(f"| `{name}`{label} | {what} | {total} |")
    if lines[-1].startswith("| ---"):
        lines.append("| (no named graph changed: only the metadata) | | | |")
    return "\n".join(lines) + "\n"


@dataclass
class ReleaseResult:
    release: Release
    folder: Path
    changelog: str
    version: DatasetVersion


def _write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


def next_release(folder: Path, releases: list[Release], lines: list[bytes], content: str,
                 base: str, on: date | None = None) -> tuple[Release, str]:
    """The release that ``lines`` (the sources' sorted canonical N-Quads, whose content hash is
    ``content``) would be, and its changelog; ``NothingToRelease`` when the latest holds it."""
    if releases and releases[-1].content == content:
        latest = releases[-1]
        raise NothingToRelease(f"release {latest.number} ({latest.date}) already holds this "
                               "data: nothing to release")
    now = _graphs(lines, base)
    graphs = _summary(now)
    new = Release(len(releases) + 1, (on or datetime.now(UTC).date()).isoformat(),
                  content, sum(g["triples"] for g in graphs.values()), graphs)
    previous = releases[-1] if releases else None
    before = _previous_graphs(folder, previous, base) if previous else None
    return new, changelog(new, previous, now, before)


@contextmanager
def recorded(folder: Path, releases: list[Release]) -> Iterator[None]:
    """Write the manifest with ``releases`` for the build of the release, and restore it if that
    build fails."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / MANIFEST
    saved = manifest.read_bytes() if manifest.is_file() else None
    _write_text(manifest, json.dumps({"releases": [asdict(r) for r in releases]},
                                     indent=2, ensure_ascii=False) + "\n")
    try:
        yield
    except BaseException:
        if saved is None:
            manifest.unlink()
        else:
            manifest.write_bytes(saved)
        raise


def write_release(folder: Path, new: Release, notes: str, version: DatasetVersion) -> ReleaseResult:
    """Copy the version's dumps and checksums into the release's folder; add its changelog."""
    target = folder / new.name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for name in [*version.files, CHECKSUMS]:
        shutil.copy2(version.path / name, target / name)
    (target / CHANGELOG).write_text(notes, encoding="utf-8")
    log = folder / CHANGELOG
    older = log.read_text(encoding="utf-8").split("\n", 2)[2] if log.is_file() else ""
    _write_text(log, "# Changelog of the CISeM knowledge graph\n\n" + notes + "\n" + older)
    return ReleaseResult(new, target, notes, version)
