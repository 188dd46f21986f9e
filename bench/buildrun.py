"""One real ``cisem_graph.graph.pipeline.build`` in this process, timed step by step (run by
bench/scale.py and bench/serving_scale.py).

    .venv/bin/python bench/buildrun.py --root PROJECT --out DIST --json OUT.json [--validate-only]
                                       [--engine turbo|pyshacl]

The build is the project's own function, unchanged: the names it calls (``load_sources``,
``validate`` and the engine's own ``validate``, ``canonical_lines``, ``statistics``,
``describe_dataset``, ``write_version``, each dump writer, ``start_store`` and ``finish_store``
(the store loads in a process of its own meanwhile: ``finish_store`` is the wait for it after the
dumps), ``file_sha256``) are
wrapped with timers at run time, so the steps add up to the build and nothing else changes. Each
step records its calls, its inclusive and exclusive seconds (without the wrapped steps it calls)
and the process's peak resident memory when it ended; a dump writer's step is named for its file
(``write cisem.trig``). ``--validate-only`` times ``validate(load_sources(settings))``, what
``cisem-graph validate`` does, with ``--engine`` (the setting ``shacl_engine``). The peak memory of
the whole process is read by the parent (``os.wait4``).
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
#: steps named for the file they write (their first ``Path`` argument)
BY_FILE = {"write_lines", "write_gzip", "_serialize"}


class Steps:
    def __init__(self) -> None:
        self.steps: dict[str, dict] = {}
        self.stack: list[list[float]] = []  # per open call: [children seconds]

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            label = name
            if name in BY_FILE:
                path = next((a for a in args if isinstance(a, Path)), None)
                label = f"write {path.name}" if path is not None else name
            self.stack.append([0.0])
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.perf_counter() - started
                children = self.stack.pop()[0]
                if self.stack:
                    self.stack[-1][0] += spent
                step = self.steps.setdefault(label, {"calls": 0, "seconds": 0.0, "exclusive_s": 0.0,
                                                     "order": len(self.steps)})
                step["calls"] += 1
                step["seconds"] += spent
                step["exclusive_s"] += spent - children
                step["maxrss_mb_after"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return timed


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--validate-only", action="store_true")
    parser.add_argument("--engine", choices=("turbo", "pyshacl"), default="turbo")
    parser.add_argument("--skip-validation", action="store_true",
                        help="a measuring instrument, not a build: the build's validate() finds nothing "
                        "without running (for sizes whose validation does not fit in memory)")
    args = parser.parse_args(argv)

    import pyshacl
    import pyshacl_turbo

    from cisem_graph.config import Settings
    from cisem_graph.errors import ValidationFailed
    from cisem_graph.graph import build, dumps, metadata, pipeline, sources, validate, version

    imported = time.perf_counter() - STARTED
    steps = Steps()
    names = ("load_sources", "validate", "canonical_lines", "statistics", "describe_dataset",
             "write_version", "write_lines", "write_gzip", "_serialize", "write_jsonld",
             "write_store", "start_store", "finish_store", "file_sha256", "load_shapes")
    wrapped: dict = {}
    for module in (sources, validate, build, metadata, pipeline, version, dumps):
        for name in names:  # every module's own reference to the function, wrapped once
            original = module.__dict__.get(name)
            if callable(original):
                wrapped.setdefault(id(original), steps.wrap(name, original))
                setattr(module, name, wrapped[id(original)])
    if args.skip_validation:
        build.validate = lambda *_args, **_kwargs: []
    pyshacl_turbo.validate = steps.wrap("pyshacl_turbo.validate", pyshacl_turbo.validate)
    pyshacl.validate = steps.wrap("pyshacl.validate", pyshacl.validate)

    settings = Settings(root=args.root, data_dir=args.root / "data", dist_dir=args.out,
                        shacl_engine=args.engine)
    result: dict = {"imports_s": round(imported, 3), "engine": args.engine,
                    "validation_skipped": args.skip_validation}
    started = time.perf_counter()
    try:
        if args.validate_only:
            findings = validate.validate(sources.load_sources(settings), settings)
            result["findings"] = len(findings)
            result["violations"] = sum(1 for f in findings if f.is_violation)
        else:
            built, findings = pipeline.build(settings, args.out)
            result.update(version=built.version, triples=built.triples, findings=len(findings),
                          files={name: (built.path / name).stat().st_size for name in built.files})
    except ValidationFailed as exc:
        result["error"] = f"{exc.message}: " + "; ".join(f.describe() for f in exc.findings[:5])
    result["seconds"] = round(time.perf_counter() - started, 3)
    result["rss_mb_end"] = round(rss_mb(), 1)
    result["maxrss_mb_self"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["steps"] = {k: {**v, "seconds": round(v["seconds"], 3), "exclusive_s": round(v["exclusive_s"], 3),
                           "maxrss_mb_after": round(v["maxrss_mb_after"], 1)}
                       for k, v in sorted(steps.steps.items(), key=lambda kv: kv[1]["order"])}
    args.json.write_text(json.dumps(result, indent=1))
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
