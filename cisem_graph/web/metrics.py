"""``/metrics``: what the server did, in Prometheus' text format, summed over its worker processes.

Off unless the setting ``metrics`` says ``token`` (then ``Authorization: Bearer <admin_token>``) or
``public``. Counters live in each worker's region of the shared segment (``shared``), numbered once
here; a scrape reads every region, so the figures are the server's, not one worker's.
"""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterable

from flask import Blueprint, Response, abort, request

from ..errors import QueryAborted, QueryTimeout, StoreTimeout, StoreUnavailable, Unauthorized
from .shared import COUNTERS, Segment, WorkerRegion

#: the route label of a request: its blueprint, when it is one of these
ROUTES = ("sparql", "resources", "lists", "home", "dataset", "vocabulary", "queries",
          "network", "admin", "metrics", "other")
#: the status label: the code itself when it is one of these, else "other"
STATUSES = (200, 206, 303, 304, 400, 401, 403, 404, 405, 406, 408, 413, 422, 429, 500, 502, 503,
            504, "other")
#: upper bounds of the query-time histogram, in seconds
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
THROTTLES = ("connections", "budget", "concurrency")

_REQUESTS = 0
_BUCKETS = _REQUESTS + len(ROUTES) * len(STATUSES)
_QUERY_SUM = _BUCKETS + len(BUCKETS) + 1  # the last bucket is +Inf
_QUERY_COUNT = _QUERY_SUM + 1
_TIMEOUTS = _QUERY_COUNT + 1
_ABORTS = _TIMEOUTS + 1
_STORE_ERRORS = _ABORTS + 1
_FAST_LANE = _STORE_ERRORS + 1
_CACHE_HITS = _FAST_LANE + 1
_THROTTLED = _CACHE_HITS + 1
_END = _THROTTLED + len(THROTTLES)
assert _END <= COUNTERS

_ROUTE_INDEX = {route: i for i, route in enumerate(ROUTES)}
_STATUS_INDEX = {status: i for i, status in enumerate(STATUSES)}


class Metrics:
    """This worker's counters (written by its threads under one lock)."""

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.region = segment.claim_worker()
        self._lock = threading.Lock()

    def _add(self, index: int, amount: float = 1.0) -> None:
        with self._lock:
            self.region.values[index] += amount

    def serving(self, version: str) -> None:
        self.region.version = version

    def request(self, blueprint: str | None, status: int) -> None:
        route = _ROUTE_INDEX.get(blueprint or "other", _ROUTE_INDEX["other"])
        code = _STATUS_INDEX.get(status, _STATUS_INDEX["other"])
        self._add(_REQUESTS + route * len(STATUSES) + code)

    def query(self, answer: object, seconds: float, error: BaseException | None) -> None:
        """One query that reached the store: its time, its lane (``Answer``, ``Rows`` and
        ``Triples`` say it; an ASK's bool does not), how it ended."""
        bucket = next((i for i, bound in enumerate(BUCKETS) if seconds <= bound), len(BUCKETS))
        with self._lock:
            values = self.region.values
            values[_BUCKETS + bucket] += 1
            values[_QUERY_SUM] += seconds
            values[_QUERY_COUNT] += 1
            if isinstance(error, QueryTimeout | StoreTimeout):
                values[_TIMEOUTS] += 1
            elif isinstance(error, QueryAborted):
                values[_ABORTS] += 1
            elif isinstance(error, StoreUnavailable):
                values[_STORE_ERRORS] += 1
            if answer is not None and getattr(answer, "lane", None) == "fast":
                values[_FAST_LANE] += 1

    def cache_hit(self) -> None:
        self._add(_CACHE_HITS)

    def throttled(self, reason: str) -> None:
        self._add(_THROTTLED + THROTTLES.index(reason))


def exposition(regions: Iterable[WorkerRegion]) -> str:
    """The Prometheus text format (0.0.4) of the counters summed over ``regions``."""
    regions = list(regions)
    total = [0.0] * _END
    versions: dict[str, int] = {}
    for region in regions:
        values = region.values
        for i in range(_END):
            total[i] += values[i]
        if region.alive and region.version:
            versions[region.version] = versions.get(region.version, 0) + 1
    lines: list[str] = []

    def family(name: str, kind: str, help_text: str) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")

    family("cisem_requests_total", "counter", "HTTP requests answered, by route and status.")
    for r, route in enumerate(ROUTES):
        for s, status in enumerate(STATUSES):
            value = total[_REQUESTS + r * len(STATUSES) + s]
            if value:
                lines.append(f'cisem_requests_total{{route="{route}",status="{status}"}} {value:g}')
    family("cisem_query_seconds", "histogram", "Time of the queries that reached the store.")
    cumulative = 0.0
    for i, bound in enumerate((*BUCKETS, "+Inf")):
        cumulative += total[_BUCKETS + i]
        lines.append(f'cisem_query_seconds_bucket{{le="{bound}"}} {cumulative:g}')
    lines.append(f"cisem_query_seconds_sum {total[_QUERY_SUM]:.6f}")
    lines.append(f"cisem_query_seconds_count {total[_QUERY_COUNT]:g}")
    for name, index, help_text in (
            ("cisem_query_timeouts_total", _TIMEOUTS, "Queries stopped at the time-out (the "
             "embedded store kills their process)."),
            ("cisem_query_aborts_total", _ABORTS, "Queries whose process crashed (and was replaced)."),
            ("cisem_store_errors_total", _STORE_ERRORS, "Queries the store could not be asked."),
            ("cisem_queries_fast_lane_total", _FAST_LANE, "Queries proved bounded and run in the "
             "serving process instead of a query process."),
            ("cisem_answer_cache_hits_total", _CACHE_HITS, "Answers served from the answer cache "
             "(no query run).")):
        family(name, "counter", help_text)
        lines.append(f"{name} {total[index]:g}")
    family("cisem_throttled_total", "counter", "Requests refused with 429, by reason.")
    for i, reason in enumerate(THROTTLES):
        lines.append(f'cisem_throttled_total{{reason="{reason}"}} {total[_THROTTLED + i]:g}')
    family("cisem_workers", "gauge", "Worker processes alive.")
    lines.append(f"cisem_workers {sum(1 for region in regions if region.alive)}")
    family("cisem_dataset_version_info", "gauge", "The dataset version served, by worker count.")
    for version, workers in sorted(versions.items()):
        lines.append(f'cisem_dataset_version_info{{version="{version}"}} {workers}')
    return "\n".join(lines) + "\n"


bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics() -> Response:
    from . import get_publisher

    publisher = get_publisher()
    mode = publisher.settings.metrics
    if mode == "off":
        abort(404)
    if mode == "token":
        given = request.headers.get("Authorization", "")
        expected = f"Bearer {publisher.settings.admin_token}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorized("/metrics needs the admin token: Authorization: Bearer <admin_token>")
    body = exposition(publisher.segment.regions())
    response = Response(body, mimetype="text/plain")
    response.headers["Content-Type"] = "text/plain; version=0.0.4; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response

