"""What some tests need from the machine: the ``oxigraph`` CLI, a Chromium, the official schema.org
files in ``../shared/vocab``. Without one a test skips and says how to get it, so a fresh clone with
nothing beside it passes ``make test``; under CI it fails instead, so a missing install cannot turn
part of the suite into skips while CI stays green.

CI is on when the ``CI`` variable is set to anything but ``""``, ``0``, ``false`` or ``no`` (CI
services set ``CI=true``; ``.ci/run`` sets it when it is unset).
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(reason: str) -> NoReturn:
    """Skip the test with ``reason``; under CI, fail it with the reason instead."""
    if in_ci():
        pytest.fail(f"{reason} [CI is set, so a missing requirement fails: see the README, "
                    "The two commands]", pytrace=False)
    pytest.skip(reason)
