"""The build and the release, end to end: sources → validate → build → metadata → version.

The one place where building needs the dataset's metadata and its releases, so that neither
``build`` nor ``releases`` imports the other.
"""

from __future__ import annotations

import hashlib
import heapq
from datetime import date
from pathlib import Path

from ..config import Settings
from ..namespaces import project_prefixes
from ..progress import Steps
from .build import BUILD_STEPS, Prepared, prepare
from .dumps import write_dumps
from .metadata import describe_dataset
from .releases import (
    Release,
    ReleaseResult,
    next_release,
    read_releases,
    recorded,
    releases_key,
    write_release,
)
from .terms import graph_lines
from .validate import Finding
from .version import DatasetVersion, write_version


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


def finish(prepared: Prepared, settings: Settings, out: Path | None, releases: list[Release], *,
           switch: bool = True, steps: Steps | None = None) -> DatasetVersion:
    """Describe the dataset (with its releases), write the dumps and the store.

    The version is a hash of the content and of the release record, so a release, which changes
    the metadata graph, makes a version of its own."""
    step = steps.step if steps else (lambda _name: None)
    version = hashlib.sha256(prepared.content.encode() + releases_key(releases)).hexdigest()[:16]
    step("dumps and store")
    metadata = describe_dataset(settings.base_iri, prepared.stats, version, releases=releases,
                                content=prepared.content)
    lines = list(heapq.merge(prepared.lines, graph_lines(metadata)))
    prepared.lines.clear()  # ``lines`` holds them now, and write_version lets them go when written
    prefixes = project_prefixes(settings.base_iri)
    return write_version(Path(out or settings.dist_dir), version, settings.base_iri, lines,
                         lambda folder: write_dumps(folder, lines, prefixes), switch=switch)


def make_release(settings: Settings, on: date | None = None) -> ReleaseResult:
    """Validate and build the data as the next release; write its dumps, checksums and changelog.

    Nothing is written when the data does not conform (``ValidationFailed``) or is the content of
    the latest release already (``NothingToRelease``); the manifest is restored if the build fails.
    """
    folder = Path(settings.releases_dir)
    releases = read_releases(folder)
    with Steps(BUILD_STEPS, "release") as steps:
        prepared = prepare(settings, steps)
        new, notes = next_release(folder, releases, prepared.lines, prepared.content,
                                  settings.base_iri, on)
        with recorded(folder, [*releases, new]):
            version = finish(prepared, settings, None, [*releases, new], steps=steps)
    return write_release(folder, new, notes, version)
