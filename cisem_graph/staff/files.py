"""The staff area's state folder (``state_dir``): where each thing lives, and how it is written.

Everything here is written whole and renamed into place, so a reader in another worker process
sees the old state or the new one, never half of one.

```
state_dir/
  publish.lock                 the publish lock (cisem_graph.lock)
  signin-failures.json         failed sign-ins (throttle)
  signouts.json                when each user last signed out (sessions issued before are over)
  uploads/<id>/                one checked upload: upload.json, the spreadsheet, data/ (the data
                               as it would be), dist/ and preview.json once previewed
  job.json                     the last publish or undo job and its progress
  history.json                 the imports and undos published, with the versions they made
  history/<id>/previous.ttl    the bytes a data file had before that publish or undo
```
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from ..config import Settings

#: an identifier of an upload, a job or a history record: time-ordered, and safe in a path or URL
ID = re.compile(r"^[0-9a-f]{12,32}$")


def new_id() -> str:
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(4)}"


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def state(settings: Settings, *parts: str) -> Path:
    return Path(settings.state_dir).joinpath(*parts)


def write_json(path: Path, value: object) -> None:
    write_bytes(path, json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8"))


def read_json(path: Path) -> object | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_bytes(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Atomically: a temporary file beside ``path`` (never ``*.ttl``, so no build reads it), then a
    rename; ``fsync``-ed, since a data file written here may be all that is left of an import."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sha256_of(path: Path) -> str | None:
    """The file's SHA-256, or ``None`` when there is no such file."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except FileNotFoundError:
        return None
    return digest.hexdigest()
