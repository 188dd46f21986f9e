"""National scale, the build side (issue 11): build and validate 10k to 10M triples, step by step,
beside ``oxigraph load`` of the same N-Quads and pyshacl on the same data, in the same run.

    .venv/bin/python bench/scale.py                                   # 10k, 100k, 1m; 3 builds each
    .venv/bin/python bench/scale.py --sizes 10k --runs 1              # a smoke test (~1 min)
    .venv/bin/python bench/scale.py --sizes 10m --runs 1 --pyshacl-max 0 --memory-limit 16

For each size ``bench/national.py`` writes a project folder (kept under
``bench/results/build-scale/{size}/`` and reused while seed and size are the same). Then, in
processes of their own (wall time, and peak resident memory from ``wait4``):

- ``--runs`` cold builds (``bench/buildrun.py``: the project's ``build``, each step timed: parse,
  validate, canonical labels, statistics, every dump, checksums, store), each followed by ``oxigraph
  load`` of that build's ``cisem.nq`` into a fresh store: the anchor, measured beside every build;
- the build again after one thing was added to one data file (the one-file rebuild);
- ``validate`` alone with pyshacl-turbo and with pyshacl (the reference, on an rdflib copy) up to
  ``--pyshacl-max``, and whether they found the same number of findings;
- ``cisem-graph push`` into a fresh ``oxigraph serve``: the first push, then the push of the
  rebuilt version (the changed graphs staged and ``MOVE``d, the merge uploaded again).

Results: ``bench/results/build-scale-latest.md`` (tables, ratios, growth from size to size, the
targets) and ``build-scale-latest.json``. Never run by the tests; the machine is shared, so every
ratio is to a figure of the same run and the load average is recorded.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import national
from run import bin_path, machine, versions
from servers import free_port
from serving_scale import loadavg, log, run_child

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
#: added to one data file for the one-file rebuild: one more person of the national network
EDIT = ("persone-piemonte.ttl", """
<id/person/persona-nuova-benchmark> a <https://schema.org/Person> ;
    <https://schema.org/name> "Persona Nuova"@it, "Persona Nuova"@en ;
    <https://schema.org/givenName> "Persona" ; <https://schema.org/familyName> "Nuova" .
""")
#: the steps of a build as reported, in order (buildrun's step names)
STEPS = ("load_sources", "validate", "pyshacl_turbo.validate", "canonical_lines", "statistics",
         "describe_dataset", "write cisem.nq", "write cisem.nt", "write cisem.nq.gz", "write cisem.trig",
         "write cisem.ttl", "write_jsonld", "file_sha256", "write_store", "finish_store")
TARGETS = {"1m_build_s": 30.0, "1m_peak_gb": 2.0, "1m_ratio": 12.0, "100k_build_s": 4.0,
           "1m_rebuild_s": 15.0, "1m_push_s": 60.0}


def summary(values: list[float]) -> dict:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2),
            "max": round(max(values), 2), "n": len(values)}


def limited(argv: list[str], gigabytes: float | None) -> list[str]:
    """``argv`` under an address-space limit (``prlimit``), so a size too large for the machine
    fails alone instead of pressing on the other engineers' processes."""
    if not gigabytes:
        return argv
    return ["prlimit", f"--as={int(gigabytes * 2**30)}", *argv]


def project_for(label: str, size: int, seed: int, work: Path) -> Path:
    project, marker = work / "project", work / "project.json"
    wanted = {"size": size, "seed": seed}
    if project.is_dir() and marker.is_file() and json.loads(marker.read_text()).get("key") == wanted:
        return project
    shutil.rmtree(project, ignore_errors=True)
    started = time.perf_counter()
    # in a process of its own: the generator keeps every file's text until it has counted them
    done = subprocess.run([sys.executable, str(HERE / "national.py"), str(project), "--triples", str(size),
                           "--seed", str(seed)], capture_output=True, text=True, check=True)
    triples = int(done.stdout.split(" triples")[0].replace(",", "").split()[-1])
    files = len(list((project / "data").glob("*.ttl")))
    marker.write_text(json.dumps({"key": wanted, "triples": triples, "files": files}))
    log(f"   generated {triples:,} triples in {files} files ({time.perf_counter() - started:.0f} s)")
    return project


