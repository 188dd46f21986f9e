"""Progress for long work (build, validate, push, benchmarks): shown on a terminal, silent otherwise.

A bar writes to stderr only when stderr is a terminal, so logs, pipes and CI stay clean and
standard output keeps only what a command answers. tqdm gives items, rate and time left.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def shown() -> bool:
    """Whether progress is drawn: stderr is a terminal."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


def bar(total: float | None, desc: str, unit: str = "it", **options) -> tqdm:
    """A progress bar to ``update()`` by hand, e.g. over bytes sent (``unit="B"``)."""
    scale = {"unit_scale": True, "unit_divisor": 1024} if unit == "B" else {}
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=not shown(),
                leave=False, dynamic_ncols=True, **scale, **options)


def track(items: Iterable[T], desc: str, total: int | None = None, unit: str = "it") -> Iterator[T]:
    """Iterate over ``items`` with a bar (the total is taken from ``len`` when it has one)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with bar(total, desc, unit) as progress:
        for item in items:
            yield item
            progress.update()


class Steps:
    """A bar over a fixed list of named steps (``with Steps(["parse", ...], "build") as s: s.step("parse")``),
    for work made of a few long phases whose own insides give no progress (SHACL, dumps)."""

    def __init__(self, names: list[str], desc: str) -> None:
        self._bar = bar(len(names), desc, unit="step")
        self._started = False

    def step(self, name: str) -> None:
        if self._started:
            self._bar.update()
        self._started = True
        self._bar.set_postfix_str(name, refresh=True)

    def __enter__(self) -> Steps:
        return self

    def __exit__(self, *exc) -> None:
        if self._started and exc[0] is None:
            self._bar.update()
        self._bar.close()
