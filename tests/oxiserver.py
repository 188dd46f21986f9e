"""A real Oxigraph server (``oxigraph serve`` from the PyPI ``oxigraph`` package) for the tests of the
remote store: its own data folder, a free loopback port, stoppable and restartable."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

OXIGRAPH = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
MISSING = "oxigraph CLI not found: pip install oxigraph==0.5.13 (the `test` extra does)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StoreProcess:
    """A store server this test run started: ``url`` its query endpoint, ``proc`` its process."""

    url: str
    proc: subprocess.Popen | None = None
    #: seconds ``stop`` waits for the process to end before it kills it
    stop_wait: float = 10

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(self.stop_wait)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
            self.proc = None

    def kill(self) -> None:
        """Stop at once, as a crash or a pulled cable would."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None

    def select(self, query: str) -> list[dict[str, str]]:
        """Ask the store directly (every graph, staging included), as plain values."""
        import json
        import urllib.parse

        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            data = json.load(response)
        return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]


class Oxigraph(StoreProcess):
    """One ``oxigraph serve`` over its own data folder (never shared with another live server)."""

    def __init__(self, location: Path, read_only: bool = False) -> None:
        """``read_only``: ``oxigraph serve-read-only`` (a replica over a copy made by ``backup``)."""
        self.location = location
        self.read_only = read_only
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/query"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Oxigraph:
        command = "serve-read-only" if self.read_only else "serve"
        self.proc = subprocess.Popen(
            [OXIGRAPH, command, "--location", str(self.location), "--bind",
             f"127.0.0.1:{self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(self.url + "?query=ASK%7B%7D", timeout=1).read()
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.1)

    def graph_counts(self) -> dict[str, int]:
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {row["g"]: int(row["n"]) for row in rows}

    def quads(self) -> bytes:
        """Everything the store holds, every graph, as N-Quads (Graph Store Protocol, GET /store)."""
        request = urllib.request.Request(self.base + "/store",
                                         headers={"Accept": "application/n-quads"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()


def backup(location: Path, destination: Path) -> None:
    """``oxigraph backup``: a copy of a database folder that another server can open (of what is
    in its files: see ``snapshot``)."""
    subprocess.run([OXIGRAPH, "backup", "--location", str(location), "--destination",
                    str(destination)], check=True, capture_output=True, timeout=120)


def snapshot(location: Path, destination: Path) -> None:
    """The README's snapshot copy of a stopped store: ``oxigraph optimize`` writes what its log
    still holds into its files (a push's writes are only in the log until then), then
    ``backup``."""
    subprocess.run([OXIGRAPH, "optimize", "--location", str(location)], check=True,
                   capture_output=True, timeout=300)
    backup(location, destination)
