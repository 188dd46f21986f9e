"""No cache keeps what the staff area answers: every answer under ``/admin/`` (a page, its JSON
twin, a redirect, a refusal, a template, a preview's page) says ``Cache-Control: no-store``, never
``public``; the app's page cache (``http.respond``) never holds one, and keeps nothing a shared cache
may not keep; the README's Varnish in front of the real server passes every staff answer through
and never gives one person's page to another. Users and rows are made up."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest
from oxiserver import free_port
from staff.sheets import GOOD_SLUG, good_csv
from staffing import HTML, JSON, PASSWORD, SECRET, Forms, Staffer, staff_settings, upload_id

from cisem_graph.web import create_app, http


@pytest.fixture
def site(project_copy):
    app = create_app(staff_settings(project_copy, warm_pages=False))
    yield app
    app.extensions["cisem_graph"].close()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect itself is the answer


def ask(url: str, cookies: CookieJar | None = None, data: bytes | None = None):
    """(status, headers, body) of one request through the cache, redirects not followed."""
    handlers = [NoRedirects()]
    if cookies is not None:
        handlers.append(urllib.request.HTTPCookieProcessor(cookies))
    try:
        with urllib.request.build_opener(*handlers).open(url, data, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


def never_kept(response, what: str) -> None:
    cache_control = response.headers.get("Cache-Control", "")
    response.close()  # a template is sent from its file
    assert cache_control == "no-store", (what, response.status_code, cache_control)


def test_no_staff_answer_may_be_kept(site):
    pages = site.extensions["cisem_graph"].pages
    kept = len(pages)
    staffer = Staffer(site)
    anonymous = site.test_client()
    for path in ("/admin/", "/admin/history", "/admin/signin", "/admin/templates/events.csv"):
        never_kept(anonymous.get(path, headers=HTML), f"anonymous GET {path}")
        never_kept(anonymous.get(path, headers=JSON), f"anonymous JSON {path}")
    never_kept(anonymous.post("/admin/uploads", headers=HTML), "a POST without a session")
    never_kept(staffer.sign_in(), "the sign-in")
    answers = {"the area": staffer.get("/admin/"), "in Italian": staffer.get("/admin/?lang=it"),
               "the history": staffer.get("/admin/history"),
               "its twin": staffer.client.get("/admin/history", headers=JSON),
               "a template": staffer.get("/admin/templates/events.xlsx"),
               "an unknown job": staffer.get("/admin/jobs/0123456789abcdef"),
               "an unknown page": staffer.get("/admin/no-such-page")}
    posted = staffer.upload("prossimo-webinar.csv", good_csv())
    location = posted.headers["Location"]
    answers |= {"the upload": posted, "the checked sheet": staffer.get(location),
                "its twin": staffer.client.get(location, headers=JSON)}
    preview = staffer.post(location.split("?")[0] + "/preview")
    answers |= {"the preview asked": preview, "the preview": staffer.get(preview.headers["Location"])}
    thing = f"/admin/uploads/{upload_id(location)}/preview/doc/event/{GOOD_SLUG}"
    answers |= {"a previewed page": staffer.get(thing),
                "a previewed page again": staffer.get(thing),
                "nothing previewed": staffer.get(thing + "-no")}
    assert answers["a previewed page"].status_code == 200
    assert answers["nothing previewed"].status_code == 404
    for what, response in answers.items():
        never_kept(response, what)
    assert len(pages) == kept  # the page cache holds no staff page and no preview


def test_the_page_cache_keeps_only_what_a_shared_cache_may(site):
    made: list[str] = []

    def produce() -> http.Body:
        made.append("once more")
        return http.Body("<p>made</p>", "text/html; charset=utf-8")

    pages = site.extensions["cisem_graph"].pages
    for policy, times in ((http.NO_STORE, 2), ("private, max-age=60", 2), (None, 1)):
        made.clear()
        before = len(pages)
        for _ in range(2):
            with site.test_request_context(f"/made-{times}-{policy}", headers=HTML):
                response = http.respond(("test",), produce, cache_control=policy)
                assert response.status_code == 200
        assert len(made) == times, policy
        assert len(pages) == before + (times == 1), policy
    assert http.shareable("public, max-age=60, s-maxage=300")
    assert not http.shareable("public, no-store") and not http.shareable("no-store")


def test_a_cache_in_front_never_keeps_a_staff_page(project_copy, live_server, varnish):
    settings = staff_settings(project_copy)
    backend = free_port()
    cache = varnish(backend)
    env = {"CISEM_ROOT": str(project_copy), "CISEM_DIST_DIR": str(settings.dist_dir),
           "CISEM_STAFF_USERS_FILE": str(settings.staff_users_file), "CISEM_SECRET_KEY": SECRET,
           "CISEM_CACHE_SHARED_MAX_AGE": "86400", "CISEM_TRUSTED_PROXIES": "127.0.0.1"}
    with live_server(port=backend, **env):
        # the sign-in form, asked twice with no cookie: made each time (it sets a session)
        answers = [ask(cache + "/admin/signin?lang=en") for _ in range(2)]
        assert [(status, headers["X-Cache"]) for status, headers, _ in answers] == \
            [(200, "MISS"), (200, "MISS")]
        assert answers[0][1]["Cache-Control"] == "no-store"

        # Maria signs in through the cache; her pages are never kept
        jar = CookieJar()
        csrf = Forms(ask(cache + "/admin/signin?lang=en", jar)[2].decode()).csrf
        form = urllib.parse.urlencode({"csrf": csrf, "user": "maria", "password": PASSWORD})
        status, headers, _ = ask(cache + "/admin/signin?lang=en", jar, form.encode())
        assert status == 303 and headers["Cache-Control"] == "no-store"
        for _ in range(2):
            status, headers, body = ask(cache + "/admin/history?lang=en", jar)
            assert status == 200 and b"Maria Esempio" in body
            assert headers["X-Cache"] == "MISS" and headers["Cache-Control"] == "no-store"

        # whoever comes next without her cookie is sent to the sign-in form, never given her page
        for path in ("/admin/", "/admin/history?lang=en"):
            status, headers, body = ask(cache + path)
            assert status == 302 and "/admin/signin" in headers["Location"], path
            assert b"Maria Esempio" not in body and headers["Cache-Control"] == "no-store"
