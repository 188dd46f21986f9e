"""Progress is drawn on a terminal and nowhere else: pipes, logs and CI stay clean."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner

from cisem_graph import progress
from cisem_graph.cli import cli


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch):
    """``terminal()`` inside the test makes stderr a terminal (pytest's capture would undo a
    replacement made while the fixture is set up)."""

    def patch() -> Terminal:
        stream = Terminal()
        monkeypatch.setattr("sys.stderr", stream)
        return stream

    return patch


def test_track_on_a_terminal_shows_items_rate_and_time(terminal):
    terminal = terminal()
    assert list(progress.track(range(4), "parse data files", unit="file")) == [0, 1, 2, 3]
    drawn = terminal.getvalue()
    assert "parse data files" in drawn and "0/4" in drawn and "file/s" in drawn
    assert "[00:00<?" in drawn  # elapsed<left


def test_steps_name_the_phase(terminal):
    terminal = terminal()
    with progress.Steps(["parse", "validate"], "build") as steps:
        steps.step("parse")
        steps.step("validate")
    drawn = terminal.getvalue()
    assert "0/2" in drawn and "parse]" in drawn and "1/2" in drawn and "validate]" in drawn


def test_byte_bar_scales_units(terminal):
    terminal = terminal()
    with progress.bar(3 * 1024 * 1024, "push: staging graphs", unit="B") as bar:
        bar.update(3 * 1024 * 1024)
    assert "0.00/3.00M" in terminal.getvalue() and "B/s" in terminal.getvalue()


def test_nothing_drawn_when_not_a_terminal(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    assert list(progress.track(range(3), "x")) == [0, 1, 2]
    with progress.Steps(["a"], "y") as steps:
        steps.step("a")
    assert stream.getvalue() == ""


def test_build_command_output_has_no_bar(tmp_path):
    result = CliRunner().invoke(cli, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "step/s" not in result.output and "\r" not in result.output
