"""Whether a process that wrote its id into shared state (a worker's slot, a background job) still
runs: such state outlives a process killed without a chance to clean up, and must be taken back."""

from __future__ import annotations

import os


def alive(pid: object) -> bool:
    """``pid`` names a running process (one of another user's counts: it exists)."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
