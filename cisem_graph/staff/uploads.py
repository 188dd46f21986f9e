"""An uploaded spreadsheet, checked as ``cisem-graph import`` checks it, against a copy of the data.

The importer writes where ``data_dir`` points; here it points at a copy of ``data/`` in the
upload's own folder under ``state_dir``, so the real ``data/`` is never written by a check, and the
copy, with the imported file in it, is exactly the data a publish would build (the preview builds
it). The copy's fingerprint (every data file's name and SHA-256) is kept: a publish goes ahead only
while ``data/`` still has it, so what was checked and previewed is what is published.
"""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..config import Settings
from ..errors import ImportFailed, NotFound, UploadRefused, said
from ..graph.sources import turtle_files
from ..importer import Problem, import_file
from . import tasks
from .files import ID, new_id, now_iso, read_json, sha256_of, state, write_json
from .spreadsheet import Formulas, inspect_workbook

UPLOADS = "uploads"
META = "upload.json"
#: the check's state (``tasks``)
CHECK = "check.json"
CHECKED, REFUSED = "checked", "refused"
GONE = ("No such upload: it was published, discarded or is more than a week old.",
        "Nessun caricamento simile: è stato pubblicato, scartato o ha più di una settimana.")
#: an upload not published is forgotten after this many seconds (its folder removed)
KEEP_SECONDS = 7 * 24 * 3600


@dataclass
class Upload:
    id: str
    user: str
    at: str
    kind: str
    name: str  #: the spreadsheet's file name, as uploaded
    sha256: str  #: the spreadsheet's
    size: int
    format: str
    encoding: str | None
    delimiter: str | None
    rows: int
    target: str  #: the data file it makes (``import-<name>.ttl``)
    graph: str
    created: list[str]
    extended: list[str]
    triples: int
    changes: bool  #: False: the very same file was imported already; nothing to publish
    fingerprint: str  #: of data/ as it was checked against
    warnings: list[dict] = field(default_factory=list)
    formulas: int = 0
    unsaved_formulas: int = 0

    def folder(self, settings: Settings) -> Path:
        return upload_folder(settings, self.id)

    def staged(self, settings: Settings) -> Path:
        """The data folder as the upload would make it."""
        return self.folder(settings) / "data"

    def staged_settings(self, settings: Settings) -> Settings:
        """Settings that read the staged data and build into the upload's own folder."""
        folder = self.folder(settings)
        return settings.replace(data_dir=folder / "data", dist_dir=folder / "dist")

    def as_json(self) -> dict:
        return asdict(self)


def upload_folder(settings: Settings, upload_id: str) -> Path:
    return state(settings, UPLOADS, upload_id)


def fingerprint(folder: Path) -> str:
    """The data files of a folder, by name and content."""
    digest = hashlib.sha256()
    for path in turtle_files(folder):
        digest.update(f"{path.name}\0{sha256_of(path)}\n".encode())
    return digest.hexdigest()


def check_upload(settings: Settings, received: Path, name: str, kind: str, user: str) -> Upload:
    """Check a received spreadsheet (``received``, inside ``new_upload_folder``) against a copy of
    ``data/``; ``ImportFailed`` (the copy and the spreadsheet removed) when anything is wrong."""
    folder = received.parent
    staged = folder / "data"
    try:
        formulas = inspect_workbook(received, name) if name.lower().endswith(".xlsx") else Formulas()
        staged.mkdir()
        for path in turtle_files(Path(settings.data_dir)):
            shutil.copyfile(path, staged / path.name)
        checked_against = fingerprint(staged)
        result = import_file(received, kind, settings.replace(data_dir=staged,
                                                              dist_dir=folder / "dist"))
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        received.unlink(missing_ok=True)
        raise
    upload = Upload(
        id=folder.name, user=user, at=now_iso(), kind=kind, name=name, sha256=result.sha256,
        size=received.stat().st_size, format=result.format, encoding=result.encoding,
        delimiter=result.delimiter, rows=result.rows, target=result.path.name,
        graph=str(result.graph), created=[str(i) for i in result.created],
        extended=[str(i) for i in result.extended], triples=result.triples, changes=result.written,
        fingerprint=checked_against, warnings=[p.as_dict() for p in result.warnings],
        formulas=formulas.cells, unsaved_formulas=formulas.unsaved)
    write_json(folder / META, upload.as_json())
    return upload


def start_check(settings: Settings, received: Path, name: str, kind: str,
                user: str) -> threading.Thread:
    """``check_upload`` in the background (``tasks``): ``check_state`` says how it went."""
    def work() -> dict:
        try:
            check_upload(settings, received, name, kind, user)
        except ImportFailed as exc:
            return {"state": REFUSED, "problems": [p.as_dict() for p in exc.problems],
                    "status": refusal_status(exc.problems)}
        except UploadRefused as exc:
            return {"state": REFUSED, "problems": [p.as_dict() for p in exc.problems],
                    "status": exc.status}
        return {"state": CHECKED}

    return tasks.start(received.parent / CHECK, work, name=name, kind=kind, user=user)


def check_state(settings: Settings, upload_id: str) -> dict:
    """How an upload's check went: running, checked, refused (with its problems and status),
    failed or interrupted."""
    state = tasks.read(upload_folder(settings, upload_id) / CHECK) if ID.match(upload_id) else None
    if state is None:
        raise said(NotFound, *GONE)
    return state


def refusal_status(problems: list[Problem]) -> int:
    """413 for a file over the limit, 415 for a format not taken, else 422 (rows break rules)."""
    rules = {p.rule for p in problems}
    if "too-large" in rules:
        return 413
    if "format" in rules:
        return 415
    return 422


def new_upload_folder(settings: Settings) -> Path:
    """A fresh folder for the next upload (old unpublished ones are removed first)."""
    prune(settings)
    folder = upload_folder(settings, new_id())
    folder.mkdir(parents=True)
    return folder


def load_upload(settings: Settings, upload_id: str) -> Upload:
    """A checked upload (``NotFound`` for one refused, still being checked, or gone)."""
    raw = read_json(upload_folder(settings, upload_id) / META) if ID.match(upload_id) else None
    if not isinstance(raw, dict):
        raise said(NotFound, *GONE)
    return Upload(**raw)


def discard(settings: Settings, upload_id: str) -> None:
    if ID.match(upload_id):
        shutil.rmtree(upload_folder(settings, upload_id), ignore_errors=True)


def prune(settings: Settings, now: float | None = None) -> None:
    """Forget uploads older than ``KEEP_SECONDS``."""
    now = time.time() if now is None else now
    root = state(settings, UPLOADS)
    if not root.is_dir():
        return
    for folder in root.iterdir():
        try:
            if now - folder.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


