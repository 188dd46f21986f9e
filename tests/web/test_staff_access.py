"""Who may use the staff area: nobody without signing in, no form without its CSRF token, a session
cookie that scripts cannot read and other sites cannot send, failed sign-ins limited per name and
per address, sessions that end with sign-out, a removed user or a new password."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from staff.sheets import GOOD_SLUG, good_csv
from staffing import HTML, JSON, PASSWORD, TOKEN, Forms, Staffer, staff_settings, upload_id

from cisem_graph.config import Settings
from cisem_graph.graph.pipeline import build
from cisem_graph.staff.users import add_user, remove_user
from cisem_graph.web import create_app

#: every page and form of the area, by method
ROUTES = [("GET", "/admin/"), ("GET", "/admin/history"), ("GET", "/admin/templates/events.xlsx"),
          ("GET", "/admin/uploads/0123456789abcdef"), ("GET", "/admin/uploads/0123456789abcdef/preview"),
          ("GET", "/admin/uploads/0123456789abcdef/preview/doc/event/x"),
          ("GET", "/admin/jobs/0123456789abcdef"), ("POST", "/admin/uploads"),
          ("POST", "/admin/uploads/0123456789abcdef/preview"),
          ("POST", "/admin/uploads/0123456789abcdef/publish"),
          ("POST", "/admin/uploads/0123456789abcdef/discard"),
          ("POST", "/admin/history/0123456789abcdef/undo")]


@pytest.fixture
def app(project_copy):
    app = create_app(staff_settings(project_copy))
    yield app
    app.extensions["cisem_graph"].close()


def path_of(redirect) -> str:
    return urlsplit(redirect.headers["Location"]).path


def cookie_of(response) -> str:
    return next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("cisem_staff="))


def test_off_without_a_users_file(project_copy):
    settings = Settings(root=project_copy)
    build(settings)
    app = create_app(settings)
    try:
        client = app.test_client()
        for method, path in [*ROUTES, ("GET", "/admin/signin")]:
            assert client.open(path, method=method, headers=HTML).status_code == 404, path
    finally:
        app.extensions["cisem_graph"].close()


def test_a_users_file_needs_a_secret_key(project_copy):
    from cisem_graph.errors import ConfigError

    settings = Settings(root=project_copy, staff_users_file=project_copy / "users.json")
    with pytest.raises(ConfigError, match="secret_key"):
        create_app(settings)


@pytest.mark.parametrize("method, path", ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_nothing_without_signing_in(app, method, path):
    staffer = Staffer(app)
    staffer.get("/admin/signin")  # a session with a CSRF token, but nobody signed in
    if method == "GET":
        page = staffer.get(path)
        assert page.status_code == 302 and "/admin/signin?next=" in page.headers["Location"]
        assert staffer.client.get(path, headers=JSON).status_code == 401
    else:
        assert staffer.post(path).status_code == 401
        assert staffer.post(path, headers=JSON).json["messages"]["it"]


def test_signing_in_and_the_cookie(app):
    staffer = Staffer(app)
    assert staffer.get("/admin/").headers["Location"].startswith("/admin/signin")
    wrong = staffer.sign_in(password="not the password")
    assert wrong.status_code == 401 and "Wrong user name or password" in wrong.get_data(as_text=True)
    response = staffer.sign_in()
    assert response.status_code == 303 and path_of(response) == "/admin/"
    flags = [part.strip() for part in cookie_of(response).split(";")]
    assert "HttpOnly" in flags and "SameSite=Lax" in flags and "Path=/admin" in flags
    assert "Secure" not in flags  # plain HTTP here: a Secure cookie would never come back
    page = staffer.get("/admin/")
    assert page.status_code == 200 and Forms(page.get_data(as_text=True)).ids["signed-in"] == \
        "Maria Esempio (fittizia)"


@pytest.mark.parametrize("trusted, scheme, headers, secure", [
    ((), "https", {}, True),
    (("127.0.0.1",), "http", {"X-Forwarded-Proto": "https"}, True),
    ((), "http", {"X-Forwarded-Proto": "https"}, False),  # said by anyone: not believed
    (("10.0.0.0/8",), "http", {"X-Forwarded-Proto": "https"}, False),  # 127.0.0.1 is no proxy of ours
], ids=["https", "trusted-proxy", "untrusted-header", "other-proxy"])
def test_the_cookie_is_secure_behind_https(project_copy, trusted, scheme, headers, secure):
    app = create_app(staff_settings(project_copy, trusted_proxies=trusted))
    try:
        client = app.test_client()
        page = client.get("/admin/signin", headers={**HTML, **headers},
                          base_url=f"{scheme}://localhost/")
        flags = [part.strip() for part in cookie_of(page).split(";")]
        assert ("Secure" in flags) is secure
    finally:
        app.extensions["cisem_graph"].close()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/admin/", "/sparql",
                                    "/admin/\\evil", "javascript:alert(1)"])
def test_no_redirect_away_from_the_area(app, target):
    staffer = Staffer(app)
    staffer.get("/admin/signin")
    response = staffer.post("/admin/signin", {"user": "maria", "password": PASSWORD, "next": target})
    assert path_of(response) == "/admin/"


def test_the_page_asked_for_comes_after_signing_in(app):
    staffer = Staffer(app)
    asked = staffer.get("/admin/history").headers["Location"]
    assert "next=/admin/history" in asked
    staffer.get(asked)
    response = staffer.post("/admin/signin", {"user": "maria", "password": PASSWORD,
                                              "next": "/admin/history"})
    assert response.headers["Location"] == "/admin/history?lang=en"  # the form's language goes on


@pytest.mark.parametrize("token", [None, "", "forged-token"], ids=["missing", "empty", "forged"])
def test_a_form_without_its_token_is_refused(app, token):
    staffer = Staffer(app)
    staffer.sign_in()
    staffer.get("/admin/")
    data = {} if token is None else {"csrf": token}
    for path in ("/admin/uploads", "/admin/signout", "/admin/history/0123456789abcdef/undo",
                 "/admin/uploads/0123456789abcdef/publish"):
        response = staffer.client.post(path, data=data, headers=HTML, query_string={"lang": "it"})
        assert response.status_code == 403, path
        assert "non viene da questo sito" in response.get_data(as_text=True)
    assert staffer.get("/admin/").status_code == 200  # still signed in: sign-out was refused too


def test_a_token_of_another_session_is_refused(app):
    mallory, maria = Staffer(app), Staffer(app)
    mallory.get("/admin/signin")
    maria.sign_in()
    assert maria.post("/admin/signout", csrf=mallory.csrf).status_code == 403


def test_sign_in_needs_the_form_s_token(app):
    client = app.test_client()
    response = client.post("/admin/signin", data={"user": "maria", "password": PASSWORD}, headers=HTML)
    assert response.status_code == 403


def test_failed_sign_ins_are_limited_per_name_and_per_address(project_copy):
    app = create_app(staff_settings(project_copy, signin_attempts=3))
    try:
        here, elsewhere = {"REMOTE_ADDR": "198.51.100.7"}, {"REMOTE_ADDR": "203.0.113.9"}
        attacker = Staffer(app)
        attacker.get("/admin/signin", environ_base=here)
        for _ in range(3):
            wrong = attacker.post("/admin/signin", {"user": "maria", "password": "guess guess guess"},
                                  environ_base=here)
            assert wrong.status_code == 401
        # the right password now changes nothing: the name is blocked, even from elsewhere
        blocked = attacker.post("/admin/signin", {"user": "maria", "password": PASSWORD},
                                environ_base=here)
        assert blocked.status_code == 429 and 0 < int(blocked.headers["Retry-After"]) <= 900
        maria = Staffer(app)
        maria.get("/admin/signin", environ_base=elsewhere)
        assert maria.post("/admin/signin", {"user": "maria", "password": PASSWORD},
                          environ_base=elsewhere).status_code == 429
        # and the address is blocked for every name
        attacker.get("/admin/signin", environ_base=here)
        assert attacker.post("/admin/signin", {"user": "luca", "password": PASSWORD + "!"},
                             environ_base=here).status_code == 429
        luca = Staffer(app, lang="it")
        luca.get("/admin/signin", environ_base=elsewhere)
        ok = luca.post("/admin/signin", {"user": "luca", "password": PASSWORD + "!"},
                       environ_base=elsewhere)
        assert ok.status_code == 303
    finally:
        app.extensions["cisem_graph"].close()


def test_the_limit_is_said_in_italian(project_copy):
    app = create_app(staff_settings(project_copy, signin_attempts=1))
    try:
        staffer = Staffer(app, lang="it")
        staffer.sign_in(password="sbagliata sbagliata")
        response = staffer.sign_in()
        assert response.status_code == 429
        assert "Troppi accessi non riusciti" in response.get_data(as_text=True)
    finally:
        app.extensions["cisem_graph"].close()


def test_signing_out_ends_every_session_of_the_user(app):
    laptop, phone = Staffer(app), Staffer(app)
    laptop.sign_in()
    phone.sign_in()
    copied = laptop.client.get_cookie("cisem_staff", path="/admin").value
    assert laptop.post("/admin/signout").status_code == 303
    assert laptop.get("/admin/").status_code == 302
    assert phone.get("/admin/").status_code == 302  # signed out there too
    replay = app.test_client()
    replay.set_cookie("cisem_staff", copied, path="/admin")
    assert replay.get("/admin/", headers=HTML).status_code == 302


def test_a_removed_user_or_a_new_password_ends_the_session(app, project_copy):
    users = project_copy / "users.json"
    maria, luca = Staffer(app), Staffer(app)
    maria.sign_in()
    luca.sign_in("luca", PASSWORD + "!")
    remove_user(users, "maria")
    assert maria.get("/admin/").status_code == 302
    add_user(users, "luca", "una password tutta nuova", "Luca Esempio (fittizio)")
    assert luca.get("/admin/").status_code == 302
    assert luca.sign_in("luca", "una password tutta nuova").status_code == 303


def test_answers_are_not_stored_framed_or_shared_across_origins(app):
    staffer = Staffer(app)
    staffer.sign_in()
    page = staffer.get("/admin/")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "Access-Control-Allow-Origin" not in page.headers
    public = staffer.client.get("/sparql", query_string={"query": "ASK {}"}, headers=JSON)
    assert public.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in public.headers and "Cookie" not in public.headers.get("Vary", "")


def test_the_admin_token_still_reloads(app):
    response = app.test_client().post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}",
                                                                **JSON})
    assert response.status_code == 200 and response.json["status"] == "unchanged"


# -- hosts (issue 13: absolute URLs from public_url or an allowed Host) ----------------------------

@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "evil.example@localhost"])
def test_a_foreign_host_is_refused_and_named_nowhere(app, host):
    staffer = Staffer(app)
    staffer.sign_in()
    for method, path in [*ROUTES, ("GET", "/admin/signin"), ("POST", "/admin/signin")]:
        for headers in (HTML, JSON):
            response = staffer.client.open(path, method=method, headers={**headers, "Host": host},
                                           data={"csrf": staffer.csrf})
            body = response.get_data(as_text=True)
            assert response.status_code == 400, (method, path, response.status_code)
            assert "evil" not in body and all("evil" not in v for _, v in response.headers.items())
            assert response.headers["Cache-Control"] == "no-store"


def test_under_a_public_url_s_path(project_copy):
    """Behind a proxy that serves the site at https://dati.example.org/lod/: the cookie's path,
    its Secure flag, the redirects and the preview's absolute links are the public ones."""
    public = "https://dati.example.org/lod/"
    app = create_app(staff_settings(project_copy, public_url=public))
    try:
        client = app.test_client()

        def ask(method: str, path: str, **options):
            options.setdefault("headers", HTML)
            return client.open(path, method=method, base_url="https://localhost/lod/", **options)

        asked = ask("GET", "/admin/history?lang=en")
        assert asked.status_code == 302
        assert asked.headers["Location"].startswith("/lod/admin/signin?")
        assert "next=/admin/history" in asked.headers["Location"]
        form = ask("GET", asked.headers["Location"].removeprefix("/lod"))
        csrf = Forms(form.get_data(as_text=True)).csrf
        signed = ask("POST", "/admin/signin?lang=en", data={
            "csrf": csrf, "user": "maria", "password": PASSWORD, "next": "/admin/history?lang=en"})
        assert signed.status_code == 303 and signed.headers["Location"] == "/lod/admin/history?lang=en"
        flags = [part.strip() for part in cookie_of(signed).split(";")]
        assert "Path=/lod/admin" in flags and "Secure" in flags
        history = ask("GET", "/admin/history?lang=en")
        assert history.status_code == 200
        page = Forms(history.get_data(as_text=True))
        assert page.ids["signed-in"] == "Maria Esempio (fittizia)"
        csrf = page.csrf

        data = {"csrf": csrf, "kind": "events", "file": (io.BytesIO(good_csv()), "prossimo.csv")}
        checked = ask("POST", "/admin/uploads?lang=en", data=data, content_type="multipart/form-data")
        assert checked.status_code == 303 and checked.headers["Location"].startswith("/lod/admin/uploads/")
        upload = upload_id(checked.headers["Location"])
        preview = ask("POST", f"/admin/uploads/{upload}/preview?lang=en", data={"csrf": csrf})
        assert preview.headers["Location"] == f"/lod/admin/uploads/{upload}/preview?lang=en"
        listed = ask("GET", f"/admin/uploads/{upload}/preview?lang=en").get_data(as_text=True)
        assert f'href="/lod/admin/uploads/{upload}/preview/doc/event/{GOOD_SLUG}?lang=en"' in listed
        thing = ask("GET", f"/admin/uploads/{upload}/preview/doc/event/{GOOD_SLUG}?lang=en")
        body = thing.get_data(as_text=True)
        assert thing.status_code == 200
        assert f"{public}admin/uploads/{upload}/preview/doc/organization/cisem?lang=en" in body
        assert "localhost" not in body
    finally:
        app.extensions["cisem_graph"].close()
