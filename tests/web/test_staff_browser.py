"""The staff area in a real headless Chromium against the real `cisem-graph serve`, once per store
kind (a remote store is an ``oxigraph serve`` of this module's own, since publishing pushes to it).

A member of staff, reading Italian, signs in, uploads a sheet with an impossible date and sees its
row, column and value; uploads a good one, previews it (the new event's page rendered from the
preview), publishes it, follows the job to its end, opens the event's page as the public sees it,
and undoes it; the page is gone again. Meanwhile a SPARQL client (SPARQLWrapper) asks the endpoint
again and again: every answer succeeds, from one version or another. Every row is made up.
"""

from __future__ import annotations

import json
import shutil
import threading
import time

import pytest
from axe import serious_violations, widths
from cdp import TIMEOUT, Tab
from SPARQLWrapper import JSON as SPARQL_JSON
from SPARQLWrapper import SPARQLWrapper
from staff.sheets import BAD_DATE, BAD_ROW, GOOD_ROW, GOOD_SLUG, HEADERS, write_xlsx
from staffing import PASSWORD, SECRET, staff_settings

from cisem_graph.config import PROJECT_ROOT

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
JOB_TIMEOUT = 90


@pytest.fixture(scope="module")
def staff_site(live_server, store_kind, tmp_path_factory, request):
    """A project copy served live with a staff area (and, for the remote kind, its own store)."""
    root = tmp_path_factory.mktemp(f"staff-browser-{store_kind}")
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    settings = staff_settings(root)
    env = {"CISEM_ROOT": str(root), "CISEM_DIST_DIR": str(settings.dist_dir),
           "CISEM_STAFF_USERS_FILE": str(settings.staff_users_file), "CISEM_SECRET_KEY": SECRET,
           "CISEM_WORKERS": "2", "CISEM_THREADS": "4"}
    store = None
    if store_kind == "remote":
        request.getfixturevalue("oxigraph_cli")
        from oxiserver import Oxigraph

        from cisem_graph.graph.version import open_current
        from cisem_graph.push import StoreEndpoints, push

        store = Oxigraph(root / "oxigraph").start()
        push(open_current(settings.dist_dir), StoreEndpoints.from_settings(settings, store.base),
             settings)
        env.update(CISEM_STORE_QUERY_URL=store.url, CISEM_STORE_UPDATE_URL=store.base + "/update",
                   CISEM_STORE_GSP_URL=store.base + "/store")
    try:
        with live_server(**env) as (_, url):
            yield url, settings, store_kind
    finally:
        if store is not None:
            store.stop()


@pytest.fixture
def tab(chromium):
    tab = Tab(chromium)
    target = chromium.call("Target.getTargetInfo", tab.session)["targetInfo"]["targetId"]
    yield tab
    chromium.call("Target.closeTarget", targetId=target)


def wait_until(tab: Tab, expression: str, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = tab.evaluate(expression)
        except Exception:  # noqa: BLE001 - the page is being replaced: try again
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"{what}: {expression} (at {tab.evaluate('location.href')})")


def loaded(tab: Tab, path_part: str, what: str) -> None:
    """Until a page whose address holds ``path_part`` has loaded."""
    wait_until(tab, f"location.href.includes({json.dumps(path_part)}) && "
                    "document.readyState === 'complete'", what)


def go(tab: Tab, url: str, lands: str, what: str) -> None:
    """Navigate to ``url`` and wait for the page it leads to (after redirects) to load."""
    tab.browser.call("Page.navigate", tab.session, url=url)
    loaded(tab, lands, what)


def click(tab: Tab, selector: str) -> None:
    tab.evaluate(f"document.querySelector({json.dumps(selector)}).click()")


