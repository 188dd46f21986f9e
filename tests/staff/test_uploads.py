"""An upload is checked against a copy of data/, in the background, and says how it went; a
preview is built apart and compared with the served version. Every row is made up."""

from __future__ import annotations

import os
import time

from cisem_graph.graph.version import open_current
from cisem_graph.staff import uploads
from cisem_graph.staff.preview import load_preview, start_preview

from .conftest import snapshot
from .sheets import BAD_DATE, GOOD_SLUG, bad_csv, good_csv


def checked(settings, name: str, data: bytes) -> tuple[str, dict]:
    folder = uploads.new_upload_folder(settings)
    (folder / name).write_bytes(data)
    uploads.start_check(settings, folder / name, name, "events", "maria").join(30)
    return folder.name, uploads.check_state(settings, folder.name)


def test_a_good_sheet_is_checked_against_a_copy(staffed):
    data = snapshot(staffed.data_dir)
    upload_id, state = checked(staffed, "prossimo-webinar.csv", good_csv())
    assert state["state"] == uploads.CHECKED
    upload = uploads.load_upload(staffed, upload_id)
    staged = upload.staged(staffed)
    assert (staged / "import-prossimo-webinar.ttl").is_file()
    assert upload.fingerprint == uploads.fingerprint(staffed.data_dir)  # checked against data/ as is
    assert snapshot(staffed.data_dir) == data


def test_a_bad_sheet_keeps_its_refusal_and_nothing_else(staffed):
    upload_id, state = checked(staffed, "prossimo-webinar.csv", bad_csv())
    assert (state["state"], state["status"]) == (uploads.REFUSED, 422)
    [problem] = state["problems"]
    assert (problem["row"], problem["column"], problem["value"]) == (2, "inizio", BAD_DATE)
    folder = uploads.upload_folder(staffed, upload_id)
    assert [p.name for p in folder.iterdir()] == [uploads.CHECK]


def test_old_uploads_are_forgotten(staffed):
    upload_id, _ = checked(staffed, "prossimo-webinar.csv", good_csv())
    folder = uploads.upload_folder(staffed, upload_id)
    week_ago = time.time() - uploads.KEEP_SECONDS - 60
    os.utime(folder, (week_ago, week_ago))
    uploads.new_upload_folder(staffed)
    assert not folder.exists()


def test_a_preview_is_built_apart_and_compared(staffed):
    served = open_current(staffed.dist_dir)
    dist = snapshot(staffed.dist_dir)
    upload_id, _ = checked(staffed, "prossimo-webinar.csv", good_csv())
    upload = uploads.load_upload(staffed, upload_id)
    start_preview(staffed, upload).join(60)
    again = start_preview(staffed, upload)  # done: it may be built again (the same version)
    assert again is not None
    again.join(60)
    preview = load_preview(staffed, upload)
    assert preview.ok and preview.version != served.version
    changes = {c.name: c for c in preview.changes}
    assert set(changes) == {"import-prossimo-webinar", "metadata"}
    added = changes["import-prossimo-webinar"].added
    assert f"event:{GOOD_SLUG} schema:organizer organization:cisem ." in added
    assert changes["import-prossimo-webinar"].removed == []
    assert snapshot(staffed.dist_dir) == dist and open_current(staffed.dist_dir) == served
