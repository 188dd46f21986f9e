"""A fair share of query time per client: the token bucket, and the real server across two workers.

The unit tests drive ``Budgets`` with a clock of their own; the live tests run `cisem-graph serve`
with two worker processes and two loopback addresses for two clients (127.0.0.1, 127.0.0.2).
"""

from __future__ import annotations

import json
import math
import socket
import threading
import time
import urllib.parse

import pytest

from cisem_graph.web.fairness import WINDOW, Budgets
from cisem_graph.web.shared import Segment


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_a_client_runs_while_its_bucket_has_time_and_waits_for_its_debt(clock):
    budgets = Budgets(Segment(None), budget=60.0, max_queries=0, clock=clock)
    assert budgets.admit("a") is None
    budgets.release("a", 59.0)
    assert budgets.admit("a") is None  # one second left
    budgets.release("a", 11.0)  # a long query: ten seconds in debt
    refusal = budgets.admit("a")
    assert refusal is not None and refusal.reason == "budget"
    assert refusal.retry_after == 10  # 60 s per minute: one second back per second
    assert budgets.admit("b") is None  # another client is not touched
    clock.now += 10.5
    assert budgets.admit("a") is None
    tokens, running = budgets.balance("a")
    assert tokens == pytest.approx(0.5) and running == 1


def test_the_bucket_refills_to_the_budget_and_no_further(clock):
    budgets = Budgets(Segment(None), budget=6.0, max_queries=0, clock=clock)
    budgets.admit("a")
    budgets.release("a", 6.0)
    clock.now += WINDOW * 10
    assert budgets.balance("a")[0] == pytest.approx(6.0)


def test_running_queries_are_capped_per_client(clock):
    budgets = Budgets(Segment(None), budget=60.0, max_queries=2, clock=clock)
    assert budgets.admit("a") is None and budgets.admit("a") is None
    refusal = budgets.admit("a")
    assert refusal is not None and refusal.reason == "concurrency" and refusal.retry_after == 1
    assert budgets.admit("b") is None
    budgets.release("a", 0.01)
    assert budgets.admit("a") is None


def test_two_workers_on_one_runtime_folder_see_one_budget(tmp_path, clock):
    first = Budgets(Segment(tmp_path), budget=1.0, max_queries=0, clock=clock)
    second = Budgets(Segment(tmp_path), budget=1.0, max_queries=0, clock=clock)
    first.admit("a")
    first.release("a", 2.0)
    assert second.admit("a") is not None
    assert second.admit("b") is None


def test_many_clients_fit_and_an_idle_one_is_forgotten_for_a_new_one(clock):
    budgets = Budgets(Segment(None), budget=1.0, max_queries=1, clock=clock)
    for i in range(3000):
        assert budgets.admit(f"client-{i}") is None
        budgets.release(f"client-{i}", 0.5)
    clock.now += WINDOW  # everyone's bucket is full again: any of them may be forgotten
    for i in range(3000, 12000):
        assert budgets.admit(f"client-{i}") is None
        budgets.release(f"client-{i}", 0.0)
    # a client in debt right now is never the one forgotten
    budgets.admit("debtor")
    budgets.release("debtor", 5.0)
    for i in range(12000, 13000):
        budgets.admit(f"client-{i}")
        budgets.release(f"client-{i}", 0.0)
    assert budgets.admit("debtor") is not None


# -- the real server ----------------------------------------------------------------------------

A, B = "127.0.0.1", "127.0.0.2"
TIMEOUT = 1.5
# Data-independent: five VALUES of 100 rows make 10^10 combinations to count (runs to the time-out).
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(100))} }}" for i in range(5)) + " }"
LIGHT = "ASK { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(live_server):
    env = {"CISEM_WORKERS": "2", "CISEM_QUERY_TIMEOUT": str(TIMEOUT), "CISEM_CLIENT_BUDGET": "1",
           "CISEM_CLIENT_MAX_QUERIES": "2", "CISEM_METRICS": "public", "CISEM_CACHE_ENTRIES": "0"}
    with live_server(**env) as (_proc, url):
        yield url


