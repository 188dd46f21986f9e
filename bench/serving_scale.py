"""National scale (issue 6): build, validate and serve a generated national network at 10k, 100k, 1M.

    .venv/bin/python bench/serving_scale.py                       # 10k, 100k and 1m, 3 builds each
    .venv/bin/python bench/serving_scale.py --sizes 10k --quick   # a smoke test of the harness (~2 min)
    .venv/bin/python bench/serving_scale.py --sizes 1m --runs 1

For each size: ``bench/national.py`` writes a project folder (real comuni, cooperatives, people,
roles, event series; ``ontology/``, ``shapes/`` and ``queries/`` copied from this repository). The
real ``cisem_graph.graph.pipeline.build`` runs on it ``--runs`` times, each in a child process
(``bench/buildrun.py``: wall time, peak resident memory, time of each step); then ``validate``
alone. Then, side by side on loopback: our server on the embedded store (``cisem-graph serve``,
the defaults), Oxigraph server (``oxigraph serve``) holding the same version through
``cisem-graph push``, our server in remote mode on it (``CISEM_STORE_QUERY_URL``) and
rdflib-endpoint on the version's N-Quads (where it loads in time). Measured: the latency of the 14
canned queries (with parameters taken from the generated data, and as written), sequential, each
request a new text (cache-cold), alternating between servers; the latency of lookups; requests
per second of ``/sparql`` lookups and ``/doc/{kind}/{slug}`` pages at 1, 4 and 16 connections
with wrk, each beside its anchor (Oxigraph server asked the same, directly); the memory of every
serving process. Results: ``bench/results/serving-scale-latest.md`` and ``serving-scale-latest.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from urllib.parse import quote

import national
from run import Cursor, bin_path, busy_cpu_seconds, fmt_rps, machine, own_cpu_seconds, versions, wrk
from servers import Running, ServerSpec, free_port

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BASE = national.BASE_IRI
ACCEPT_JSON = "application/sparql-results+json"
ACCEPT_HTML = "text/html"
CONNECTIONS = (1, 4, 16)
#: the parameter each canned query is measured with, and where its values come from
PARAMETERS = {
    "committee-and-parent": ("committee", "committees"),
    "event-speakers": ("event", "event"),
    "fact-sources": ("thing", "organization"),
    "graph-contributions": ("graph", "graphs"),
    "labels-missing-language": ("missing", "languages"),
    "organizations-by-place": ("municipality", "comuni"),
    "people-roles": ("person", "person"),
    "periodicals-editors": ("periodical", "periodical"),
    "places-identifiers": ("place", "provinces"),
    "quotations": ("speaker", "quoted"),
    "series-events": ("series", "series"),
    "shared-events": ("organization", "organizers"),
    "themes": ("theme", "themes"),
    "timeline": ("year", "years"),
}

try:  # the project's progress bars (quiet when stderr is not a terminal)
    from cisem_graph.progress import bar, track
except ImportError:  # pragma: no cover - an older checkout
    def track(items, desc, total=None, unit="it"):
        return items

    class bar:  # noqa: N801
        def __init__(self, *args, **kwargs):
            pass

        def update(self, n=1):
            pass

        def set_postfix_str(self, text, refresh=True):
            pass

        def close(self):
            pass


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- building --------------------------------------------------------------------------------------

def session_memory(sid: int) -> tuple[float, float]:
    """Resident memory of every process of a session, summed, in MB: RSS (which counts pages
    shared after a fork once per process) and PSS (which splits them among the sharers)."""
    rss = pss = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
            if int(stat[stat.rindex(")") + 2:].split()[3]) != sid:  # field 6: session
                continue
            for line in Path(f"/proc/{entry.name}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return rss / 1024, pss / 1024


def run_child(argv: list[str], timeout: float, env: dict[str, str] | None = None,
              tree: dict | None = None) -> tuple[int, float, float]:
    """Run ``argv``; its exit code, wall seconds and peak resident memory (MB, from wait4: the
    largest process, not their sum). With ``tree``, the peaks of ``session_memory`` (the process
    and its children together, read every 0.1 s) go in it as ``rss_mb`` and ``pss_mb``."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True, env=env)
    deadline = started + timeout
    if tree is not None:
        tree.update(rss_mb=0.0, pss_mb=0.0)
    try:
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            if tree is not None:
                rss, pss = session_memory(process.pid)
                tree.update(rss_mb=round(max(tree["rss_mb"], rss), 1),
                            pss_mb=round(max(tree["pss_mb"], pss), 1))
            time.sleep(0.1 if tree is not None else 0.2)
    except BaseException:  # the run is stopped: so is the build
        os.killpg(process.pid, signal.SIGKILL)
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stderr is not None:
        process.stderr.close()
    return process.returncode, time.perf_counter() - started, usage.ru_maxrss / 1024


def builds(project: Path, dist: Path, work: Path, runs: int, budget: float) -> dict:
    """``runs`` real builds, each in a new process; stops early when the budget is spent."""
    out: dict = {"runs": []}
    spent = 0.0
    for i in range(runs):
        if i and spent + spent / i > budget:
            out["stopped"] = (f"{i} of {runs} builds: another would pass the {budget:.0f} s budget "
                              f"for builds of this size")
            break
        shutil.rmtree(dist, ignore_errors=True)
        report = work / f"build-{i}.json"
        report.unlink(missing_ok=True)
        before = loadavg()
        log(f"   build {i + 1}/{runs} …")
        code, wall, peak = run_child([sys.executable, str(HERE / "buildrun.py"), "--root", str(project),
                                      "--out", str(dist), "--json", str(report)], timeout=budget * 2)
        spent += wall
        run = json.loads(report.read_text()) if report.exists() else {"error": f"exit {code}"}
        run.update(process_s=round(wall, 2), peak_mb=round(peak, 1), exit=code, loadavg_before=before,
                   loadavg_after=loadavg())
        out["runs"].append(run)
        log(f"   build {i + 1}: {run.get('seconds', '?')} s in build(), process {wall:.1f} s, "
            f"peak {peak:,.0f} MB" + (f" — {run['error']}" if run.get("error") else ""))
        if code != 0:
            out["stopped"] = f"build {i + 1} failed: {run.get('error', code)}"
            break
    ok = [r for r in out["runs"] if r.get("exit") == 0]
    if ok:
        out["seconds"] = summary([r["seconds"] for r in ok])
        out["process_s"] = summary([r["process_s"] for r in ok])
        out["peak_mb"] = summary([r["peak_mb"] for r in ok])
        steps: dict[str, list[float]] = {}
        inclusive: dict[str, list[float]] = {}
        for r in ok:
            for name, step in r["steps"].items():
                steps.setdefault(name, []).append(step["exclusive_s"])
                inclusive.setdefault(name, []).append(step["seconds"])
        out["steps_exclusive_s"] = {k: summary(v) for k, v in steps.items()}
        out["steps_s"] = {k: summary(v) for k, v in inclusive.items()}
        out["steps_last"] = ok[-1]["steps"]
        out["version"], out["triples"] = ok[-1]["version"], ok[-1]["triples"]
        out["files"] = ok[-1]["files"]
    return out


