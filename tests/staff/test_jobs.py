"""Publish and undo: the data file written and the version switched through the reload path; any
failure rolls data/ back to its bytes and the old version keeps serving; one at a time.

Every spreadsheet row is made up (``sheets``), in a temporary copy of the project."""

from __future__ import annotations

import json
import subprocess

import pytest
from oxiserver import free_port

from cisem_graph.errors import Conflict, PublishBusy
from cisem_graph.graph.version import open_current
from cisem_graph.lock import held
from cisem_graph.staff import history, jobs
from cisem_graph.staff.files import state

from .conftest import finished, receive, snapshot
from .sheets import GOOD_SLUG, csv_bytes, good_csv

EVENT = f"https://w3id.org/cisem/id/event/{GOOD_SLUG}"


def served_triples(settings) -> int:
    return open_current(settings.dist_dir).triples


def test_publish_writes_the_file_switches_and_records(staffed, maria):
    before = open_current(staffed.dist_dir)
    upload = receive(staffed, "prossimo-webinar.csv", good_csv())
    assert not (staffed.data_dir / upload.target).exists()  # a check writes nothing
    staged = (upload.staged(staffed) / upload.target).read_bytes()
    jobs.start_publish(staffed, upload, maria)
    job = finished(staffed)
    assert (job.state, job.outcome) == (jobs.DONE, "switched"), job.message
    assert [step for step, _ in job.steps] == ["check", "write", "build", "switch", "record"]
    written = staffed.data_dir / "import-prossimo-webinar.ttl"
    assert written.read_bytes() == staged
    now = open_current(staffed.dist_dir)
    assert now.version == job.version != before.version and now.triples > before.triples
    [record] = history.records(staffed)
    assert (record.action, record.user, record.file, record.upload) == (
        "publish", "maria", "import-prossimo-webinar.ttl", "prossimo-webinar.csv")
    assert record.created == [EVENT] and record.rows == 1 and not record.existed
    assert (record.previous_version, record.version) == (before.version, now.version)
    assert history.versions(staffed)[0]["version"] == now.version
    assert not upload.folder(staffed).exists()  # published: the upload is done with


def test_a_build_that_refuses_rolls_data_back(staffed, maria):
    """The shapes turn stricter between the check and the publish: the reload refuses."""
    upload = receive(staffed, "prossimo-webinar.csv", good_csv())
    data, dist_version = snapshot(staffed.data_dir), open_current(staffed.dist_dir).version
    stricter = staffed.shapes_dir / "zz-stricter.ttl"
    stricter.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix schema: <https://schema.org/> .\n"
        "<#EventsNeedAUrl> a sh:NodeShape ; sh:targetClass schema:Event ;\n"
        "  sh:property [ sh:path schema:url ; sh:minCount 1 ] .\n", encoding="utf-8")
    jobs.start_publish(staffed, upload, maria)
    job = finished(staffed)
    assert (job.state, job.outcome) == (jobs.FAILED_STATE, "rejected")
    assert job.findings and job.message["it"] and job.message["en"]
    assert snapshot(staffed.data_dir) == data  # byte for byte
    assert open_current(staffed.dist_dir).version == dist_version
    assert history.records(staffed) == []
    assert not history.previous_path(staffed, job.id).exists()


def test_a_push_that_fails_rolls_data_back(staffed, maria):
    dead = f"http://127.0.0.1:{free_port()}"
    remote = staffed.replace(store_query_url=dead + "/query", store_update_url=dead + "/update",
                             store_gsp_url=dead + "/store")
    upload = receive(remote, "prossimo-webinar.csv", good_csv())
    data, version = snapshot(remote.data_dir), open_current(remote.dist_dir).version
    jobs.start_publish(remote, upload, maria)
    job = finished(remote)
    assert (job.state, job.outcome) == (jobs.FAILED_STATE, "failed")
    assert "push" in [step for step, _ in job.steps] and "push" in job.message["en"]
    assert snapshot(remote.data_dir) == data and open_current(remote.dist_dir).version == version


def test_one_publish_at_a_time(staffed, maria):
    upload = receive(staffed, "prossimo-webinar.csv", good_csv())
    with held(staffed, "cisem-graph build"):
        with pytest.raises(PublishBusy, match="cisem-graph build"):
            jobs.start_publish(staffed, upload, maria)
    assert jobs.current_job(staffed) is None


