"""The staff area on the real server (granian, its RSGI front, two worker processes).

The front reads bodies in its event loop, up to ``max_request_bytes`` … except on the upload form
of a signed-in session, which may send a spreadsheet (``import_max_bytes`` and room for the form).
A body declared larger than the limit that applies is answered 413 before a byte of it is read;
a stranger, or a forged cookie, cannot make a worker hold a spreadsheet's worth of memory. A
publish started on one worker is seen, and served, by both."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import time
import uuid
from urllib.parse import urlsplit

import pytest
from staff.sheets import GOOD_SLUG, good_csv
from staffing import PASSWORD, SECRET, staff_settings

from cisem_graph.config import PROJECT_ROOT

IMPORT_MAX = 1_000_000
ASK = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(live_server, tmp_path_factory):
    root = tmp_path_factory.mktemp("staff-live")
    for name in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    settings = staff_settings(root)
    env = {"CISEM_ROOT": str(root), "CISEM_DIST_DIR": str(settings.dist_dir),
           "CISEM_STAFF_USERS_FILE": str(settings.staff_users_file), "CISEM_SECRET_KEY": SECRET,
           "CISEM_IMPORT_MAX_BYTES": str(IMPORT_MAX), "CISEM_WORKERS": "2", "CISEM_THREADS": "4"}
    with live_server(**env) as (_proc, url):
        yield url


class Browser:
    """Cookies and CSRF tokens over plain HTTP/1.1 connections."""

    def __init__(self, url: str) -> None:
        self.host, self.port = urlsplit(url).hostname, urlsplit(url).port
        self.cookie = ""
        self.csrf = ""

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            head = {"Accept": "text/html", **({"Cookie": self.cookie} if self.cookie else {}),
                    **(headers or {})}
            connection.request(method, path, body=body or None, headers=head)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("cisem_staff="):
                self.cookie = value.split(";", 1)[0]
        found = re.search(rb'name="csrf" value="([^"]+)"', data)
        if found:
            self.csrf = found[1].decode()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def sign_in(self) -> None:
        self.request("GET", "/admin/signin")
        form = f"csrf={self.csrf}&user=maria&password={PASSWORD.replace(' ', '+')}".encode()
        status, headers, _ = self.request("POST", "/admin/signin", form, {
            "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 303, status
        self.request("GET", "/admin/")

    def upload(self, name: str, data: bytes, headers: dict | None = None):
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{self.csrf}\r\n',
                 f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nevents\r\n',
                 f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 "Content-Type: text/csv\r\n\r\n"]
        body = "".join(parts).encode() + data + f"\r\n--{boundary}--\r\n".encode()
        return self.request("POST", "/admin/uploads", body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}", **(headers or {})})


def declared_only(url: str, length: int, cookie: str) -> tuple[int, float]:
    """Send the head of an upload declaring ``length`` bytes and no body: the status, and how long
    the answer took."""
    parts = urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall((f"POST /admin/uploads HTTP/1.1\r\nHost: {parts.hostname}\r\n"
                      f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {length}\r\n"
                      + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n").encode())
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split()[1]), time.monotonic() - started


def test_a_body_over_its_limit_is_413_before_it_is_read(server):
    maria = Browser(server)
    maria.sign_in()
    stranger = Browser(server)
    stranger.request("GET", "/admin/signin")  # a session, signed, but nobody signed in
    forged = maria.cookie[:-4] + ("AAAA" if not maria.cookie.endswith("AAAA") else "BBBB")
    for cookie, length in ((maria.cookie, IMPORT_MAX + 200_000), (stranger.cookie, 500_000),
                           (f"cisem_staff={forged.split('=', 1)[1]}", 500_000), ("", 500_000)):
        status, took = declared_only(server, length, cookie)
        assert status == 413 and took < 5, (cookie[:20], status, took)


def test_a_signed_in_upload_may_send_a_spreadsheet_s_worth(server):
    maria = Browser(server)
    maria.sign_in()
    # 30,000 rows naming one made-up event (600 kB: over the usual limit, under the upload's)
    rows = b"titolo;fonte\r\n" + b"Evento fittizio;fonte fittizia\r\n" * 30_000
    assert len(rows) > 3 * 65_536 + 1024
    status, _, body = maria.upload("grande.csv", rows, {"Accept": "application/json"})
    assert status == 201, body[:300]
    assert json.loads(body)["rows"] == 30_000  # the whole body was read and checked


def test_a_publish_on_one_worker_is_seen_and_served_by_both(server):
    maria = Browser(server)
    maria.sign_in()
    status, headers, _ = maria.upload("prossimo-webinar.csv", good_csv())
    assert status == 303
    location = headers["location"].split("?")[0]
    status, headers, _ = maria.request("POST", location + "/publish", f"csrf={maria.csrf}".encode(),
                                       {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303
    job_path = headers["location"].split("?")[0]
    deadline = time.monotonic() + 60
    while True:
        status, _, body = maria.request("GET", job_path, headers={"Accept": "application/json"})
        job = json.loads(body)
        if job["state"] != "running":
            break
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert job["state"] == "done", job
    pages = {maria.request("GET", f"/doc/event/{GOOD_SLUG}")[0] for _ in range(8)}
    assert pages == {200}  # whichever worker answers
    answers = {maria.request("GET", f"/sparql?query={ASK.replace(' ', '+')}",
                             headers={"Accept": "application/sparql-results+json"})[1]
               ["x-dataset-version"] for _ in range(8)}
    assert answers == {job["version"]}
