"""Publish and undo as background jobs: write one data file, reload, and roll back on any failure.

A job starts in the request that asks for it, which takes the publish lock (a second publish, an
``import``, a ``build`` or a ``reload`` running: 409) and checks that the job can go ahead (the data
is as the upload was checked against; nothing depends on what an undo would remove); it then runs
in a thread of that worker and releases the lock when it ends. Its state is a file
(``state_dir/job.json``), rewritten at each step, so every worker shows its progress.

The steps: keep the data file's bytes (``history``), write the new ones (or put the old ones
back, for an undo), then the reload path of ``cisem-graph reload`` (``reload.reload_held``:
build and validate in a child process, push to a remote store, switch ``dist/current``). Whatever
fails before the switch — a violation, a push, an exception — puts the data file's bytes back as
they were; the old version never stopped serving. A job whose process died (the job file says
"running" but nobody holds the lock) is rolled back the same way by the next job, or when a
worker starts.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..config import Settings
from ..errors import CisemError, Conflict, LoadError, said
from ..graph.sources import METADATA_GRAPH
from ..graph.version import open_current
from ..lock import PublishLock
from ..namespaces import graph_iri
from ..reload import FAILED, REJECTED, reload_held
from . import gitdata, history
from .files import new_id, now_iso, read_json, sha256_of, state, write_bytes, write_json
from .uploads import Upload, discard, fingerprint
from .users import User

log = logging.getLogger("cisem_graph.staff")

JOB = "job.json"
RUNNING, DONE, FAILED_STATE = "running", "done", "failed"
PUBLISH, UNDO = history.PUBLISH, history.UNDO
#: seconds a new job waits for the lock: a job that has just said it is done lets go of it a moment
#: later; a publish that is running holds it much longer (409)
PATIENCE = 2.0
#: a job's steps, in order (``push`` only with a remote store)
CHECK, WRITE, BUILD, PUSH, SWITCH, RECORD = "check", "write", "build", "push", "switch", "record"


@dataclass
class Job:
    id: str
    action: str  #: publish or undo
    user: str
    file: str  #: the data file it changes
    label: str  #: what it publishes or undoes, for people (the spreadsheet's name)
    subject: str  #: the upload (publish) or the history record (undo)
    started: str
    previous_version: str | None
    things: list[str] = field(default_factory=list)  #: created or added to (their pages)
    state: str = RUNNING
    steps: list[list[str]] = field(default_factory=list)  #: [step, when it began]
    finished: str | None = None
    #: switched, unchanged, rejected (does not conform), failed (push), stale, interrupted, error
    outcome: str | None = None
    version: str | None = None
    wrote: bool = False  #: data/ was changed (to undo on failure)
    existed: bool = False  #: the data file existed before (its bytes are in the history folder)
    switched: bool = False
    message: dict[str, str] = field(default_factory=dict)
    findings: list[dict] = field(default_factory=list)
    commit: str | None = None
    commit_error: str | None = None

    @property
    def step(self) -> str | None:
        return self.steps[-1][0] if self.steps else None

    def as_json(self) -> dict:
        return {**asdict(self), "step": self.step}


def current_job(settings: Settings) -> Job | None:
    raw = read_json(state(settings, JOB))
    if not isinstance(raw, dict):
        return None
    raw.pop("step", None)
    return Job(**raw)


def _save(settings: Settings, job: Job) -> None:
    write_json(state(settings, JOB), job.as_json())


# -- starting ------------------------------------------------------------------------------------

def start_publish(settings: Settings, upload: Upload, user: User) -> Job:
    """Publish a checked upload: ``PublishBusy`` while another publish runs, ``Conflict`` when the
    upload changes nothing or ``data/`` changed since it was checked."""
    def prepare() -> tuple[Job, Callable[[], None]]:
        if not upload.changes:
            raise said(Conflict, "This file was imported already: publishing it changes nothing.",
                       "Questo file è già stato importato: pubblicarlo non cambia nulla.")
        if fingerprint(settings.data_dir) != upload.fingerprint:
            raise said(Conflict, "The data changed after this file was checked (another publish or "
                       "undo): upload it again to check it against the data as it is now.",
                       "I dati sono cambiati dopo il controllo di questo file (un'altra "
                       "pubblicazione o un annullamento): caricarlo di nuovo per controllarlo sui "
                       "dati attuali.")
        job = _new_job(settings, PUBLISH, user, upload.target, upload.name, upload.id,
                       upload.created + upload.extended)
        return job, lambda: _publish(settings, job, upload, user)

    return _begin(settings, f"publish of {upload.name} by {user.name}", prepare)


def start_undo(settings: Settings, record_id: str, user: User) -> Job:
    """Undo a published import: ``Conflict``, saying why, when it cannot be undone now."""
    def prepare() -> tuple[Job, Callable[[], None]]:
        record = history.find(settings, record_id)
        undo_refusal(settings, record)
        job = _new_job(settings, UNDO, user, record.file, record.upload, record.id,
                       record.created + record.extended)
        return job, lambda: _undo(settings, job, record, user)

    return _begin(settings, f"undo by {user.name}", prepare)


def _begin(settings: Settings, what: str,
           prepare: Callable[[], tuple[Job, Callable[[], None]]]) -> Job:
    """Take the lock, roll back a job that died, ``prepare`` the job (a refusal lets the lock go),
    and run it in a thread that lets the lock go when it ends."""
    lock = PublishLock(settings)
    lock.acquire(what, patience=PATIENCE)
    try:
        recover_held(settings)
        job, work = prepare()
    except BaseException:
        lock.release()
        raise
    _start(settings, job, lock, work)
    return job


def undo_refusal(settings: Settings, record: history.Record) -> None:
    """``Conflict`` (in Italian and English) when ``record`` cannot be undone now."""
    if record.action != PUBLISH:
        raise said(Conflict, "Only a publish can be undone.", "Si può annullare solo una pubblicazione.")
    if record.undone_by:
        raise said(Conflict, "This publish was undone already.",
                   "Questa pubblicazione è già stata annullata.")
    if sha256_of(settings.data_dir / record.file) != record.data_sha256:
        later = next((r for r in history.records(settings)
                      if r.file == record.file and r.id > record.id), None)
        by = f" (by the publish of {later.upload}, {later.at})" if later else ""
        da = f" (dalla pubblicazione di {later.upload}, {later.at})" if later else ""
        raise said(Conflict, f"data/{record.file} changed after this publish{by}: undo the later "
                   "change first.", f"data/{record.file} è cambiato dopo questa pubblicazione{da}: "
                   "annullare prima la modifica successiva.")
    if record.existed and not history.previous_path(settings, record.id).is_file():
        raise said(Conflict, "The bytes this file had before are no longer kept: it cannot be undone.",
                   "Il contenuto precedente del file non è più conservato: non si può annullare.")
    needed = dependents(settings, record)
    if needed:
        listed = "; ".join(f"{file} ({', '.join(things)})" for file, things in needed.items())
        raise said(Conflict, f"Other data files depend on what this publish added: {listed}. Remove "
                   "those statements first.", f"Altri file di dati dipendono da ciò che questa "
                   f"pubblicazione ha aggiunto: {listed}. Togliere prima quelle affermazioni.",
                   dependents=needed)


def dependents(settings: Settings, record: history.Record) -> dict[str, list[str]]:
    """Other data files (by name) that mention something this publish created, in the version
    served: an undo would leave them pointing at nothing."""
    if not record.created:
        return {}
    base = settings.base_iri
    own = {str(graph_iri(base, record.file.removesuffix(".ttl"))), str(graph_iri(base, METADATA_GRAPH))}
    try:
        path = open_current(settings.dist_dir).store_path
    except LoadError:
        return {}  # nothing is served: nothing can depend on it
    try:
        store = ox.Store.read_only(str(path))
    except OSError as exc:  # no check, no undo: never leave other files pointing at nothing
        raise said(Conflict, f"What depends on this publish cannot be checked now ({exc}); try "
                   "again.", f"Non si può verificare ora che cosa dipende da questa pubblicazione "
                   f"({exc}); riprovare.") from None
    values = " ".join(f"<{iri}>" for iri in record.created)
    query = (f"SELECT DISTINCT ?g ?thing WHERE {{ VALUES ?thing {{ {values} }} "
             "GRAPH ?g { { ?s ?p ?thing } UNION { ?thing ?p ?o } } }")
    found: dict[str, list[str]] = {}
    prefix = str(graph_iri(base, ""))
    for row in store.query(query):
        graph = row["g"].value
        if graph in own or not graph.startswith(prefix):
            continue
        name = f"{graph[len(prefix):]}.ttl"
        found.setdefault(name, []).append(row["thing"].value.removeprefix(base))
    del store
    return {name: sorted(things) for name, things in sorted(found.items())}


def _new_job(settings: Settings, action: str, user: User, file: str, label: str, subject: str,
             things: list[str]) -> Job:
    try:
        previous = open_current(settings.dist_dir).version
    except LoadError:
        previous = None
    job = Job(new_id(), action, user.name, file, label, subject, now_iso(), previous, things)
    job.steps.append([CHECK, job.started])
    _save(settings, job)
    return job


def _start(settings: Settings, job: Job, lock: PublishLock, work: Callable[[], None]) -> None:
    def run() -> None:
        try:
            work()
        except Exception as exc:  # anything unforeseen: roll back, say so, keep the server
            log.exception("%s job %s failed", job.action, job.id)
            reason = exc.message if isinstance(exc, CisemError) else f"{type(exc).__name__}: {exc}"
            if job.switched:  # served already: only recording it failed
                _finish(settings, job, f"Version {job.version} serves, but recording it stopped on "
                        f"an error ({reason}).", f"La versione {job.version} è in linea, ma la sua "
                        f"registrazione si è fermata per un errore ({reason}).")
            else:
                _fail(settings, job, "error", f"The job stopped on an error ({reason}); data/ is as "
                      "it was and the served version did not change.", f"Il lavoro si è fermato "
                      f"per un errore ({reason}); data/ è com'era e la versione pubblicata non è "
                      "cambiata.")
        finally:
            lock.release()

    threading.Thread(target=run, name=f"cisem-{job.action}-{job.id}", daemon=True).start()


# -- the work ------------------------------------------------------------------------------------

def _step(settings: Settings, job: Job, name: str) -> None:
    job.steps.append([name, now_iso()])
    _save(settings, job)


def _publish(settings: Settings, job: Job, upload: Upload, user: User) -> None:
    data_file = settings.data_dir / upload.target
    _write(settings, job, data_file, (upload.staged(settings) / upload.target).read_bytes())
    if not _reload(settings, job):
        return
    _record(settings, job, user, data_file,
            f"Publish {upload.target} from {upload.name} ({upload.kind}, {upload.rows} rows)",
            upload=upload.name, kind=upload.kind, sha256=upload.sha256, rows=upload.rows,
            created=upload.created, extended=upload.extended)
    discard(settings, upload.id)
    _finish(settings, job, f"Published: {upload.name} is in data/{upload.target}.",
            f"Pubblicato: {upload.name} è in data/{upload.target}.")


def _undo(settings: Settings, job: Job, record: history.Record, user: User) -> None:
    data_file = settings.data_dir / record.file
    before = history.previous_path(settings, record.id).read_bytes() if record.existed else None
    _write(settings, job, data_file, before)
    if not _reload(settings, job):
        return
    what = "restore the previous" if before is not None else "remove"
    _record(settings, job, user, data_file,
            f"Undo the publish of {record.upload}: {what} {record.file}", upload=record.upload,
            kind=record.kind, sha256=record.sha256, rows=record.rows, undoes=record.id)
    _finish(settings, job, f"Undone: the publish of {record.upload} is no longer served.",
            f"Annullato: la pubblicazione di {record.upload} non è più in linea.")


def _record(settings: Settings, job: Job, user: User, data_file: Path, message: str,
            **about: object) -> None:
    """The history record of a job that switched, and its commit when data/ is in git."""
    _step(settings, job, RECORD)
    record = history.Record(
        id=job.id, action=job.action, at=now_iso(), user=user.name, file=job.file,
        version=job.version, previous_version=job.previous_version,
        data_sha256=sha256_of(data_file), existed=job.existed, **about)
    try:
        record.commit = job.commit = gitdata.commit(data_file, message, user.author)
    except gitdata.GitFailed as exc:
        record.commit_error = job.commit_error = str(exc)
        log.warning("%s %s is published but not committed: %s", job.action, job.id, exc)
    history.append(settings, record)


def _write(settings: Settings, job: Job, data_file: Path, data: bytes | None) -> None:
    """Keep the file's bytes, then write the new ones (``None``: remove it)."""
    _step(settings, job, WRITE)
    job.existed = history.keep_previous(settings, job.id, data_file)
    job.wrote = True
    _save(settings, job)
    if data is None:
        data_file.unlink(missing_ok=True)
    else:
        write_bytes(data_file, data)


