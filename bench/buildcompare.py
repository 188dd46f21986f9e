"""Builds of another checkout (the baseline, e.g. ``main``) and of this one, taking turns, on one
``bench/scale.py`` project: wall time, the build's steps and the memory of all its processes.

    git archive main | tar -x -C /tmp/base-main
    .venv/bin/python bench/buildcompare.py --base /tmp/base-main --size 1m --rounds 2

Each build runs in a process of its own (``buildrun.py`` of its checkout, this venv's Python, the
checkout first on ``PYTHONPATH``); the two alternate so that whatever else the shared machine does
falls on both alike. Prints every build, then medians and the ratio of this checkout's to the
base's; ``--json`` keeps every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

from serving_scale import run_child

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="the baseline checkout")
    parser.add_argument("--size", default="100k", help="a project of bench/scale.py (100k)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/buildcompare"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    project = HERE / "results" / "build-scale" / args.size / "project"
    if not (project / "data").is_dir():
        parser.error(f"no project at {project}: run bench/scale.py --sizes {args.size} first")
    checkouts = {"base": args.base.resolve(), "this": HERE.parent}
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    for round_ in range(args.rounds):
        for name, checkout in checkouts.items():
            out, report = args.work / name, args.work / f"{name}-{round_}.json"
            shutil.rmtree(out, ignore_errors=True)
            env = {**os.environ, "PYTHONPATH": str(checkout)}
            tree: dict = {}
            code, wall, _ = run_child([sys.executable, str(checkout / "bench" / "buildrun.py"),
                                       "--root", str(project), "--out", str(out), "--json",
                                       str(report)], 3600, env=env, tree=tree)
            built = json.loads(report.read_text())
            runs[name].append({"wall_s": round(wall, 2), "exit": code, **tree,
                               "steps": {k: v["seconds"] for k, v in built["steps"].items()}})
            print(f"{name} {round_ + 1}: {wall:.2f} s, memory of all its processes PSS "
                  f"{tree['pss_mb']:,.0f} MB, RSS {tree['rss_mb']:,.0f} MB, exit {code}, "
                  f"load {os.getloadavg()[0]:.1f}", flush=True)
    medians = {name: statistics.median(r["wall_s"] for r in done) for name, done in runs.items()}
    for name, done in runs.items():
        print(f"{name}: median {medians[name]:.2f} s, PSS "
              f"{statistics.median(r['pss_mb'] for r in done):,.0f} MB")
    print(f"this ÷ base: {medians['this'] / medians['base']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
