"""The history of what the staff area published: imports and undos, and the versions they made.

One record per publish or undo that switched (or left unchanged) the served version: the data
file, the spreadsheet and its SHA-256, the user, the time, the rows, the things created and added
to, the version before and after, the commit when ``data/`` is in git. The bytes the data file had
before (none for a new file) are kept beside it, so an undo can put them back. The list of
versions served is read off the records (``versions``). Records are written under the publish
lock only, so they need no lock of their own; the file is replaced whole.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..config import Settings
from ..errors import NotFound, said
from .files import ID, read_json, state, write_bytes, write_json

HISTORY = "history.json"
FOLDER = "history"
PREVIOUS = "previous.ttl"
PUBLISH, UNDO = "publish", "undo"


@dataclass
class Record:
    id: str
    action: str  #: publish or undo
    at: str
    user: str
    file: str  #: the data file (``import-<name>.ttl``)
    version: str | None  #: served after it
    previous_version: str | None
    data_sha256: str | None  #: of the data file after it (``None``: the file was removed)
    existed: bool  #: whether the data file existed before (its bytes are kept)
    upload: str = ""  #: the spreadsheet's name
    kind: str = ""
    sha256: str = ""  #: the spreadsheet's
    rows: int = 0
    created: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)
    undoes: str | None = None
    undone_by: str | None = None
    commit: str | None = None
    commit_error: str | None = None

    def as_json(self) -> dict:
        return asdict(self)


def records(settings: Settings) -> list[Record]:
    """Newest first."""
    raw = read_json(state(settings, HISTORY)) or {}
    return [Record(**r) for r in reversed(raw.get("records", []))]


def find(settings: Settings, record_id: str) -> Record:
    for record in records(settings) if ID.match(record_id) else []:
        if record.id == record_id:
            return record
    raise said(NotFound, "No such entry in the history.", "Nessuna voce simile nella cronologia.")


def append(settings: Settings, record: Record) -> None:
    """Add a record, and mark the one it undoes (call with the publish lock held)."""
    kept = list(reversed(records(settings)))
    if record.undoes:
        for earlier in kept:
            if earlier.id == record.undoes:
                earlier.undone_by = record.id
    kept.append(record)
    write_json(state(settings, HISTORY), {"records": [r.as_json() for r in kept]})


def versions(settings: Settings) -> list[dict]:
    """The versions the staff area made, newest first: version, when, by whom, how."""
    return [{"version": r.version, "previous": r.previous_version, "at": r.at, "user": r.user,
             "action": r.action, "file": r.file, "record": r.id}
            for r in records(settings) if r.version and r.version != r.previous_version]


def keep_previous(settings: Settings, record_id: str, data_file: Path) -> bool:
    """Keep the bytes ``data_file`` has now, before a publish or undo changes it; whether it had any."""
    try:
        data = data_file.read_bytes()
    except FileNotFoundError:
        return False
    write_bytes(previous_path(settings, record_id), data)
    return True


def previous_path(settings: Settings, record_id: str) -> Path:
    return state(settings, FOLDER, record_id, PREVIOUS)


def forget_previous(settings: Settings, record_id: str) -> None:
    """A job that failed keeps no bytes (it made no record)."""
    path = previous_path(settings, record_id)
    path.unlink(missing_ok=True)
    try:
        path.parent.rmdir()
    except OSError:
        pass
