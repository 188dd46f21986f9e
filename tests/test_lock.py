"""One publish at a time: ``build`` and ``import`` wait, saying for what, while another holds the
publish lock (the staff area's job, another command), then go on; ``reload`` is refused (409)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from cisem_graph.config import Settings
from cisem_graph.errors import PublishBusy
from cisem_graph.lock import PublishLock, held
from cisem_graph.reload import reload_dataset

SHEET = ("titolo;inizio;modalità;organizzatore;fonte\r\n"
         "Webinar di prova (fittizio);14/06/2031 18:00;online;cisem;https://example.org/fonte-fittizia\r\n")


def command(root, *args) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CISEM_")}
    return subprocess.Popen([sys.executable, "-m", "cisem_graph", "--root", str(root), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.parametrize("args", [["build"], ["import", "SHEET", "--kind", "events"]],
                         ids=["build", "import"])
def test_a_command_waits_for_the_publish_running(project_copy, tmp_path, args):
    settings = Settings(root=project_copy)
    sheet = tmp_path / "prossimo.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    args = [str(sheet) if a == "SHEET" else a for a in args]
    with held(settings, "publish of prossimo.xlsx by maria"):
        proc = command(project_copy, *args)
        said = proc.stderr.readline()
        assert said.startswith("waiting: another publish is running (publish of prossimo.xlsx by "
                               "maria, pid "), said
        time.sleep(1.0)
        assert proc.poll() is None  # still waiting
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert PublishLock(settings).is_free()


def test_the_lock_says_who_holds_it_and_is_free_after(project_copy):
    settings = Settings(root=project_copy)
    lock = PublishLock(settings)
    assert lock.is_free()
    with held(settings, "cisem-graph build"):
        assert not lock.is_free()
        with pytest.raises(PublishBusy, match=r"cisem-graph build, pid \d+, since "):
            reload_dataset(settings)
    assert lock.is_free() and PublishLock(settings).path.read_text() == ""


def test_a_holder_that_dies_frees_the_lock(project_copy):
    settings = Settings(root=project_copy)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from cisem_graph.config import Settings\nfrom cisem_graph.lock import PublishLock\n"
        f"lock = PublishLock(Settings(root={str(project_copy)!r}))\nlock.acquire('a job')\n"
        "print('held', flush=True)\ntime.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not PublishLock(settings).is_free()
    finally:
        holder.kill()
        holder.communicate(timeout=10)
    assert PublishLock(settings).is_free()


def test_patience_waits_a_moment_not_a_publish(project_copy):
    settings = Settings(root=project_copy)
    holder = PublishLock(settings)
    holder.acquire("a job that is just finishing")
    threading.Timer(0.3, holder.release).start()
    impatient, patient = PublishLock(settings), PublishLock(settings)
    with pytest.raises(PublishBusy):
        impatient.acquire("another", patience=0.05)
    started = time.monotonic()
    patient.acquire("the next job", patience=2.0)
    assert 0.1 < time.monotonic() - started < 2.0
    patient.release()
