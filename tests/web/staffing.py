"""Helpers of the staff area's web tests: an app over a built project copy with a users file, and a
client that signs in and reads the forms' CSRF tokens as a browser would.

Users and rows are made up ("fittizia"); nothing touches the repository's own data/."""

from __future__ import annotations

import io
import re
import time
from html.parser import HTMLParser
from pathlib import Path

from cisem_graph.config import Settings
from cisem_graph.graph.pipeline import build
from cisem_graph.staff.users import add_user

PASSWORD = "una password di prova"
SECRET = "0123456789abcdef0123456789abcdef-test"
TOKEN = "staff-test-admin-token-0123456789"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON = {"Accept": "application/json"}


def staff_settings(root: Path, **changes) -> Settings:
    """Settings over a project copy with two users (maria, luca), built once."""
    users = root / "users.json"
    if not users.exists():
        add_user(users, "maria", PASSWORD, "Maria Esempio (fittizia)", "maria@example.org")
        add_user(users, "luca", PASSWORD + "!", "Luca Esempio (fittizio)", "luca@example.org")
    settings = Settings(root=root, staff_users_file=users, secret_key=SECRET, admin_token=TOKEN,
                        **changes)
    if not (settings.dist_dir / "current").exists():
        build(settings)
    return settings


class Forms(HTMLParser):
    """What the tests read of a page: the CSRF token, tables' cells, elements by id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.csrf: str | None = None
        self.rows: list[list[str]] = []
        self.ids: dict[str, str] = {}
        self.links: list[str] = []
        self._cell: list[str] | None = None
        self._open: list[tuple[str, str, list[str]]] = []  #: elements with an id, nested
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "input" and attrs.get("name") == "csrf":
            self.csrf = attrs.get("value")
        if tag == "tr":
            self.rows.append([])
        if tag == "td":
            self._cell = []
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if "id" in attrs and tag not in ("input", "form", "img", "br", "hr", "meta", "link"):
            self._open.append((attrs["id"], tag, []))

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        for _, _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if self._open and tag == self._open[-1][1]:
            name, _, text = self._open.pop()
            self.ids[name] = " ".join("".join(text).split())

    def table(self) -> list[list[str]]:
        return [row for row in self.rows if row]


class Staffer:
    """A browser of the staff area: the test client, the last page's CSRF token."""

    def __init__(self, app, lang: str = "en") -> None:
        self.client = app.test_client()
        self.lang = lang
        self.csrf: str | None = None

    def get(self, path: str, **options):
        query = None if "?" in path else {"lang": self.lang}
        response = self.client.get(path, query_string=query, headers=HTML, **options)
        if response.mimetype == "text/html":
            found = Forms(response.get_data(as_text=True)).csrf
            self.csrf = found or self.csrf
        return response

    def post(self, path: str, data: dict | None = None, *, csrf: str | None = None, **options):
        form = {"csrf": self.csrf if csrf is None else csrf, **(data or {})}
        options.setdefault("headers", HTML)
        query = None if "?" in path else {"lang": self.lang}
        return self.client.post(path, query_string=query, data=form, **options)

    def sign_in(self, user: str = "maria", password: str = PASSWORD):
        """As a browser does: the form, then the page it leads to (with the new session's token)."""
        self.get("/admin/signin")
        response = self.post("/admin/signin", {"user": user, "password": password})
        if response.status_code == 303:
            self.get(response.headers["Location"])
        return response

    def upload(self, name: str, data: bytes, kind: str = "events", **options):
        return self.post("/admin/uploads", {"kind": kind, "file": (io.BytesIO(data), name)},
                         content_type="multipart/form-data", **options)

    def job(self, location: str, timeout: float = 60) -> dict:
        """The job at ``location`` once it has ended (its JSON twin, polled)."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.client.get(location, headers=JSON).json
            if job["state"] != "running":
                return job
            assert time.monotonic() < deadline, job
            time.sleep(0.1)


def upload_id(location: str) -> str:
    return re.search(r"/admin/uploads/([0-9a-f]+)", location)[1]
