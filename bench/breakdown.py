"""Where our time per request goes, measured in-process (no HTTP server, no load generator).

    .venv/bin/python bench/breakdown.py            # the breakdown
    .venv/bin/python bench/breakdown.py --cprofile # plus cProfile's top functions of a cold lookup

Run ``bench/run.py`` first: it writes the dataset version this opens (``bench/results/dist``).
Each figure is the best of three rounds, in ms per request, on one thread. The layers:

- pyoxigraph alone: ``Store.query`` on the default graph (the merge the build writes) and reading
  every solution;
- + our result writer: ``worker.run_query`` (query + SPARQL JSON written by ``store.results``);
- guards: ``guards.analyze`` on the text;
- store.execute: the request sent to a query process and its answer back (IPC + the above), or,
  for a query the fast lane takes (every lookup), run in this thread (``bench/lanes.py`` compares
  the two lanes);
- Flask, answer cached: the whole WSGI app for a repeated GET (negotiation, guards, cache, headers,
  query log), no query run;
- Flask, cold: the whole WSGI app for a query not in the cache.

The WSGI server (gunicorn, granian) comes on top: compare ``server CPU ms/req`` in the benchmark.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import sys
import time
from pathlib import Path
from urllib.parse import quote

from dataset import generate
from workloads import ACCEPT_JSON, queries

HERE = Path(__file__).resolve().parent
DIST = HERE / "results" / "dist"


def best_of(fn, items: list, rounds: int = 3) -> float:
    for item in items[: max(len(items) // 10, 1)]:
        fn(item)
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, (time.perf_counter() - started) / len(items))
    return best * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cprofile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--n", type=int, default=1500, help="requests per figure")
    args = parser.parse_args(argv)
    if not (DIST / "current").exists():
        print("run bench/run.py first (it builds bench/results/dist)", file=sys.stderr)
        return 2

    from pyoxigraph import Store
    from werkzeug.test import EnvironBuilder

    from cisem_graph.config import Settings
    from cisem_graph.formats import by_name
    from cisem_graph.store import guards
    from cisem_graph.store.worker import QueryRequest, run_query
    from cisem_graph.web import create_app

    texts = queries(generate())
    settings = Settings.from_env(dist_dir=DIST)
    app = create_app(settings)
    store = app.extensions["cisem_graph"].store
    ox = Store.read_only(str((DIST / "current" / "store").resolve()))
    fmt = by_name("json")

    def environ(query: str) -> dict:
        return EnvironBuilder(path="/sparql", query_string="query=" + quote(query, safe=""),
                              headers={"Accept": ACCEPT_JSON}).get_environ()

    def call(env: dict) -> None:
        body = app(dict(env), lambda status, headers, exc=None: None)
        b"".join(body)
        if hasattr(body, "close"):
            body.close()

    # the query log line is still formatted and written, to /dev/null rather than the terminal
    devnull = open(os.devnull, "w")  # noqa: SIM115 - for the life of the process
    for handler in logging.getLogger("cisem_graph").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(devnull)
    print(f"ms per request, best of 3 rounds of {args.n}, one thread")
    print(f"{'workload':<10} {'pyoxigraph':>10} {'+writer':>8} {'guards':>7} {'execute':>8} "
          f"{'Flask cached':>12} {'Flask cold':>10}")
    for workload in ("lookup", "join"):
        items = texts[workload][: args.n]
        raw = best_of(lambda q: list(ox.query(q)), items)  # the default graph: the merge
        written = best_of(lambda q: run_query(ox, QueryRequest(q, True, None, None, "json"),
                                              result_limit=settings.result_limit, prefixes={}), items)
        guard = best_of(lambda q: guards.analyze(q, max_bytes=settings.max_request_bytes,
                                                 max_nesting=settings.max_nesting,
                                                 service_allowlist=settings.service_allowlist), items)
        prepared = [store.prepare(q) for q in items]
        execute = best_of(lambda p: store.execute(p, fmt), prepared)
        same = [environ(items[0])] * args.n
        cached = best_of(call, same)
        # cold: a fresh cache for each round, so no request of a round is answered from it
        envs = [environ(q) for q in items]
        publisher = app.extensions["cisem_graph"]
        cold = float("inf")
        for _ in range(3):
            publisher.cache._data.clear()
            started = time.perf_counter()
            for env in envs:
                call(env)
            cold = min(cold, (time.perf_counter() - started) / len(envs) * 1000)
        print(f"{workload:<10} {raw:>10.3f} {written:>8.3f} {guard:>7.3f} {execute:>8.3f} "
              f"{cached:>12.3f} {cold:>10.3f}")

    logger = logging.getLogger("cisem_graph")
    level = logger.level
    logger.setLevel(logging.WARNING)
    quiet = best_of(call, [environ(texts["lookup"][0])] * args.n)
    logger.setLevel(level)
    print(f"Flask cached lookup without the query log line: {quiet:.3f} ms")

    if args.cprofile:
        envs = [environ(q) for q in texts["lookup"][: args.n]]
        app.extensions["cisem_graph"].cache._data.clear()
        profile = cProfile.Profile()
        profile.enable()
        for env in envs:
            call(env)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue())
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
