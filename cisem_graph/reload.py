"""Reload: build and validate a new dataset version beside the served one, switch only if it conforms.

The switch is the ``dist/current`` link (``graph.version.publish``), replaced atomically: every worker of
every server process compares it with the version it serves at each request and moves over on its
next request (``web.Publisher``), while requests already running finish on their own version. With
a remote store the version is pushed first, all or nothing, and ``current`` moves only once the
store holds it. A version that does not conform, or a push that fails, switches nothing: the old
version keeps serving.

Caches in front (``cache_ban_urls``: Varnish, as the README's recipe sets it up) are told after the
switch to drop every answer of another version (``BAN`` with ``X-Dataset-Version``), so the next
request through them is answered by the new version; a cache that cannot be told is named in the
report, and serves what it holds until its ``s-maxage`` ends.

The build runs in a child process, so the memory it takes goes back to the system when it ends.
The outcome of the last reload is kept in ``dist/reload.json`` so that every worker's ``/health``
reports it, whichever worker ran the reload. One at a time, across processes: a reload takes the
publish lock (``cisem_graph.lock``) that the staff area's jobs, ``import`` and ``build`` take too.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

from .config import Settings
from .errors import CisemError, LoadError, StoreTimeout, StoreUnreachable, ValidationFailed
from .graph.pipeline import build
from .graph.validate import Finding, violations
from .graph.version import open_current, publish
from .lock import held
from .store.client import HttpClient

REPORT = "reload.json"
#: what a reload is doing, for whoever shows its progress (the staff area's publish job)
BUILDING, PUSHING, SWITCHING = "build", "push", "switch"

#: outcomes: the version moved, was already served, or stayed because the new one was refused
SWITCHED, UNCHANGED, REJECTED, FAILED = "switched", "unchanged", "rejected", "failed"


@dataclass
class ReloadReport:
    status: str
    at: str
    #: the version served after the reload
    version: str | None
    previous: str | None = None
    message: str = ""
    #: every finding (violations and warnings), each with file, subject, path and it/en messages
    findings: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in (SWITCHED, UNCHANGED)

    def as_json(self) -> dict:
        return asdict(self)


def _finding(finding: Finding) -> dict:
    """A finding as JSON (``Finding(**it)`` reads it back)."""
    return asdict(finding)


def reload_dataset(settings: Settings, what: str = "reload") -> ReloadReport:
    """Build, validate, (push,) and switch; never raises for bad data, only ``PublishBusy``."""
    with held(settings, what):
        return reload_held(settings)


def reload_held(settings: Settings, step: Callable[[str], None] | None = None) -> ReloadReport:
    """The reload, for a caller that holds the publish lock already (the staff area's job);
    ``step`` is told when it builds, pushes and switches."""
    dist = Path(settings.dist_dir)
    dist.mkdir(parents=True, exist_ok=True)
    report = _reload(settings, dist, step or (lambda _name: None))
    _write_report(dist, report)
    return report


def _reload(settings: Settings, dist: Path, step: Callable[[str], None]) -> ReloadReport:
    at = datetime.now(UTC).replace(microsecond=0).isoformat()
    try:
        previous = open_current(dist).version
    except LoadError:
        previous = None
    step(BUILDING)
    outcome, payload = build_apart(settings, dist)
    if outcome == "invalid":
        bad = violations(payload)
        return ReloadReport(REJECTED, at, previous, previous,
                            f"{len(bad)} violation(s): the new data does not conform; "
                            f"version {previous} keeps serving", [_finding(f) for f in payload])
    if outcome == "unloadable":
        return ReloadReport(REJECTED, at, previous, previous,
                            f"{payload}; version {previous} keeps serving")
    version, findings = payload
    warnings = [_finding(f) for f in findings]
    if settings.store_query_url:  # also when unchanged: a push of what the store holds writes nothing
        from .push import StoreEndpoints, push

        step(PUSHING)
        try:
            push(version, StoreEndpoints.from_settings(settings), settings)
        except CisemError as exc:
            return ReloadReport(FAILED, at, previous, previous,
                                f"push to the store failed ({exc.message}); version "
                                f"{previous} keeps serving", warnings)
    if version.version == previous:
        return ReloadReport(UNCHANGED, at, previous, previous, "the data has not changed", warnings)
    step(SWITCHING)
    publish(dist, version)
    unbanned = ban_caches(settings.cache_ban_urls, version.version, settings.push_timeout)
    told = f"; not told to drop the old answers: {'; '.join(unbanned)}" if unbanned else ""
    return ReloadReport(SWITCHED, at, version.version, previous,
                        f"version {version.version} now serves{told}", warnings)


def ban_caches(urls: tuple[str, ...], version: str, timeout: float) -> list[str]:
    """Tell each cache to drop what it holds of any version but ``version`` (HTTP ``BAN``, the
    version in ``X-Dataset-Version``); the caches that did not answer 2xx, with why."""
    client, failed = HttpClient(timeout=min(timeout, 10), name="it"), []
    for url in urls:
        try:
            reply = client.request("BAN", url, headers={"X-Dataset-Version": version},
                                   credentials=False)
        except (StoreUnreachable, StoreTimeout) as exc:
            failed.append(f"{url} ({exc.message})")
            continue
        if not reply.ok:
            failed.append(f"{url} ({reply.status} {reply.reason})")
    client.close()
    return failed


def build_apart(settings: Settings, dist: Path) -> tuple[str, object]:
    """Build in a child process: a server's worker would otherwise keep the memory of parsing and
    validating the whole dataset for the rest of its life."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(_build_child, settings, dist).result()


def _build_child(settings: Settings, dist: Path) -> tuple[str, object]:
    """The build, with its refusals as values (our exceptions carry keyword details that do not
    survive pickling)."""
    try:
        return "built", build(settings, dist, switch=False)
    except ValidationFailed as exc:
        return "invalid", exc.findings
    except LoadError as exc:
        return "unloadable", exc.message


def _write_report(dist: Path, report: ReloadReport) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".reload-", dir=dist)
    with os.fdopen(fd, "w") as out:
        json.dump(report.as_json(), out, ensure_ascii=False, indent=2)
    os.replace(tmp, dist / REPORT)


def last_report(dist: Path) -> dict | None:
    """The last reload's outcome as written (``None`` when no reload has run)."""
    try:
        return json.loads((Path(dist) / REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