def test_an_upload_checked_against_older_data_is_refused(staffed, maria):
    first = receive(staffed, "prossimo-webinar.csv", good_csv())
    second = receive(staffed, "altro.csv", csv_bytes([
        ["titolo", "inizio", "modalità", "organizzatore", "fonte"],
        ["Altro webinar (fittizio)", "15/06/2031 18:00", "online", "cisem",
         "https://example.org/altra-fonte-fittizia"]]))
    jobs.start_publish(staffed, first, maria)
    assert finished(staffed).state == jobs.DONE
    with pytest.raises(Conflict) as refused:
        jobs.start_publish(staffed, second, maria)
    assert "upload it again" in refused.value.message
    assert refused.value.details["messages"]["it"]


def test_the_same_file_again_has_nothing_to_publish(staffed, maria):
    jobs.start_publish(staffed, receive(staffed, "prossimo-webinar.csv", good_csv()), maria)
    assert finished(staffed).state == jobs.DONE
    again = receive(staffed, "prossimo-webinar.csv", good_csv())
    assert not again.changes
    with pytest.raises(Conflict, match="changes nothing"):
        jobs.start_publish(staffed, again, maria)


def test_undo_removes_a_new_file_and_publishes(staffed, maria):
    data, version = snapshot(staffed.data_dir), open_current(staffed.dist_dir).version
    jobs.start_publish(staffed, receive(staffed, "prossimo-webinar.csv", good_csv()), maria)
    published = finished(staffed)
    record = history.records(staffed)[0]
    jobs.start_undo(staffed, record.id, maria)
    job = finished(staffed)
    assert (job.state, job.action) == (jobs.DONE, "undo"), job.message
    assert snapshot(staffed.data_dir) == data
    # the content is as before the publish: the same content-addressed version serves again
    assert open_current(staffed.dist_dir).version == version != published.version
    undo, original = history.records(staffed)
    assert (undo.action, undo.undoes, original.undone_by) == ("undo", original.id, undo.id)
    with pytest.raises(Conflict, match="undone already"):
        jobs.start_undo(staffed, original.id, maria)


def test_undo_restores_the_previous_bytes_of_a_file(staffed, maria):
    jobs.start_publish(staffed, receive(staffed, "prossimo-webinar.csv", good_csv()), maria)
    finished(staffed)
    first = (staffed.data_dir / "import-prossimo-webinar.ttl").read_bytes()
    # the same file name again, now with a platform: it replaces the import's graph
    changed_rows = csv_bytes([["titolo", "inizio", "fine", "modalità", "piattaforma", "organizzatore",
                               "fonte"],
                              ["Webinar di prova (fittizio)", "14/06/2031 18:00", "14/06/2031 20:00",
                               "online", "Zoom", "cisem", "https://example.org/fonte-fittizia"]])
    jobs.start_publish(staffed, receive(staffed, "prossimo-webinar.csv", changed_rows), maria)
    assert finished(staffed).state == jobs.DONE
    second = history.records(staffed)[0]
    assert second.existed and history.previous_path(staffed, second.id).read_bytes() == first
    jobs.start_undo(staffed, second.id, maria)
    assert finished(staffed).state == jobs.DONE
    assert (staffed.data_dir / "import-prossimo-webinar.ttl").read_bytes() == first


def test_undo_is_refused_while_another_file_depends_on_it(staffed, maria):
    jobs.start_publish(staffed, receive(staffed, "prossimo-webinar.csv", good_csv()), maria)
    finished(staffed)
    record = history.records(staffed)[0]
    # a second import adds a platform to the event the first one created
    jobs.start_publish(staffed, receive(staffed, "piattaforma.csv", csv_bytes([
        ["slug", "piattaforma", "fonte"], [GOOD_SLUG, "Zoom", "https://example.org/fonte-fittizia"]])),
        maria)
    assert finished(staffed).state == jobs.DONE
    data = snapshot(staffed.data_dir)
    with pytest.raises(Conflict) as refused:
        jobs.start_undo(staffed, record.id, maria)
    assert refused.value.details["dependents"] == {"import-piattaforma.ttl": [f"id/event/{GOOD_SLUG}"]}
    assert "import-piattaforma.ttl" in refused.value.details["messages"]["it"]
    assert snapshot(staffed.data_dir) == data


