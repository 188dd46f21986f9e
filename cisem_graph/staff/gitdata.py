"""When ``data/`` is in a git repository, each publish and undo is a commit authored by its user.

The history in ``state_dir`` lives on one server; a commit travels with the data. Only the data
file the job changed is committed (``git commit -- <path>``: whatever else is staged stays staged),
with the user as author; the committer is the repository's own identity, or the user when the
repository has none. Hooks do not run (a hook waiting for input would hang a job). A commit that
fails does not undo a publish that is already served: the job says why, and the history keeps it.
A data folder the repository ignores (a generated project in a git-ignored folder) is not the
repository's to record: nothing is committed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

#: seconds any one git command may take
GIT_TIMEOUT = 30.0


class GitFailed(Exception):
    pass


def repository_of(folder: Path) -> Path | None:
    """The top of the git work tree that holds ``folder``, or ``None`` (no git, no repository)."""
    if shutil.which("git") is None:
        return None
    try:
        top = _git(Path(folder), "rev-parse", "--show-toplevel")
    except GitFailed:
        return None
    return Path(top) if top else None


def commit(path: Path, message: str, author: tuple[str, str]) -> str | None:
    """Commit the change of one file (written or removed) as ``author``; the new commit's id, or
    ``None`` when ``path`` is not in a repository. ``GitFailed`` says why a commit failed."""
    top = repository_of(path.parent)
    if top is None:
        return None
    relative = str(Path(os.path.realpath(path)).relative_to(os.path.realpath(top)))
    if _ignored(top, relative):
        return None  # the repository does not keep this data: nothing to record there
    name, email = author
    env = {}
    if not _has_identity(top):
        env = {"GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    if path.exists():
        _git(top, "add", "--", relative)
    elif not _git(top, "ls-files", "--", relative):
        return None  # removed, and never committed: there is nothing to record
    _git(top, "-c", "commit.gpgsign=false", "commit", "--no-verify", "--quiet",
         f"--author={name} <{email}>", "-m", message, "--", relative, env=env)
    return _git(top, "rev-parse", "HEAD")


def _ignored(top: Path, relative: str) -> bool:
    try:
        _git(top, "check-ignore", "--quiet", "--", relative)
    except GitFailed:
        return False  # exit 1: not ignored
    return True


def _has_identity(top: Path) -> bool:
    try:
        return bool(_git(top, "config", "user.email")) and bool(_git(top, "config", "user.name"))
    except GitFailed:
        return False


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT, env={**os.environ, "GIT_TERMINAL_PROMPT": "0",
                                                        **(env or {})})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitFailed(f"git {args[0]}: {exc}") from None
    if done.returncode != 0:
        raise GitFailed(f"git {args[0]}: {(done.stderr or done.stdout).strip()[:300]}")
    return done.stdout.strip()
