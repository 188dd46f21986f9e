"""A remote store's faults, seen through the real `cisem-graph serve` on a loopback port.

- The store killed while our server runs: queries and pages answer 502 within the time-out, with a
  plain message and no traceback, ``/health`` still answers; the store started again (same port,
  same data folder) answers again, our server never restarted.
- A slow store (a small threaded HTTP server that sleeps longer than the time-out): 504 within the
  time-out, whether or not it answers the publication record the server asks for at start.

The store under test is never the session's ``store_server``: ``fresh_store`` is a ``oxigraph
serve`` of the test's own, with the built version pushed into a fresh data folder.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from cisem_graph.store.remote import PUBLICATION, Publication, merge_graph, published_graphs

TIMEOUT = 2.0
#: What a fault may add to the time-out before its answer (a loaded 2-core machine included).
MARGIN = 1.5
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EVENT = "https://w3id.org/cisem/id/event/impresa-sociale-di-inserimento-lavorativo"
ASK = f"ASK {{ <{EVENT}> ?p ?o }}"
#: Pages that ask the store (each asked once only, so no cached answer hides the fault; a list is
#: not among them: it is worked out once per version, in the background as the server starts).
PAGES_DOWN = ["/doc/event/impresa-sociale-di-inserimento-lavorativo?lang=en",
              "/doc/place/cuneo?lang=en", "/search?q=Borzaga&lang=en"]
PAGES_BACK = ["/doc/person/carlo-borzaga?lang=en", "/doc/organization/cisem?lang=en"]


def get(url: str, params: dict | None = None, timeout: float = 20, **headers):
    """(status, headers, body, seconds) of a GET, without raising on 4xx/5xx."""
    full = url + ("?" + urllib.parse.urlencode(params) if params else "")
    request = urllib.request.Request(full, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.headers, r.read(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers, e.read(), time.monotonic() - started


def query(url: str, n: int, **headers):
    """A query the server has not answered before (a numbered comment), so none comes from cache."""
    headers = headers or {"Accept": "application/sparql-results+json"}
    return get(url + "/sparql", {"query": f"{ASK} # {n}"}, **headers)


def plain(body: bytes) -> None:
    """An error body for people: no traceback, no host path."""
    assert b"Traceback" not in body and b"/work/" not in body and b"File \"" not in body, body[:500]


# --- the store killed, then back --------------------------------------------------------------------

def test_a_store_killed_mid_run_is_502_and_its_return_is_served(live_server, fresh_store):
    oxi = fresh_store
    with live_server(CISEM_STORE_QUERY_URL=oxi.url, CISEM_QUERY_TIMEOUT=str(TIMEOUT)) as (proc, url):
        for n in range(4):  # every worker thread has a kept-alive store connection now
            status, _, body, _ = query(url, n)
            assert status == 200 and json.loads(body)["boolean"] is True

        oxi.kill()

        status, headers, body, seconds = query(url, 10)
        assert status == 502, body
        assert seconds < TIMEOUT + MARGIN
        assert body.startswith(b"502 Store unavailable: The store ")
        assert headers["Cache-Control"] == "no-store"
        plain(body)
        status, _, body, seconds = query(url, 11, Accept="application/json")
        assert status == 502 and seconds < TIMEOUT + MARGIN
        answer = json.loads(body)
        assert answer["title"] == "Store unavailable" and "store" in answer["error"]
        plain(body)

        status, _, body, _ = get(url + "/health")
        assert status == 200 and json.loads(body)["status"] == "ok"

        for path in PAGES_DOWN:
            status, headers, body, seconds = get(url + path, Accept=BROWSER)
            assert status == 502, (path, status, body[:300])
            assert seconds < TIMEOUT + MARGIN
            assert headers.get_content_type() == "text/html"
            assert b"Store unavailable" in body
            plain(body)

        oxi.start()  # the same port and data folder

        for n in range(20, 24):  # each thread's dropped connection is opened again
            status, _, body, _ = query(url, n)
            assert status == 200 and json.loads(body)["boolean"] is True, body
        for path in PAGES_BACK + PAGES_DOWN:
            status, _, body, _ = get(url + path, Accept=BROWSER)
            assert status == 200, (path, body[:300])
        assert proc.poll() is None


# --- a slow store -----------------------------------------------------------------------------------

class SlowStore(http.server.BaseHTTPRequestHandler):
    """Sleeps ``delay`` seconds on every query; answers the publication record at once with
    ``record`` (a SPARQL JSON body), or sleeps on it too when ``record`` is ``None``."""

    delay = 3 * TIMEOUT
    record: bytes | None = None

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        if self.record is not None and form.get("query") == [Publication.QUERY]:
            self.answer(self.record)
            return
        time.sleep(self.delay)
        self.answer(b'{"head": {}, "boolean": true}')

    def answer(self, body: bytes) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # our server gave up waiting
            pass

    def log_message(self, *args) -> None:
        pass


def record_of(version) -> bytes:
    """The publication record ``push`` would have written for ``version``, as SPARQL JSON rows."""
    graphs = published_graphs(version.dump_path("nq"))
    rows = [("version", {"type": "literal", "value": version.version}),
            ("merge", {"type": "uri", "value": merge_graph(version.version)}),
            *(("graph", {"type": "uri", "value": g}) for g in graphs)]
    bindings = [{"p": {"type": "uri", "value": f"{PUBLICATION}#{p}"}, "o": o} for p, o in rows]
    return json.dumps({"head": {"vars": ["p", "o"]}, "results": {"bindings": bindings}}).encode()


@pytest.fixture(params=["answers-the-record", "sleeps-on-the-record"])
def slow_store(request, built):
    """The query URL of a store that is too slow (``SlowStore``), stopped when the test ends."""
    handler = type("Handler", (SlowStore,), {
        "record": record_of(built[0]) if request.param == "answers-the-record" else None})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/query"
    httpd.shutdown()
    httpd.server_close()


def test_a_slow_store_is_504_within_the_time_out(live_server, slow_store):
    # Sleeping on the record too, the start-up check times out and only logs: the server starts.
    # No warm-up of the pages (warm_pages): its queries would wait on the slow store as well, and
    # take the query slots whose refusal (503) is not what this test measures.
    with live_server(CISEM_STORE_QUERY_URL=slow_store, CISEM_QUERY_TIMEOUT=str(TIMEOUT),
                     CISEM_WARM_PAGES="0") as (proc, url):
        status, headers, body, seconds = query(url, 1)
        assert status == 504, body
        assert TIMEOUT - 0.1 < seconds < TIMEOUT + MARGIN
        assert body.startswith(b"504 Store time-out: The store did not answer within 2 s.")
        assert headers["Cache-Control"] == "no-store"
        plain(body)
        status, _, body, seconds = get(url + PAGES_DOWN[0], Accept=BROWSER)
        assert status == 504 and seconds < TIMEOUT + MARGIN, body[:300]
        assert b"Store time-out" in body
        plain(body)
        status, _, body, _ = get(url + "/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert proc.poll() is None
