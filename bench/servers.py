"""Start, probe and stop one SPARQL server at a time on loopback, and read its CPU time.

Each server runs in a session of its own (``start_new_session``): its CPU time is the sum over the
processes of that session (gunicorn/granian workers and our query processes included), and stopping
it ends exactly the processes this run started.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class ServerSpec:
    name: str
    #: "ours", "oxigraph" or "rdflib-endpoint": decides which baseline a ratio is taken against
    kind: str
    description: str
    argv: list[str]  # "{port}" is replaced by the chosen port
    endpoint: str
    env: dict[str, str] = field(default_factory=dict)
    workloads: tuple[str, ...] | None = None  # None: all
    connections: tuple[int, ...] | None = None  # None: all


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Running:
    def __init__(self, spec: ServerSpec, logs: Path) -> None:
        self.spec = spec
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        logs.mkdir(parents=True, exist_ok=True)
        self.stdout_path = logs / f"{spec.name}.out.log"
        self.stderr_path = logs / f"{spec.name}.err.log"
        argv = [a.replace("{port}", str(self.port)) for a in spec.argv]
        env = {**os.environ, **spec.env}
        self._out = open(self.stdout_path, "wb")  # noqa: SIM115 - closed in stop()
        self._err = open(self.stderr_path, "wb")  # noqa: SIM115
        self.started = time.monotonic()
        self.process = subprocess.Popen(argv, env=env, stdout=self._out, stderr=self._err,
                                        stdin=subprocess.DEVNULL, start_new_session=True)

    def get(self, query: str, accept: str = "application/sparql-results+json",
            timeout: float = 30.0) -> tuple[int, bytes]:
        url = f"{self.base}{self.spec.endpoint}?query={quote(query, safe='')}"
        req = urllib.request.Request(url, headers={"Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def wait_ready(self, timeout: float = 180.0) -> float:
        """Seconds until an ``ASK {}`` is answered 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.spec.name} exited with {self.process.returncode}; "
                                   f"see {self.stderr_path}")
            try:
                status, body = self.get("ASK {}", timeout=5)
                if status == 200 and json.loads(body).get("boolean") is True:
                    return time.monotonic() - self.started
            except (OSError, ValueError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.spec.name} not ready after {timeout} s; see {self.stderr_path}")

    def pids(self) -> list[int]:
        """Processes of this server's session (the server and every process it started)."""
        sid = self.process.pid
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) == sid:  # field 6 of stat: session id
                found.append(int(entry))
        return found

    def cpu_seconds(self) -> float:
        """CPU time used so far by the live processes of the session (plus their reaped children)."""
        total = 0
        for pid in self.pids():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            # utime stime cutime cstime: fields 14-17 of stat (index 11-14 after the name)
            total += sum(int(x) for x in fields[11:15])
        return total / _TICKS

    def wait_idle(self, limit: float = 90.0) -> float:
        """Wait until the server stops computing (work a client gave up on still runs to its end in
        some servers); the seconds waited."""
        started = time.monotonic()
        last = self.cpu_seconds()
        while time.monotonic() - started < limit:
            time.sleep(0.5)
            now = self.cpu_seconds()
            if now - last < 0.05:  # under 10% of a core
                break
            last = now
        return time.monotonic() - started

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # anything of this session still alive (a query process, a granian worker) is ours
        leftovers = [pid for pid in self.pids() if pid != self.process.pid]
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._out.close()
        self._err.close()

    def log_size(self) -> int:
        return self.stderr_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with open(self.stderr_path, "rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", "replace")
