"""Benchmark our SPARQL endpoint against Oxigraph server and rdflib-endpoint on the same data.

    .venv/bin/python bench/run.py            # the whole run, about 13 minutes on 2 cores
    .venv/bin/python bench/run.py --quick    # 2 s cells, a smoke test of the harness

Steps: generate a seeded synthetic dataset (~100k triples, schema.org, five named graphs) as
N-Quads under ``bench/results/``; write our dataset version from it with
``cisem_graph.graph.version.write_version`` (the build's own writer and store; the SHACL gate is bypassed:
the data is synthetic); load the same N-Quads into an Oxigraph server store (``oxigraph load``).
Then start the four main servers side by side on loopback (Oxigraph server, ours under gunicorn
and under granian, rdflib-endpoint), check that each answers every workload like pyoxigraph does,
and measure each workload at 1, 4 and 16 connections with wrk (``bench/wrk.lua``), each cell in
runs that alternate between the servers; then other shapes of ours, one at a time. Results:
``bench/results/latest.md`` (the table printed at the end) and ``latest.json``. See README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from dataset import generate
from servers import Running, ServerSpec
from workloads import ACCEPT_JSON, WORKLOADS, paths, queries

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
VENV_BIN = Path(sys.executable).parent
BASE_IRI = "https://w3id.org/cisem/"
CONNECTIONS = (1, 4, 16)
#: issue 12's throughput targets: (workload, baseline, least ratio of requests per second)
TARGETS = (("lookup", "oxigraph", 0.4), ("join", "oxigraph", 0.6), ("lookup-same", "oxigraph", 1.0),
           ("aggregate", "oxigraph", 0.95), ("join", "rdflib-endpoint", 10.0))
#: the configuration `cisem-graph serve` runs with by default; the targets are judged on it
DEFAULT_OURS = "ours-serve-2x8"
GUNICORN = "ours-gunicorn-2x8"


def bin_path(name: str) -> str:
    found = VENV_BIN / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def server_specs(dist: Path, oxigraph_dir: Path, nquads: Path) -> list[ServerSpec]:
    # Every guard, time-out and cap as shipped; the per-client share is accounted for (its cost is
    # measured) but set above what one load generator on one address asks, so wrk is not throttled.
    env = {"CISEM_DIST_DIR": str(dist), "CISEM_CLIENT_BUDGET": "1000000",
           "CISEM_CLIENT_MAX_QUERIES": "1000", "CISEM_MAX_CLIENT_CONNECTIONS": "1000"}
    variants = ("lookup", "join")
    few = (4, 16)

    def serve(workers: int, threads: int, server: str = "granian", full: bool = False,
              extra: dict | None = None, name: str = "") -> ServerSpec:
        label = "ours-serve" if server == "granian" else "ours-gunicorn"
        return ServerSpec(
            name or f"{label}-{workers}x{threads}", "ours",
            f"`cisem-graph serve --server {server} --workers {workers} --threads {threads}`"
            + (" (granian, the RSGI front and its hot path: the default)" if server == "granian"
               else " (gunicorn gthread, the Flask app for every request)")
            + ", every guard and the isolation on"
            + (f"; {', '.join(f'{k}={v}' for k, v in (extra or {}).items())}" if extra else ""),
            [bin_path("cisem-graph"), "serve", "--server", server, "--host", "127.0.0.1", "--port",
             "{port}", "--workers", str(workers), "--threads", str(threads)],
            "/sparql", {**env, **(extra or {})},
            None if full else variants, None if full else few)

    def granian_wsgi(workers: int, threads: int) -> ServerSpec:
        """The app straight under granian's WSGI interface, without the front: what it saves."""
        return ServerSpec(
            f"ours-granian-wsgi-{workers}x{threads}", "ours",
            f"granian --interface wsgi cisem_graph.wsgi:app --workers {workers} "
            f"--blocking-threads {threads} (no front, no hot path: open to slow request bodies)",
            [bin_path("granian"), "--interface", "wsgi", "cisem_graph.wsgi:app", "--host", "127.0.0.1",
             "--port", "{port}", "--workers", str(workers), "--blocking-threads", str(threads)],
            "/sparql", env, variants, few)

    return [
        ServerSpec("oxigraph", "oxigraph",
                   "Oxigraph server: `oxigraph serve-read-only --union-default-graph`",
                   [bin_path("oxigraph"), "serve-read-only", "--location", str(oxigraph_dir),
                    "--bind", "127.0.0.1:{port}", "--union-default-graph"], "/query"),
        serve(2, 8, full=True),
        serve(2, 8, server="gunicorn", full=True),
        ServerSpec("rdflib-endpoint", "rdflib-endpoint",
                   "`rdflib-endpoint serve bench.nq` (rdflib Dataset, default_union, one uvicorn "
                   "process)",
                   [bin_path("rdflib-endpoint"), "serve", str(nquads), "--host", "127.0.0.1",
                    "--port", "{port}"], "/"),
        # other shapes of ours, on the two workloads with targets
        serve(2, 4),
        serve(1, 8),
        serve(2, 8, extra={"CISEM_QUERY_PROCESSES": "4"}, name="ours-serve-2x8-qp4"),
        granian_wsgi(2, 8),
    ]


