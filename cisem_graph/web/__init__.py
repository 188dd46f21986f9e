"""The web layer: an application factory over one store, in the manner of Flask's flaskr.

``create_app`` is the only way to make an app. It opens the store for the current dataset
version and keeps it in ``app.extensions``; views reach it through ``get_store()`` and never
know which kind of store it is.

A running server follows ``dist/current`` (``reload``): at each request the ``Publisher`` compares
the link with the version it serves (one ``readlink``), opens the new version when it moved, and
retires the old one, closing it when the last request using it has finished. A request keeps the
version it started on (``g``), and says which in ``X-Dataset-Version``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from flask import Flask, current_app, g, has_request_context, request

from ..config import Settings
from ..errors import BadParameter, CisemError
from ..graph.version import CURRENT, DatasetVersion, open_current
from ..store import open_store
from ..store.base import Store
from . import errors, facts, hosts, http, i18n, links, querylog
from .cache import AnswerCache, EntityCache, Memo
from .clients import Clients, parse_networks
from .fairness import Budgets, MeteredStore
from .front import CLIENT
from .metrics import Metrics
from .shared import Segment

EXTENSION = "cisem_graph"
log = logging.getLogger("cisem_graph.web")

#: seconds before a version that failed to open is tried again
RETRY_AFTER_FAILURE = 2.0
T = TypeVar("T")


@dataclass
class Served:
    """One dataset version in service, and how many requests are using it."""

    release: DatasetVersion
    store: Store
    leases: int = 0
    retired: bool = False


class Publisher:
    """What every view needs: settings, the answer cache, the version being served, and the state
    shared with the server's other workers (client budgets, metrics)."""

    def __init__(self, settings: Settings, served: Served, cache: AnswerCache, *,
                 follow: bool) -> None:
        self.settings = settings
        self.cache = cache
        self.memo = Memo()
        self.warming: threading.Thread | None = None  #: the warm-up of the version served
        #: rendered pages and documents, by ETag (a sitemap of 50,000 URLs is ~20 MB: kept too)
        self.pages = EntityCache(settings.cache_entries, 128 * 1024 * 1024, 48 * 1024 * 1024)
        self.segment = Segment(settings.runtime_dir)
        self.metrics = Metrics(self.segment)
        self.metrics.serving(served.release.version)
        self.budgets = Budgets(self.segment, settings.client_budget, settings.client_max_queries)
        self.clients = Clients(parse_networks(settings.trusted_proxies))
        self._served = served
        self._current = os.fspath(settings.dist_dir / CURRENT)  # read at every request
        self._follow = follow  # False: a store handed to create_app, never replaced
        self._lock = threading.Lock()
        self._failed: tuple[str, float] | None = None

    @property
    def store(self) -> Store:
        return self._served.store

    @property
    def release(self) -> DatasetVersion:
        return self._served.release

    def lease(self) -> Served:
        """The version to answer a request with (moved to ``current`` first if it changed)."""
        if self._follow:
            self._follow_current()
        with self._lock:
            served = self._served
            served.leases += 1
            return served

    def hold(self, served: Served) -> None:
        """Lease ``served`` itself (not the current version): for work on a version in the
        background, which must find its store open until it is done."""
        with self._lock:
            served.leases += 1

    def unlease(self, served: Served) -> None:
        with self._lock:
            served.leases -= 1
            done = served.retired and served.leases == 0
        if done:
            served.store.close()

    def _follow_current(self) -> None:
        try:
            target = os.path.basename(os.readlink(self._current))
        except OSError:
            return  # no link (yet): keep serving what is open
        if target == self._served.release.version:
            return
        with self._lock:
            if target == self._served.release.version:
                return  # another thread moved first
            if self._failed and self._failed[0] == target and \
                    time.monotonic() - self._failed[1] < RETRY_AFTER_FAILURE:
                return
            try:
                release = open_current(self.settings.dist_dir)
                store = open_store(self.settings, release)
            except CisemError as exc:
                self._failed = (target, time.monotonic())
                log.error("cannot serve version %s, %s keeps serving: %s", target,
                          self._served.release.version, exc.message)
                return
            old, self._served = self._served, Served(release, store)
            self.metrics.serving(release.version)
            old.retired = True
            idle = old.leases == 0
        log.info("now serving version %s (was %s)", release.version, old.release.version)
        self.warming = facts.warm(self, self._served)
        if idle:
            old.store.close()

    def close(self) -> None:
        with self._lock:
            self._served.retired = True
            idle = self._served.leases == 0
        if idle:
            self._served.store.close()


