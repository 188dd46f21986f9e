"""The hot path's CPU per answer in-process, without HTTP: what our Python costs around the engine.

    .venv/bin/python bench/hotpath.py [lookup|lookup-same|join|aggregate] [N] [--profile]

Needs the dataset version and paths that ``bench/run.py`` writes under ``bench/results/``. Builds
the app on that version (per-client budgets set out of reach, no warm-up), answers N queries of the
workload through ``HotPath.answer`` with the entity cache emptied (so each is answered, not
replayed), and prints the CPU per answer of this thread (a query the store sends to an isolated
process, the join, has that process's CPU left out); ``--profile`` adds cProfile's top entries.
The query log goes to stderr: ``2>/dev/null``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

from cisem_graph.config import Settings
from cisem_graph.web import create_app
from cisem_graph.web.cache import EntityCache
from cisem_graph.web.hot import HotPath, Request

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workload", nargs="?", default="lookup")
    parser.add_argument("n", nargs="?", type=int, default=3000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    settings = Settings.from_env().replace(dist_dir=RESULTS / "dist", base_iri="https://w3id.org/cisem/",
                                           warm_pages=False, client_budget=1e9,
                                           client_max_queries=1000)
    hot = HotPath(create_app(settings))
    lines = (RESULTS / "paths" / f"sparql-{args.workload}.txt").read_text().split()
    query_strings = [line.split("?", 1)[1].encode() for line in lines]

    def request(qs: bytes) -> Request:
        return Request("GET", qs, "application/sparql-results+json", None, None, None, b"",
                       "127.0.0.1")

    for qs in query_strings[:200]:
        hot.answer(request(qs))
    hot.entities = EntityCache(1)

    def run() -> float:
        started = time.process_time()
        for i in range(args.n):
            hot.answer(request(query_strings[i % len(query_strings)]))
        return (time.process_time() - started) / args.n * 1000

    print(f"{args.workload}: {min(run() for _ in range(3)):.3f} ms of CPU per answer (best of 3)")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(run)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
