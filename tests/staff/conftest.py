"""Fixtures of the staff area's core: a project copy, built, with a users file and a state folder.

Every user and row is made up ("fittizia"); nothing is written to the repository's own data/."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from cisem_graph.config import Settings
from cisem_graph.graph.pipeline import build
from cisem_graph.staff import jobs, uploads
from cisem_graph.staff.users import User, add_user, read_users

PASSWORD = "una password di prova"
SECRET = "0123456789abcdef0123456789abcdef-test"


@pytest.fixture
def staffed(project_copy: Path) -> Settings:
    """Settings over a built project copy, with one user (maria)."""
    users = project_copy / "users.json"
    add_user(users, "maria", PASSWORD, "Maria Esempio (fittizia)", "maria@example.org")
    settings = Settings(root=project_copy, staff_users_file=users, secret_key=SECRET)
    build(settings)
    return settings


@pytest.fixture
def maria(staffed: Settings) -> User:
    return read_users(staffed.staff_users_file)["maria"]


def receive(settings: Settings, name: str, data: bytes, kind: str = "events",
            user: str = "maria") -> uploads.Upload:
    """An upload as the staff area receives it: saved under its name, then checked."""
    folder = uploads.new_upload_folder(settings)
    (folder / name).write_bytes(data)
    return uploads.check_upload(settings, folder / name, name, kind, user)


def finished(settings: Settings, timeout: float = 60) -> jobs.Job:
    """The current job once it has ended."""
    deadline = time.monotonic() + timeout
    while True:
        job = jobs.current_job(settings)
        if job is not None and job.state != jobs.RUNNING:
            return job
        assert time.monotonic() < deadline, f"the job did not end: {job}"
        time.sleep(0.1)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder with its SHA-256 (what must stay byte-identical)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
