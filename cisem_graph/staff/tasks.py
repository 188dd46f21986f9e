"""Work that may outlast a request (an upload's check, a preview's build), run in a thread of the
worker that was asked, its state in a file every worker reads.

At 100k triples the import's check takes tens of seconds and a preview's build a minute (see
bench/README.md): more than a proxy in front waits for an answer. So the request starts the work,
waits for it a few seconds (``ANSWER_WITHIN``: small sheets are answered at once), and otherwise
answers with a page that follows the state file until the work is done. A state left "running" by
a process that is gone reads as "interrupted".
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from ..processes import alive
from .files import now_iso, read_json, write_json

log = logging.getLogger("cisem_graph.staff")

RUNNING, FAILED, INTERRUPTED = "running", "failed", "interrupted"
#: seconds a request waits for its work before answering with a page that follows it
ANSWER_WITHIN = 10.0


def start(path: Path, work: Callable[[], dict], **about: object) -> threading.Thread:
    """Run ``work`` in a thread; ``path`` says "running", then what ``work`` returns (its own
    ``state``), or "failed" with the error. Nothing is written once the folder is gone (an upload
    published or discarded meanwhile)."""
    write_json(path, {"state": RUNNING, "pid": os.getpid(), "started": now_iso(), **about})

    def run() -> None:
        try:
            outcome = work()
        except Exception as exc:  # a bug, not a refusal: said, and the server goes on
            log.exception("%s failed", path.name)
            outcome = {"state": FAILED, "error": f"{type(exc).__name__}: {exc}"}
        if path.parent.is_dir():
            write_json(path, {**about, "finished": now_iso(), **outcome})

    thread = threading.Thread(target=run, name=f"cisem-{path.stem}", daemon=True)
    thread.start()
    return thread


def read(path: Path) -> dict | None:
    """The state of the work, or ``None`` when none was started."""
    state = read_json(path)
    if not isinstance(state, dict):
        return None
    if state.get("state") == RUNNING and not alive(state.get("pid")):
        state = {**state, "state": INTERRUPTED}
    return state


def running(path: Path) -> bool:
    state = read(path)
    return state is not None and state["state"] == RUNNING

