"""Uploading, previewing and publishing from the staff area, through Flask's test client.

A refused upload shows every problem (row, column and its letter, value, rule) in the reader's
language and writes nothing; a good one is checked, previewed from a version built apart (the
site's own page view over the preview's store, statements added per named graph) and published by
a job; the published event's page is served; an undo takes it away. Every row is made up."""

from __future__ import annotations

import hashlib
import html
import threading

import pytest
from staff.sheets import (
    BAD_DATE,
    BAD_ROW,
    GOOD_ROW,
    GOOD_SLUG,
    HEADERS,
    bad_csv,
    good_csv,
    write_xlsx,
)
from staffing import HTML, JSON, Forms, Staffer, staff_settings, upload_id

from cisem_graph.config import PROJECT_ROOT
from cisem_graph.graph.version import open_current
from cisem_graph.push import StoreEndpoints, read_publication
from cisem_graph.web import create_app

EVENT_PAGE = f"/doc/event/{GOOD_SLUG}"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture
def site(project_copy):
    settings = staff_settings(project_copy)
    app = create_app(settings)
    yield app, settings
    app.extensions["cisem_graph"].close()


@pytest.fixture
def maria(site) -> Staffer:
    staffer = Staffer(site[0])
    assert staffer.sign_in().status_code == 303
    return staffer


def snapshot(*folders) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def xlsx_bytes(tmp_path, rows, name="sheet.xlsx", **options) -> bytes:
    return write_xlsx(tmp_path / name, rows, **options).read_bytes()


def count(client) -> int:
    answer = client.get("/sparql", query_string={"query": COUNT},
                        headers={"Accept": "application/sparql-results+json"})
    return int(answer.json["results"]["bindings"][0]["n"]["value"])


# -- refused uploads -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, rule", [("it", "tipo di valore"), ("en", "type")])
def test_an_impossible_date_is_shown_where_it_is(site, tmp_path, lang, rule):
    app, settings = site
    staffer = Staffer(app, lang)
    staffer.sign_in()
    before = snapshot(settings.data_dir, settings.dist_dir)
    response = staffer.upload("prossimo.xlsx", xlsx_bytes(tmp_path, [HEADERS, BAD_ROW]))
    assert response.status_code == 422
    rows = Forms(response.get_data(as_text=True)).table()
    assert [2, "inizio (B)", BAD_DATE, rule] == [int(rows[0][0]), *rows[0][1:4]]
    assert BAD_DATE in rows[0][4]  # what to do names the value
    assert snapshot(settings.data_dir, settings.dist_dir) == before
    # the refusal is kept (the page can be shown again); neither the sheet nor a copy of data/
    [folder] = (settings.state_dir / "uploads").iterdir()
    assert [p.name for p in folder.iterdir()] == ["check.json"]


def test_the_problems_have_a_json_twin(maria, site):
    response = maria.upload("prossimo.csv", bad_csv(), headers=JSON)
    assert response.status_code == 422
    [problem] = response.json["problems"]
    assert (problem["row"], problem["column"], problem["value"], problem["rule"]) == \
        (2, "inizio", BAD_DATE, "type")
    assert problem["messages"]["it"] and problem["messages"]["en"]


@pytest.mark.parametrize("name, data, status, needle", [
    ("../../data/evil.csv", b"x", 400, "file name not accepted"),
    ("..\\evil.csv", b"x", 400, "file name not accepted"),
    ("macro.xlsm", b"PK\x03\x04", 415, "macro-enabled"),
    ("program.exe", b"MZ\x90\x00", 415, "format .exe is not supported"),
    ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 422, "NUL byte"),
    ("report.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 422, "not a valid .xlsx"),
    ("empty.csv", b"", 422, "empty"),
], ids=["traversal", "backslash", "xlsm", "exe", "png-as-csv", "pdf-as-xlsx", "empty"])
def test_wrong_names_and_types_are_refused_and_nothing_written(maria, site, name, data, status,
                                                               needle):
    _, settings = site
    before = snapshot(settings.data_dir, settings.dist_dir)
    response = maria.upload(name, data)
    assert response.status_code == status
    assert needle in response.get_data(as_text=True)
    assert snapshot(settings.data_dir, settings.dist_dir) == before
    assert not (settings.root / "evil.csv").exists() and not (settings.data_dir / "evil.csv").exists()


def test_a_workbook_with_a_vba_project_is_refused(maria, site, tmp_path):
    import zipfile

    path = write_xlsx(tmp_path / "innocent.xlsx", [HEADERS, GOOD_ROW])
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"never run")
    response = maria.upload("innocent.xlsx", path.read_bytes())
    assert response.status_code == 415 and "macros (VBA)" in response.get_data(as_text=True)


