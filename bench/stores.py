"""Remote stores at scale (issue 15): Virtuoso beside Oxigraph server, and read replicas, one run.

    .venv/bin/python bench/stores.py                        # 100k
    .venv/bin/python bench/stores.py --sizes 100k 1m --lookups 300
    .venv/bin/python bench/stores.py --sizes 1m --push-only --work /tmp/stores   # the pushes only

For each size, ``bench/national.py`` writes a project and the real build makes its version
(``--work``: kept there, and a build found there is reused). Then:

- **loading**: Oxigraph server filled by ``cisem-graph push`` (up to ``--push-max``; beyond,
  ``oxigraph load`` of ``push --to-file``'s file, offline); Virtuoso filled by ``cisem-graph
  push`` into an empty database (``virtuoso_push_s``), then pushed again as another version (the
  record is made to name another one first: every graph staged, counted and switched,
  ``virtuoso_repush_s``), and, in a database of its own, by its bulk loader (``ld_dir`` +
  ``rdf_loader_run`` of the same publication: the baseline, ``virtuoso_loader_s``); the pushed
  Virtuoso's time-out is ``push_timeout``, as a store receiving a large push needs;
- **lookups** (one resource's triples, SPARQL JSON), for each engine, interleaved: the store asked
  *directly* (a kept-alive ``http.client`` POST of the very form our remote store sends: the
  query and the published graphs), our remote store in-process (``RemoteStore.execute``:
  ``adapter``), and the real ``cisem-graph serve`` in remote mode (``server``, a new query text
  each time, so cache-cold); p50/p90 in ms and each overhead over *direct*;
- **canned queries**: the 14 canned queries through the server, each engine, p50 of 3 cold runs;
- **replicas**: lookups/s through the server (wrk, 16 connections, cache-cold paths) over one
  ``oxigraph serve`` and over two (the second a snapshot copy served by ``serve-read-only``), and
  the same asked of one store directly, in the same run.

The machine has 2 cores shared with others: every ratio is taken within the run. Results are
printed and written to ``bench/results/stores-latest.json``; never run in CI.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

import national  # noqa: E402
from oxiserver import OXIGRAPH, Oxigraph, snapshot  # noqa: E402
from run import wrk  # noqa: E402
from servers import Running, ServerSpec  # noqa: E402
from virtuososerver import Virtuoso  # noqa: E402

from cisem_graph.config import Settings  # noqa: E402
from cisem_graph.errors import LoadError  # noqa: E402
from cisem_graph.formats import by_name  # noqa: E402
from cisem_graph.graph.pipeline import build  # noqa: E402
from cisem_graph.graph.version import open_current  # noqa: E402
from cisem_graph.push import StoreEndpoints, offline_nquads, push  # noqa: E402
from cisem_graph.queries import load_queries  # noqa: E402
from cisem_graph.store.remote import PUBLICATION, RemoteStore  # noqa: E402

RESULTS = HERE / "results"
ACCEPT = "application/sparql-results+json"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def ms(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50": round(statistics.median(ordered), 3),
            "p90": round(ordered[int(len(ordered) * 0.9)], 3), "n": len(ordered)}


def lookup(iri: str, n: int = 0) -> str:
    return f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} # {n}"


class Direct:
    """The store asked as our remote store asks it, without our parsing and writing."""

    def __init__(self, store: RemoteStore) -> None:
        self.store = store
        url = urllib.parse.urlsplit(store.query_url)
        self.path = url.path
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def ask(self, text: str) -> bytes:
        prepared = self.store.prepare(text)
        form = urllib.parse.urlencode([("query", text), *self.store._dataset(prepared)])
        self.conn.request("POST", self.path, body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT})
        response = self.conn.getresponse()
        body = response.read()
        assert response.status == 200, body[:300]
        return body


def serve(dist: Path, root: Path, logs: Path, name: str, env: dict[str, str]) -> Running:
    spec = ServerSpec(name, "ours", name, [sys.executable, "-m", "cisem_graph", "serve", "--port",
                                            "{port}"], "/sparql",
                      env={"CISEM_DIST_DIR": str(dist), "CISEM_ROOT": str(root),
                           "CISEM_CLIENT_BUDGET": "0", "CISEM_CLIENT_MAX_QUERIES": "0",
                           "CISEM_MAX_CLIENT_CONNECTIONS": "256", **env})
    server = Running(spec, logs)
    server.wait_ready()
    return server


def server_get(server: Running, text: str, conn: list, expect_ok: bool = True) -> int:
    """A GET of ``/sparql`` on a kept-alive connection (made anew when the server closed it);
    its status."""
    path = "/sparql?" + urllib.parse.urlencode({"query": text, "format": "json"})
    for _ in (0, 1):
        if not conn:
            conn.append(http.client.HTTPConnection("127.0.0.1", server.port, timeout=60))
        try:
            conn[0].request("GET", path)
            response = conn[0].getresponse()
            body = response.read()
            assert response.status == 200 or not expect_ok, body[:300]
            return response.status
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            conn.clear()
    raise RuntimeError("the server closed the connection twice")


def lookups(engines: dict[str, tuple[RemoteStore, Running]], iris: list[str], n: int) -> dict:
    """Direct, adapter and server timings of the same lookups, interleaved across engines."""
    times: dict[str, dict[str, list[float]]] = {e: {"direct": [], "adapter": [], "server": []}
                                               for e in engines}
    directs = {e: Direct(store) for e, (store, _) in engines.items()}
    conns: dict[str, list] = {e: [] for e in engines}
    fmt = by_name("json")
    for i in range(n + 30):  # 30 to warm up
        text = lookup(iris[i % len(iris)], i)
        for engine, (store, server) in engines.items():
            for mode in ("direct", "adapter", "server"):
                started = time.perf_counter()
                if mode == "direct":
                    directs[engine].ask(text)
                elif mode == "adapter":
                    store.execute(store.prepare(text), fmt)
                else:
                    server_get(server, text, conns[engine])
                if i >= 30:
                    times[engine][mode].append((time.perf_counter() - started) * 1000)
    out = {}
    for engine, modes in times.items():
        stats = {mode: ms(values) for mode, values in modes.items()}
        direct = stats["direct"]["p50"]
        for mode in ("adapter", "server"):
            stats[mode]["overhead_p50_ms"] = round(stats[mode]["p50"] - direct, 3)
        out[engine] = stats
    return out


def canned(engines: dict[str, tuple[RemoteStore, Running]], settings: Settings,
           runs: int = 3) -> dict:
    conns: dict[str, list] = {e: [] for e in engines}
    out: dict[str, dict] = {}
    for query in load_queries(settings):
        for engine, (_, server) in engines.items():
            times, status = [], 200
            for i in range(runs):
                started = time.perf_counter()
                status = server_get(server, f"{query.text}\n# {engine} {i}", conns[engine],
                                    expect_ok=False)
                times.append((time.perf_counter() - started) * 1000)
                if status != 200:
                    break
            out.setdefault(query.name, {})[engine] = (round(statistics.median(times), 1)
                                                      if status == 200 else f"{status}")
    return out


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return round(time.perf_counter() - started, 2)


def built(size: str, work: Path) -> tuple:
    """The national project of ``size`` in ``work`` and its built version (a build already in
    ``work``, from an earlier run with the same ``--work``, is reused): (info, settings, version,
    build seconds or None)."""
    project = work / f"national-{size}"
    info = national.generate(project, national.parse_size(size))
    settings = Settings(root=project, dist_dir=work / f"dist-{size}")
    try:
        return info, settings, open_current(settings.dist_dir), None
    except LoadError:
        pass
    log(f"[{size}] building {info.triples:,} data triples …")
    started = time.perf_counter()
    version, _ = build(settings)
    return info, settings, version, round(time.perf_counter() - started, 1)


def virtuoso_push(version, settings: Settings, publish: Path, work: Path, size: str,
                  args) -> tuple[Virtuoso, dict]:
    """Virtuoso filled by ``cisem-graph push`` (into an empty database: the graphs under their
    own names), pushed again as another version (every graph staged, counted and switched: the
    record is made to name another version first), and, in a database of its own, by its bulk
    loader (the baseline, same file); the pushed Virtuoso is returned, serving the version."""
    out: dict = {}
    log(f"[{size}] Virtuoso: bulk loader …")
    loaded = Virtuoso(work / f"virtuoso-loader-{size}", buffers=args.virtuoso_buffers,
                      query_timeout=settings.push_timeout).start()
    try:
        out["virtuoso_loader_s"] = timed(lambda: loaded.load(publish.read_bytes(), "publish.nq"))
    finally:
        loaded.stop()
    log(f"[{size}] Virtuoso: push …")
    # Virtuoso's time-out (MaxQueryExecutionTime) also bounds the push's counts and switch: the
    # store's time-out for a push is push_timeout, as the README says
    virt = Virtuoso(work / f"virtuoso-{size}", buffers=args.virtuoso_buffers,
                    query_timeout=settings.push_timeout).start()
    endpoints = virt.endpoints()
    try:
        out["virtuoso_push_s"] = timed(lambda: push(version, endpoints, settings))
        log(f"[{size}] Virtuoso: pushed in {out['virtuoso_push_s']} s; pushing again …")
        virt.isql("SPARQL DELETE { GRAPH ?g { ?g ?p ?v } } INSERT { GRAPH ?g { ?g ?p 'another' } "
                  f"}} WHERE {{ GRAPH ?g {{ ?g ?p ?v }} FILTER(?g = <{PUBLICATION}> && "
                  f"?p = <{PUBLICATION}#version>) }};")
        out["virtuoso_repush_s"] = timed(lambda: push(version, endpoints, settings))
    except BaseException:
        virt.stop()
        raise
    return virt, out


def one_size(size: str, args, work: Path) -> dict:
    out: dict = {"size": size}
    for name in ("oxigraph-{}", "oxigraph-{}-copy", "virtuoso-{}", "virtuoso-loader-{}"):
        shutil.rmtree(work / name.format(size), ignore_errors=True)  # a kept --work's
    info, settings, version, build_s = built(size, work)
    project = settings.root
    out.update(triples=version.triples, build_s=build_s)
    publish = work / f"publish-{size}.nq"
    publish.write_bytes(offline_nquads(version))

    log(f"[{size}] loading Oxigraph server …")
    oxi = Oxigraph(work / f"oxigraph-{size}")
    if version.triples <= national.parse_size(args.push_max):
        oxi.start()
        out["oxigraph_push_s"] = timed(lambda: push(version, StoreEndpoints.from_settings(
            settings, oxi.base), settings))
    else:
        out["oxigraph_load_s"] = timed(lambda: subprocess.run(
            [OXIGRAPH, "load", "--location", str(oxi.location), "--file", str(publish)],
            check=True, capture_output=True))
        oxi.start()
    try:
        virt, pushed = virtuoso_push(version, settings, publish, work, size, args)
    except BaseException:
        oxi.stop()
        raise
    out.update(pushed)
    if args.push_only:
        virt.stop()
        oxi.stop()
        return out
    servers: list[Running] = []
    try:
        engines = {}
        for engine, store_server in (("oxigraph", oxi), ("virtuoso", virt)):
            store = RemoteStore.for_version(store_server.url, version, settings)
            store.check_published()
            server = serve(settings.dist_dir, project, work / "logs", f"ours-{engine}-{size}",
                           {"CISEM_STORE_QUERY_URL": store_server.url})
            servers.append(server)
            engines[engine] = (store, server)
        iris = [f"{national.BASE_IRI}id/organization/{slug}"
                for slug in info.slugs.get("organization", [])]
        random.Random(1).shuffle(iris)
        log(f"[{size}] lookups ({args.lookups} each way) …")
        out["lookups"] = lookups(engines, iris, args.lookups)
        log(f"[{size}] canned queries …")
        out["canned_ms"] = canned(engines, settings)
        for store, _ in engines.values():
            store.close()
        for server in servers:
            server.stop()
        servers.clear()
        virt.stop()
        out["replicas"] = replicas(oxi, version, settings, project, iris, work, size, args)
    finally:
        for server in servers:
            server.stop()
        virt.stop()
        oxi.stop()
    return out


def replicas(primary: Oxigraph, version, settings: Settings, project: Path, iris: list[str],
             work: Path, size: str, args) -> dict:
    """Lookups/s through the server over one store and over two (snapshot copy), and of one
    store asked directly, with wrk on cache-cold paths."""
    log(f"[{size}] replicas: snapshot copy …")
    primary.stop()
    copy = work / f"oxigraph-{size}-copy"
    snapshot_s = timed(lambda: snapshot(primary.location, copy))
    primary.start()
    replica = Oxigraph(copy, read_only=True).start()
    paths = work / f"lookups-{size}.txt"
    paths.write_text("".join(
        "/sparql?" + urllib.parse.urlencode({"query": lookup(iri, n), "format": "json"}) + "\n"
        for n, iri in enumerate(iris * max(1, 20_000 // max(1, len(iris))))))
    direct_paths = work / f"direct-{size}.txt"
    direct_paths.write_text("".join(
        "/query?" + urllib.parse.urlencode({"query": lookup(iri, n), "union-default-graph": ""})
        + "\n" for n, iri in enumerate(iris * max(1, 20_000 // max(1, len(iris))))))
    out: dict = {"snapshot_s": snapshot_s, "connections": args.connections}
    try:
        for name, env in (("one", {"CISEM_STORE_QUERY_URL": primary.url}),
                          ("two", {"CISEM_STORE_QUERY_URL": primary.url,
                                   "CISEM_STORE_REPLICA_URLS": replica.url})):
            server = serve(settings.dist_dir, project, work / "logs", f"ours-{name}-{size}", env)
            try:
                result = wrk(server.base, paths, args.connections, args.seconds, 0)
            finally:
                server.stop()
            out[name] = rps(result)
            log(f"[{size}] {name} store(s): {out[name]['rps']} lookups/s")
        direct = wrk(primary.base, direct_paths, args.connections, args.seconds, 0)
        out["one_store_directly"] = rps(direct)
        out["two_over_one"] = round(out["two"]["rps"] / max(out["one"]["rps"], 1e-9), 2)
    finally:
        replica.stop()
    return out


def rps(result: dict) -> dict:
    """Requests per second of a wrk run, its errors and p50 latency."""
    errors = sum(result.get(k, 0) for k in ("connect", "read", "write", "status", "timeout"))
    return {"rps": round(result["requests"] / (result["duration_us"] / 1e6), 1), "errors": errors,
            "p50_ms": round(result["p50_us"] / 1000, 2)}


def report(results: list[dict]) -> str:
    lines = []
    for r in results:
        built_in = "reused" if r["build_s"] is None else f"{r['build_s']} s"
        lines.append(f"## {r['size']}: {r['triples']:,} triples (build {built_in})")
        load = (f"push {r['oxigraph_push_s']} s" if "oxigraph_push_s" in r
                else f"oxigraph load {r['oxigraph_load_s']} s")
        lines.append(f"loading: Oxigraph {load}; Virtuoso push {r['virtuoso_push_s']} s, pushed "
                     f"again as another version {r['virtuoso_repush_s']} s, bulk loader "
                     f"{r['virtuoso_loader_s']} s (push ÷ loader "
                     f"{r['virtuoso_push_s'] / r['virtuoso_loader_s']:.2f})")
        if "lookups" not in r:
            continue
        for engine, stats in r["lookups"].items():
            lines.append(f"lookups, {engine}: direct p50 {stats['direct']['p50']} ms; adapter "
                         f"{stats['adapter']['p50']} ms (+{stats['adapter']['overhead_p50_ms']}); "
                         f"server {stats['server']['p50']} ms "
                         f"(+{stats['server']['overhead_p50_ms']})")
        lines.append("canned queries, p50 ms (oxigraph / virtuoso):")
        for name, by in r["canned_ms"].items():
            lines.append(f"  {name}: {by['oxigraph']} / {by['virtuoso']}")
        rep = r["replicas"]
        lines.append(f"replicas ({rep['connections']} connections): one {rep['one']['rps']}/s, two "
                     f"{rep['two']['rps']}/s: {rep['two_over_one']}x; one store directly "
                     f"{rep['one_store_directly']['rps']}/s; snapshot copy {rep['snapshot_s']} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["100k"])
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--push-max", default="200k", help="largest size pushed with main's push")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--virtuoso-buffers", type=int, default=170_000,
                        help="NumberOfBuffers (8 KB pages; 170000: about 1.3 GB)")
    parser.add_argument("--push-only", action="store_true",
                        help="only fill the stores (push, loaders): no lookups, queries, replicas")
    parser.add_argument("--work", type=Path,
                        help="keep projects, builds and stores here (a build found is reused); "
                             "default: a temporary folder")
    args = parser.parse_args()
    results = []
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            results.append(one_size(size, args, args.work))
    else:
        with tempfile.TemporaryDirectory(prefix="cisem-stores-") as tmp:
            for size in args.sizes:
                results.append(one_size(size, args, Path(tmp)))
    text = report(results)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "stores-latest.json").write_text(json.dumps(
        {"loadavg": os.getloadavg(), "results": results}, indent=2))


if __name__ == "__main__":
    main()