def _reload(settings: Settings, job: Job) -> bool:
    """The reload path; on a refusal, data/ rolled back and the job failed (``False``)."""
    report = reload_held(settings, step=lambda name: _step(settings, job, name))
    if report.ok:
        job.switched, job.outcome, job.version = True, report.status, report.version
        _save(settings, job)
        return True
    job.findings = report.findings
    if report.status == REJECTED:
        bad = sum(1 for f in report.findings if f.get("severity") == "Violation")
        it = (f"I dati non sono conformi ({bad} violazioni): nulla è cambiato, la versione "
              f"{report.version} resta in linea." if bad else
              f"I dati non si possono leggere ({report.message}): nulla è cambiato.")
        _fail(settings, job, REJECTED, report.message, it)
    else:
        outcome = FAILED if report.status == FAILED else "error"
        _fail(settings, job, outcome, report.message,
              f"La pubblicazione nel triplestore non è riuscita: nulla è cambiato, la versione "
              f"{report.version} resta in linea ({report.message}).")
    return False


def _finish(settings: Settings, job: Job, en: str, it: str) -> None:
    job.state, job.finished = DONE, now_iso()
    job.message = {"en": en, "it": it}
    _save(settings, job)


def _fail(settings: Settings, job: Job, outcome: str, en: str, it: str) -> None:
    """Put data/ back (unless the new version already serves), and say why."""
    if job.wrote and not job.switched:
        _roll_back(settings, job)
    job.state, job.finished, job.outcome = FAILED_STATE, now_iso(), outcome
    job.message = {"en": en, "it": it}
    _save(settings, job)