def test_a_kind_is_needed(maria):
    response = maria.post("/admin/uploads", {"kind": "spells", "file": (__import__("io").BytesIO(
        good_csv()), "x.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400 and "kind of rows" in response.get_data(as_text=True)


def test_too_large_is_413(project_copy):
    settings = staff_settings(project_copy, import_max_bytes=2_000)
    app = create_app(settings)
    try:
        staffer = Staffer(app)
        staffer.sign_in()
        padding = ["Webinar di prova (fittizio)", "", "", "", "", "x" * 5000]
        # over import_max_bytes, within the form's room: the importer refuses it before reading
        within = staffer.upload("big.csv", good_csv() + b";".join(p.encode() for p in padding))
        assert within.status_code == 413 and "import_max_bytes" in within.get_data(as_text=True)
        # over the form's limit (import_max_bytes + 64 KiB): refused before the form is read
        beyond = staffer.upload("huge.csv", b"x" * 100_000)
        assert beyond.status_code == 413
        # and without signing in, the usual request limit (3 × max_request_bytes) holds
        stranger = Staffer(app)
        stranger.get("/admin/signin")
        assert stranger.upload("huge.csv", b"x" * 300_000).status_code == 413
    finally:
        app.extensions["cisem_graph"].close()


# -- a good upload ------------------------------------------------------------------------------

def test_a_good_upload_is_checked_not_published(maria, site):
    app, settings = site
    before = snapshot(settings.data_dir, settings.dist_dir)
    response = maria.upload("prossimo-webinar.csv", good_csv())
    assert response.status_code == 303
    page = maria.get(response.headers["Location"])
    forms = Forms(page.get_data(as_text=True))
    assert forms.ids["checked"] == "The sheet follows every rule. It is not published yet."
    assert forms.ids["rows"] == "1" and forms.ids["created"] == f"event/{GOOD_SLUG}"
    assert snapshot(settings.data_dir, settings.dist_dir) == before
    assert app.test_client().get(EVENT_PAGE, headers=HTML).status_code == 404
    twin = maria.client.get(response.headers["Location"], headers=JSON).json
    assert twin["target"] == "import-prossimo-webinar.ttl" and twin["rows"] == 1


def test_formulas_are_read_as_saved_values_and_the_page_says_so(maria, tmp_path):
    headers = [*HEADERS, "descrizione"]
    data = xlsx_bytes(tmp_path, [headers, [*GOOD_ROW, None]],
                      formulas={"G2": '=CONCATENATE("Evento ";"fittizio")'})
    response = maria.upload("formule.xlsx", data)
    assert response.status_code == 303
    forms = Forms(maria.get(response.headers["Location"]).get_data(as_text=True))
    assert "never computed: 1 cells with formulas" in forms.ids["formulas"]
    assert forms.ids["unsaved-formulas"].startswith("1 formulas have no saved value")


def test_the_templates_are_offered(maria):
    for name in ("events.xlsx", "people.csv"):
        with maria.client.get(f"/admin/templates/{name}") as response:  # it holds the file open
            assert response.status_code == 200
            assert response.headers["Content-Disposition"] == f"attachment; filename={name}"
            assert response.data == (PROJECT_ROOT / "data" / "templates" / name).read_bytes()
    for name in ("../users.json", "spells.csv", "events.xlsm", "%2e%2e%2fusers.json"):
        assert maria.client.get(f"/admin/templates/{name}").status_code == 404


# -- preview -------------------------------------------------------------------------------------

def test_the_preview_is_built_apart_and_rendered_by_the_site_s_view(project_copy, make_app,
                                                                    store_kind):
    settings = staff_settings(project_copy)
    app = make_app(settings)
    try:
        staffer = Staffer(app)
        staffer.sign_in()
        served = open_current(settings.dist_dir).version
        publication = None
        if store_kind == "remote":
            app_settings = app.extensions["cisem_graph"].settings
            ends = StoreEndpoints.from_settings(app_settings,
                                                app_settings.store_query_url.removesuffix("/query"))
            publication = read_publication(ends, 10)
        before = snapshot(settings.data_dir, settings.dist_dir)
        location = staffer.upload("prossimo-webinar.csv", good_csv()).headers["Location"]
        preview = staffer.post(location.split("?")[0] + "/preview")
        assert preview.status_code == 303
        page = staffer.get(preview.headers["Location"])
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and served in text
        lines = html.unescape(text).splitlines()
        assert f'<ins>+ event:{GOOD_SLUG} schema:name "Webinar di prova (fittizio)"@it .</ins>' in lines
        assert f"<ins>+ event:{GOOD_SLUG} schema:organizer organization:cisem .</ins>" in lines
        links = [href for href in Forms(text).links if "/preview/doc/" in href]
        # the language the reader chose is kept on the preview's links
        assert links == [f"/admin/uploads/{upload_id(location)}/preview/doc/event/{GOOD_SLUG}?lang=en"]
        thing = staffer.get(links[0])
        body = thing.get_data(as_text=True)
        assert thing.status_code == 200 and "Preview: this page is not published." in body
        assert "<h1>Webinar di prova (fittizio)</h1>" in body or \
            ">Webinar di prova (fittizio)</h1>" in body
        # the organizer links to the preview's own page of CISeM
        assert f"/admin/uploads/{upload_id(location)}/preview/doc/organization/cisem?lang=en" in body
        # nothing published: data/, dist/, the served version, the remote store
        assert snapshot(settings.data_dir, settings.dist_dir) == before
        assert app.test_client().get(EVENT_PAGE, headers=HTML).status_code == 404
        if publication is not None:
            assert read_publication(ends, 10) == publication
        twin = staffer.client.get(preview.headers["Location"], headers=JSON).json
        changed = {c["name"]: c for c in twin["changes"]}
        assert changed["import-prossimo-webinar"]["removed_count"] == 0
        assert changed["import-prossimo-webinar"]["added_count"] > 0 and "metadata" in changed
    finally:
        app.extensions["cisem_graph"].close()


# -- publish and undo ------------------------------------------------------------------------------

def test_publish_serves_the_event_and_undo_takes_it_away(maria, site):
    app, settings = site
    public = app.test_client()
    triples = count(public)
    location = maria.upload("prossimo-webinar.csv", good_csv()).headers["Location"]
    started = maria.post(location.split("?")[0] + "/publish")
    assert started.status_code == 303 and "/admin/jobs/" in started.headers["Location"]
    job = maria.job(started.headers["Location"])
    assert job["state"] == "done" and job["outcome"] == "switched", job
    assert [s for s, _ in job["steps"]] == ["check", "write", "build", "switch", "record"]
    page = maria.get(started.headers["Location"])
    assert f"{EVENT_PAGE}" in " ".join(Forms(page.get_data(as_text=True)).links)
    event = public.get(EVENT_PAGE, headers=HTML)
    assert event.status_code == 200 and "Webinar di prova (fittizio)" in event.get_data(as_text=True)
    assert count(public) > triples

    history = maria.client.get("/admin/history", headers=JSON).json
    [record] = history["records"]
    assert record["user"] == "maria" and record["upload"] == "prossimo-webinar.csv"
    assert history["versions"][0]["version"] == job["version"]
    undone = maria.post(f"/admin/history/{record['id']}/undo")
    assert undone.status_code == 303
    assert maria.job(undone.headers["Location"])["state"] == "done"
    assert public.get(EVENT_PAGE, headers=HTML).status_code == 404
    assert count(public) == triples
    assert not (settings.data_dir / "import-prossimo-webinar.ttl").exists()


def test_an_undo_others_depend_on_is_refused_saying_why(maria, site):
    first = maria.upload("prossimo-webinar.csv", good_csv()).headers["Location"]
    maria.job(maria.post(first.split("?")[0] + "/publish").headers["Location"])
    from staff.sheets import csv_bytes

    second = maria.upload("piattaforma.csv", csv_bytes([
        ["slug", "piattaforma", "fonte"], [GOOD_SLUG, "Zoom", "https://example.org/fonte-fittizia"]]))
    maria.job(maria.post(second.headers["Location"].split("?")[0] + "/publish").headers["Location"])
    records = maria.client.get("/admin/history", headers=JSON).json["records"]
    oldest = records[-1]
    maria.lang = "it"
    refused = maria.post(f"/admin/history/{oldest['id']}/undo")
    assert refused.status_code == 409
    said = Forms(refused.get_data(as_text=True)).ids["refusal"]
    assert "Altri file di dati dipendono" in said and "import-piattaforma.ttl" in said


def test_two_publishes_at_once_one_is_refused(maria, site):
    from staff.sheets import csv_bytes

    first = maria.upload("prossimo-webinar.csv", good_csv()).headers["Location"].split("?")[0]
    second = maria.upload("altro.csv", csv_bytes([
        ["titolo", "inizio", "modalità", "organizzatore", "fonte"],
        ["Altro webinar (fittizio)", "15/06/2031 18:00", "online", "cisem",
         "https://example.org/altra-fonte-fittizia"]])).headers["Location"].split("?")[0]
    luca = Staffer(site[0])
    luca.sign_in("luca", "una password di prova!")
    barrier = threading.Barrier(2)
    answers: dict[str, int] = {}

    def publish(who: Staffer, location: str) -> None:
        barrier.wait()
        answers[location] = who.post(location + "/publish").status_code

    threads = [threading.Thread(target=publish, args=(maria, first)),
               threading.Thread(target=publish, args=(luca, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers.values()) == [303, 409]
    winner = next(location for location, status in answers.items() if status == 303)
    job = maria.client.get("/admin/", headers=JSON).json["job"]
    assert maria.job(f"/admin/jobs/{job['id']}")["state"] == "done"
    [record] = maria.client.get("/admin/history", headers=JSON).json["records"]
    assert record["upload"] == ("prossimo-webinar.csv" if winner == first else "altro.csv")


def test_a_reload_while_a_job_runs_is_409(maria, site):
    from cisem_graph.lock import held

    _, settings = site
    with held(settings, "publish of a test"):
        response = site[0].test_client().post("/admin/reload", headers={
            "Authorization": "Bearer staff-test-admin-token-0123456789", **JSON})
        assert response.status_code == 409 and "publish of a test" in response.json["error"]
        location = maria.upload("prossimo-webinar.csv", good_csv()).headers["Location"]
        busy = maria.post(location.split("?")[0] + "/publish")
        assert busy.status_code == 409 and "publish of a test" in busy.get_data(as_text=True)


# -- work that outlasts a request ---------------------------------------------------------------

def test_a_check_still_running_is_followed_and_a_dead_one_said(maria, site):
    """The states a long check leaves (at 100k triples it takes tens of seconds), written as the
    check writes them: running in a live worker, then in one that died."""
    import json
    import os

    from cisem_graph.staff.uploads import CHECK, new_upload_folder

    _, settings = site
    folder = new_upload_folder(settings)
    state = {"state": "running", "pid": os.getpid(), "started": "2031-01-01T00:00:00+00:00",
             "name": "lungo.xlsx", "kind": "events", "user": "maria"}
    (folder / CHECK).write_text(json.dumps(state))
    page = maria.get(f"/admin/uploads/{folder.name}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and '<meta http-equiv="refresh"' in text
    assert Forms(text).ids["state"] == "lungo.xlsx" and "Checking the sheet" in text
    twin = maria.client.get(f"/admin/uploads/{folder.name}", headers=JSON)
    assert twin.status_code == 202 and twin.json["state"] == "running"
    (folder / CHECK).write_text(json.dumps({**state, "pid": 2**22 + 7}))  # no such process
    stopped = maria.get(f"/admin/uploads/{folder.name}")
    assert stopped.status_code == 503 and "interrupted" in stopped.get_data(as_text=True)


def test_a_preview_being_built_is_followed(maria, site):
    import json
    import os

    from cisem_graph.staff.preview import PREVIEW

    _, settings = site
    location = maria.upload("prossimo-webinar.csv", good_csv()).headers["Location"].split("?")[0]
    folder = settings.state_dir / "uploads" / upload_id(location)
    (folder / PREVIEW).write_text(json.dumps({"state": "running", "pid": os.getpid()}))
    page = maria.get(location + "/preview")
    assert page.status_code == 200 and "Building the preview" in page.get_data(as_text=True)
    # asked again meanwhile: no second build; the page goes on following the first
    again = maria.post(location + "/preview")
    assert again.status_code == 303 and json.loads((folder / PREVIEW).read_text())["state"] == "running"


def test_a_publish_into_virtuoso_pushes_and_serves(project_copy, fresh_virtuoso):
    """A publish pushes the new version into Virtuoso (its own push: graph by graph, one
    operation switching, issue 15) and the front serves it from there; the store's record names
    the version published."""
    virtuoso = fresh_virtuoso  # holds the shipped version, which the project copy builds
    settings = staff_settings(project_copy, store_query_url=virtuoso.url,
                              store_update_url=virtuoso.update_url, store_gsp_url=virtuoso.gsp_url,
                              store_user=virtuoso.user, store_password=virtuoso.password,
                              push_timeout=60)
    served = open_current(settings.dist_dir).version
    app = create_app(settings)
    try:
        maria = Staffer(app)
        maria.sign_in()
        public = app.test_client()
        assert public.get(EVENT_PAGE, headers=HTML).status_code == 404
        location = maria.upload("prossimo-webinar.csv", good_csv()).headers["Location"]
        job = maria.job(maria.post(location.split("?")[0] + "/publish").headers["Location"],
                        timeout=180)
        assert job["state"] == "done" and job["outcome"] == "switched", job
        assert "push" in [s for s, _ in job["steps"]]
        version = open_current(settings.dist_dir).version
        assert version != served and job["version"] == version
        assert read_publication(virtuoso.endpoints(), 10).version == version
        event = public.get(EVENT_PAGE, headers=HTML)
        assert event.status_code == 200 and "Webinar di prova (fittizio)" in event.get_data(
            as_text=True)
        [record] = maria.client.get("/admin/history", headers=JSON).json["records"]
        assert record["upload"] == "prossimo-webinar.csv"
    finally:
        app.extensions["cisem_graph"].close()