#: file -> what is added to it: a person (a file without blank nodes) and an organization (a file
#: with blank nodes, addresses)
EDITS = {
    "persone-piemonte.ttl": """
person:persona-nuova-benchmark a schema:Person ;
    schema:name "Persona Nuova"@it, "Persona Nuova"@en ;
    schema:givenName "Persona" ;
    schema:familyName "Nuova" .
""",
    "organizzazioni-piemonte.ttl": """
organization:cooperativa-sociale-nuova-benchmark a schema:Cooperative, schema:Organization ;
    schema:name "Cooperativa sociale Nuova (modifica del benchmark)"@it,
        "Nuova social cooperative (benchmark edit)"@en ;
    schema:location place:torino .
""",
}


def rebuild(project: Path, dist: Path, work: Path, budget: float) -> dict:
    """The build again after one thing was added to one file, on a copy of the last cold build's
    output (its validation cache included), once per edit; the project and ``dist`` stay as they
    were. The first edit's figures are the headline ones."""
    out: dict = {}
    spent = 0.0
    for n, (name, text) in enumerate(EDITS.items()):
        if spent > budget:
            out.setdefault("skipped", []).append(name)
            continue
        target = work / "dist-rebuild"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(dist, target, symlinks=True)
        changed = project / "data" / name
        original = changed.read_bytes()
        report = work / f"rebuild-{n}.json"
        report.unlink(missing_ok=True)
        try:
            changed.write_bytes(original + text.encode())
            log(f"   rebuild after an edit of {name} …")
            code, wall, peak = run_child([sys.executable, str(HERE / "buildrun.py"), "--root",
                                          str(project), "--out", str(target), "--json", str(report)],
                                         timeout=budget * 2)
        finally:
            changed.write_bytes(original)
        spent += wall
        run = json.loads(report.read_text()) if report.exists() else {"error": f"exit {code}"}
        run.update(process_s=round(wall, 2), peak_mb=round(peak, 1), exit=code, changed=name)
        shacl = run.get("steps", {}).get("pyshacl_turbo.validate", {}).get("seconds", 0)
        log(f"   rebuild ({name}): {run.get('seconds', '?')} s in build(), pyshacl-turbo {shacl} s, "
            f"peak {peak:,.0f} MB")
        shutil.rmtree(target, ignore_errors=True)
        out[name] = run
        if n == 0:
            out.update(seconds=run.get("seconds"), steps=run.get("steps", {}), peak_mb=run["peak_mb"])
    return out


def validation(project: Path, work: Path, runs: int, budget: float) -> dict:
    """``validate(load_sources(settings))`` alone (what ``cisem-graph validate`` does)."""
    out: dict = {"runs": []}
    spent = 0.0
    for i in range(runs):
        if i and spent + spent / i > budget:
            out["stopped"] = f"{i} of {runs}: budget"
            break
        report = work / f"validate-{i}.json"
        report.unlink(missing_ok=True)
        code, wall, peak = run_child([sys.executable, str(HERE / "buildrun.py"), "--root", str(project),
                                      "--out", str(work / "unused"), "--json", str(report),
                                      "--validate-only"], timeout=budget * 2)
        spent += wall
        run = json.loads(report.read_text()) if report.exists() else {"error": f"exit {code}"}
        run.update(process_s=round(wall, 2), peak_mb=round(peak, 1), exit=code)
        out["runs"].append(run)
        log(f"   validate {i + 1}: {run.get('seconds', '?')} s, peak {peak:,.0f} MB")
    ok = [r for r in out["runs"] if r.get("exit") == 0]
    if ok:
        out["seconds"] = summary([r["seconds"] for r in ok])
        out["peak_mb"] = summary([r["peak_mb"] for r in ok])
        out["pyshacl_s"] = summary([r["steps"]["pyshacl_turbo.validate"]["seconds"] for r in ok])
        out["parse_s"] = summary([r["steps"]["load_sources"]["seconds"] for r in ok])
    return out


def summary(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3), "n": len(values)}


# --- memory ----------------------------------------------------------------------------------------

def memory(server: Running) -> dict:
    """Resident (RSS) and proportional (PSS: shared pages split between sharers) memory, MB, summed
    over every process of the server's session, and how many processes."""
    rss = pss = 0
    pids = server.pids()
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return {"rss_mb": round(rss / 1024, 1), "pss_mb": round(pss / 1024, 1), "processes": len(pids)}


# --- asking ----------------------------------------------------------------------------------------