def build_once(project: Path, out: Path, work: Path, name: str, budget: float,
               memory: float | None, *extra: str) -> dict:
    report = work / f"{name}.json"
    report.unlink(missing_ok=True)
    tree: dict = {}
    code, wall, peak = run_child(limited([sys.executable, str(HERE / "buildrun.py"), "--root", str(project),
                                          "--out", str(out), "--json", str(report), *extra], memory),
                                 timeout=budget, tree=tree)
    run = json.loads(report.read_text()) if report.exists() else {"error": f"exit {code}"}
    # the build validates in a child process of its own: its memory is the sum of theirs
    run.update(process_s=round(wall, 2), peak_mb=round(peak, 1), exit=code,
               tree_rss_mb=tree["rss_mb"], tree_pss_mb=tree["pss_mb"])
    return run


def oxigraph_load(nquads: Path, location: Path, budget: float) -> dict:
    shutil.rmtree(location, ignore_errors=True)
    code, wall, peak = run_child([bin_path("oxigraph"), "load", "--location", str(location),
                                  "--file", str(nquads)], timeout=budget)
    shutil.rmtree(location, ignore_errors=True)
    return {"seconds": round(wall, 2), "peak_mb": round(peak, 1), "exit": code}


def push_once(project: Path, dist: Path, store: str, budget: float) -> dict:
    env = {**os.environ, "CISEM_ROOT": str(project), "CISEM_DIST_DIR": str(dist)}
    code, wall, peak = run_child([bin_path("cisem-graph"), "push", "--store", store], timeout=budget,
                                 env=env)
    return {"seconds": round(wall, 2), "peak_mb": round(peak, 1), "exit": code}


