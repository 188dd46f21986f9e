"""Publishing from the browser (issue 14): what the staff area's check, preview and publish cost,
beside the command line's ``import`` and ``reload`` measured in the same run on the same data.

    .venv/bin/python bench/staff.py                        # shipped data, 10k and 100k, 3 runs
    .venv/bin/python bench/staff.py --sizes shipped --runs 1

For each size a project folder is made (the shipped data, or ``bench/national.py``'s generated
network), built once (the version being served), and the same one-row sheet (a made-up event,
``Webinar di prova (fittizio)``) goes through both paths, ``--runs`` times:

- the command line: ``import_file`` on a copy of the project (``cisem-graph import``), then the
  build in a child process that ``reload`` runs (``reload.build_apart``);
- the staff area, in process as a worker runs it: ``uploads.check_upload`` (a copy of data/, then the
  same ``import_file``), ``preview.build_preview`` (the same build apart, into the upload's folder,
  and the comparison with the served version), ``jobs.start_publish`` until the job ends (write,
  the reload path, history); then an undo (timed too) puts the project back for the next run.

Medians over the runs, and the ratios the staff area's steps have to the command line's.
Results: ``bench/results/staff-latest.md`` and ``staff-latest.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import national  # noqa: E402

from cisem_graph.config import PROJECT_ROOT, Settings  # noqa: E402
from cisem_graph.graph.pipeline import build  # noqa: E402
from cisem_graph.importer import import_file  # noqa: E402
from cisem_graph.reload import build_apart  # noqa: E402
from cisem_graph.staff import history, jobs, uploads  # noqa: E402
from cisem_graph.staff.preview import build_preview  # noqa: E402
from cisem_graph.staff.users import User, hash_password  # noqa: E402

RESULTS = HERE / "results"
SHEET = ("titolo;inizio;fine;modalità;fonte\r\n"
         "Webinar di prova (fittizio);14/06/2031 18:00;14/06/2031 20:00;online;"
         "https://example.org/fonte-fittizia\r\n").encode()
NAME = "prossimo-webinar.csv"


def project(root: Path, size: str) -> int:
    """A project folder: the shipped data, or the generated network of ``size`` triples."""
    if size == "shipped":
        for folder in ("ontology", "data", "shapes"):
            shutil.copytree(PROJECT_ROOT / folder, root / folder, ignore=shutil.ignore_patterns(
                "templates"))
        return 0
    return national.generate(root, national.parse_size(size)).triples


def timed(work):
    started = time.perf_counter()
    value = work()
    return time.perf_counter() - started, value


def wait(settings: Settings) -> jobs.Job:
    while (job := jobs.current_job(settings)).state == jobs.RUNNING:
        time.sleep(0.02)
    assert job.state == jobs.DONE, job.message
    return job


def measure(size: str, runs: int, work: Path) -> dict:
    root = work / f"project-{size}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    generated = project(root, size)
    settings = Settings(root=root)
    version, _ = build(settings)
    user = User("bench", hash_password("bench password 1234"), "Bench (fittizio)")
    sheet = work / NAME
    sheet.write_bytes(SHEET)
    cells: dict[str, list[float]] = {k: [] for k in (
        "cli import", "cli build (reload)", "staff check", "staff preview", "staff publish",
        "staff undo")}
    for _ in range(runs):
        # the command line, on a copy of the project (import writes data/)
        copy = work / f"cli-{size}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("dist", "state"))
        cli = Settings(root=copy)
        seconds, _ = timed(lambda cli=cli: import_file(sheet, "events", cli))
        cells["cli import"].append(seconds)
        seconds, outcome = timed(lambda cli=cli: build_apart(cli, Path(cli.dist_dir)))
        assert outcome[0] == "built", outcome
        cells["cli build (reload)"].append(seconds)
        # the staff area, on the served project
        folder = uploads.new_upload_folder(settings)
        (folder / NAME).write_bytes(SHEET)
        seconds, upload = timed(lambda f=folder: uploads.check_upload(settings, f / NAME, NAME,
                                                                     "events", "bench"))
        cells["staff check"].append(seconds)
        seconds, preview = timed(lambda u=upload: build_preview(settings, u))
        assert preview.ok, preview.message
        cells["staff preview"].append(seconds)
        seconds, _ = timed(lambda u=upload: (jobs.start_publish(settings, u, user), wait(settings)))
        cells["staff publish"].append(seconds)
        record = history.records(settings)[0]
        seconds, _ = timed(lambda r=record: (jobs.start_undo(settings, r.id, user), wait(settings)))
        cells["staff undo"].append(seconds)
    return {"size": size, "triples": version.triples, "generated": generated, "runs": runs,
            "median": {k: statistics.median(v) for k, v in cells.items()}, "all": cells}


def report(results: list[dict]) -> str:
    lines = ["| size | triples | cli import | cli build (reload) | staff check | preview | publish "
             "| undo | check / import | preview / build | publish / build |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        m = r["median"]
        lines.append(
            f"| {r['size']} | {r['triples']:,} | {m['cli import']:.2f} s | "
            f"{m['cli build (reload)']:.2f} s | {m['staff check']:.2f} s | {m['staff preview']:.2f} s | "
            f"{m['staff publish']:.2f} s | {m['staff undo']:.2f} s | "
            f"{m['staff check'] / m['cli import']:.2f}× | "
            f"{m['staff preview'] / m['cli build (reload)']:.2f}× | "
            f"{m['staff publish'] / m['cli build (reload)']:.2f}× |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["shipped", "10k", "100k"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    work = RESULTS / "staff-work"
    results = []
    for size in args.sizes:
        results.append(measure(size, args.runs, work))
        print(report(results[-1:]).splitlines()[-1], flush=True)
    table = report(results)
    (RESULTS / "staff-latest.md").write_text(table)
    (RESULTS / "staff-latest.json").write_text(json.dumps(results, indent=1))
    print(table)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