def _roll_back(settings: Settings, job: Job) -> None:
    data_file = settings.data_dir / job.file
    kept = history.previous_path(settings, job.id)
    if job.existed:
        write_bytes(data_file, kept.read_bytes())
    else:
        data_file.unlink(missing_ok=True)
    history.forget_previous(settings, job.id)
    job.wrote = False


# -- a job whose process died --------------------------------------------------------------------

def recover_held(settings: Settings) -> None:
    """With the publish lock held: a job still "running" has lost its process (it would hold the
    lock). Put data/ back, and if the switch had happened unseen, reload so that what is served is
    built from data/ again."""
    job = current_job(settings)
    if job is None or job.state != RUNNING:
        return
    log.warning("%s job %s was interrupted at %s", job.action, job.id, job.step)
    if job.switched:  # served already: only its record is missing
        _finish(settings, job, f"Published, but the job was interrupted before it was recorded in "
                f"the history (version {job.version}).", f"Pubblicato, ma il lavoro è stato "
                f"interrotto prima di registrarlo nella cronologia (versione {job.version}).")
        return
    _fail(settings, job, "interrupted",
          f"The job was interrupted (at the step {job.step}): data/ was put back as it was.",
          f"Il lavoro è stato interrotto (al passo {job.step}): data/ è stata rimessa com'era.")
    try:
        served = open_current(settings.dist_dir).version
    except LoadError:
        served = None
    if served != job.previous_version:
        reload_held(settings)


def recover(settings: Settings) -> None:
    """At a worker's start: recover an interrupted job, unless a publish holds the lock now."""
    job = current_job(settings)
    if job is None or job.state != RUNNING:
        return
    lock = PublishLock(settings)
    try:
        lock.acquire("recovery of an interrupted job")
    except CisemError:
        return  # its process is alive, or another worker is recovering it
    try:
        recover_held(settings)
    finally:
        lock.release()