# --- preparation -----------------------------------------------------------------------------------

def inprocess_costs(dist: Path, texts: dict[str, list[str]], n: int = 1500) -> dict[str, float]:
    """CPU ms per query of pyoxigraph plus our SPARQL JSON writer in this process, per workload:
    what any server of ours must spend at least, the floor the Python beyond it is measured from."""
    from pyoxigraph import Store

    from cisem_graph.store.worker import QueryRequest, run_query

    store = Store.read_only(str(dist / "current" / "store"))
    costs = {}
    for workload, items in texts.items():
        count = n if workload != "aggregate" else max(n // 30, 20)
        chosen = [items[i % len(items)] for i in range(count)]
        for text in chosen[: max(count // 10, 1)]:  # warm the page cache and the allocator
            run_query(store, QueryRequest(text, True, None, None, "json"), result_limit=100_000,
                      prefixes={})
        started = time.process_time()
        for text in chosen:
            run_query(store, QueryRequest(text, True, None, None, "json"), result_limit=100_000,
                      prefixes={})
        costs[workload] = 1000 * (time.process_time() - started) / count
    del store
    return costs


def fast_lane_share(dist: Path, texts: dict[str, list[str]]) -> dict[str, float]:
    """The share of each workload's queries the embedded store proves bounded (its fast lane)."""
    from cisem_graph.config import Settings
    from cisem_graph.graph.version import open_current
    from cisem_graph.store import open_store

    settings = Settings(dist_dir=dist)
    store = open_store(settings, open_current(dist))
    try:
        return {w: sum(store.prepare(t).bounded for t in items) / len(items)
                for w, items in texts.items()}
    finally:
        store.close()


def prepare(results: Path) -> dict:
    """Dataset, our dataset version and the Oxigraph server store (reused when unchanged)."""
    data = generate(BASE_IRI)
    digest = hashlib.sha256(data.nquads).hexdigest()[:16]
    nq = results / "data" / "bench.nq"
    nq.parent.mkdir(parents=True, exist_ok=True)
    if not nq.exists() or nq.read_bytes() != data.nquads:
        nq.write_bytes(data.nquads)

    # Our dataset version is written every run (a few seconds): the build code may have changed.
    dist = results / "dist"
    from cisem_graph.graph.version import write_version

    started = time.perf_counter()
    shutil.rmtree(dist, ignore_errors=True)
    write_version(dist, f"bench-{digest}", BASE_IRI, sorted(data.nquads.splitlines(keepends=True)))
    print(f"our dataset version bench-{digest}: {time.perf_counter() - started:.1f} s", flush=True)

    oxi = results / "oxigraph"
    oxi_marker = results / "oxigraph.loaded"
    if not (oxi_marker.exists() and oxi_marker.read_text() == digest):
        shutil.rmtree(oxi, ignore_errors=True)
        oxi_marker.unlink(missing_ok=True)
        started = time.perf_counter()
        subprocess.run([bin_path("oxigraph"), "load", "--location", str(oxi), "--file", str(nq)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        oxi_marker.write_text(digest)
        print(f"oxigraph load: {time.perf_counter() - started:.1f} s", flush=True)
    return {"data": data, "digest": digest, "nquads": nq, "dist": dist, "oxigraph": oxi}


def expected_answers(nquads: bytes, texts: dict[str, list[str]]) -> dict[str, list]:
    """What each workload's first query answers: pyoxigraph in memory over the N-Quads, default
    graph the union of the named graphs (no triple is in two graphs, so it is also their merge)."""
    from pyoxigraph import RdfFormat, Store

    store = Store()
    store.bulk_load(nquads, format=RdfFormat.N_QUADS)
    out = {}
    for workload, items in texts.items():
        answer = store.query(items[0], use_default_graph_as_union=True)
        names = [v.value for v in answer.variables]
        rows = [tuple(sorted((name, solution[name].value) for name in names
                             if solution[name] is not None)) for solution in answer]
        out[workload] = sorted(rows)
    return out


def answer_rows(body: bytes) -> list:
    doc = json.loads(body)
    return sorted(tuple(sorted((k, v["value"]) for k, v in b.items())) for b in doc["results"]["bindings"])


# --- measuring -------------------------------------------------------------------------------------

def wrk(base: str, path_file: Path, connections: int, seconds: float, start: int,
        accept: str = ACCEPT_JSON, encoding: str = "") -> dict:
    """wrk over the paths of ``path_file`` (``encoding``: an ``Accept-Encoding`` to send)."""
    if shutil.which("wrk") is None:
        if encoding:
            raise RuntimeError("Accept-Encoding needs wrk (apt-get install wrk)")
        import pyload

        return pyload.run(base, str(path_file), connections, seconds, start, accept)
    threads = 1 if connections == 1 else 2
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{int(seconds)}s", "--timeout", "15s",
            "-s", str(HERE / "wrk.lua"), base, "--", str(path_file), str(start), accept, str(threads),
            encoding]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCHJSON "):
            return json.loads(line[len("BENCHJSON "):])
    raise RuntimeError(f"wrk gave no summary: {done.stdout}\n{done.stderr}")


def busy_cpu_seconds() -> float:
    """CPU time the whole machine spent busy (all processes), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU of this script and of the children it waited for (wrk)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Quiet:
    """Waits, within a budget, until nobody else keeps the machine busy before a cell starts.

    Other people's work on a 2-core machine halves what a server can get; the cells show how much
    was there anyway (``other`` cores), and this keeps it out where it can.
    """

    def __init__(self, budget: float, per_wait: float = 30.0, threshold: float = 0.3) -> None:
        self.budget, self.per_wait, self.threshold = budget, per_wait, threshold
        self.waited = 0.0

    def busy_others(self, server: Running | None, seconds: float = 0.5) -> float:
        busy0, srv0 = busy_cpu_seconds(), server.cpu_seconds() if server else 0.0
        time.sleep(seconds)
        srv = (server.cpu_seconds() - srv0) if server else 0.0
        return (busy_cpu_seconds() - busy0 - srv) / seconds

    def wait(self, server: Running | None = None) -> float:
        """Seconds waited; 0 when the machine was quiet at once or the budget is spent."""
        started = time.monotonic()
        while self.waited + (time.monotonic() - started) < self.budget:
            if self.busy_others(server) < self.threshold:
                break
            if time.monotonic() - started > self.per_wait:
                break
            time.sleep(1.0)
        spent = time.monotonic() - started
        self.waited += spent
        return spent


QUIET = Quiet(0)


class Cursor:
    """Where in a workload's list the next cell starts: where the last cell stopped.

    The wrk threads walk the list together (``bench/wrk.lua``), so going on where the previous cell
    stopped (plus a little, for a thread that sent a few more than the others) makes all the cells
    of a workload one long walk: a query comes back only after the whole list went by, far more
    requests than the answer caches (512 per worker, LRU) hold.
    """

    SKIP = 50

    def __init__(self, start: int) -> None:
        self.position = start

    def next(self) -> int:
        return self.position

    def advance(self, walked: int) -> None:
        """``walked``: list positions the cell went past (most sent by one thread x threads)."""
        self.position += walked + self.SKIP


def measure(server: Running, workload: str, path_file: Path, connections: int, seconds: float,
            cursor: Cursor) -> dict:
    """One wrk run against one server; raw sums, merged into a cell by ``merge``."""
    QUIET.wait(server)
    log_at = server.log_size()
    cpu_before, busy_before, own_before = server.cpu_seconds(), busy_cpu_seconds(), own_cpu_seconds()
    result = wrk(server.base, path_file, connections, seconds, cursor.next())
    cursor.advance(result.get("walked", result["requests"]))
    cpu = server.cpu_seconds() - cpu_before
    client = own_cpu_seconds() - own_before
    other = busy_cpu_seconds() - busy_before - cpu - client
    part = {
        "seconds": result["duration_us"] / 1e6, "requests": result["requests"],
        "p50_ms": result["p50_us"] / 1000, "p99_ms": result["p99_us"] / 1000,
        "non2xx": result["status"],
        "socket_errors": result["connect"] + result["read"] + result["write"] + result["timeout"],
        "cpu_s": cpu, "client_s": client, "other_s": max(other, 0.0),
    }
    # work a client gave up on goes on in some servers: wait it out before the next run
    part["idle_wait_s"] = server.wait_idle()
    if server.spec.kind == "ours":
        outcomes: dict[str, int] = {}
        for match in re.finditer(r"query outcome=(\S+(?: \S+)*?) ms=", server.log_since(log_at)):
            outcomes[match[1]] = outcomes.get(match[1], 0) + 1
        part["outcomes"] = outcomes
    return part


def merge(server: Running, workload: str, connections: int, parts: list[dict]) -> dict:
    """One cell from its rounds: sums, rates over the summed time; p50 the median of the rounds'
    p50, p99 the worst round's p99 (wrk gives percentiles, not its histogram)."""
    seconds = sum(p["seconds"] for p in parts)
    requests = sum(p["requests"] for p in parts)
    non2xx = sum(p["non2xx"] for p in parts)
    socket_errors = sum(p["socket_errors"] for p in parts)
    cpu = sum(p["cpu_s"] for p in parts)
    cell = {
        "server": server.spec.name, "workload": workload, "connections": connections,
        "rounds": len(parts), "seconds": round(seconds, 2), "requests": requests,
        "rps": requests / seconds, "p50_ms": statistics.median(p["p50_ms"] for p in parts),
        "p99_ms": max(p["p99_ms"] for p in parts), "errors": non2xx + socket_errors,
        "non2xx": non2xx, "socket_errors": socket_errors,
        "cpu_ms_per_req": 1000 * cpu / requests if requests else None, "cpu_cores": cpu / seconds,
        "client_cores": sum(p["client_s"] for p in parts) / seconds,
        "other_cores": sum(p["other_s"] for p in parts) / seconds,
        "idle_wait_s": round(sum(p["idle_wait_s"] for p in parts), 1),
    }
    if server.spec.kind == "ours":
        outcomes: dict[str, int] = {}
        for part in parts:
            for key, count in part["outcomes"].items():
                outcomes[key] = outcomes.get(key, 0) + count
        cell["outcomes"] = outcomes
        cell["cached"] = outcomes.get("cached", 0)
    return cell


def show(cell: dict) -> None:
    extra = f" cached={cell['cached']}" if "cached" in cell else ""
    cpu = "—" if cell["cpu_ms_per_req"] is None else f"{cell['cpu_ms_per_req']:.2f}"
    print(f"   {cell['server']:<17} {cell['workload']:<11} c={cell['connections']:<3} "
          f"{fmt_rps(cell['rps']):>7} req/s  p50 {cell['p50_ms']:7.2f} ms  p99 {cell['p99_ms']:8.2f} ms  "
          f"errors {cell['errors']}  cpu {cpu} ms/req (cores: server {cell['cpu_cores']:.2f}, "
          f"wrk {cell['client_cores']:.2f}, others {cell['other_cores']:.2f}){extra}", flush=True)


def run_group(specs: list[ServerSpec], path_files: dict[str, dict[str, Path]],
              expected: dict[str, list], texts: dict[str, list[str]], args: argparse.Namespace,
              logs: Path, rounds: int) -> tuple[list, list]:
    """Start the servers together; measure each cell in ``rounds`` runs, alternating servers.

    Idle servers cost nothing, and alternating short runs spreads whatever else the machine does
    over every server alike instead of landing on whichever ran at that moment.
    """
    cells: list[dict] = []
    infos: dict[str, dict] = {s.name: {"server": s.name, "description": s.description} for s in specs}
    running: list[Running] = []
    try:
        for spec in specs:
            running.append(Running(spec, logs))
        live = []
        for server in running:
            info = infos[server.spec.name]
            try:
                info["ready_s"] = round(server.wait_ready(), 2)
            except RuntimeError as exc:
                info["failed"] = str(exc)
                print(f"   {server.spec.name} failed: {exc}", flush=True)
                continue
            checks = {}
            for workload in WORKLOADS:
                status, body = server.get(texts[workload][0], timeout=60)
                ok = status == 200 and answer_rows(body) == expected[workload]
                checks[workload] = "same rows as pyoxigraph" if ok else f"DIFFERENT (HTTP {status})"
            info["checks"] = checks
            print(f"\n== {server.spec.name} (ready in {info['ready_s']} s): {server.spec.description}"
                  + "".join(f"\n   {k}: {v}" for k, v in checks.items() if not v.startswith("same")),
                  flush=True)
            live.append(server)
        rng = random.Random(args.seed)
        seconds = max(int(args.duration // rounds), 1)
        for workload in WORKLOADS:
            members = [s for s in live if workload in (s.spec.workloads or WORKLOADS)]
            start = rng.randrange(1_000_000)
            cursors = {s.spec.name: Cursor(start) for s in members}  # the same queries for each
            if args.warmup > 0:
                for server in members:
                    measure(server, workload, path_files[server.spec.endpoint][workload], 4,
                            args.warmup, cursors[server.spec.name])
            for connections in CONNECTIONS:
                group = [s for s in members if connections in (s.spec.connections or CONNECTIONS)]
                parts: dict[str, list] = {s.spec.name: [] for s in group}
                for round_ in range(rounds):
                    shift = round_ % max(len(group), 1)
                    for server in group[shift:] + group[:shift]:
                        parts[server.spec.name].append(measure(
                            server, workload, path_files[server.spec.endpoint][workload], connections,
                            seconds, cursors[server.spec.name]))
                for server in group:
                    cell = merge(server, workload, connections, parts[server.spec.name])
                    cells.append(cell)
                    show(cell)
    except Exception as exc:  # noqa: BLE001 - a failure must not lose the figures measured so far
        for server in running:
            infos[server.spec.name].setdefault("failed", f"run stopped: {exc}")
        print(f"   run stopped: {exc}", flush=True)
    finally:
        for server in running:
            server.stop()
    return cells, list(infos.values())


# --- reporting -------------------------------------------------------------------------------------

def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in ("pyoxigraph", "oxigraph", "rdflib", "pyshacl", "pyshacl-turbo", "rdflib-endpoint",
                 "uvicorn", "fastapi", "flask", "werkzeug", "gunicorn", "granian", "cisem-graph"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    for argv, key in (([bin_path("oxigraph"), "--version"], "oxigraph CLI"), (["wrk", "-v"], "wrk")):
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            out[key] = (done.stdout + done.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            out[key] = "unavailable"
    return out


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{model}, {os.cpu_count()} cores{mem}, Linux {platform.release()}"


def fmt_rps(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if value < 10 else f"{value:,.0f}"


def fmt_ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def fmt_ratio(a: float | None, b: float | None) -> str:
    return "—" if not a or not b else f"{a / b:.2f}×"


def report(cells: list[dict], infos: list[dict], meta: dict) -> str:
    by = {(c["server"], c["workload"], c["connections"]): c for c in cells}
    servers = [i["server"] for i in infos if not i.get("failed")]
    lines = [
        "# Benchmark results", "",
        f"Run {meta['date']}; {meta['machine']}; {meta['triples']:,} triples; "
        f"{meta['duration']} s per cell ({meta['rounds']} runs of {meta['duration'] // meta['rounds']} s, "
        "alternating between the four main servers, which run side by side; the other shapes of "
        f"ours run alone afterwards, one run per cell), after a {meta['warmup']} s warm-up per "
        "workload; "
        f"load generator {meta['generator']} on the same cores; "
        f"{meta['quiet_wait_s']} s spent waiting for other work on the machine to stop.", "",
        "## Requests per second, every server", "",
        "| workload | conns | " + " | ".join(servers) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in servers) + " |",
    ]
    for workload in WORKLOADS:
        for conns in CONNECTIONS:
            row = []
            for server in servers:
                cell = by.get((server, workload, conns))
                row.append("" if cell is None else fmt_rps(cell["rps"]) + ("" if not cell["errors"]
                                                                           else f" ({cell['errors']} err)"))
            lines.append(f"| {workload} | {conns} | " + " | ".join(row) + " |")
    lines += [
        "", "## Every cell (p50 / p99 latency in ms; errors = non-2xx/3xx + socket errors)", "",
        "Server CPU: ms of CPU per request over every process of the server (workers and query "
        "processes). Cores busy: server / wrk / other processes on the machine during the cell "
        "(other > 0.1 means the cell shared the machine with someone else's work).", "",
        "| server | workload | conns | req/s | p50 ms | p99 ms | errors | server CPU ms/req "
        "| cores: server / wrk / other | cached |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for c in cells:
        lines.append(f"| {c['server']} | {c['workload']} | {c['connections']} | {c['rps']:,.0f} | "
                     f"{c['p50_ms']:.2f} | {c['p99_ms']:.2f} | {c['errors']} | "
                     f"{fmt_ms(c['cpu_ms_per_req'])} | {c['cpu_cores']:.2f} / {c['client_cores']:.2f} / "
                     f"{c['other_cores']:.2f} | {c.get('cached', '')} |")
    ours = [s for s in servers if s.startswith("ours-")]
    lines += ["", "## Ratios against the baselines, same run", "",
              "| workload | conns | oxigraph req/s | rdflib-endpoint req/s | "
              + " | ".join(f"{s} / oxigraph" for s in ours) + f" | {DEFAULT_OURS} / rdflib-endpoint |"
              f" {DEFAULT_OURS} / {GUNICORN} |",
              "| --- | ---: | ---: | ---: | " + " | ".join("---:" for _ in ours) + " | ---: | ---: |"]

    def rps(server: str, workload: str, conns: int) -> float | None:
        cell = by.get((server, workload, conns))
        return cell["rps"] if cell else None

    for workload in WORKLOADS:
        for conns in CONNECTIONS:
            oxi, rdf = rps("oxigraph", workload, conns), rps("rdflib-endpoint", workload, conns)
            row = [workload, str(conns), fmt_rps(oxi), fmt_rps(rdf)]
            row += [fmt_ratio(rps(s, workload, conns), oxi) for s in ours]
            row += [fmt_ratio(rps(DEFAULT_OURS, workload, conns), rdf),
                    fmt_ratio(rps(DEFAULT_OURS, workload, conns), rps(GUNICORN, workload, conns))]
            lines.append("| " + " | ".join(row) + " |")

    lines += ["", f"## Targets (issue 12), judged on the default `cisem-graph serve` ({DEFAULT_OURS})",
              "", "Measured: the ratio of requests per second, same run. By CPU: the baseline's "
              "server CPU per request over ours (what the ratio becomes when both are CPU-bound on "
              "a machine of their own).", "",
              "| conns | check | target | measured | by CPU | verdict |",
              "| ---: | --- | ---: | ---: | ---: | --- |"]
    for conns in (4, 16):
        for workload, against, factor in TARGETS:
            mine, base = by.get((DEFAULT_OURS, workload, conns)), by.get((against, workload, conns))
            if mine is None or base is None:
                lines.append(f"| {conns} | {workload} vs {against} | {factor}× | not measured | | |")
                continue
            ratio = mine["rps"] / base["rps"]
            by_cpu = (f"{base['cpu_ms_per_req'] / mine['cpu_ms_per_req']:.2f}×"
                      if base["cpu_ms_per_req"] and mine["cpu_ms_per_req"] else "—")
            verdict = "reached" if ratio >= factor else "**missed**"
            lines.append(f"| {conns} | {workload} vs {against} | ≥ {factor}× | {ratio:.2f}× | {by_cpu} "
                         f"| {verdict} |")
        for workload in WORKLOADS:
            mine, base = by.get((DEFAULT_OURS, workload, conns)), by.get(("oxigraph", workload, conns))
            if mine and base:
                ratio = mine["p99_ms"] / base["p99_ms"]
                verdict = "reached" if ratio <= 3 else "**missed**"
                lines.append(f"| {conns} | {workload} p99 vs oxigraph | ≤ 3× | {ratio:.2f}× "
                             f"({mine['p99_ms']:.2f} / {base['p99_ms']:.2f} ms) | | {verdict} |")
    inproc = meta.get("inprocess_ms", {})
    lines += ["", "Python's CPU per request beyond what in-process pyoxigraph needs for the same "
              "query and our result writer (`worker.run_query` on the version's store, one thread, "
              "same run; the server's figure also holds granian's own HTTP work, in Rust):", "",
              "| workload | conns | server CPU ms/req | in-process ms/query | beyond | target |",
              "| --- | ---: | ---: | ---: | ---: | --- |"]
    for workload in ("lookup", "lookup-same", "join", "aggregate"):
        for conns in CONNECTIONS:
            mine = by.get((DEFAULT_OURS, workload, conns))
            if mine is None or mine["cpu_ms_per_req"] is None or workload not in inproc:
                continue
            beyond = mine["cpu_ms_per_req"] - inproc[workload]
            target = ("≤ 0.1 ms: " + ("reached" if beyond <= 0.1 else "**missed**")
                      if workload in ("lookup", "join") else "")
            lines.append(f"| {workload} | {conns} | {mine['cpu_ms_per_req']:.3f} | "
                         f"{inproc[workload]:.3f} | {beyond:.3f} | {target} |")
    lanes = meta.get("fast_lane_share", {})
    if lanes:
        lines += ["", "Share of each workload's queries the store proves bounded (they run in the "
                  "serving process, the fast lane): "
                  + ", ".join(f"{w} {share:.0%}" for w, share in lanes.items()) + "."]
    lines += ["", "## Answer checks (first query of each workload against pyoxigraph in-process)", ""]
    for info in infos:
        if info.get("failed") or "ready_s" not in info:
            lines.append(f"- {info['server']}: FAILED: {info.get('failed', 'did not start')}")
        else:
            lines.append(f"- {info['server']} (ready {info['ready_s']} s): "
                         + ", ".join(f"{k}: {v}" for k, v in info["checks"].items()))
    lines += ["", "## Servers", ""] + [f"- {i['server']}: {i['description']}" for i in infos]
    lines += ["", "## Versions", "", ", ".join(f"{k} {v}" for k, v in meta["versions"].items()), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=6, help="seconds per cell (default 6)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per workload")
    parser.add_argument("--quick", action="store_true", help="2 s cells, 1 s warm-up")
    parser.add_argument("--only", nargs="*", help="server names to run (default: all)")
    parser.add_argument("--no-variants", action="store_true",
                        help="only the four main servers, not the other shapes of ours")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=2,
                        help="runs per cell of the main servers, alternating between them (default 2)")
    parser.add_argument("--quiet-budget", type=float, default=120.0,
                        help="seconds the run may wait in all for other work on the machine to stop "
                        "before cells (default 120; 0: never wait)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 2, 1
    if shutil.which("wrk") is None:
        print("wrk not found (apt-get install -y wrk): using the slower Python load generator, "
              "bench/pyload.py", file=sys.stderr)
    QUIET.budget = args.quiet_budget
    results: Path = args.results
    results.mkdir(parents=True, exist_ok=True)
    ready = prepare(results)
    data = ready["data"]
    texts = queries(data)
    expected = expected_answers(data.nquads, texts)
    specs = server_specs(ready["dist"], ready["oxigraph"], ready["nquads"])
    if args.only:
        specs = [s for s in specs if s.name in args.only]
    elif args.no_variants:
        specs = specs[:4]
    path_dir = results / "paths"
    path_dir.mkdir(exist_ok=True)
    path_files: dict[str, dict[str, Path]] = {}
    for endpoint in {s.endpoint for s in specs}:
        tag = endpoint.strip("/") or "root"
        path_files[endpoint] = {}
        for workload in WORKLOADS:
            target = path_dir / f"{tag}-{workload}.txt"
            target.write_text("\n".join(paths(endpoint, texts[workload])) + "\n")
            path_files[endpoint][workload] = target
    print(f"{data.triples:,} triples; workloads: "
          + ", ".join(f"{w} ({len(texts[w]):,} distinct queries)" for w in WORKLOADS), flush=True)

    inprocess = inprocess_costs(ready["dist"], texts)
    lanes = fast_lane_share(ready["dist"], texts)
    print("in-process pyoxigraph + writer, CPU ms/query: "
          + ", ".join(f"{w} {ms:.3f}" for w, ms in inprocess.items())
          + "; fast-lane share: " + ", ".join(f"{w} {v:.0%}" for w, v in lanes.items()), flush=True)
    started = time.monotonic()
    main_names = [s.name for s in server_specs(ready["dist"], ready["oxigraph"], ready["nquads"])[:4]]
    together = [s for s in specs if s.name in main_names]
    alone = [s for s in specs if s.name not in main_names]
    cells, infos = run_group(together, path_files, expected, texts, args, results / "logs", args.rounds)
    for spec in alone:
        got, info = run_group([spec], path_files, expected, texts, args, results / "logs", 1)
        cells += got
        infos += info
    meta = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(), "triples": data.triples,
            "duration": args.duration, "warmup": args.warmup, "rounds": args.rounds, "versions": versions(),
            "elapsed_s": round(time.monotonic() - started), "quiet_wait_s": round(QUIET.waited),
            "inprocess_ms": inprocess, "fast_lane_share": lanes,
            "generator": ("wrk (bench/wrk.lua; 1 thread at 1 connection, 2 otherwise)" if shutil.which("wrk")
                          else "bench/pyload.py (Python asyncio, up to 2 processes)")}
    text = report(cells, infos, meta)
    (results / "latest.md").write_text(text)
    (results / "latest.json").write_text(json.dumps({"meta": meta, "servers": infos, "cells": cells},
                                                    indent=1))
    print("\n" + text)
    print(f"\n(measured in {meta['elapsed_s']} s, of which {meta['quiet_wait_s']} s waiting for other "
          f"work on the machine; written to {results / 'latest.md'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
