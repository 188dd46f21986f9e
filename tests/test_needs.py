"""A missing requirement skips a test, and fails it under CI (``tests/needs.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NEEDS_SOMETHING = """
from needs import missing

def test_needs_something():
    missing("no frobnicator found: apt-get install frobnicator")
"""


@pytest.mark.parametrize("ci, outcome", [(None, "1 skipped"), ("", "1 skipped"), ("false", "1 skipped"),
                                         ("true", "1 failed"), ("1", "1 failed")])
def test_a_missing_requirement_skips_and_fails_under_ci(tmp_path, ci, outcome):
    (tmp_path / "test_it.py").write_text(NEEDS_SOMETHING)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parent), env.get("PYTHONPATH", "")])
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                          str(tmp_path / "test_it.py")], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert outcome in run.stdout, run.stdout
    assert "no frobnicator found" in run.stdout
    assert run.returncode == (1 if "failed" in outcome else 0)