def ask(url: str, source: str, query: str, timeout: float = 30) -> tuple[int, dict, bytes, float]:
    """One GET on a new connection from ``source``: status, headers, body, seconds."""
    port = int(url.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                  source_address=(source, 0)) as sock:
        sock.sendall(f"GET /sparql?{urllib.parse.urlencode({'query': query})} HTTP/1.1\r\n"
                     "Host: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n"
                     "Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:])}
    return int(lines[0].split()[1]), headers, body, time.monotonic() - started


def test_a_client_past_its_budget_gets_429_on_every_worker_while_another_is_answered(server):
    status, _, _, seconds = ask(server, A, HEAVY)
    assert status == 503 and seconds >= TIMEOUT - 0.1  # it ran to the time-out: 1.5 s charged
    # the debt past the 1 s budget comes back at 1/60 s a second; the query took at most what
    # the client waited (a busy machine stretches it past the time-out)
    longest_wait = math.ceil((seconds - 1.0) * 60) + 1
    # six new connections spread over both workers: each refuses, so the budget is shared
    for _ in range(6):
        status, headers, body, _ = ask(server, A, LIGHT)
        assert status == 429
        # a SPARQL client's error is plain text, as Fuseki writes it
        assert body.startswith(b"429 Too many requests: ") and b"client_budget" in body
        assert 1 <= int(headers["retry-after"]) <= longest_wait
        status, _, body, seconds = ask(server, B, LIGHT)
        assert status == 200 and json.loads(body)["boolean"] is True and seconds < 1.0


def test_a_bad_query_gets_its_400_not_a_429(server):
    status, _, body, _ = ask(server, A, "SELECT WHERE {")
    assert status == 400


def test_queries_running_at_once_are_capped_across_workers(server):
    results: list[int] = []
    source = "127.0.0.3"
    threads = [threading.Thread(target=lambda: results.append(ask(server, source, HEAVY)[0]))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # both are running (each runs to the 1.5 s time-out)
    status, headers, body, seconds = ask(server, source, LIGHT)
    for thread in threads:
        thread.join()
    assert status == 429 and b"client_max_queries" in body and seconds < 1.0
    assert sorted(results) == [503, 503]


def test_metrics_are_summed_over_the_workers(server):
    from prometheus_client.parser import text_string_to_metric_families

    def sparql_200() -> float:
        _, _, body, _ = ask_path(server, "/metrics")
        families = {f.name: f for f in text_string_to_metric_families(body.decode())}
        assert families["cisem_workers"].samples[0].value == 2
        return sum(s.value for s in families["cisem_requests"].samples
                   if s.labels == {"route": "sparql", "status": "200"})

    source = "127.0.0.5"  # a client of this test's own runs to the time-out, then is refused
    assert ask(server, source, HEAVY)[0] == 503
    assert ask(server, source, LIGHT)[0] == 429
    before = sparql_200()
    source = "127.0.0.4"
    for _ in range(10):  # ten new connections: both workers answer some of them
        assert ask(server, source, LIGHT)[0] == 200
    assert sparql_200() - before == 10
    _, _, body, _ = ask_path(server, "/metrics")
    families = {f.name: f for f in text_string_to_metric_families(body.decode())}
    throttled = {s.labels["reason"]: s.value for s in families["cisem_throttled"].samples}
    assert throttled["budget"] >= 1 and set(throttled) == {"connections", "budget", "concurrency"}
    histogram = {s.name: s.value for s in families["cisem_query_seconds"].samples
                 if s.name.endswith(("_count", "_sum"))}
    assert histogram["cisem_query_seconds_count"] >= 10
    assert families["cisem_query_timeouts"].samples[0].value >= 1
    version = families["cisem_dataset_version_info"].samples[0]
    assert len(version.labels["version"]) == 16 and version.value == 2


def ask_path(url: str, path: str) -> tuple[int, dict, bytes, float]:
    import urllib.request

    started = time.monotonic()
    with urllib.request.urlopen(url + path, timeout=10) as answer:
        return answer.status, dict(answer.headers), answer.read(), time.monotonic() - started