def create_app(settings: Settings | None = None, store: Store | None = None) -> Flask:
    """Create the publisher for ``settings`` (default: from the environment)."""
    settings = settings or Settings.from_env()
    staff_area = settings.staff_area  # a users file without a secret key: refused before anything
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=settings.max_request_bytes * 3 + 1024, JSON_SORT_KEYS=False)
    release = open_current(settings.dist_dir)
    served = Served(release, store or open_store(settings, release))
    publisher = Publisher(settings, served, AnswerCache(settings.cache_entries),
                          follow=store is None)
    app.extensions[EXTENSION] = publisher
    querylog.install()
    app.wsgi_app = hosts.HostCheck(app.wsgi_app, settings, publisher.clients.is_trusted)
    app.before_request(_refuse_foreign_host)
    publisher.warming = facts.warm(publisher, served)

    from . import admin, dataset, home, lists, metrics, network, queries, resources, sparql, staff, vocabulary

    for surface in (sparql, home, dataset, vocabulary, resources, lists, queries, network, admin,
                    staff, metrics):
        app.register_blueprint(surface.bp)
    if staff_area:
        from ..staff.jobs import recover
        from .sessions import init_app as init_sessions

        init_sessions(app, settings)
        recover(settings)  # a publish job whose worker died is rolled back
    errors.init_app(app)
    app.before_request(i18n.refuse_bad_language)
    app.jinja_env.globals["url_for"] = links.page_url
    app.jinja_env.globals["this_page"] = i18n.this_page
    app.context_processor(_frame)
    app.after_request(_common_headers)
    app.teardown_request(_unlease)
    return app


def get_publisher_of(app: Flask) -> Publisher:
    """An app's publisher, outside a request (the front's hot path, the WSGI entry point)."""
    return app.extensions[EXTENSION]


def get_settings_of(app: Flask) -> Settings:
    """The settings an app was made with (outside a request)."""
    return get_publisher_of(app).settings


def get_publisher() -> Publisher:
    return current_app.extensions[EXTENSION]


def _served() -> Served:
    """The version this request uses: leased once, at its first use, kept to its end."""
    if not has_request_context():
        return get_publisher()._served
    served = g.get("cisem_served")
    if served is None:
        served = g.cisem_served = get_publisher().lease()
    return served


def _unlease(_exc: BaseException | None) -> None:
    served = g.pop("cisem_served", None)
    if served is not None:
        get_publisher().unlease(served)


def get_store() -> Store:
    """The request's store: the version it leased, metered against its client's budget."""
    store = _served().store
    if not has_request_context():
        return store
    publisher = get_publisher()
    if not publisher.budgets.enabled:
        return store
    return MeteredStore(store, publisher.budgets, client_of_request(), publisher.metrics)


def client_of_request() -> str:
    """Who asks: what the front found (granian), else the peer and X-Forwarded-For (``clients``)."""
    client = request.environ.get(CLIENT)
    if client is None:
        client = get_publisher().clients.client(request.remote_addr or "",
                                                request.headers.get("X-Forwarded-For"))
    return client


def get_release() -> DatasetVersion:
    return _served().release


def release_modified() -> datetime | None:
    """When the served version was written: ``Last-Modified`` of everything derived from it."""
    created = get_release().created
    try:
        return datetime.fromisoformat(created) if created else None
    except ValueError:
        return None


def get_settings() -> Settings:
    return get_publisher().settings


def remember(name: str, compute: Callable[[], T], *args: Hashable) -> T:
    """``compute()`` once per served version (and ``args``), kept on the app."""
    return get_publisher().memo.get((get_store().version, name, *args), compute)


def _refuse_foreign_host() -> None:
    """A Host this server does not answer for (``hosts``): 400, before any view runs."""
    if request.environ.get(hosts.REFUSED_HOST):
        raise BadParameter("This server does not answer for the host named in the request "
                           "(setting allowed_hosts).", say="bad_host")


def _frame() -> dict:
    """What every template's frame needs: the page's language and its words (views may pass
    their own ``t`` with more sections), the language switch, canonical and hreflang URLs."""
    from .catalogue import words
    from .i18n import frame, page_language

    lang = page_language()
    return {"frame": frame(lang), "lang": lang, "t": words(lang)}


def _common_headers(response):
    publisher = get_publisher()
    publisher.metrics.request(request.blueprint, response.status_code)
    headers = response.headers
    cors = publisher.settings.cors_origin if request.blueprint != "staff" else None  # no credentials
    for name, value in http.common_headers(cors, _served().store.version, request.method):
        if name == "X-Content-Type-Options":
            headers.setdefault(name, value)
        else:
            headers[name] = value
    return response
