"""The store's own cost per query, in-process: the guards (the tokenizer against the pre-scan) and
the two lanes of the embedded store (a query process against the fast lane), beside bare
pyoxigraph, in the same run.

    .venv/bin/python bench/lanes.py                 # about a minute
    .venv/bin/python bench/lanes.py --n 500 --rounds 5

Run ``bench/run.py`` first (or ``bench/run.py --quick``): it writes the dataset version this opens
(``bench/results/dist``). Every figure is the median of ``--rounds`` rounds, each the mean over
``--n`` queries of the workload, the variants of one table taking turns within a round so that
whatever else the machine does falls on all of them alike. One thread.

1. Guards, µs per query: ``tokenizer`` (``guards.analyze_tokens``, the only reader before issue
   12), ``pre-scan`` (``store.prescan`` alone), ``guards`` (``guards.analyze``: the pre-scan, and
   the tokenizer when it cannot prove the text), ``bounded`` (``store.bounded``: the fast lane's
   proof, run by ``prepare`` on the embedded store).
2. Per request through the store interface, ms: ``pyoxigraph`` (``Store.query`` and every
   solution read), ``+ writer`` (the same and SPARQL JSON written by ``store.results``: what the
   store must do at least), ``fast lane`` and ``isolated`` (``prepare`` + ``execute``, the guards
   included, on a store with and without the fast lane), and ``select()`` on each lane (typed
   rows for the program's own callers).
3. The share of each ``run.py`` workload that takes the fast lane.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from dataset import generate
from workloads import PREFIXES, queries

HERE = Path(__file__).resolve().parent
DIST = HERE / "results" / "dist"


def star_query(person: str) -> str:
    """A join the fast lane takes: four patterns around one variable, each with a constant."""
    return PREFIXES + f"""SELECT ?event WHERE {{
  ?event schema:performer <{person}> ; a schema:Event ;
         schema:eventAttendanceMode schema:OnlineEventAttendanceMode ;
         schema:eventStatus schema:EventScheduled }}"""


def big_values_query(iris: list[str], size: int = 60_000) -> str:
    """About ``size`` bytes: a VALUES list of IRIs (the largest queries clients send)."""
    head = PREFIXES + "SELECT ?s ?name WHERE {\n  VALUES ?s {\n"
    lines, total = [], len(head)
    for iri in iris:
        line = f"    <{iri}>\n"
        if total + len(line) > size - 60:
            break
        lines.append(line)
        total += len(line)
    return head + "".join(lines) + "  }\n  ?s schema:name ?name\n}"


def big_string_query(size: int = 60_000) -> str:
    """About ``size`` bytes, most of it one string literal."""
    return PREFIXES + ("SELECT ?s WHERE { ?s schema:description ?d FILTER(CONTAINS(?d, \""
                       + "lorem ipsum " * (size // 12 - 12) + "\")) }")


def rounds_of(variants: dict, items: dict[str, list], rounds: int) -> dict[str, float]:
    """Median over rounds of the mean seconds per item, for each variant; variants take turns."""
    for name, fn in variants.items():  # warm-up: caches, lazily started processes
        for item in items[name][: max(len(items[name]) // 10, 1)]:
            fn(item)
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            batch = items[name]
            started = time.perf_counter()
            for item in batch:
                fn(item)
            times[name].append((time.perf_counter() - started) / len(batch))
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="queries per round and figure")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    if not (DIST / "current").exists():
        print("run bench/run.py first (it builds bench/results/dist)", file=sys.stderr)
        return 2

    from pyoxigraph import Store as OxStore

    from cisem_graph.config import Settings
    from cisem_graph.formats import by_name
    from cisem_graph.graph.version import open_current
    from cisem_graph.store import bounded, guards
    from cisem_graph.store.embedded import EmbeddedStore
    from cisem_graph.store.prescan import prescan
    from cisem_graph.store.worker import QueryRequest, run_query

    data = generate()
    texts = queries(data)
    settings = Settings.from_env(dist_dir=DIST)
    version = open_current(DIST)
    n = args.n
    things = [iri for kind in sorted(data.iris) for iri in data.iris[kind]]
    workloads = {
        "lookup": texts["lookup"][:n],
        "join": texts["join"][:n],
        "star join": [star_query(p) for p in data.iris["person"][:n]],
        "aggregate": texts["aggregate"][:n],
        "60 KB VALUES": [big_values_query(things[i:]) for i in range(0, 400, 10)],
        "60 KB string": [big_string_query()],
    }
    limits = {"max_bytes": settings.max_request_bytes, "max_nesting": settings.max_nesting}
    chain = settings.max_chain

    print(f"1. Guards: µs per query, median of {args.rounds} rounds")
    print(f"{'workload':<14} {'chars':>6} {'tokenizer':>10} {'pre-scan':>9} {'guards':>8} "
          f"{'bounded':>8} {'tokenizer/guards':>17}")
    for name, items in workloads.items():
        variants = {
            "tokenizer": lambda q: guards.analyze_tokens(q, max_chain=chain, **limits),
            "pre-scan": lambda q: prescan(q, max_chain=chain, **limits),
            "guards": lambda q: guards.analyze(q, max_chain=chain, **limits),
            "bounded": lambda q: bounded.is_bounded(q, result_limit=settings.result_limit),
        }
        got = rounds_of(variants, dict.fromkeys(variants, items), args.rounds)
        chars = statistics.median(len(q) for q in items)
        print(f"{name:<14} {chars:>6.0f} {got['tokenizer'] * 1e6:>10.1f} "
              f"{got['pre-scan'] * 1e6:>9.1f} {got['guards'] * 1e6:>8.1f} "
              f"{got['bounded'] * 1e6:>8.1f} {got['tokenizer'] / got['guards']:>16.1f}x")
    proven = {name: sum(prescan(q, max_chain=chain, **limits) is not None for q in items)
              / len(items) for name, items in workloads.items()}
    print("proven by the pre-scan: " + ", ".join(f"{k} {v:.0%}" for k, v in proven.items()))

    ox = OxStore.read_only(str(version.store_path.resolve()))
    fast = EmbeddedStore(version.store_path, version.version, settings)
    isolated = EmbeddedStore(version.store_path, version.version, settings, fast_lane=False)
    isolated.warm()
    json_format = by_name("json")
    print(f"\n2. Per request through the store interface: ms, median of {args.rounds} rounds")
    print(f"{'workload':<10} {'pyoxigraph':>10} {'+ writer':>9} {'fast lane':>10} "
          f"{'isolated':>9} {'select() fast':>14} {'isolated':>9}   "
          f"{'fast-writer':>11} {'isolated/fast':>13}")
    for name in ("lookup", "star join", "join"):
        items = workloads[name]
        variants = {
            "pyoxigraph": lambda q: list(ox.query(q)),
            "writer": lambda q: run_query(ox, QueryRequest(q, True, None, None, "json"),
                                          result_limit=settings.result_limit, prefixes={}),
            "fast": lambda q: fast.execute(fast.prepare(q), json_format),
            "isolated": lambda q: isolated.execute(isolated.prepare(q), json_format),
            "select fast": lambda q: fast.select(q),
            "select isolated": lambda q: isolated.select(q),
        }
        got = rounds_of(variants, dict.fromkeys(variants, items), args.rounds)
        ms = {k: v * 1e3 for k, v in got.items()}
        lane = "fast" if fast.prepare(items[0]).bounded else "isolated"
        print(f"{name:<10} {ms['pyoxigraph']:>10.3f} {ms['writer']:>9.3f} {ms['fast']:>10.3f} "
              f"{ms['isolated']:>9.3f} {ms['select fast']:>14.3f} {ms['select isolated']:>9.3f}"
              f"   {ms['fast'] - ms['writer']:>11.3f} {ms['isolated'] / ms['fast']:>12.2f}x"
              f"   ({lane} lane)")

    print("\n3. Share of each bench/run.py workload in the fast lane")
    for name in ("lookup", "lookup-same", "join", "aggregate"):
        items = texts[name]
        share = sum(fast.prepare(q).bounded for q in items) / len(items)
        print(f"{name:<12} {share:>6.0%} of {len(items):,} queries")
    fast.close()
    isolated.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
