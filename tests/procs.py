"""Processes seen through ``/proc`` (Linux): children, descendants and CPU time, for the tests
that kill a store a script started or check that a killed query process used no CPU after."""

from __future__ import annotations

from pathlib import Path


def _stat(pid: int | str) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name, or None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def children(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``, with their command lines (arguments space-separated)."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(entry.name)
        if fields is not None and int(fields[1]) == pid:
            try:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(
                    b"\0", b" ").decode(errors="replace").strip()
            except OSError:
                continue  # gone meanwhile
    return found


def descendants(pid: int) -> set[int]:
    found = set()
    for child in children(pid):
        found |= {child} | descendants(child)
    return found


def cpu_ticks(pids: set[int]) -> dict[int, int]:
    """User and system CPU time of each process still there, in clock ticks (1/100 s)."""
    ticks = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            ticks[pid] = int(fields[11]) + int(fields[12])
    return ticks
