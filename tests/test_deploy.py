"""Smoke-run ``deploy/oxigraph.sh``: it builds, starts Oxigraph server, pushes, serves through the
remote store, and stops both servers when it is stopped."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from oxiserver import free_port
from procs import children
from SPARQLWrapper import JSON, SPARQLWrapper

from cisem_graph.config import PROJECT_ROOT
from cisem_graph.store.remote import PUBLICATION

SCRIPT = PROJECT_ROOT / "deploy" / "oxigraph.sh"
pytestmark = pytest.mark.usefixtures("oxigraph_cli")


def wait_for(url: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=2).read()
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{url} did not answer: {log.read_text()[-3000:]}")
            time.sleep(0.3)


def closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_deploy_script(tmp_path):
    port, store_port = free_port(), free_port()
    env = {**os.environ, "STORE_PORT": str(store_port), "CISEM_PORT": str(port),
           "CISEM_DIST_DIR": str(tmp_path / "dist"), "CISEM_BIN": str(Path(sys.executable).parent)}
    log = tmp_path / "deploy.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(["bash", str(SCRIPT), str(tmp_path / "db")], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        health = json.loads(wait_for(f"http://127.0.0.1:{port}/health", proc, log))
        assert health["status"] == "ok" and health["triples"] > 1000
        # the store holds the pushed version: our server serves it from there
        record = SPARQLWrapper(f"http://127.0.0.1:{store_port}/query")
        record.setQuery(f"SELECT ?v {{ GRAPH <{PUBLICATION}> {{ ?s <{PUBLICATION}#version> ?v }} }}")
        record.setReturnFormat(JSON)
        rows = record.queryAndConvert()["results"]["bindings"]
        assert [row["v"]["value"] for row in rows] == [health["version"]]
        ours = SPARQLWrapper(f"http://127.0.0.1:{port}/sparql")
        ours.setQuery("SELECT ?name { <https://w3id.org/cisem/id/organization/cisem> "
                      "<https://schema.org/name> ?name FILTER(lang(?name) = 'it') }")
        ours.setReturnFormat(JSON)
        names = [r["name"]["value"] for r in ours.queryAndConvert()["results"]["bindings"]]
        assert names == ["Comitato Imprenditorialità Sociale E Microcredito"]  # as the source writes it
        assert "published version" in log.read_text()
        # Our server has a local build too: only the remote kind answers 502 once the store is gone.
        (store_pid,) = [pid for pid, cmd in children(proc.pid).items()
                        if "oxigraph serve" in cmd and f"--bind 127.0.0.1:{store_port}" in cmd]
        os.kill(store_pid, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while not closed(store_port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert closed(store_port), "the killed store still listens"
        ours.setQuery("ASK { <https://w3id.org/cisem/id/organization/cisem> ?p ?o }")  # not cached
        try:
            ours.queryAndConvert()
            pytest.fail("the server answered with its store killed: it does not query the store")
        except urllib.error.HTTPError as error:
            with error:
                assert error.code == 502 and b"Store unavailable" in error.read()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("deploy script did not stop on SIGTERM")
    deadline = time.monotonic() + 15
    while not (closed(port) and closed(store_port)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert closed(port) and closed(store_port), "a server outlived the deploy script"


def test_deploy_script_without_commands(tmp_path):
    env = {**os.environ, "CISEM_BIN": str(tmp_path)}
    result = subprocess.run(["bash", str(SCRIPT), str(tmp_path / "db")], env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "not found" in result.stderr