class Client:
    """Sequential requests on one kept-alive connection; each timed until its body is read."""

    def __init__(self, server: Running, direct_dataset: list[tuple[str, str]] | None = None) -> None:
        self.server = server
        self.dataset = direct_dataset  # Oxigraph asked directly: POST with these graphs, as ours does
        self.conn: http.client.HTTPConnection | None = None

    def ask(self, text: str, timeout: float) -> tuple[float, int, bytes]:
        """Milliseconds, HTTP status (0: no answer in time, -1: the connection failed) and body.

        A kept-alive connection the server closed (after an error answer, say) is retried once
        on a new one, as a browser or our remote store does."""
        for attempt in (0, 1):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
            self.conn.timeout = timeout
            if self.conn.sock is not None:
                self.conn.sock.settimeout(timeout)
            started = time.perf_counter()
            try:
                if self.dataset is not None:
                    body = urllib.parse.urlencode([("query", text), *self.dataset])
                    self.conn.request("POST", self.server.spec.endpoint, body=body, headers={
                        "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT_JSON})
                else:
                    self.conn.request("GET", f"{self.server.spec.endpoint}?query={quote(text, safe='')}",
                                      headers={"Accept": ACCEPT_JSON})
                response = self.conn.getresponse()
                data = response.read()
                status = response.status
                if response.will_close:
                    self.close()
            except TimeoutError:
                self.close()
                return (time.perf_counter() - started) * 1000, 0, b""
            except (OSError, http.client.HTTPException):
                self.close()
                if reused and attempt == 0:
                    continue
                return (time.perf_counter() - started) * 1000, -1, b""
            return (time.perf_counter() - started) * 1000, status, data
        return 0.0, -1, b""

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def rows(body: bytes) -> int | None:
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    return len(doc.get("results", {}).get("bindings", [])) if "results" in doc else None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def latencies(clients: dict[str, Client], items: list[tuple[str, list[str]]], reps: int,
              limits: dict[str, dict], desc: str) -> dict:
    """For each ``(name, texts)``: ``reps`` requests per server, alternating between servers, the
    i-th of each server the same text. ``limits[server]``: ``reps`` (at most), ``budget`` (seconds
    per item), ``timeout`` (per request). Returns ``{name: {server: stats}}``."""
    out: dict[str, dict] = {}
    progress = bar(len(items) * reps, desc, unit="rep")
    for name, texts in items:
        times: dict[str, list[float]] = {s: [] for s in clients}
        info: dict[str, dict] = {s: {} for s in clients}
        spent = dict.fromkeys(clients, 0.0)
        for rep in range(reps):
            order = list(clients)
            order = order[rep % len(order):] + order[:rep % len(order)]
            for server in order:
                limit = limits[server]
                if rep >= limit["reps"] or info[server].get("stopped"):
                    continue
                if rep >= 1 and spent[server] > limit["budget"]:
                    info[server]["stopped"] = f"budget: {len(times[server])} reps"
                    continue
                ms, status, body = clients[server].ask(texts[rep % len(texts)], limit["timeout"])
                spent[server] += ms / 1000
                if status != 200:
                    info[server].setdefault("errors", []).append(status)
                    if limit.get("after_error"):
                        limit["after_error"]()
                    if status == -1:
                        info[server]["stopped"] = "the connection failed"
                    if status == 0:
                        info[server]["stopped"] = f"no answer in {limit['timeout']:g} s"
                        if limit.get("on_timeout"):
                            limit["on_timeout"](server, name)
                        else:
                            clients[server].server.wait_idle(120)
                    continue
                times[server].append(ms)
                if "rows" not in info[server]:
                    info[server]["rows"] = rows(body)
                    info[server]["bytes"] = len(body)
            progress.update()
        out[name] = {}
        for server in clients:
            stats = dict(info[server])
            if times[server]:
                stats.update(n=len(times[server]), p50=round(statistics.median(times[server]), 3),
                             p99=round(percentile(times[server], 99), 3),
                             min=round(min(times[server]), 3), max=round(max(times[server]), 3))
            out[name][server] = stats
    progress.close()
    return out


# --- wrk (run.wrk: wrk, or bench/pyload.py without it) -------------------------------------


def cell(server: Running, path_file: Path, connections: int, seconds: float, cursor: Cursor,
         accept: str, store: Running | None) -> dict:
    """One wrk run; the CPU of the server (and of the store it asks, for ours in remote mode)."""
    cpu0, store0 = server.cpu_seconds(), store.cpu_seconds() if store else 0.0
    busy0, own0 = busy_cpu_seconds(), own_cpu_seconds()
    result = wrk(server.base, path_file, connections, seconds, cursor.next(), accept)
    cursor.advance(result.get("walked", result["requests"]))
    cpu = server.cpu_seconds() - cpu0
    store_cpu = (store.cpu_seconds() - store0) if store else 0.0
    client = own_cpu_seconds() - own0
    other = busy_cpu_seconds() - busy0 - cpu - store_cpu - client
    secs = result["duration_us"] / 1e6
    requests = result["requests"]
    out = {
        "connections": connections, "seconds": round(secs, 2), "requests": requests,
        "rps": requests / secs if secs else 0.0, "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": result["status"] + result["connect"] + result["read"] + result["write"] + result["timeout"],
        "cpu_ms_per_req": 1000 * cpu / requests if requests else None,
        "store_cpu_ms_per_req": (1000 * store_cpu / requests if requests else None) if store else None,
        "other_cores": round(max(other, 0.0) / secs, 2) if secs else None,
    }
    out["idle_wait_s"] = round(server.wait_idle(60), 1)
    return out


# --- one size --------------------------------------------------------------------------------------

def reused(args: argparse.Namespace, label: str) -> dict | None:
    """The figures of ``label`` in ``--reuse`` (an earlier scale-*.json), to serve its build again."""
    if not args.reuse:
        return None
    for size in json.loads(args.reuse.read_text())["sizes"]:
        if size["size"] == label and "version" in size.get("build", {}):
            return size
    return None


def parameter_values(info: national.National, version) -> dict[str, list[str]]:
    """Realistic values for each canned query's parameter, as IRIs (or plain values)."""
    s = info.slugs
    regions = {key for key, *_ in national.REGIONS}
    provinces = set(info.provinces)
    iri = {kind: [f"{BASE}id/{kind}/{slug}" for slug in slugs] for kind, slugs in s.items()}
    return {
        "committees": [f"{BASE}id/organization/{c}" for c in info.committees],
        "event": iri["event"], "organization": iri["organization"], "person": iri["person"],
        "periodical": iri["periodical"], "series": iri["series"],
        "graphs": list(info.graphs),
        "languages": ["it", "en"],
        "comuni": [f"{BASE}id/place/{p}" for p in s["place"] if p not in regions and p not in provinces
                   and p != "italia"],
        "provinces": [f"{BASE}id/place/{p}" for p in info.provinces],
        "quoted": sorted({f"{BASE}id/person/{p}" for p in info.quoted}),
        "organizers": [f"{BASE}id/organization/{o}" for o in info.organizers],
        "themes": [f"{BASE}id/concept/{t[0]}" for t in national._THEMES],
        "years": [str(y) for y in national.YEARS],
    }


def canned_items(project: Path, info: national.National, reps: int, rng: random.Random,
                 version) -> tuple[list, list, dict]:
    """(name, texts) per canned query with a parameter, and as written; every text unique (a
    trailing comment), so no answer cache is hit."""
    from cisem_graph.config import Settings
    from cisem_graph.queries import load_queries

    values = parameter_values(info, version)
    with_param, as_written, chosen = [], [], {}
    for query in load_queries(Settings(root=project)):
        name, source = PARAMETERS.get(query.name, (None, None))
        texts = []
        if name and values.get(source):
            pool = list(values[source])
            rng.shuffle(pool)
            chosen[query.name] = {"parameter": name, "distinct_values": len(pool), "example": pool[0]}
            for i in range(reps):
                texts.append(query.bind({name: pool[i % len(pool)]}) + f"\n# bench {i}\n")
            with_param.append((query.name, texts))
        as_written.append((query.name, [query.text + f"\n# bench {i}\n" for i in range(reps)]))
    return with_param, as_written, chosen


def things(info: national.National) -> list[tuple[str, str]]:
    return [(kind, slug) for kind in sorted(info.slugs) for slug in info.slugs[kind]]


def measure_size(size: int, label: str, args: argparse.Namespace, work: Path) -> dict:
    from cisem_graph.describe import describe_query
    from cisem_graph.graph.version import open_current
    from cisem_graph.store.remote import merge_graph, published_graphs

    result: dict = {"size": label, "target_triples": size, "loadavg_start": loadavg()}
    project, dist = work / "project", work / "dist"
    earlier = reused(args, label)
    started = time.perf_counter()
    if earlier:  # the same seed and size: the same files; only the counts are needed again
        info = national.generate(work / "regenerated", size, args.seed)
        shutil.rmtree(work / "regenerated", ignore_errors=True)
    else:
        info = national.generate(project, size, args.seed)
    result["generate_s"] = round(time.perf_counter() - started, 2)
    result["data_triples"] = info.triples
    result["files"] = len(info.files)
    result["data_bytes"] = sum(info.files.values())
    result["counts"] = {k: len(v) for k, v in info.slugs.items()}
    result["counts"]["organization (network, without chambers and committees)"] = info.units
    log(f"== {label}: {info.triples:,} data triples in {len(info.files)} files "
        f"({result['generate_s']} s to generate)")

    if earlier:
        for key in ("build", "rebuild", "push_s"):
            if key in earlier:
                result[key] = earlier[key]
        result["reused"] = "build, rebuild and push figures of the run of " + args.reuse.name
    else:
        result["build"] = builds(project, dist, work, args.runs, args.build_budget)
    if "version" not in result["build"]:
        result["failed"] = "no build finished"
        return result
    if args.rebuild and not earlier:
        result["rebuild"] = rebuild(project, dist, work, args.build_budget)
    if args.validate_runs:
        result["validate"] = validation(project, work, args.validate_runs, args.build_budget / 2)
    version = open_current(dist)
    result["version_triples"] = version.triples

    logs = work / "logs"
    servers: dict[str, Running] = {}
    rng = random.Random(args.seed)
    env_ours = {"CISEM_DIST_DIR": str(dist), "CISEM_ROOT": str(project)}
    cisem = bin_path("cisem-graph")
    try:
        # Oxigraph server, then the version pushed into it
        oxi_dir = work / "oxigraph"
        if not earlier:
            shutil.rmtree(oxi_dir, ignore_errors=True)
        oxi_port = free_port()
        oxi_spec = ServerSpec(
            "oxigraph", "oxigraph", "Oxigraph server, `oxigraph serve`, asked directly",
            [bin_path("oxigraph"), "serve", "--location", str(oxi_dir), "--bind", f"127.0.0.1:{oxi_port}"],
            "/query")

        def start_oxigraph() -> Running:
            running = Running(oxi_spec, logs)
            running.port, running.base = oxi_port, f"http://127.0.0.1:{oxi_port}"
            running.wait_ready()
            return running

        oxigraph = servers["oxigraph"] = start_oxigraph()
        pushed = time.perf_counter()
        if earlier:  # the store already holds the version: push checks it and writes nothing
            result["push_check_s"] = result.pop("push_s", None)
        done = subprocess.run([cisem, "push", "--store", oxigraph.base], capture_output=True, text=True,
                              env={**os.environ, **env_ours}, timeout=3600)
        if earlier:
            result["push_s"], result["push_check_s"] = result["push_check_s"], round(
                time.perf_counter() - pushed, 2)
        else:
            result["push_s"] = round(time.perf_counter() - pushed, 2)
        if done.returncode != 0:
            raise RuntimeError(f"cisem-graph push failed: {done.stderr.strip()[-500:]}")
        log(f"   push into Oxigraph server: {result['push_s']} s")

        specs = [
            ServerSpec("ours-embedded", "ours", "`cisem-graph serve` (defaults), embedded store",
                       [cisem, "serve", "--host", "127.0.0.1", "--port", "{port}"], "/sparql", env_ours),
            ServerSpec("ours-remote", "ours", "`cisem-graph serve` (defaults), remote store: the "
                       "Oxigraph server above (CISEM_STORE_QUERY_URL)",
                       [cisem, "serve", "--host", "127.0.0.1", "--port", "{port}"], "/sparql",
                       {**env_ours, "CISEM_STORE_QUERY_URL": f"{oxigraph.base}/query"}),
        ]
        rdflib_on = size <= args.rdflib_max
        if rdflib_on:
            specs.append(ServerSpec(
                "rdflib-endpoint", "rdflib-endpoint", "`rdflib-endpoint serve cisem.nq`",
                [bin_path("rdflib-endpoint"), "serve", str(version.dump_path("nq")), "--host",
                 "127.0.0.1", "--port", "{port}"], "/"))
        for spec in specs:
            servers[spec.name] = Running(spec, logs)
        result["ready_s"] = {}
        for name, server in servers.items():
            timeout = args.rdflib_load_timeout if name == "rdflib-endpoint" else 300
            try:
                result["ready_s"][name] = round(server.wait_ready(timeout), 1)
            except RuntimeError as exc:
                result["ready_s"][name] = f"failed: {exc}"
                log(f"   {name}: {exc}")
        if not isinstance(result["ready_s"].get("rdflib-endpoint", 0), float):
            rdflib_on = False
            if "rdflib-endpoint" in servers:
                servers.pop("rdflib-endpoint").stop()
        log("   ready: " + ", ".join(f"{k} {v}" for k, v in result["ready_s"].items()))
        result["memory_idle"] = {name: memory(s) for name, s in servers.items()}

        graphs = list(published_graphs(version.dump_path("nq")))
        direct = [("default-graph-uri", merge_graph(version.version))] + [
            ("named-graph-uri", g) for g in graphs]
        clients = {"ours-embedded": Client(servers["ours-embedded"]),
                   "ours-remote": Client(servers["ours-remote"]),
                   "oxigraph": Client(oxigraph, direct)}
        rdflib_canned = rdflib_on and size <= args.rdflib_canned_max
        if rdflib_canned:
            clients["rdflib-endpoint"] = Client(servers["rdflib-endpoint"])
        def give_up(name: str, query: str) -> None:
            """A server that goes on with a query its client gave up on (rdflib-endpoint) is
            restarted, and asked no more canned queries at this size."""
            server = servers[name]
            server.stop()
            servers[name] = Running(server.spec, logs)
            servers[name].wait_ready(args.rdflib_load_timeout)
            clients[name].close()
            clients[name].server = servers[name]
            limits[name]["reps"] = 0
            result.setdefault("gave_up", []).append(
                f"{name}: no answer to {query} within {limits[name]['timeout']:g} s; restarted, "
                "no further canned queries asked of it at this size")
            log(f"   {result['gave_up'][-1]}")

        def store_busy() -> None:
            """Ours gives up at its query_timeout (503), a client at its time-out; Oxigraph server
            goes on with the query: restart it (same port, same store) when it does."""
            nonlocal oxigraph
            current = servers["oxigraph"]
            before = current.cpu_seconds()
            time.sleep(1.0)
            if current.cpu_seconds() - before < 0.3:
                return
            if not args.restart_store:
                waited = current.wait_idle(args.store_wait)
                result["oxigraph_waits_s"] = result.get("oxigraph_waits_s", []) + [round(waited)]
                log(f"   Oxigraph server went on with a query nobody waits for: waited {waited:.0f} s")
                return
            current.stop()
            oxigraph = servers["oxigraph"] = start_oxigraph()
            clients["oxigraph"].close()
            clients["oxigraph"].server = oxigraph
            result["oxigraph_restarts"] = result.get("oxigraph_restarts", 0) + 1
            log("   Oxigraph server went on with a query nobody waits for: restarted")

        fast = {"reps": args.reps, "budget": args.query_budget, "timeout": args.client_timeout}
        limits = {"ours-embedded": fast, "ours-remote": {**fast, "after_error": store_busy},
                  "oxigraph": {**fast, "after_error": store_busy},
                  "rdflib-endpoint": {"reps": min(args.reps, 5), "budget": 10.0,
                                      "timeout": args.rdflib_timeout, "on_timeout": give_up}}

        # lookups, sequential (cache-cold: every request another thing)
        all_things = things(info)
        sample = rng.sample(all_things, min(len(all_things), max(200, args.reps * 10)))
        lookup_texts = [f"SELECT ?p ?o WHERE {{ <{BASE}id/{k}/{s}> ?p ?o }}" for k, s in sample]
        result["lookup_sequential"] = latencies(clients, [("lookup", lookup_texts)], len(lookup_texts),
                                                {**limits, "rdflib-endpoint": {**limits["rdflib-endpoint"],
                                                                               "reps": 100}},
                                                f"{label} lookups")["lookup"]
        with_param, as_written, chosen = canned_items(project, info, args.reps, rng, version)
        result["canned_parameters"] = chosen
        result["loadavg_canned"] = loadavg()
        result["canned"] = latencies(clients, with_param, args.reps, limits, f"{label} canned queries")
        # as written: not asked of rdflib-endpoint (whole-network answers take it minutes)
        written_limits = {k: {**v, "reps": min(v["reps"], args.written_reps), "budget": 15.0}
                          for k, v in limits.items()}
        written_limits["rdflib-endpoint"] = {"reps": 0, "budget": 0, "timeout": 1}
        if size <= args.written_max:
            result["canned_as_written"] = latencies(clients, as_written, args.written_reps, written_limits,
                                                    f"{label} canned, as written")
        for client in clients.values():
            client.close()

        # throughput: wrk, cache-cold lists, alternating servers per cell
        paths = work / "paths"
        paths.mkdir(exist_ok=True)
        rng.shuffle(all_things)
        lookups = all_things[:args.lookup_list]
        docs = all_things[:args.doc_list]
        lookup_q = [quote(f"SELECT ?p ?o WHERE {{ <{BASE}id/{k}/{s}> ?p ?o }}", safe="") for k, s in lookups]
        default_only = "&" + urllib.parse.urlencode(direct[:1])
        whole = "&" + urllib.parse.urlencode(direct)
        files = {
            ("lookup", "ours"): [f"/sparql?query={q}" for q in lookup_q],
            ("lookup", "oxigraph"): [f"/query?query={q}{default_only}" for q in lookup_q],
            ("lookup", "rdflib-endpoint"): [f"/?query={q}" for q in lookup_q],
            ("doc", "ours"): [f"/doc/{k}/{s}" for k, s in docs],
            ("doc", "oxigraph"): [f"/query?query={quote(describe_query(f'{BASE}id/{k}/{s}'), safe='')}"
                                  f"{whole}" for k, s in docs],
            ("doc", "rdflib-endpoint"): [f"/?query={quote(describe_query(f'{BASE}id/{k}/{s}'), safe='')}"
                                         for k, s in docs],
        }
        path_files = {}
        for (workload, kind), lines in files.items():
            path_files[(workload, kind)] = paths / f"{workload}-{kind}.txt"
            path_files[(workload, kind)].write_text("\n".join(lines) + "\n")
        members = {"lookup": ["ours-embedded", "ours-remote", "oxigraph"]
                   + (["rdflib-endpoint"] if rdflib_on else []),
                   "doc": ["ours-embedded", "ours-remote", "oxigraph"]
                   + (["rdflib-endpoint"] if rdflib_canned else [])}
        result["throughput"] = {}
        result["loadavg_throughput"] = loadavg()
        total = sum(len(m) for m in members.values()) * len(CONNECTIONS)
        progress = bar(total, f"{label} wrk", unit="cell")
        for workload in ("lookup", "doc"):
            start = rng.randrange(1_000_000)
            cursors = {name: Cursor(start) for name in members[workload]}
            cells: dict[str, list] = {name: [] for name in members[workload]}
            for n, conns in enumerate(CONNECTIONS):
                order = members[workload][n % len(members[workload]):] + members[workload][:n % len(
                    members[workload])]
                for name in order:
                    server = servers[name]
                    kind = server.spec.kind
                    accept = ACCEPT_HTML if (workload == "doc" and kind == "ours") else ACCEPT_JSON
                    if n == 0 and args.warmup:
                        cell(server, path_files[(workload, kind)], 4, args.warmup, cursors[name], accept,
                             None)
                    got = cell(server, path_files[(workload, kind)], conns, args.duration, cursors[name],
                               accept, servers["oxigraph"] if name == "ours-remote" else None)
                    cells[name].append(got)
                    progress.update()
                    log(f"   {workload:<6} c={conns:<2} {name:<15} {fmt_rps(got['rps']):>7} req/s  "
                        f"p50 {got['p50_ms']:8.2f} ms  p99 {got['p99_ms']:8.2f} ms  errors {got['errors']}  "
                        f"others {got['other_cores']} cores")
            result["throughput"][workload] = cells
        progress.close()
        result["memory_after"] = {name: memory(s) for name, s in servers.items()}
    except Exception as exc:  # noqa: BLE001 - keep what was measured
        result["failed"] = f"{type(exc).__name__}: {exc}"
        log(f"   stopped: {result['failed']}")
    finally:
        for server in servers.values():
            server.stop()
    result["loadavg_end"] = loadavg()
    return result


# --- report ----------------------------------------------------------------------------------------

def ms(value) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def lat(stats: dict | None) -> str:
    if not stats:
        return "—"
    if "p50" not in stats:
        return stats.get("stopped", "errors " + ",".join(map(str, stats.get("errors", []))))
    text = f"{ms(stats['p50'])} / {ms(stats['p99'])}"
    if stats.get("errors"):
        text += f" ({len(stats['errors'])} err)"
    return text


def worst(results: dict, server: str) -> tuple[str, float] | None:
    found = [(name, per[server]["p50"]) for name, per in results.items() if "p50" in per.get(server, {})]
    return max(found, key=lambda x: x[1]) if found else None


def overheads(results: dict) -> list[float]:
    return [per["ours-remote"]["p50"] - per["oxigraph"]["p50"] for per in results.values()
            if "p50" in per.get("ours-remote", {}) and "p50" in per.get("oxigraph", {})]


def rps_of(res: dict, workload: str, server: str, conns: int) -> float | None:
    for c in res.get("throughput", {}).get(workload, {}).get(server, []):
        if c["connections"] == conns:
            return c["rps"]
    return None


def gb(mb: float | None) -> str:
    return "—" if mb is None else f"{mb / 1024:.2f}"


def serving(res: dict, which: str) -> float | None:
    mem = res.get("memory_after") or {}
    if which == "embedded":
        return mem.get("ours-embedded", {}).get("rss_mb")
    if "ours-remote" in mem and "oxigraph" in mem:
        return mem["ours-remote"]["rss_mb"] + mem["oxigraph"]["rss_mb"]
    return None


def report(sizes: list[dict], meta: dict) -> str:
    lines = ["# National scale (issue 6): results", "",
             f"Run {meta['date']} ({meta['elapsed_s']} s); {meta['machine']}; load average at start "
             f"{meta['loadavg_start']}, at end {meta['loadavg_end']} (other people's work shares the 2 "
             "cores). Canned queries and lookups: sequential requests on one kept-alive connection, "
             f"{meta['reps']} per query and server (each a new text: cache-cold), alternating servers; "
             f"wrk cells of {meta['duration']} s. Versions: "
             + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".", ""]
    lines += ["## Summary", "",
              "| | " + " | ".join(r["size"] for r in sizes) + " |",
              "| --- | " + " | ".join("---:" for _ in sizes) + " |"]

    def row(title: str, fn) -> None:
        cells = []
        for r in sizes:
            try:
                cells.append(fn(r))
            except (KeyError, TypeError, ValueError, ZeroDivisionError):
                cells.append("—")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")

    row("data triples (generated) / in the version", lambda r: f"{r['data_triples']:,} / "
        f"{r.get('version_triples', 0):,}")
    row("build, s: median [min–max] (runs)", lambda r: (
        f"{r['build']['seconds']['median']:.1f} [{r['build']['seconds']['min']:.1f}–"
        f"{r['build']['seconds']['max']:.1f}] ({r['build']['seconds']['n']})"))
    row("build peak memory, GB: median [min–max]", lambda r: (
        f"{gb(r['build']['peak_mb']['median'])} [{gb(r['build']['peak_mb']['min'])}–"
        f"{gb(r['build']['peak_mb']['max'])}]"))
    def step_s(r: dict, key: str) -> str:
        steps = r["build"]["steps_s"]
        v = steps[key]
        return f"{v['median']:.1f} [{v['min']:.1f}–{v['max']:.1f}]"

    for step, title in (("load_sources", "parse (load_sources), s"),
                        ("validate", "validation in the build, cold cache (union graph + shapes + "
                         "pyshacl-turbo + findings), s"),
                        ("pyshacl_turbo.validate", "— of which pyshacl_turbo.validate, s")):
        row(title, lambda r, k=step: step_s(r, k))
    for name in EDITS:
        row(f"rebuild after an edit of {name} (validation cache warm): build s; pyshacl s; peak GB",
            lambda r, k=name: (
                f"{r['rebuild'][k]['seconds']:.1f}; "
                f"{r['rebuild'][k]['steps'].get('pyshacl_turbo.validate', {}).get('seconds', 0):.1f}; "
                f"{gb(r['rebuild'][k]['peak_mb'])}"))
    row("validate alone in a process of its own (parse + validate()), s", lambda r: (
        f"{r['validate']['seconds']['median']:.1f} [{r['validate']['seconds']['min']:.1f}–"
        f"{r['validate']['seconds']['max']:.1f}]"))
    row("push into Oxigraph server, s", lambda r: f"{r['push_s']:.1f}")
    for server in ("ours-embedded", "ours-remote", "oxigraph", "rdflib-endpoint"):
        row(f"lookup p50 / p99 ms, sequential: {server}",
            lambda r, s=server: lat(r["lookup_sequential"].get(s)))
    for server in ("ours-embedded", "ours-remote", "oxigraph"):
        row(f"lookup p50 ms, wrk 1 connection: {server}", lambda r, s=server: ms(
            next(c["p50_ms"] for c in r["throughput"]["lookup"][s] if c["connections"] == 1)))
    for server in ("ours-embedded", "ours-remote", "oxigraph", "rdflib-endpoint"):
        row(f"slowest canned query (with parameter), p50 ms: {server}",
            lambda r, s=server: "{1} ({0})".format(*(lambda w: (w[0], ms(w[1])))(worst(r["canned"], s))))
    row("remote overhead, ms (ours-remote p50 − Oxigraph p50): median over the 14 queries [min–max]",
        lambda r: (lambda o: f"{statistics.median(o):.2f} [{min(o):.2f}–{max(o):.2f}]")(
            overheads(r["canned"])))
    row("remote overhead on lookups, ms", lambda r: ms(
        r["lookup_sequential"]["ours-remote"]["p50"] - r["lookup_sequential"]["oxigraph"]["p50"]))
    for workload in ("lookup", "doc"):
        for server in ("ours-embedded", "ours-remote"):
            row(f"{workload} req/s {server} / oxigraph, 1-4-16 conns",
                lambda r, w=workload, s=server: " – ".join(
                    f"{rps_of(r, w, s, c) / rps_of(r, w, 'oxigraph', c):.2f}×" for c in CONNECTIONS))
    row("serving RSS after load, GB: ours embedded (processes)", lambda r: (
        f"{gb(r['memory_after']['ours-embedded']['rss_mb'])} "
        f"({r['memory_after']['ours-embedded']['processes']}; PSS "
        f"{gb(r['memory_after']['ours-embedded']['pss_mb'])})"))
    row("serving RSS after load, GB: ours remote + Oxigraph server", lambda r: (
        f"{gb(r['memory_after']['ours-remote']['rss_mb'])} + {gb(r['memory_after']['oxigraph']['rss_mb'])}"))
    row("rdflib-endpoint RSS, GB (ready in s)", lambda r: (
        f"{gb(r['memory_after']['rdflib-endpoint']['rss_mb'])} ({r['ready_s']['rdflib-endpoint']})"))

    for r in sizes:
        lines += ["", f"## {r['size']}: {r.get('data_triples', 0):,} data triples, "
                  f"{r.get('version_triples', 0):,} in the version", ""]
        if r.get("run"):
            lines += [f"Measured in the run of {r['run']}.", ""]
        if r.get("failed"):
            lines += [f"**Stopped: {r['failed']}**", ""]
        for note in r.get("gave_up", []):
            lines += [f"- {note}"]
        if r.get("reused"):
            lines += [f"- {r['reused']}"]
        if r.get("oxigraph_waits_s"):
            lines += [f"- Oxigraph server went on with queries nobody waited for; waited (s): "
                      f"{r['oxigraph_waits_s']} (a query still running after the wait shares the cores "
                      "with the next measurements)"]
        if r.get("oxigraph_restarts"):
            lines += [f"- Oxigraph server restarted {r['oxigraph_restarts']} times (it went on with a "
                      "query whose client had given up: ours at its 10 s time-out, the direct client "
                      "at 60 s)", ""]
        b = r.get("build", {})
        if b.get("steps_exclusive_s"):
            lines += ["Build steps (seconds without the wrapped steps they call; median over the runs) "
                      "and the process's peak memory when the step ended (last run):", "",
                      "| step | calls | s (median) | peak MB after |", "| --- | ---: | ---: | ---: |"]
            for name, stats in b["steps_exclusive_s"].items():
                last = b["steps_last"].get(name, {})
                lines.append(f"| {name} | {last.get('calls', '')} | {stats['median']:.2f} | "
                             f"{last.get('maxrss_mb_after', 0):,.0f} |")
            if b.get("stopped"):
                lines.append(f"\n{b['stopped']}")
            lines.append("")
        for title, key in (("Canned queries with a parameter (p50 / p99 ms)", "canned"),
                           ("Canned queries as written (p50 / p99 ms)", "canned_as_written")):
            if not r.get(key):
                continue
            servers = [s for s in ("ours-embedded", "ours-remote", "oxigraph", "rdflib-endpoint")
                       if any(s in per for per in r[key].values())]
            lines += [f"{title}; rows as answered by Oxigraph server (ours cap at 100,000):", "",
                      "| query | " + " | ".join(servers) + " | rows | remote − direct ms | "
                      "embedded / direct |", "| --- | " + " | ".join("---:" for _ in servers)
                      + " | ---: | ---: | ---: |"]
            for name, per in r[key].items():
                oxi, rem = per.get("oxigraph", {}), per.get("ours-remote", {})
                emb = per.get("ours-embedded", {})
                diff = ms(rem["p50"] - oxi["p50"]) if "p50" in rem and "p50" in oxi else "—"
                both = "p50" in emb and "p50" in oxi and oxi["p50"]
                ratio = f"{emb['p50'] / oxi['p50']:.2f}×" if both else "—"
                lines.append(f"| {name} | " + " | ".join(lat(per.get(s)) for s in servers)
                             + f" | {oxi.get('rows', '—')} | {diff} | {ratio} |")
            lines.append("")
        if r.get("throughput"):
            lines += ["Throughput (wrk; requests/s — p50 ms — server CPU ms per request; ours-remote: "
                      "+ the Oxigraph server's CPU for it):", "",
                      "| workload | server | " + " | ".join(f"{c} conn" for c in CONNECTIONS) + " |",
                      "| --- | --- | " + " | ".join("---:" for _ in CONNECTIONS) + " |"]
            for workload, per in r["throughput"].items():
                for server, cells in per.items():
                    parts = []
                    for c in cells:
                        cpu = ms(c["cpu_ms_per_req"])
                        if c.get("store_cpu_ms_per_req") is not None:
                            cpu += f" + {ms(c['store_cpu_ms_per_req'])}"
                        err = f" ({c['errors']} err)" if c["errors"] else ""
                        parts.append(f"{fmt_rps(c['rps'])} — {ms(c['p50_ms'])} — {cpu}{err}")
                    lines.append(f"| {workload} | {server} | " + " | ".join(parts) + " |")
            lines.append("")
        if r.get("memory_after"):
            lines += ["Memory of the serving processes (MB; RSS summed over the processes, PSS counts "
                      "shared pages once):", "", "| server | processes | RSS idle | RSS after load | "
                      "PSS after load |", "| --- | ---: | ---: | ---: | ---: |"]
            for name, mem in r["memory_after"].items():
                idle = r.get("memory_idle", {}).get(name, {})
                lines.append(f"| {name} | {mem['processes']} | {idle.get('rss_mb', '—')} | {mem['rss_mb']} | "
                             f"{mem['pss_mb']} |")
            lines.append("")
        lines.append(f"Load average: start {r.get('loadavg_start')}, canned {r.get('loadavg_canned')}, "
                     f"wrk {r.get('loadavg_throughput')}, end {r.get('loadavg_end')}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1m", help="comma-separated sizes (default 10k,100k,1m)")
    parser.add_argument("--runs", type=int, default=3, help="builds per size (default 3)")
    parser.add_argument("--validate-runs", type=int, default=0,
                        help="extra runs of validate(load_sources()) alone per size (default 0: the "
                        "build's own validate step is timed in every build)")
    parser.add_argument("--build-budget", type=float, default=900.0,
                        help="seconds of builds per size; no further build starts past it (default 900)")
    parser.add_argument("--no-rebuild", dest="rebuild", action="store_false",
                        help="skip the rebuild after a one-file change")
    parser.add_argument("--reps", type=int, default=30, help="requests per canned query and server (30)")
    parser.add_argument("--written-reps", type=int, default=3, help="requests per query as written (3)")
    parser.add_argument("--query-budget", type=float, default=10.0,
                        help="seconds per canned query and server; no further rep past it (10)")
    parser.add_argument("--written-max", default="100k",
                        help="largest size the canned queries are also measured as written at (100k)")
    parser.add_argument("--client-timeout", type=float, default=60.0,
                        help="seconds a canned query's client waits (60); ours answers 503 at its own "
                        "query_timeout (10 s)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk cell (5)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of wrk warm-up per server (1)")
    parser.add_argument("--lookup-list", type=int, default=20_000, help="distinct lookups in the wrk lists")
    parser.add_argument("--doc-list", type=int, default=5_000, help="distinct pages in the wrk lists")
    parser.add_argument("--rdflib-max", default="1m", help="largest size rdflib-endpoint runs at (1m)")
    parser.add_argument("--rdflib-canned-max", default="10k",
                        help="largest size rdflib-endpoint answers canned queries and /doc at (10k)")
    parser.add_argument("--rdflib-load-timeout", type=float, default=300.0)
    parser.add_argument("--rdflib-timeout", type=float, default=10.0,
                        help="seconds rdflib-endpoint may take on one canned query (10); past it, it "
                        "is restarted and asked no further canned queries at that size")
    parser.add_argument("--seed", type=int, default=20210614)
    parser.add_argument("--quick", action="store_true", help="1 build, 5 reps, 2 s cells")
    parser.add_argument("--reuse", type=Path,
                        help="a scale-*.json whose builds (and Oxigraph store) of the same sizes are "
                        "served again instead of being built again")
    parser.add_argument("--no-restart-store", dest="restart_store", action="store_false",
                        help="when Oxigraph server goes on with a query nobody waits for, wait for it "
                        "(at most --store-wait s) instead of restarting it")
    parser.add_argument("--store-wait", type=float, default=120.0)
    parser.add_argument("--include", type=Path, action="append",
                        help="a scale-*.json of an earlier run whose sizes join the report")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    if args.quick:
        args.runs, args.reps, args.written_reps, args.duration, args.warmup = 1, 5, 1, 2, 0
    args.rdflib_max = national.parse_size(args.rdflib_max)
    args.rdflib_canned_max = national.parse_size(args.rdflib_canned_max)
    args.written_max = national.parse_size(args.written_max)
    if shutil.which("wrk") is None:
        parser.error("wrk is needed (apt-get install -y wrk)")
    results: Path = args.results
    results.mkdir(parents=True, exist_ok=True)
    meta = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(), "versions": versions(),
            "loadavg_start": loadavg(), "reps": args.reps, "duration": args.duration,
            "argv": sys.argv[1:]}
    started = time.monotonic()
    sizes = []
    for earlier in args.include or ():
        previous = json.loads(earlier.read_text())
        for size in previous["sizes"]:
            size["run"] = f"{previous['meta']['date']} ({earlier.name})"
            sizes.append(size)
        meta.setdefault("included", []).append({"file": earlier.name, "meta": previous["meta"]})
    for label in (s.strip() for s in args.sizes.split(",") if s.strip()):
        size = national.parse_size(label)
        work = results / "serving-scale" / label
        work.mkdir(parents=True, exist_ok=True)
        sizes.append(measure_size(size, label, args, work))
        meta.update(elapsed_s=round(time.monotonic() - started), loadavg_end=loadavg())
        (results / "serving-scale-latest.json").write_text(
            json.dumps({"meta": meta, "sizes": sizes}, indent=1))
        (results / "serving-scale-latest.md").write_text(report(sizes, meta))
    print(report(sizes, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