def test_undo_is_refused_when_the_file_changed_since(staffed, maria):
    jobs.start_publish(staffed, receive(staffed, "prossimo-webinar.csv", good_csv()), maria)
    finished(staffed)
    record = history.records(staffed)[0]
    path = staffed.data_dir / record.file
    path.write_bytes(path.read_bytes() + b"\n# edited by hand\n")
    with pytest.raises(Conflict, match="changed after this publish"):
        jobs.start_undo(staffed, record.id, maria)


def test_an_interrupted_job_is_rolled_back(staffed, maria):
    """A worker died after writing data/ (the job file says running, nobody holds the lock)."""
    data, version = snapshot(staffed.data_dir), open_current(staffed.dist_dir).version
    upload = receive(staffed, "prossimo-webinar.csv", good_csv())
    job = jobs.Job("0123456789abcdef", "publish", "maria", upload.target, upload.name, upload.id,
                   "2031-01-01T00:00:00+00:00", version, steps=[["check", "x"], ["write", "x"]],
                   wrote=True, existed=False)
    (staffed.data_dir / upload.target).write_bytes(
        (upload.staged(staffed) / upload.target).read_bytes())
    state(staffed, jobs.JOB).write_text(json.dumps(job.as_json()))
    jobs.recover(staffed)
    after = jobs.current_job(staffed)
    assert (after.state, after.outcome) == (jobs.FAILED_STATE, "interrupted")
    assert "write" in after.message["en"]
    assert snapshot(staffed.data_dir) == data and open_current(staffed.dist_dir).version == version


def test_publish_and_undo_are_commits_authored_by_the_user(staffed, maria):
    root = staffed.root
    git = ["git", "-C", str(root), "-c", "user.name=Setup", "-c", "user.email=setup@example.org"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run([*git, "add", "data"], check=True)
    subprocess.run([*git, "commit", "-qm", "the data as shipped"], check=True)
    jobs.start_publish(staffed, receive(staffed, "prossimo-webinar.csv", good_csv()), maria)
    job = finished(staffed)
    assert job.commit and not job.commit_error

    def last(fmt: str) -> str:
        return subprocess.run(["git", "-C", str(root), "log", "-1", f"--format={fmt}", "--name-status"],
                              capture_output=True, text=True, check=True).stdout.strip()

    assert last("%an <%ae>|%s").startswith(
        "Maria Esempio (fittizia) <maria@example.org>|Publish import-prossimo-webinar.ttl from "
        "prossimo-webinar.csv")
    assert last("").endswith("A\tdata/import-prossimo-webinar.ttl")
    jobs.start_undo(staffed, history.records(staffed)[0].id, maria)
    undo = finished(staffed)
    assert undo.commit and last("%an|%s").startswith("Maria Esempio (fittizia)|Undo the publish")
    assert last("").endswith("D\tdata/import-prossimo-webinar.ttl")
    assert history.records(staffed)[0].commit == undo.commit


def test_a_data_folder_the_repository_ignores_is_not_committed(staffed, maria):
    root = staffed.root
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / ".gitignore").write_text("data/\nstate/\ndist/\n")
    jobs.start_publish(staffed, receive(staffed, "prossimo-webinar.csv", good_csv()), maria)
    job = finished(staffed)
    assert job.state == jobs.DONE and job.commit is None and job.commit_error is None
    log = subprocess.run(["git", "-C", str(root), "log", "--oneline"], capture_output=True, text=True)
    assert log.stdout == ""  # no commit at all


def test_an_error_on_the_way_is_said_and_changes_nothing(staffed, maria):
    """data/ cannot take the file (a folder stands where it goes): the job fails, said why."""
    upload = receive(staffed, "prossimo-webinar.csv", good_csv())
    (staffed.data_dir / upload.target).mkdir()  # not a *.ttl file: the data is as checked
    data, version = snapshot(staffed.data_dir), open_current(staffed.dist_dir).version
    jobs.start_publish(staffed, upload, maria)
    job = finished(staffed)
    assert (job.state, job.outcome) == (jobs.FAILED_STATE, "error")
    assert "IsADirectoryError" in job.message["en"] and "data/ è com'era" in job.message["it"]
    assert snapshot(staffed.data_dir) == data and open_current(staffed.dist_dir).version == version
    assert history.records(staffed) == []
