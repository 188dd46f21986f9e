"""One real ``cisem_graph.graph.pipeline.build`` in this process, timed step by step (run by bench/scale.py).

    .venv/bin/python bench/buildrun.py --root PROJECT --out DIST --json OUT.json [--validate-only]

The build is the project's own function, unchanged: the names it calls (``load_sources``,
``validate_with_cache``/``validate``, ``canonical_dataset``, ``nquads``, ``describe_dataset``,
``serialize_dumps``, ``write_version``, ``write_store``; those a version of the build lacks are
skipped), pyshacl's ``validate``, the shapes' loading and rdflib's ``Graph.serialize`` (per
format) are wrapped with timers at run time, so the steps add up to the build and nothing else
changes. ``dist_dir`` is ``--out``: the validation cache lives there, so an emptied ``--out``
is a cold build. Each step records its calls, its inclusive and exclusive seconds
(without the wrapped steps it calls) and the process's peak resident memory when it ended.
``--validate-only`` times ``validate(load_sources(settings))``, what ``cisem-graph validate`` does.
The peak memory of the whole process is read by the parent (``os.wait4``).
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


class Steps:
    def __init__(self) -> None:
        self.steps: dict[str, dict] = {}
        self.stack: list[list[float]] = []  # per open call: [children seconds]

    def wrap(self, name: str, fn):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            label = name
            if name == "serialize":
                label = f"serialize {kwargs.get('format', args[1] if len(args) > 1 else '?')}"
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
    args = parser.parse_args(argv)

    import pyshacl
    import rdflib.graph

    from cisem_graph.config import Settings
    from cisem_graph.errors import ValidationFailed
    from cisem_graph.graph import build as build_module
    from cisem_graph.graph import pipeline, sources
    from cisem_graph.graph import validate as validate_module
    from cisem_graph.graph import version as version_module

    imported = time.perf_counter() - STARTED
    steps = Steps()
    modules = [build_module, validate_module, pipeline, sources, version_module]
    try:  # incremental validation (a cache beside the versions), where the build has it
        from cisem_graph.graph import revalidate
        modules.append(revalidate)
    except ImportError:
        pass
    names = ("load_sources", "validate_with_cache", "validate", "canonical_dataset", "nquads",
             "describe_dataset", "add_graph", "serialize_dumps", "write_version", "write_store",
             "load_shapes")
    wrapped: dict = {}
    for module in modules:  # every module's own reference to the function, wrapped once
        for name in names:
            original = module.__dict__.get(name)
            if callable(original):
                wrapped.setdefault(id(original), steps.wrap(name, original))
                setattr(module, name, wrapped[id(original)])
    pyshacl.validate = steps.wrap("pyshacl.validate", pyshacl.validate)
    rdflib.graph.Graph.serialize = steps.wrap("serialize", rdflib.graph.Graph.serialize)

    settings = Settings(root=args.root, data_dir=args.root / "data", dist_dir=args.out)
    result: dict = {"imports_s": round(imported, 3)}
    started = time.perf_counter()
    try:
        if args.validate_only:
            findings = validate_module.validate(sources.load_sources(settings), settings)
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