def text(tab: Tab, selector: str) -> str:
    return tab.evaluate(f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent || ''")


def choose_file(tab: Tab, path) -> None:
    browser = tab.browser
    root = browser.call("DOM.getDocument", tab.session, depth=0)["root"]["nodeId"]
    node = browser.call("DOM.querySelector", tab.session, nodeId=root, selector="#file")["nodeId"]
    browser.call("DOM.setFileInputFiles", tab.session, files=[str(path)], nodeId=node)


def for_people(tab: Tab, what: str) -> None:
    """The page in 13's frame (skip link, landmarks, the language switch) does not scroll sideways
    at the tab's width and axe-core finds nothing serious or critical on it."""
    assert tab.evaluate("!!document.querySelector('a.skip[href=\"#content\"]') && "
                        "!!document.querySelector('header nav') && !!document.querySelector('main') "
                        "&& !!document.querySelector('header .langs') && "
                        "!!document.querySelector('footer')"), what
    wide = widths(tab)
    assert wide["scroll"] <= wide["layout"], (what, wide)
    violations = serious_violations(tab)
    assert violations == [], f"{what}:\n" + json.dumps(violations, indent=1)


def upload(tab: Tab, path) -> None:
    tab.evaluate("document.querySelector('#kind').value = 'events'")
    choose_file(tab, path)
    tab.evaluate("window.__before = document.body.dataset.mark = 'old'")
    click(tab, "#check")
    wait_until(tab, "document.readyState === 'complete' && document.body.dataset.mark !== 'old'",
               "the answer to the upload")


class Asker(threading.Thread):
    """A SPARQL client asking the endpoint over and over while the staff publish."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.client = SPARQLWrapper(url + "/sparql")
        self.client.setQuery(COUNT)
        self.client.setReturnFormat(SPARQL_JSON)
        self.stop = threading.Event()
        self.counts: set[int] = set()
        self.answers = 0
        self.failures: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                result = self.client.queryAndConvert()
                self.counts.add(int(result["results"]["bindings"][0]["n"]["value"]))
                self.answers += 1
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                self.failures.append(repr(exc))
            time.sleep(0.05)


# Virtuoso takes no push (issue 15): a publish over it switches nothing, tested in test_staff_publish
@pytest.mark.parametrize("store_kind", ["embedded", "remote"], indirect=True, scope="session")
def test_sign_in_check_preview_publish_and_undo(chromium, tab, staff_site, tmp_path):
    url, settings, store_kind = staff_site
    tab.viewport(390, 844, mobile=True)  # a phone: nothing scrolls sideways there either
    bad = write_xlsx(tmp_path / "prossimo-webinar.xlsx", [HEADERS, BAD_ROW])
    asker = Asker(url)
    asker.start()
    try:
        # signing in (the page asked for comes after)
        go(tab, url + "/admin/", "/admin/signin?next=/admin/", "the sign-in form")
        assert text(tab, "h1") == "Accesso all'area riservata"
        for_people(tab, "the sign-in form")
        # the switch: the same form in English (where to go after it kept), and back
        click(tab, 'header .langs a[hreflang="en"]')
        loaded(tab, "lang=en", "the form in English")
        assert text(tab, "h1") == "Sign in to the staff area"
        assert "next=" in tab.evaluate("location.search")
        click(tab, 'header .langs a[hreflang="it"]')
        loaded(tab, "lang=it", "the form in Italian")
        assert text(tab, "h1") == "Accesso all'area riservata"
        tab.evaluate(f"document.querySelector('#user').value = 'maria';"
                     f"document.querySelector('#password').value = {json.dumps(PASSWORD)}")
        click(tab, "#signin-button")
        wait_until(tab, "!!document.querySelector('#signed-in')", "the staff area")
        assert text(tab, "#signed-in") == "Maria Esempio (fittizia)"
        assert tab.evaluate("document.cookie") == ""  # HttpOnly: no script reads the session
        assert "lang=it" in tab.evaluate("location.search")  # the language chosen goes on
        for_people(tab, "the staff area")

        # an impossible date: its row, column (with the letter) and value, nothing written
        upload(tab, bad)
        assert text(tab, "h1") == "Il file non si può importare"
        cells = tab.evaluate("Array.from(document.querySelectorAll('table.problems tbody td'))"
                             ".map(td => td.textContent.trim())")
        assert cells[:4] == ["2", "inizio (B)", BAD_DATE, "tipo di valore"]
        for_people(tab, "the problems")
        assert not (settings.data_dir / "import-prossimo-webinar.ttl").exists()

        # the good sheet, from the form under the problems
        good = write_xlsx(tmp_path / "prossimo-webinar.xlsx", [HEADERS, GOOD_ROW])
        upload(tab, good)
        assert text(tab, "#checked") == "Il foglio rispetta tutte le regole. Non è ancora pubblicato."
        assert "mai ricalcolate" in text(tab, "#formulas")
        for_people(tab, "the checked sheet")

        # the preview: the new event's page, from the preview's store, and the statements added
        click(tab, "#preview")
        loaded(tab, "/preview", "the preview")
        assert f"event:{GOOD_SLUG} schema:name" in text(tab, "#graph-import-prossimo-webinar")
        for_people(tab, "the preview")
        click(tab, "#preview-pages a")
        loaded(tab, f"/preview/doc/event/{GOOD_SLUG}", "the previewed page")
        assert text(tab, "h1") == "Webinar di prova (fittizio)"
        assert "non è pubblicata" in text(tab, ".preview-banner")
        for_people(tab, "a previewed page")
        tab.back(tab.evaluate("document.querySelector('.preview-banner a').href"))
        # another tab, as the public: no such page yet (its cache off: pages may be kept 300 s)
        other = Tab(tab.browser)
        other.browser.call("Network.setCacheDisabled", other.session, cacheDisabled=True)
        other.goto(url + f"/doc/event/{GOOD_SLUG}")
        assert other.evaluate("document.title").startswith("404")

        # publish: the job's page follows it to its end
        click(tab, "#publish")
        loaded(tab, "/admin/jobs/", "the job")
        wait_until(tab, "document.querySelector('#state').textContent === 'Fatto'", "the publish",
                   JOB_TIMEOUT)
        for_people(tab, "the job")
        steps = tab.evaluate("document.querySelector('#steps').textContent")
        assert "costruzione e validazione" in steps and "passaggio alla nuova versione" in steps
        assert ("invio al triplestore" in steps) is (store_kind == "remote")
        click(tab, "#published-pages a")
        loaded(tab, f"/doc/event/{GOOD_SLUG}", "the published page")
        assert text(tab, "h1") == "Webinar di prova (fittizio)"

        # undo, from the history
        go(tab, url + "/admin/history", "/admin/history", "the history")
        for_people(tab, "the history")
        click(tab, "table.history button")
        loaded(tab, "/admin/jobs/", "the undo")
        wait_until(tab, "document.querySelector('#state').textContent === 'Fatto'", "the undo",
                   JOB_TIMEOUT)
        other.goto(url + f"/doc/event/{GOOD_SLUG}")
        assert other.evaluate("document.title").startswith("404")
        other.browser.call("Target.closeTarget", targetId=other.browser.call(
            "Target.getTargetInfo", other.session)["targetInfo"]["targetId"])
    finally:
        asker.stop.set()
        asker.join(10)
    assert not asker.failures, asker.failures[:3]
    assert asker.answers > 10 and len(asker.counts) >= 2  # it answered before, during and after