def measure(label: str, args: argparse.Namespace) -> dict:
    size = national.parse_size(label)
    work = args.results / "build-scale" / label
    work.mkdir(parents=True, exist_ok=True)
    result: dict = {"size": label, "loadavg_start": loadavg()}
    log(f"== {label}")
    project = project_for(label, size, args.seed, work)
    skip = ("--skip-validation",) if size > args.validate_max else ()
    result["validation_skipped"] = bool(skip)
    meta = json.loads((work / "project.json").read_text())
    result.update(data_triples=meta["triples"], files=meta["files"])

    builds, loads = [], []
    dist = work / "dist"
    for n in range(args.runs):
        shutil.rmtree(dist, ignore_errors=True)
        run = build_once(project, dist, work, f"build-{n}", args.budget, args.memory_limit, *skip)
        builds.append(run)
        if run["exit"] != 0:
            log(f"   build {n + 1}: failed ({run.get('error', '')[:300]}), peak {run['peak_mb']:,.0f} MB")
            break
        anchor = oxigraph_load(dist / "current" / "cisem.nq", work / "oxigraph-load", args.budget)
        loads.append(anchor)
        log(f"   build {n + 1}: {run['process_s']} s (build() {run['seconds']} s), peak "
            f"{run['peak_mb']:,.0f} MB (all its processes: PSS {run['tree_pss_mb']:,.0f}, RSS "
            f"{run['tree_rss_mb']:,.0f} MB); oxigraph load {anchor['seconds']} s, "
            f"{anchor['peak_mb']:,.0f} MB")
    result["builds"], result["oxigraph_load"] = builds, loads
    ok = [r for r in builds if r["exit"] == 0]
    if not ok:
        return result
    result["triples"] = ok[-1]["triples"]
    result["build_s"] = summary([r["process_s"] for r in ok])
    result["build_fn_s"] = summary([r["seconds"] for r in ok])
    result["peak_mb"] = summary([r["peak_mb"] for r in ok])
    result["tree_pss_mb"] = summary([r["tree_pss_mb"] for r in ok])
    result["tree_rss_mb"] = summary([r["tree_rss_mb"] for r in ok])
    result["load_s"] = summary([r["seconds"] for r in loads])
    result["ratio"] = summary([b["process_s"] / a["seconds"] for b, a in zip(ok, loads, strict=False)])
    result["steps_s"] = {step: summary([r["steps"][step]["seconds"] for r in ok])
                         for step in STEPS if all(step in r["steps"] for r in ok)}
    result["files"] = ok[-1]["files"]

    first = (dist / "current").resolve()
    if size <= args.rebuild_max:
        name, text = EDIT
        changed = project / "data" / name
        original = changed.read_bytes()
        try:
            changed.write_bytes(original + text.encode())
            rebuild = build_once(project, dist, work, "rebuild", args.budget, args.memory_limit, *skip)
        finally:
            changed.write_bytes(original)
        result["rebuild"] = rebuild
        log(f"   rebuild after one more person in {name}: {rebuild['process_s']} s, "
            f"peak {rebuild['peak_mb']:,.0f} MB (all its processes: PSS {rebuild['tree_pss_mb']:,.0f} MB)")

    result["validate"] = {}
    for engine in ("turbo", "pyshacl"):
        if engine == "pyshacl" and size > args.pyshacl_max:
            continue
        run = build_once(project, work / "unused", work, f"validate-{engine}", args.budget * 4,
                         args.memory_limit, "--validate-only", "--engine", engine)
        result["validate"][engine] = run
        log(f"   validate with {engine}: {run['process_s']} s (validate() {run.get('seconds')} s), "
            f"{run.get('findings')} findings, peak {run['peak_mb']:,.0f} MB, exit {run['exit']}")

    if args.push:
        location, port = work / "oxigraph-serve", free_port()
        shutil.rmtree(location, ignore_errors=True)
        server = subprocess.Popen([bin_path("oxigraph"), "serve", "--location", str(location), "--bind",
                                   f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.0)
            pushes = {}
            pushed = [("first", first)]
            if "rebuild" in result:
                pushed.append(("rebuilt", (dist / "current").resolve()))
            for which, version in pushed:
                target = work / f"dist-{which}"  # a dist folder whose current is that version
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir()
                os.symlink(version, target / version.name)
                os.symlink(version.name, target / "current")
                pushes[which] = push_once(project, target, f"http://127.0.0.1:{port}", args.budget)
                log(f"   push ({which} version): {pushes[which]['seconds']} s, exit {pushes[which]['exit']}")
            result["push"] = pushes
        finally:
            server.terminate()
            server.wait(timeout=60)
            shutil.rmtree(location, ignore_errors=True)
    result["loadavg_end"] = loadavg()
    return result


def fmt(value: dict | None) -> str:
    if not value:
        return "—"
    return f"{value['median']:.2f} [{value['min']:.2f}–{value['max']:.2f}]" if value["n"] > 1 \
        else f"{value['median']:.2f}"


def report(sizes: list[dict], meta: dict) -> str:
    lines = ["# National scale, the build side (bench/scale.py)", "",
             f"{meta['date']}; {meta['machine']}; load average {meta['loadavg_start']} at the start, "
             f"{meta.get('loadavg_end')} at the end; `{' '.join(meta['argv']) or '(defaults)'}`. "
             "Seconds are wall time of the whole process (median [min–max] over the runs); memory is "
             "peak resident set of the process.", ""]
    header = "| | " + " | ".join(s["size"] for s in sizes) + " |"
    lines += [header, "|---" * (len(sizes) + 1) + "|"]

    def row(title: str, fn) -> None:
        cells = []
        for s in sizes:
            try:
                cells.append(fn(s))
            except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
                cells.append("—")
        lines.append(f"| {title} | " + " | ".join(cells) + " |")

    row("data triples / in the version", lambda s: f"{s['data_triples']:,} / {s['triples']:,}")
    row("**build**, s", lambda s: fmt(s["build_s"]))
    row("`oxigraph load` of its N-Quads, same run, s", lambda s: fmt(s["load_s"]))
    row("build ÷ oxigraph load", lambda s: fmt(s["ratio"]))
    row("build peak memory, largest process, MB", lambda s: fmt(s["peak_mb"]))
    row("build peak memory, its processes together (PSS / RSS, sampled), MB",
        lambda s: f"{fmt(s['tree_pss_mb'])} / {fmt(s['tree_rss_mb'])}")
    row("oxigraph load peak memory, MB", lambda s: f"{s['oxigraph_load'][0]['peak_mb']:,.0f}")
    for step in STEPS:
        row(f"— {step}, s", lambda s, k=step: fmt(s["steps_s"][k]))
    row("rebuild after a one-file change, s", lambda s: f"{s['rebuild']['process_s']:.2f}")
    row("validate alone, pyshacl-turbo, s (findings)",
        lambda s: f"{s['validate']['turbo']['process_s']:.2f} ({s['validate']['turbo']['findings']})")
    row("validate alone, pyshacl (reference), s (findings)",
        lambda s: f"{s['validate']['pyshacl']['process_s']:.2f} ({s['validate']['pyshacl']['findings']})")
    row("validate peak memory, turbo / pyshacl, MB", lambda s: " / ".join(
        f"{s['validate'][e]['peak_mb']:,.0f}" for e in ("turbo", "pyshacl") if e in s["validate"]))
    row("push into a fresh `oxigraph serve`, first version, s",
        lambda s: f"{s['push']['first']['seconds']:.2f}")
    row("push of the rebuilt version (changed graphs staged, MOVE), s",
        lambda s: f"{s['push']['rebuilt']['seconds']:.2f}")
    lines.append("")
    lines.append("Growth from the size before (time ratio ÷ triples ratio: 1.0 is linear):")
    lines.append("")
    for before, after in zip(sizes, sizes[1:], strict=False):
        try:
            scale = after["triples"] / before["triples"]
            parts = [f"build {after['build_s']['median'] / before['build_s']['median'] / scale:.2f}",
                     f"memory {after['peak_mb']['median'] / before['peak_mb']['median'] / scale:.2f}"]
            for step in STEPS:
                was, now = before.get("steps_s", {}).get(step), after.get("steps_s", {}).get(step)
                if was and now and was["median"] > 0.05:
                    parts.append(f"{step} {now['median'] / was['median'] / scale:.2f}")
            lines.append(f"- {before['size']} → {after['size']} (×{scale:.1f} triples): " + ", ".join(parts))
        except (KeyError, ZeroDivisionError):
            lines.append(f"- {before['size']} → {after['size']}: a size did not finish")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10k,100k,1m")
    parser.add_argument("--runs", type=int, default=3, help="cold builds per size (3)")
    parser.add_argument("--budget", type=float, default=1800.0, help="seconds one step may take (1800)")
    parser.add_argument("--pyshacl-max", type=national.parse_size, default="1m",
                        help="largest size pyshacl validates at (1m; 0: never)")
    parser.add_argument("--memory-limit", type=float, default=None,
                        help="GiB of address space a build or validation may take (prlimit)")
    parser.add_argument("--validate-max", type=national.parse_size, default="1m",
                        help="largest size whose builds validate (1m); above it the builds measure the "
                        "other steps (buildrun --skip-validation) and validation runs alone, under "
                        "--memory-limit")
    parser.add_argument("--rebuild-max", type=national.parse_size, default="1m",
                        help="largest size the one-file rebuild (and the push of its version) runs at (1m)")
    parser.add_argument("--no-push", dest="push", action="store_false")
    parser.add_argument("--seed", type=int, default=20210614)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--include", type=Path, action="append",
                        help="a build-scale-*.json of an earlier run whose sizes come first in the report")
    args = parser.parse_args(argv)
    args.results.mkdir(parents=True, exist_ok=True)
    meta = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(), "versions": versions(),
            "loadavg_start": loadavg(), "argv": sys.argv[1:] if argv is None else argv}
    sizes = []
    for earlier in args.include or ():
        previous = json.loads(earlier.read_text())
        sizes += previous["sizes"]
        meta.setdefault("included", []).append({"file": earlier.name, "date": previous["meta"]["date"]})
    for label in (s.strip() for s in args.sizes.split(",") if s.strip()):
        sizes.append(measure(label, args))
        meta.update(loadavg_end=loadavg(),
                    maxrss_children_mb=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))
        (args.results / "build-scale-latest.json").write_text(json.dumps({"meta": meta, "sizes": sizes},
                                                                         indent=1))
        (args.results / "build-scale-latest.md").write_text(report(sizes, meta))
    print(report(sizes, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
